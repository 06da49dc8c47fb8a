/* guest/acpi_tables.c: building the VM's ACPI tables (see guest/acpi_tables.h) straight into
 * guest RAM. Layouts: ACPI 6.5, 5.2.5.3 (RSDP), 5.2.6 (table header), 5.2.7/5.2.8 (RSDT/XSDT),
 * 5.2.9 (FADT), 5.2.10 (FACS), 5.2.11.1 (DSDT), 5.2.12 (MADT); \_S5 as in 7.4.2 "\_Sx (System
 * States)", encoded per 20.2 "AML Grammar Definition". Pure; BSP while the VM is built. */
#include "guest/acpi_tables.h"
#include "guest/layout.h"
#include "lib/acpi_rsdp.h"
#include "lib/log.h"

#define HDR 36 /* the common table header */
#define FACS_LEN 64
#define FADT_LEN 276 /* revision 6: up to the hypervisor vendor identity */
#define MADT_FIXED 44 /* header, local APIC address, flags */
#define MADT_LAPIC_LEN 8
#define MADT_X2APIC_LEN 16

#define FADT_WBINVD (1u << 0)
#define FADT_PROC_C1 (1u << 2)
#define FADT_PWR_BUTTON (1u << 4) /* set: no fixed-feature power button */
#define FADT_SLP_BUTTON (1u << 5) /* set: no fixed-feature sleep button */
#define BOOT_ARCH_VGA_NOT_PRESENT (1u << 2)
#define BOOT_ARCH_CMOS_RTC_NOT_PRESENT (1u << 5)
#define GAS_SYSTEM_IO 1
#define GAS_ACCESS_WORD 2
#define MADT_ENABLED 1u
#define SCI_IRQ 9

/* DSDT AML: Name (_S5, Package () { S5, S5, Zero, Zero }). PkgLength 8 counts itself, the
 * element count and the 6 bytes of elements. */
#define S5_AML_LEN 14

/* Offsets from the RSDP of each table; the RSDP comes first. */
struct acpi_layout {
	uint32_t facs, dsdt, fadt, madt, madt_len, xsdt, rsdt, end;
};

static uint32_t align_up(uint32_t v, uint32_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void put(uint8_t *p, uint64_t v, unsigned size)
{
	memcpy(p, &v, size);
}

/* ACPI 6.5, 5.2.6: every byte of a table, checksum included, sums to 0 mod 256. */
static uint8_t checksum(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return (uint8_t)-sum;
}

static uint32_t madt_len(const struct guest_acpi_params *p)
{
	uint32_t len = MADT_FIXED;

	for (unsigned i = 0; i < p->ncpus; i++)
		len += p->apic_ids[i] > 254 ? MADT_X2APIC_LEN : MADT_LAPIC_LEN;
	return len;
}

static struct acpi_layout layout(const struct guest_acpi_params *p)
{
	struct acpi_layout l;

	l.facs = align_up(RSDP_V2_LEN, 64); /* the FACS must be 64-byte aligned */
	l.dsdt = align_up(l.facs + FACS_LEN, 16);
	l.fadt = align_up(l.dsdt + HDR + S5_AML_LEN, 16);
	l.madt = align_up(l.fadt + FADT_LEN, 16);
	l.madt_len = madt_len(p);
	l.xsdt = align_up(l.madt + l.madt_len, 16);
	l.rsdt = align_up(l.xsdt + HDR + 2 * 8, 16);
	l.end = l.rsdt + HDR + 2 * 4;
	return l;
}

/* An identifier field: the string's bytes, padded with spaces. */
static void put_id(uint8_t *p, const char *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = *s ? (uint8_t)*s++ : ' ';
}

static const char *oem_id(const struct guest_acpi_params *p)
{
	return p->oem_id ? p->oem_id : GUEST_ACPI_OEM_ID;
}

static void header(uint8_t *t, const struct guest_acpi_params *p, const char *sig, uint32_t len,
		   uint8_t rev)
{
	memcpy(t, sig, 4);
	put(t + 4, len, 4);
	t[8] = rev;
	put_id(t + 10, oem_id(p), 6);
	put_id(t + 16, p->oem_table_id ? p->oem_table_id : GUEST_ACPI_OEM_TABLE_ID, 8);
	put(t + 24, 1, 4);         /* OEM revision */
	memcpy(t + 28, "MHV ", 4); /* creator id */
	put(t + 32, 1, 4);         /* creator revision */
}

static void seal(uint8_t *t)
{
	uint32_t len;

	memcpy(&len, t + 4, 4);
	t[9] = 0;
	t[9] = checksum(t, len);
}

static void build_dsdt(uint8_t *t, const struct guest_acpi_params *p)
{
	const uint8_t aml[S5_AML_LEN] = {
		0x08, '_', 'S', '5', '_', /* NameOp, NameString */
		0x12, 0x08, 0x04,         /* PackageOp, PkgLength, NumElements */
		0x0a, p->slp_typ_s5,      /* BytePrefix: SLP_TYPa */
		0x0a, p->slp_typ_s5,      /* BytePrefix: SLP_TYPb */
		0x00, 0x00,               /* ZeroOp, ZeroOp: reserved */
	};

	header(t, p, "DSDT", HDR + S5_AML_LEN, 2);
	memcpy(t + HDR, aml, sizeof(aml));
	seal(t);
}

/* One Processor Local APIC per vCPU, ACPI processor UID = index; a Processor Local x2APIC for
 * APIC ids the 8-bit field cannot hold (255 is the broadcast id). */
static void build_madt(uint8_t *t, const struct guest_acpi_params *p, uint32_t len)
{
	uint8_t *e = t + MADT_FIXED;

	header(t, p, "APIC", len, 5);
	put(t + HDR, GUEST_APIC_BASE, 4);
	put(t + HDR + 4, 0, 4); /* flags: no PCAT_COMPAT, the VM has no 8259 PICs */
	for (unsigned i = 0; i < p->ncpus; i++) {
		if (p->apic_ids[i] > 254) {
			e[0] = 9, e[1] = MADT_X2APIC_LEN;
			put(e + 4, p->apic_ids[i], 4);
			put(e + 8, MADT_ENABLED, 4);
			put(e + 12, i, 4);
			e += MADT_X2APIC_LEN;
		} else {
			e[0] = 0, e[1] = MADT_LAPIC_LEN, e[2] = (uint8_t)i;
			e[3] = (uint8_t)p->apic_ids[i];
			put(e + 4, MADT_ENABLED, 4);
			e += MADT_LAPIC_LEN;
		}
	}
	seal(t);
}

/* ACPI 6.5, 5.2.3.2 Generic Address Structure, in system I/O space. */
static void gas_io(uint8_t *g, uint16_t port, uint8_t bits)
{
	g[0] = GAS_SYSTEM_IO;
	g[1] = bits;
	g[2] = 0;
	g[3] = GAS_ACCESS_WORD; /* PM1 registers are 16 bits wide */
	put(g + 4, port, 8);
}

/* SMI_CMD 0: the VM is always in ACPI mode (its PM1 control reads back SCI_EN). No PM timer,
 * no RTC, no GPE blocks. FIRMWARE_CTRL holds the FACS, so X_FIRMWARE_CTRL must stay 0. */
static void build_fadt(uint8_t *t, const struct guest_acpi_params *p, uint64_t base,
		       const struct acpi_layout *l)
{
	header(t, p, "FACP", FADT_LEN, 6);
	put(t + 36, base + l->facs, 4);  /* FIRMWARE_CTRL */
	put(t + 40, base + l->dsdt, 4);  /* DSDT */
	put(t + 46, SCI_IRQ, 2);         /* SCI_INT */
	put(t + 56, p->pm1a_evt, 4);     /* PM1a_EVT_BLK */
	put(t + 64, p->pm1a_cnt, 4);     /* PM1a_CNT_BLK */
	t[88] = 4;                       /* PM1_EVT_LEN */
	t[89] = 2;                       /* PM1_CNT_LEN */
	put(t + 109, BOOT_ARCH_VGA_NOT_PRESENT | BOOT_ARCH_CMOS_RTC_NOT_PRESENT, 2);
	put(t + 112, FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON, 4);
	t[131] = 5;                      /* FADT minor version: ACPI 6.5 */
	put(t + 140, base + l->dsdt, 8); /* X_DSDT */
	gas_io(t + 148, p->pm1a_evt, 32); /* X_PM1a_EVT_BLK */
	gas_io(t + 172, p->pm1a_cnt, 16); /* X_PM1a_CNT_BLK */
	seal(t);
}

/* The XSDT (8-byte entries) or RSDT (4-byte entries), both listing the FADT and the MADT. */
static void build_root(uint8_t *t, const struct guest_acpi_params *p, const char *sig,
		       unsigned entry, uint64_t base, const struct acpi_layout *l)
{
	header(t, p, sig, HDR + 2 * entry, 1);
	put(t + HDR, base + l->fadt, entry);
	put(t + HDR + entry, base + l->madt, entry);
	seal(t);
}

static void build_rsdp(uint8_t *r, const struct guest_acpi_params *p, uint64_t base,
		       const struct acpi_layout *l)
{
	memcpy(r, "RSD PTR ", 8);
	put_id(r + 9, oem_id(p), 6);
	r[15] = 2;                      /* revision: ACPI 2.0+, with the XSDT */
	put(r + 16, base + l->rsdt, 4);
	put(r + 20, RSDP_V2_LEN, 4);
	put(r + 24, base + l->xsdt, 8);
	r[8] = checksum(r, 20);         /* the ACPI 1.0 part */
	r[32] = checksum(r, RSDP_V2_LEN);  /* extended checksum, over all of it */
}

static bool params_ok(const struct guest_acpi_params *p)
{
	if (!p->ncpus || p->ncpus > GUEST_ACPI_MAX_CPUS) {
		log_error("guest: ACPI tables for %u vCPUs: 1 to %u supported", p->ncpus,
			  GUEST_ACPI_MAX_CPUS);
		return false;
	}
	if (p->base_gpa < GUEST_ACPI_BASE || p->base_gpa >= GUEST_ACPI_END || p->base_gpa & 15) {
		log_error("guest: ACPI tables at 0x%lx: the RSDP must be 16-aligned in 0x%lx-0x%lx",
			  p->base_gpa, GUEST_ACPI_BASE, GUEST_ACPI_END - 1);
		return false;
	}
	return true;
}

bool guest_acpi_build(struct gmem *gm, const struct guest_acpi_params *p, uint64_t *rsdp_gpa,
		      uint32_t *used)
{
	if (!params_ok(p))
		return false;
	struct acpi_layout l = layout(p);
	uint64_t base = p->base_gpa;
	if (l.end > GUEST_ACPI_END - base) {
		log_error("guest: ACPI tables (0x%x bytes at 0x%lx) run past 0x%lx", l.end, base,
			  GUEST_ACPI_END);
		return false;
	}
	uint8_t *w = gmem_ptr(gm, base, l.end);
	if (!w) {
		log_error("guest: ACPI tables at 0x%lx-0x%lx lie outside the guest's 0x%lx bytes "
			  "of RAM", base, base + l.end - 1, gm->size);
		return false;
	}
	memset(w, 0, l.end);
	build_dsdt(w + l.dsdt, p);
	memcpy(w + l.facs, "FACS", 4);
	put(w + l.facs + 4, FACS_LEN, 4);
	w[l.facs + 32] = 2; /* FACS version */
	build_fadt(w + l.fadt, p, base, &l);
	build_madt(w + l.madt, p, l.madt_len);
	build_root(w + l.xsdt, p, "XSDT", 8, base, &l);
	build_root(w + l.rsdt, p, "RSDT", 4, base, &l);
	build_rsdp(w, p, base, &l);
	*rsdp_gpa = base;
	*used = l.end;
	return true;
}
