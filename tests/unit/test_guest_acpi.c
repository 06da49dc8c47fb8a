/* tests/unit/test_guest_acpi.c: the VM's ACPI tables from guest/acpi_tables.c, checked byte by
 * byte against ACPI 6.5 (checksums, FADT and MADT fields, the \_S5 AML), refused parameters, and
 * read back with the hypervisor's own firmware-table parser (arch/acpi.c): two independent
 * implementations of one layout, cross-checked. */
#include "arch/acpi.h"
#include "guest/acpi_tables.h"
#include "guest/layout.h"
#include "tests/unit/guest_ram.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"

#define RAM (4u << 20)

static uint64_t rsdp;
static uint32_t used;

static uint8_t sum(uint64_t gpa, uint32_t len)
{
	uint8_t s = 0;

	for (uint32_t i = 0; i < len; i++)
		s += test_ram_u8(gpa + i);
	return s;
}

static struct guest_acpi_params params(unsigned ncpus)
{
	struct guest_acpi_params p = { GUEST_ACPI_BASE, ncpus, { 0 }, 0x600, 0x604, 5, NULL, NULL, 0 };

	for (unsigned i = 0; i < ncpus; i++)
		p.apic_ids[i] = i;
	return p;
}

static bool build(const struct guest_acpi_params *p)
{
	test_log_clear();
	return guest_acpi_build(test_ram_fresh(RAM), p, &rsdp, &used);
}

/* A table whose signature, length (at least min), checksum and OEM fields are right. */
static bool table_ok(uint64_t gpa, const char *sig, uint32_t min_len, uint8_t rev)
{
	uint32_t len = test_ram_u32(gpa + 4);
	bool ok = gpa >= GUEST_ACPI_BASE && gpa + 36 <= rsdp + used && len >= min_len &&
		  gpa + len <= rsdp + used && !memcmp(test_ram_at(gpa, 4), sig, 4) &&
		  test_ram_u8(gpa + 8) == rev && sum(gpa, len) == 0 &&
		  !memcmp(test_ram_at(gpa + 10, 6), "MICRHV", 6) &&
		  !memcmp(test_ram_at(gpa + 16, 8), "MICROHV ", 8);

	if (!ok)
		printf("    table %s at 0x%llx is wrong\n", sig, (unsigned long long)gpa);
	return ok;
}

static uint64_t fadt_gpa(void)
{
	return test_ram_u64(test_ram_u64(rsdp + 24) + 36);
}

static uint64_t madt_gpa(void)
{
	return test_ram_u64(test_ram_u64(rsdp + 24) + 44);
}

TEST(guest_acpi_rsdp_and_root_tables)
{
	struct guest_acpi_params p = params(1);

	MUST(build(&p));
	CHECK_EQ(rsdp, 0xe0000);
	CHECK(used > 36 && rsdp + used <= GUEST_ACPI_END);
	CHECK_EQ(test_ram_u8(rsdp + used), 0xcc); /* nothing written past what it says it used */
	CHECK(!memcmp(test_ram_at(rsdp, 8), "RSD PTR ", 8));
	CHECK_EQ(sum(rsdp, 20), 0);
	CHECK_EQ(sum(rsdp, 36), 0);
	CHECK(!memcmp(test_ram_at(rsdp + 9, 6), "MICRHV", 6));
	CHECK_EQ(test_ram_u8(rsdp + 15), 2);
	CHECK_EQ(test_ram_u32(rsdp + 20), 36);
	CHECK_EQ(test_ram_u8(rsdp + 33) | test_ram_u8(rsdp + 34) | test_ram_u8(rsdp + 35), 0);

	uint64_t xsdt = test_ram_u64(rsdp + 24), rsdt = test_ram_u32(rsdp + 16);
	CHECK(table_ok(xsdt, "XSDT", 36 + 16, 1));
	CHECK(table_ok(rsdt, "RSDT", 36 + 8, 1));
	CHECK_EQ(test_ram_u32(xsdt + 4), 36 + 16);
	CHECK_EQ(test_ram_u32(rsdt + 4), 36 + 8);
	CHECK_EQ(test_ram_u64(xsdt + 36), test_ram_u32(rsdt + 36)); /* both list the FADT, then the MADT */
	CHECK_EQ(test_ram_u64(xsdt + 44), test_ram_u32(rsdt + 40));
	CHECK(table_ok(test_ram_u64(xsdt + 36), "FACP", 276, 6));
	CHECK(table_ok(test_ram_u64(xsdt + 44), "APIC", 44, 5));
}

TEST(guest_acpi_fadt_facs_dsdt)
{
	struct guest_acpi_params p = params(1);

	MUST(build(&p));
	uint64_t f = fadt_gpa();
	CHECK_EQ(test_ram_u32(f + 4), 276);
	CHECK_EQ(test_ram_u8(f + 131), 5); /* minor version */
	uint64_t facs = test_ram_u32(f + 36);
	CHECK_EQ(facs & 63, 0);
	CHECK(!memcmp(test_ram_at(facs, 4), "FACS", 4));
	CHECK_EQ(test_ram_u32(facs + 4), 64);
	CHECK_EQ(test_ram_u64(f + 132), 0); /* X_FIRMWARE_CTRL: 0 when FIRMWARE_CTRL is set */
	uint64_t dsdt = test_ram_u32(f + 40);
	CHECK_EQ(test_ram_u64(f + 140), dsdt);
	CHECK(table_ok(dsdt, "DSDT", 36 + 14, 2));
	CHECK_EQ(test_ram_u16(f + 46), 9);     /* SCI_INT */
	CHECK_EQ(test_ram_u32(f + 48), 0);     /* SMI_CMD: always in ACPI mode */
	CHECK_EQ(test_ram_u8(f + 52) | test_ram_u8(f + 53), 0);
	CHECK_EQ(test_ram_u32(f + 56), 0x600); /* PM1a_EVT_BLK */
	CHECK_EQ(test_ram_u32(f + 60), 0);
	CHECK_EQ(test_ram_u32(f + 64), 0x604); /* PM1a_CNT_BLK */
	CHECK_EQ(test_ram_u32(f + 68), 0);
	CHECK_EQ(test_ram_u32(f + 76), 0);     /* no PM timer */
	CHECK_EQ(test_ram_u32(f + 80), 0);     /* no GPE0 block */
	CHECK_EQ(test_ram_u8(f + 88), 4);
	CHECK_EQ(test_ram_u8(f + 89), 2);
	CHECK_EQ(test_ram_u8(f + 91), 0);
	CHECK_EQ(test_ram_u16(f + 109), 0x04); /* IAPC_BOOT_ARCH: no VGA; no 8042 or legacy devices */
	CHECK_EQ(test_ram_u8(f + 108), 0x32);  /* CENTURY: the CMOS byte */
	CHECK_EQ(test_ram_u32(f + 112), 0x35); /* WBINVD | PROC_C1 | PWR_BUTTON | SLP_BUTTON */
	static const uint8_t evt[12] = { 1, 32, 0, 2, 0x00, 0x06 };
	static const uint8_t cnt[12] = { 1, 16, 0, 2, 0x04, 0x06 };
	CHECK(!memcmp(test_ram_at(f + 148, 12), evt, 12)); /* X_PM1a_EVT_BLK */
	CHECK(!memcmp(test_ram_at(f + 172, 12), cnt, 12)); /* X_PM1a_CNT_BLK */
	CHECK_EQ(test_ram_u64(f + 208 + 4), 0);              /* X_PM_TMR_BLK */

	/* Name (_S5, Package () { 5, 5, 0, 0 }) */
	static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				      0x0a, 5, 0x0a, 5, 0x00, 0x00 };
	CHECK_EQ(test_ram_u32(dsdt + 4), 36 + sizeof(s5));
	CHECK(!memcmp(test_ram_at(dsdt + 36, sizeof(s5)), s5, sizeof(s5)));
	p.slp_typ_s5 = 7;
	MUST(build(&p));
	dsdt = test_ram_u32(fadt_gpa() + 40);
	CHECK_EQ(test_ram_u8(dsdt + 36 + 9), 7);
	CHECK_EQ(test_ram_u8(dsdt + 36 + 11), 7);
	CHECK(table_ok(dsdt, "DSDT", 36 + 14, 2));
}

/* MADT entry n (walking the lengths) or 0. */
static uint64_t madt_entry(unsigned n)
{
	uint64_t m = madt_gpa(), e = m + 44, end = m + test_ram_u32(m + 4);

	for (; e + 2 <= end && test_ram_u8(e + 1) >= 2; e += test_ram_u8(e + 1))
		if (!n--)
			return e;
	return 0;
}

static bool lapic_entry(unsigned n, uint8_t uid, uint8_t apic_id)
{
	uint64_t e = madt_entry(n);

	return e && test_ram_u8(e) == 0 && test_ram_u8(e + 1) == 8 && test_ram_u8(e + 2) == uid &&
	       test_ram_u8(e + 3) == apic_id && test_ram_u32(e + 4) == 1;
}

static bool x2apic_entry(unsigned n, uint32_t uid, uint32_t apic_id)
{
	uint64_t e = madt_entry(n);

	return e && test_ram_u8(e) == 9 && test_ram_u8(e + 1) == 16 && test_ram_u16(e + 2) == 0 &&
	       test_ram_u32(e + 4) == apic_id && test_ram_u32(e + 8) == 1 && test_ram_u32(e + 12) == uid;
}

TEST(guest_acpi_madt_entries)
{
	struct guest_acpi_params p = params(1);

	MUST(build(&p));
	uint64_t m = madt_gpa();
	CHECK(table_ok(m, "APIC", 44 + 8, 5));
	CHECK_EQ(test_ram_u32(m + 4), 44 + 8);
	CHECK_EQ(test_ram_u32(m + 36), 0xfee00000);
	CHECK_EQ(test_ram_u32(m + 40), 0); /* no PCAT_COMPAT: no 8259s */
	CHECK(lapic_entry(0, 0, 0));
	CHECK_EQ(madt_entry(1), 0);

	p = params(4);
	p.apic_ids[1] = 2, p.apic_ids[2] = 4, p.apic_ids[3] = 6;
	MUST(build(&p));
	CHECK(table_ok(madt_gpa(), "APIC", 44 + 32, 5));
	CHECK_EQ(test_ram_u32(madt_gpa() + 4), 44 + 4 * 8);
	CHECK(lapic_entry(0, 0, 0) && lapic_entry(1, 1, 2));
	CHECK(lapic_entry(2, 2, 4) && lapic_entry(3, 3, 6));

	p = params(4);
	p.apic_ids[1] = 300, p.apic_ids[2] = 254, p.apic_ids[3] = 255;
	MUST(build(&p));
	CHECK(table_ok(madt_gpa(), "APIC", 44, 5));
	CHECK_EQ(test_ram_u32(madt_gpa() + 4), 44 + 8 + 16 + 8 + 16);
	CHECK(lapic_entry(0, 0, 0));
	CHECK(x2apic_entry(1, 1, 300));
	CHECK(lapic_entry(2, 2, 254));
	CHECK(x2apic_entry(3, 3, 255)); /* 255 is the broadcast id: not an xAPIC entry */
	CHECK_EQ(madt_entry(4), 0);
}

TEST(guest_acpi_oem_ids)
{
	struct guest_acpi_params p = params(2);

	p.oem_id = "AB";
	p.oem_table_id = "TOOLONGTABLEID";
	MUST(build(&p));
	CHECK(!memcmp(test_ram_at(rsdp + 9, 6), "AB    ", 6));
	CHECK(!memcmp(test_ram_at(madt_gpa() + 10, 6), "AB    ", 6));
	CHECK(!memcmp(test_ram_at(madt_gpa() + 16, 8), "TOOLONGT", 8));
	CHECK_EQ(sum(madt_gpa(), test_ram_u32(madt_gpa() + 4)), 0);
	CHECK_EQ(sum(rsdp, 20), 0);
}

static bool refused(const struct guest_acpi_params *p, uint64_t ram, const char *msg)
{
	test_log_clear();
	bool ok = !guest_acpi_build(test_ram_fresh(ram), p, &rsdp, &used) && test_log_find(msg);
	if (!ok)
		printf("    expected \"%s\", log: %s\n", msg, test_log_text());
	return ok;
}

TEST(guest_acpi_refuses_what_does_not_fit)
{
	struct guest_acpi_params p = params(0);

	CHECK(refused(&p, RAM, "guest: ACPI tables for 0 vCPUs: 1 to 256 supported"));
	p.ncpus = 257;
	CHECK(refused(&p, RAM, "guest: ACPI tables for 257 vCPUs: 1 to 256 supported"));
	p = params(1);
	p.base_gpa = 0xe0008;
	CHECK(refused(&p, RAM, "guest: ACPI tables at 0xe0008: the RSDP must be 16-aligned in "
			       "0xe0000-0xeffff"));
	p.base_gpa = 0xd0000;
	CHECK(refused(&p, RAM, "guest: ACPI tables at 0xd0000: the RSDP must be 16-aligned"));
	p.base_gpa = 0xf0000;
	CHECK(refused(&p, RAM, "guest: ACPI tables at 0xf0000: the RSDP must be 16-aligned"));
	p = params(256);
	for (unsigned i = 0; i < 256; i++)
		p.apic_ids[i] = 1000 + i; /* all x2APIC: the largest MADT */
	/* RSDP 36 | FACS at 64 | DSDT 50 at 128 | FADT 276 at 192 | MADT 44 + 256 * 16 at 480 |
	 * XSDT 52 at 4624 | RSDT 44 at 4688: 0x127c bytes */
	p.base_gpa = 0xef000;
	CHECK(refused(&p, RAM, "guest: ACPI tables (0x127c bytes at 0xef000) run past 0xf0000"));
	p.base_gpa = GUEST_ACPI_BASE;
	CHECK(refused(&p, 0xe1000, "guest: ACPI tables at 0xe0000-0xe127b lie outside the guest's "
				   "0xe1000 bytes of RAM"));
	MUST(build(&p)); /* the largest set fits the window */
	CHECK_EQ(used, 0x127c);
	CHECK(x2apic_entry(255, 255, 1255));
}

/* ---- Cross-check with the host's ACPI parser ---- */

static const void *map_guest(uint64_t phys, uint64_t len)
{
	return gmem_ptr(&test_ram, phys, len);
}

static struct acpi_info info;

static bool parse(void)
{
	memset(&info, 0, sizeof(info));
	test_log_clear();
	return acpi_parse(test_ram.base + rsdp, 36, map_guest, &info);
}

TEST(guest_acpi_madt_ioapic_and_overrides)
{
	struct guest_acpi_params p = params(2);

	p.ioapic_base = 0xfec00000u;
	MUST(build(&p));
	CHECK(table_ok(madt_gpa(), "APIC", 44 + 2 * 8 + 12 + 2 * 10, 5));
	CHECK(lapic_entry(0, 0, 0) && lapic_entry(1, 1, 1));
	uint64_t e = madt_entry(2);
	MUST(e);
	CHECK_EQ(test_ram_u8(e), 1);
	CHECK_EQ(test_ram_u8(e + 1), 12);
	CHECK_EQ(test_ram_u8(e + 2), 0);           /* id */
	CHECK_EQ(test_ram_u32(e + 4), 0xfec00000u); /* address */
	CHECK_EQ(test_ram_u32(e + 8), 0);          /* GSI base */
	static const uint8_t iso0[10] = { 2, 10, 0, 0, 2, 0, 0, 0, 0x0, 0 };   /* IRQ0 -> GSI 2 */
	static const uint8_t iso9[10] = { 2, 10, 0, 9, 9, 0, 0, 0, 0xd, 0 };   /* level, high */
	MUST(madt_entry(3) && madt_entry(4));
	CHECK(!memcmp(test_ram_at(madt_entry(3), 10), iso0, 10));
	CHECK(!memcmp(test_ram_at(madt_entry(4), 10), iso9, 10));
	CHECK_EQ(madt_entry(5), 0);
	CHECK_EQ(test_ram_u16(fadt_gpa() + 46), 9); /* the override is the SCI's */
	CHECK_EQ(test_ram_u32(madt_gpa() + 40), 0); /* still no PCAT_COMPAT */
	MUST(parse());
	CHECK_EQ(info.nioapics, 1);
	CHECK_EQ(info.ioapic[0].addr, 0xfec00000u);
	CHECK_EQ(info.ioapic[0].gsi_base, 0);
	CHECK_EQ(info.nisos, 2);
	CHECK_EQ(info.ncpus, 2);
}

TEST(guest_acpi_read_back_with_the_host_parser)
{
	struct guest_acpi_params p = params(4);

	p.apic_ids[3] = 300;
	MUST(build(&p));
	MUST(parse());
	CHECK_EQ(info.rsdp_rev, 2);
	CHECK_STR(info.oem_id, "MICRHV");
	CHECK(info.xsdt_used);
	CHECK_EQ(info.root_phys, test_ram_u64(rsdp + 24));
	CHECK(info.madt_found && info.fadt_found);
	CHECK_EQ(info.lapic_addr, 0xfee00000);
	CHECK(!info.pcat_compat);
	CHECK_EQ(info.ncpus, 4);
	CHECK_EQ(info.apic_id[0], 0);
	CHECK_EQ(info.apic_id[1], 1);
	CHECK_EQ(info.apic_id[2], 2);
	CHECK_EQ(info.apic_id[3], 300);
	CHECK_EQ(info.ncpus_hotplug, 0);
	CHECK_EQ(info.nioapics, 0);
	CHECK_EQ(info.dsdt, test_ram_u32(fadt_gpa() + 40));
	CHECK_EQ(info.smi_cmd, 0);
	CHECK_EQ(info.pm1a_cnt, 0x604);
	CHECK_EQ(info.pm1b_cnt, 0);
	CHECK(info.s5_valid);
	CHECK_EQ(info.slp_typa, 5);
	CHECK_EQ(info.slp_typb, 5);
	CHECK(test_log_find("bad checksum") == NULL);
	CHECK(test_log_find("ignored") == NULL);

	/* the other way in: the BIOS-area scan finds the RSDP at 0xe0000 */
	uint64_t found = 0;
	CHECK(acpi_find_rsdp_legacy(map_guest, &found));
	CHECK_EQ(found, 0xe0000);

	/* the parser's checks are real: a flipped MADT byte loses the CPUs */
	uint8_t *apic_id0 = gmem_ptr(&test_ram, madt_gpa() + 44 + 3, 1);
	MUST(apic_id0);
	*apic_id0 ^= 1;
	MUST(parse());
	CHECK_EQ(info.ncpus, 0);
	CHECK(test_log_find("bad checksum") != NULL);
}

TEST(guest_acpi_host_parser_sees_256_cpus)
{
	struct guest_acpi_params p = params(256);

	MUST(build(&p)); /* ids 0..254 as local APICs, 255 as an x2APIC */
	MUST(parse());
	CHECK_EQ(info.ncpus, 256);
	CHECK_EQ(info.apic_id[254], 254);
	CHECK_EQ(info.apic_id[255], 255);
	CHECK_EQ(info.cpus_dropped, 0);
	CHECK(info.s5_valid);
}
