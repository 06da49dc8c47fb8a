/* guest/acpi_tables.c: building the VM's ACPI tables (see guest/acpi_tables.h). Table layouts:
 * ACPI 6.5, 5.2.5.3 (RSDP), 5.2.7/5.2.8 (RSDT/XSDT), 5.2.9 (FADT), 5.2.10 (FACS), 5.2.12 (MADT),
 * 5.2.11.1 (DSDT); the \_S5 object as in 7.4.2 "\_Sx (System States)". */
#include "guest/acpi_tables.h"
#include "lib/log.h"

#define OEM_ID "MICRHV"
#define OEM_TABLE_ID "MICROHV "
#define HDR 36

struct builder {
	uint8_t buf[8192]; /* 256 x2APIC entries and the rest fit */
	uint32_t len;
	uint64_t base;
};

static void put(uint8_t *p, uint64_t v, unsigned size)
{
	memcpy(p, &v, size);
}

static uint8_t checksum(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return (uint8_t)-sum;
}

/* Reserve `len` bytes at `align`; returns the offset in the buffer. */
static uint32_t reserve(struct builder *b, uint32_t len, uint32_t align)
{
	uint32_t at = (b->len + align - 1) & ~(align - 1);

	b->len = at + len;
	return at;
}

static uint32_t table(struct builder *b, const char *sig, uint32_t len, uint8_t rev)
{
	uint32_t at = reserve(b, len, 16);
	uint8_t *t = b->buf + at;

	memcpy(t, sig, 4);
	put(t + 4, len, 4);
	t[8] = rev;
	memcpy(t + 10, OEM_ID, 6);
	memcpy(t + 16, OEM_TABLE_ID, 8);
	put(t + 24, 1, 4);          /* OEM revision */
	memcpy(t + 28, "MHV ", 4);  /* creator id */
	put(t + 32, 1, 4);          /* creator revision */
	return at;
}

static void seal(struct builder *b, uint32_t at)
{
	uint32_t len;

	memcpy(&len, b->buf + at + 4, 4);
	b->buf[at + 9] = checksum(b->buf + at, len);
}

/* DSDT: Name (_S5, Package () { S5, S5, Zero, Zero }). */
static uint32_t build_dsdt(struct builder *b, uint8_t s5)
{
	const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				0x0a, s5, 0x0a, s5, 0x00, 0x00 };
	uint32_t at = table(b, "DSDT", HDR + sizeof(aml), 2);

	memcpy(b->buf + at + HDR, aml, sizeof(aml));
	seal(b, at);
	return at;
}

static uint32_t build_madt(struct builder *b, const struct guest_acpi_params *p)
{
	uint32_t len = HDR + 8;

	for (unsigned i = 0; i < p->ncpus; i++)
		len += p->apic_ids[i] > 254 ? 16 : 8;
	uint32_t at = table(b, "APIC", len, 5);
	uint8_t *t = b->buf + at, *e = t + HDR + 8;
	put(t + HDR, 0xfee00000, 4); /* local APIC address; flags 0: no 8259 PICs */
	for (unsigned i = 0; i < p->ncpus; i++) {
		if (p->apic_ids[i] > 254) { /* Processor Local x2APIC */
			e[0] = 9, e[1] = 16;
			put(e + 4, p->apic_ids[i], 4);
			put(e + 8, 1, 4); /* enabled */
			put(e + 12, i, 4);
			e += 16;
		} else {                    /* Processor Local APIC */
			e[0] = 0, e[1] = 8, e[2] = (uint8_t)i, e[3] = (uint8_t)p->apic_ids[i];
			put(e + 4, 1, 4);
			e += 8;
		}
	}
	seal(b, at);
	return at;
}

static void gas_io(uint8_t *g, uint16_t port, uint8_t bits)
{
	g[0] = 1; /* system I/O */
	g[1] = bits;
	put(g + 4, port, 8);
}

static uint32_t build_fadt(struct builder *b, const struct guest_acpi_params *p, uint32_t facs,
			   uint32_t dsdt)
{
	uint32_t at = table(b, "FACP", 276, 6);
	uint8_t *t = b->buf + at;

	put(t + 36, b->base + facs, 4);
	put(t + 40, b->base + dsdt, 4);
	put(t + 46, 9, 2);              /* SCI_INT; SMI_CMD stays 0: always in ACPI mode */
	put(t + 56, p->pm1a_evt, 4);
	put(t + 64, p->pm1a_cnt, 4);
	t[88] = 4;                      /* PM1_EVT_LEN */
	t[89] = 2;                      /* PM1_CNT_LEN */
	put(t + 112, (1u << 0) | (1u << 2) | (1u << 5) | (1u << 4), 4); /* WBINVD, PROC_C1,
								      * SLP_BUTTON, PWR_BUTTON */
	t[131] = 5;                     /* FADT minor version */
	put(t + 132, b->base + facs, 8);
	put(t + 140, b->base + dsdt, 8);
	gas_io(t + 148, p->pm1a_evt, 32);
	gas_io(t + 172, p->pm1a_cnt, 16);
	seal(b, at);
	return at;
}

static uint32_t build_root(struct builder *b, const char *sig, unsigned entry, const uint32_t *t,
			   unsigned n)
{
	uint32_t at = table(b, sig, HDR + entry * n, 1);

	for (unsigned i = 0; i < n; i++)
		put(b->buf + at + HDR + i * entry, b->base + t[i], entry);
	seal(b, at);
	return at;
}

bool guest_acpi_build(struct gmem *gm, const struct guest_acpi_params *p, uint64_t *rsdp_gpa,
		      uint32_t *used)
{
	static struct builder b;

	memset(&b, 0, sizeof(b));
	b.base = p->base_gpa;
	uint32_t rsdp = reserve(&b, 36, 16);
	uint32_t facs = reserve(&b, 64, 64);
	memcpy(b.buf + facs, "FACS", 4);
	put(b.buf + facs + 4, 64, 4);
	uint32_t tabs[2] = { build_fadt(&b, p, facs, build_dsdt(&b, p->slp_typ_s5)),
			     build_madt(&b, p) };
	uint32_t xsdt = build_root(&b, "XSDT", 8, tabs, 2), rsdt = build_root(&b, "RSDT", 4, tabs, 2);
	uint8_t *r = b.buf + rsdp;
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, OEM_ID, 6);
	r[15] = 2;
	put(r + 16, b.base + rsdt, 4);
	put(r + 20, 36, 4);
	put(r + 24, b.base + xsdt, 8);
	r[8] = checksum(r, 20);
	r[32] = checksum(r, 36);
	if (b.len > sizeof(b.buf) || !gmem_write(gm, b.base, b.buf, b.len)) {
		log_error("guest: the ACPI tables (%u bytes) do not fit at 0x%lx", b.len, b.base);
		return false;
	}
	*rsdp_gpa = b.base + rsdp;
	*used = b.len;
	return true;
}
