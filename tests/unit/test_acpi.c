/* tests/unit/test_acpi.c: arch/acpi.c on tables built in a fake physical memory. The map callback
 * hands out exact-size heap copies, so ASan catches any read past what was mapped. */
#include <stdlib.h>

#include "arch/acpi.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"

#define PM_SIZE 0x100000u /* the fake physical memory: the first MiB */
#define MAX_MAPS 512

static uint8_t pm[PM_SIZE];
static void *maps[MAX_MAPS];
static unsigned nmaps;

static const void *fake_map(uint64_t phys, uint64_t len)
{
	if (phys > PM_SIZE || len > PM_SIZE - phys || nmaps == MAX_MAPS)
		return NULL;
	void *p = malloc(len ? len : 1);
	memcpy(p, pm + phys, len);
	maps[nmaps++] = p;
	return p;
}

static void pm_reset(void)
{
	while (nmaps)
		free(maps[--nmaps]);
	memset(pm, 0, sizeof(pm));
	test_log_clear();
}

static void put16(uint64_t a, uint16_t v) { memcpy(pm + a, &v, 2); }
static void put32(uint64_t a, uint32_t v) { memcpy(pm + a, &v, 4); }
static void put64(uint64_t a, uint64_t v) { memcpy(pm + a, &v, 8); }

static uint8_t sum(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

/* A table header (ACPI 6.5, 5.2.6) with a correct checksum; call after writing the body. */
static void sdt_seal(uint64_t at, const char *sig, uint32_t len)
{
	memcpy(pm + at, sig, 4);
	put32(at + 4, len);
	pm[at + 8] = 1;
	memcpy(pm + at + 10, "TESTOE", 6);
	memcpy(pm + at + 16, "TESTTABL", 8);
	pm[at + 9] = 0;
	pm[at + 9] = (uint8_t)-sum(pm + at, len);
}

/* RSDT (4-byte entries) or XSDT (8-byte entries). */
static void make_root(uint64_t at, bool x, const uint64_t *tables, unsigned n)
{
	unsigned esize = x ? 8 : 4;

	for (unsigned i = 0; i < n; i++) {
		if (x)
			put64(at + 36 + i * 8, tables[i]);
		else
			put32(at + 36 + i * 4, (uint32_t)tables[i]);
	}
	sdt_seal(at, x ? "XSDT" : "RSDT", 36 + n * esize);
}

/* ACPI 6.5, 5.2.5.3 RSDP Structure, 36 bytes, both checksums right. */
static void make_rsdp(uint8_t *r, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "TESTOE", 6);
	r[15] = rev;
	memcpy(r + 16, &rsdt, 4);
	uint32_t len = 36;
	memcpy(r + 20, &len, 4);
	memcpy(r + 24, &xsdt, 8);
	r[8] = (uint8_t)-sum(r, 20);
	r[32] = (uint8_t)-sum(r, 36);
}

/* MADT body builder: entries appended after the 44-byte fixed part. */
struct madt {
	uint64_t at;
	uint32_t len;
};

static void madt_begin(struct madt *m, uint64_t at, uint32_t lapic, uint32_t flags)
{
	m->at = at;
	m->len = 44;
	put32(at + 36, lapic);
	put32(at + 40, flags);
}

static void madt_lapic(struct madt *m, uint8_t uid, uint8_t id, uint32_t flags)
{
	uint64_t e = m->at + m->len;
	pm[e] = 0, pm[e + 1] = 8, pm[e + 2] = uid, pm[e + 3] = id;
	put32(e + 4, flags);
	m->len += 8;
}

static void madt_x2apic(struct madt *m, uint32_t id, uint32_t flags, uint32_t uid)
{
	uint64_t e = m->at + m->len;
	pm[e] = 9, pm[e + 1] = 16;
	put32(e + 4, id);
	put32(e + 8, flags);
	put32(e + 12, uid);
	m->len += 16;
}

static void madt_ioapic(struct madt *m, uint8_t id, uint32_t addr, uint32_t gsi)
{
	uint64_t e = m->at + m->len;
	pm[e] = 1, pm[e + 1] = 12, pm[e + 2] = id;
	put32(e + 4, addr);
	put32(e + 8, gsi);
	m->len += 12;
}

static void madt_raw(struct madt *m, const uint8_t *bytes, uint32_t n)
{
	memcpy(pm + m->at + m->len, bytes, n);
	m->len += n;
}

static void madt_end(struct madt *m)
{
	sdt_seal(m->at, "APIC", m->len);
}

/* A DSDT whose AML is just Name(_S5_, Package(4){a, b, 0, 0}) with BytePrefix values. */
static void make_dsdt(uint64_t at, uint8_t a, uint8_t b)
{
	const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				0x0a, a, 0x0a, b, 0x00, 0x00 };
	memcpy(pm + at + 36, aml, sizeof(aml));
	sdt_seal(at, "DSDT", 36 + sizeof(aml));
}

/* An ACPI 2.0+ FADT of 276 bytes (ACPI 6.5, Table 5.9). */
static void make_fadt(uint64_t at, uint32_t len, uint32_t dsdt, uint64_t x_dsdt, uint32_t pm1a)
{
	put32(at + 40, dsdt);
	put32(at + 48, 0xb2);
	pm[at + 52] = 0xf1;
	put32(at + 64, pm1a);
	put32(at + 112, 1u << 10); /* RESET_REG_SUP */
	pm[at + 116] = 1, pm[at + 117] = 8; /* RESET_REG: system I/O, 8 bits */
	put64(at + 120, 0xcf9);
	pm[at + 128] = 6;
	if (len >= 148)
		put64(at + 140, x_dsdt);
	sdt_seal(at, "FACP", len);
}

/* The usual machine: RSDT at 0x1000 (MADT, FADT), XSDT at 0x2000 (same), MADT 0x3000 with two
 * CPUs, FADT 0x4000, DSDT 0x5000 with \_S5 = {5, 5}. */
static void make_machine(void)
{
	struct madt m;
	const uint64_t t[] = { 0x3000, 0x4000 };

	madt_begin(&m, 0x3000, 0xfee00000, 1);
	madt_lapic(&m, 0, 0, 1);
	madt_lapic(&m, 1, 1, 1);
	madt_ioapic(&m, 2, 0xfec00000, 0);
	madt_end(&m);
	make_fadt(0x4000, 276, 0x5000, 0, 0x604);
	make_dsdt(0x5000, 5, 5);
	make_root(0x1000, false, t, 2);
	make_root(0x2000, true, t, 2);
}

TEST(acpi_rsdp_v1_uses_rsdt)
{
	struct acpi_info info;
	uint8_t r[36];

	pm_reset();
	make_machine();
	make_rsdp(r, 0, 0x1000, 0);
	CHECK(acpi_parse(r, 20, fake_map, &info));
	CHECK(!info.xsdt_used);
	CHECK_EQ(info.root_phys, 0x1000);
	CHECK_EQ(info.rsdp_rev, 0);
	CHECK_STR(info.oem_id, "TESTOE");
	CHECK_EQ(info.ntables, 4);
	CHECK_STR(info.tables[0].sig, "RSDT");
	CHECK_STR(info.tables[1].sig, "APIC");
	CHECK_EQ(info.tables[1].phys, 0x3000);
	CHECK_STR(info.tables[2].sig, "FACP");
	CHECK_EQ(info.tables[2].len, 276);
	CHECK_STR(info.tables[3].sig, "DSDT");
	CHECK_EQ(info.ncpus, 2);
	CHECK_EQ(info.apic_id[1], 1);
	CHECK(info.pcat_compat);
	CHECK(info.s5_valid);
	CHECK_EQ(info.slp_typa, 5);
	CHECK(test_log_find("acpi: RSDP rev 0 oem \"TESTOE\" using RSDT at 0x1000"));
	CHECK(test_log_find("acpi: table APIC at 0x3000 length 72"));
	CHECK(test_log_find("acpi: table FACP at 0x4000 length 276"));
	CHECK(test_log_find("acpi: MADT: 2 usable CPUs, 0 hot-pluggable, 1 I/O APICs, "
			    "local APIC at 0xfee00000"));
}

TEST(acpi_rsdp_v2_uses_xsdt)
{
	struct acpi_info info;
	uint8_t r[36];
	const uint64_t only_madt[] = { 0x3000 };

	pm_reset();
	make_machine();
	make_root(0x1000, false, only_madt, 1); /* tell the two roots apart */
	make_rsdp(r, 2, 0x1000, 0x2000);
	CHECK(acpi_parse(r, 36, fake_map, &info));
	CHECK(info.xsdt_used);
	CHECK_EQ(info.root_phys, 0x2000);
	CHECK(info.fadt_found);
	CHECK_EQ(info.pm1a_cnt, 0x604);
	CHECK(test_log_find("acpi: RSDP rev 2 oem \"TESTOE\" using XSDT at 0x2000"));
	CHECK(!test_log_find("falling back"));
}

TEST(acpi_rsdp_bad_checksum_or_signature)
{
	struct acpi_info info;
	uint8_t r[36];

	pm_reset();
	make_machine();
	make_rsdp(r, 0, 0x1000, 0);
	r[16] ^= 1;
	CHECK(!acpi_parse(r, 36, fake_map, &info));
	CHECK(test_log_find("acpi: RSDP checksum over its first 20 bytes is bad"));

	make_rsdp(r, 0, 0x1000, 0);
	r[0] = 'X';
	CHECK(!acpi_parse(r, 36, fake_map, &info));
	CHECK(test_log_find("acpi: RSDP signature is not"));

	make_rsdp(r, 0, 0x1000, 0);
	CHECK(!acpi_parse(r, 19, fake_map, &info));
	CHECK(test_log_find("acpi: RSDP is missing or too short (19 bytes)"));
	CHECK(!acpi_parse(NULL, 36, fake_map, &info));
}

TEST(acpi_rsdp_bad_extended_part_falls_back_to_v1)
{
	struct acpi_info info;
	uint8_t r[36];

	pm_reset();
	make_machine();
	make_rsdp(r, 2, 0x1000, 0x2000);
	r[32] ^= 0x55; /* extended checksum only */
	CHECK(acpi_parse(r, 36, fake_map, &info));
	CHECK(!info.xsdt_used);
	CHECK_EQ(info.root_phys, 0x1000);
	CHECK(test_log_find("acpi: RSDP extended checksum is bad"));

	/* A rev-2 RSDP of which only the ACPI 1.0 part was copied. */
	test_log_clear();
	make_rsdp(r, 2, 0x1000, 0x2000);
	CHECK(acpi_parse(r, 20, fake_map, &info));
	CHECK(!info.xsdt_used);
	CHECK(test_log_find("using it as ACPI 1.0"));

	/* A length field below 36. */
	test_log_clear();
	make_rsdp(r, 2, 0x1000, 0x2000);
	r[20] = 30;
	r[8] = 0;
	r[8] = (uint8_t)-sum(r, 20);
	CHECK(acpi_parse(r, 36, fake_map, &info));
	CHECK(!info.xsdt_used);
	CHECK(test_log_find("has length 30"));
}

TEST(acpi_bad_xsdt_falls_back_to_rsdt)
{
	struct acpi_info info;
	uint8_t r[36];

	pm_reset();
	make_machine();
	pm[0x2000 + 40] ^= 0xff; /* break the XSDT's checksum */
	make_rsdp(r, 2, 0x1000, 0x2000);
	CHECK(acpi_parse(r, 36, fake_map, &info));
	CHECK(!info.xsdt_used);
	CHECK_EQ(info.root_phys, 0x1000);
	CHECK_EQ(info.ncpus, 2);
	CHECK(test_log_find("acpi: table XSDT at 0x2000 has a bad checksum, ignored"));
	CHECK(test_log_find("falling back to the RSDT"));

	/* An XSDT address pointing at something else entirely. */
	test_log_clear();
	make_rsdp(r, 2, 0x1000, 0x3000);
	CHECK(acpi_parse(r, 36, fake_map, &info));
	CHECK(!info.xsdt_used);
	CHECK(test_log_find("signature APIC where XSDT was expected"));

	/* Both broken: nothing to go on. */
	test_log_clear();
	pm[0x1000 + 36] ^= 0xff;
	make_rsdp(r, 2, 0x1000, 0x2000);
	CHECK(!acpi_parse(r, 36, fake_map, &info));
	CHECK(test_log_find("acpi: no valid RSDT or XSDT"));
}

TEST(acpi_bad_tables_are_skipped)
{
	struct acpi_info info;
	uint8_t r[36];
	const uint64_t t[] = { 0x3000, 0x6000, 0x7000, 0x200000, 0xff000, 0, 0x4000 };

	pm_reset();
	make_machine();
	pm[0x3000 + 50] ^= 0x10;           /* MADT: bad checksum */
	sdt_seal(0x6000, "SSDT", 20);       /* length < 36 */
	sdt_seal(0x7000, "HPET", 56);       /* good */
	memcpy(pm + 0xff000, "BIGT", 4);    /* header mappable, body runs past memory */
	put32(0xff000 + 4, 0x2000);
	make_root(0x1000, false, t, 7);
	make_rsdp(r, 0, 0x1000, 0);
	CHECK(acpi_parse(r, 20, fake_map, &info));
	CHECK(!info.madt_found);
	CHECK_EQ(info.ncpus, 0);
	CHECK(info.fadt_found);
	CHECK(test_log_find("acpi: table APIC at 0x3000 has a bad checksum, ignored"));
	CHECK(test_log_find("acpi: table SSDT at 0x6000 has length 20"));
	CHECK(test_log_find("acpi: table HPET at 0x7000 length 56"));
	CHECK(test_log_find("acpi: table at 0x200000 is not accessible, ignored"));
	CHECK(test_log_find("acpi: table BIGT at 0xff000 (length 8192) is not accessible"));
	CHECK(test_log_find("acpi: RSDT entry 5 is 0, ignored"));
	CHECK(test_log_find("acpi: no valid MADT"));
	/* RSDT, HPET, FACP, DSDT */
	CHECK_EQ(info.ntables, 4);
	CHECK_STR(info.tables[1].sig, "HPET");
}

TEST(acpi_madt_cpus)
{
	struct acpi_info info;
	struct madt m;
	uint8_t r[36];
	const uint64_t t[] = { 0x3000 };
	const uint8_t iso[10] = { 2, 10, 0, 0, 2, 0, 0, 0, 0, 0 };
	uint8_t lapic_override[12] = { 5, 12 };
	uint64_t new_lapic = 0xfed00000;

	pm_reset();
	memcpy(lapic_override + 4, &new_lapic, 8);
	madt_begin(&m, 0x3000, 0xfee00000, 0);
	madt_lapic(&m, 0, 0, 1);         /* enabled */
	madt_lapic(&m, 1, 1, 1);         /* enabled */
	madt_lapic(&m, 2, 2, 0);         /* disabled, not online capable: ignored */
	madt_lapic(&m, 3, 3, 2);         /* online capable: hot-pluggable */
	madt_x2apic(&m, 1, 1, 1);        /* duplicate of id 1 */
	madt_x2apic(&m, 300, 1, 300);    /* beyond 8 bits */
	madt_x2apic(&m, 3, 2, 3);        /* duplicate of a hot-pluggable one */
	madt_x2apic(&m, 301, 3, 301);    /* enabled and online capable: usable */
	madt_ioapic(&m, 8, 0xfec00000, 0);
	madt_ioapic(&m, 9, 0xfec01000, 24);
	madt_raw(&m, iso, sizeof(iso));
	madt_raw(&m, iso, sizeof(iso));
	madt_raw(&m, lapic_override, sizeof(lapic_override));
	madt_end(&m);
	make_root(0x1000, false, t, 1);
	make_rsdp(r, 0, 0x1000, 0);
	CHECK(acpi_parse(r, 20, fake_map, &info));
	CHECK(info.madt_found);
	CHECK(!info.pcat_compat);
	CHECK_EQ(info.ncpus, 4);
	CHECK_EQ(info.apic_id[0], 0);
	CHECK_EQ(info.apic_id[1], 1);
	CHECK_EQ(info.apic_id[2], 300);
	CHECK_EQ(info.apic_id[3], 301);
	CHECK_EQ(info.ncpus_hotplug, 1);
	CHECK_EQ(info.hotplug_apic_id[0], 3);
	CHECK_EQ(info.nioapics, 2);
	CHECK_EQ(info.ioapic[1].id, 9);
	CHECK_EQ(info.ioapic[1].addr, 0xfec01000);
	CHECK_EQ(info.ioapic[1].gsi_base, 24);
	CHECK_EQ(info.nisos, 2);
	CHECK_EQ(info.lapic_addr, 0xfed00000);
	CHECK(test_log_find("acpi: MADT lists APIC id 1 twice (type 9 entry at offset 76)"));
	CHECK(test_log_find("acpi: MADT lists APIC id 3 twice"));
	CHECK(test_log_find("acpi: MADT: 4 usable CPUs, 1 hot-pluggable, 2 I/O APICs, "
			    "local APIC at 0xfed00000"));
	/* No FADT at all: power-off is reported unavailable, parsing still succeeds. */
	CHECK(!info.s5_valid);
	CHECK(test_log_find("acpi: no FADT; ACPI power-off is unavailable"));
}

TEST(acpi_madt_too_many_cpus)
{
	struct acpi_info info;
	struct madt m;
	uint8_t r[36];
	const uint64_t t[] = { 0x3000 };

	pm_reset();
	madt_begin(&m, 0x3000, 0xfee00000, 0);
	for (uint32_t i = 0; i < 300; i++)
		madt_x2apic(&m, i * 2, 1, i);
	madt_end(&m);
	make_root(0x1000, false, t, 1);
	make_rsdp(r, 0, 0x1000, 0);
	CHECK(acpi_parse(r, 20, fake_map, &info));
	CHECK_EQ(info.ncpus, ACPI_MAX_CPUS);
	CHECK_EQ(info.apic_id[255], 510);
	CHECK_EQ(info.cpus_dropped, 44);
	CHECK(test_log_find("acpi: MADT lists more than 256 usable CPUs"));
}

TEST(acpi_madt_bad_entries)
{
	struct acpi_info info;
	struct madt m;
	uint8_t r[36];
	const uint64_t t[] = { 0x3000 };
	const uint8_t short_lapic[4] = { 0, 4, 5, 5 };
	const uint8_t zero_len[2] = { 0, 0 };

	/* A type-0 entry too short for its fields is skipped; a zero length stops the walk. */
	pm_reset();
	madt_begin(&m, 0x3000, 0xfee00000, 0);
	madt_lapic(&m, 0, 0, 1);
	madt_raw(&m, short_lapic, sizeof(short_lapic));
	madt_lapic(&m, 1, 1, 1);
	madt_raw(&m, zero_len, sizeof(zero_len));
	madt_lapic(&m, 2, 2, 1);
	madt_end(&m);
	make_root(0x1000, false, t, 1);
	make_rsdp(r, 0, 0x1000, 0);
	CHECK(acpi_parse(r, 20, fake_map, &info));
	CHECK_EQ(info.ncpus, 2);
	CHECK(test_log_find("acpi: MADT entry type 0 at offset 52 has length 4, needs 8; skipped"));
	CHECK(test_log_find("acpi: MADT entry type 0 at offset 64 has length 0 or runs past the "
			    "table end (74); walk stopped"));

	/* The last entry claims more bytes than the table has. */
	pm_reset();
	madt_begin(&m, 0x3000, 0xfee00000, 0);
	madt_lapic(&m, 0, 0, 1);
	madt_lapic(&m, 1, 1, 1);
	pm[0x3000 + 52 + 1] = 40;
	madt_end(&m);
	make_root(0x1000, false, t, 1);
	CHECK(acpi_parse(r, 20, fake_map, &info));
	CHECK_EQ(info.ncpus, 1);
	CHECK(test_log_find("acpi: MADT entry type 0 at offset 52 has length 40 or runs past"));

	/* A single stray byte after the last entry. */
	pm_reset();
	madt_begin(&m, 0x3000, 0xfee00000, 0);
	madt_lapic(&m, 0, 0, 1);
	madt_raw(&m, zero_len, 1);
	madt_end(&m);
	make_root(0x1000, false, t, 1);
	CHECK(acpi_parse(r, 20, fake_map, &info));
	CHECK_EQ(info.ncpus, 1);
	CHECK(test_log_find("at offset 52 has length 0 or runs past the table end (53)"));

	/* Too short for the fixed fields. */
	pm_reset();
	sdt_seal(0x3000, "APIC", 40);
	make_root(0x1000, false, t, 1);
	CHECK(acpi_parse(r, 20, fake_map, &info));
	CHECK(!info.madt_found);
	CHECK(test_log_find("MADT at 0x3000 is 40 bytes, too short"));
}

TEST(acpi_fadt_fields)
{
	struct acpi_info info;
	uint8_t r[36];
	const uint64_t t[] = { 0x4000 };

	pm_reset();
	make_fadt(0x4000, 276, 0x5000, 0x6000, 0x604);
	make_dsdt(0x5000, 1, 1);
	make_dsdt(0x6000, 7, 3); /* X_DSDT wins */
	make_root(0x1000, false, t, 1);
	make_rsdp(r, 0, 0x1000, 0);
	CHECK(acpi_parse(r, 20, fake_map, &info));
	CHECK(info.fadt_found);
	CHECK_EQ(info.dsdt, 0x6000);
	CHECK_EQ(info.pm1a_cnt, 0x604);
	CHECK_EQ(info.pm1b_cnt, 0);
	CHECK_EQ(info.smi_cmd, 0xb2);
	CHECK_EQ(info.acpi_enable, 0xf1);
	CHECK(info.reset_valid);
	CHECK_EQ(info.reset_reg.space_id, ACPI_GAS_SYSTEM_IO);
	CHECK_EQ(info.reset_reg.address, 0xcf9);
	CHECK_EQ(info.reset_value, 6);
	CHECK(info.s5_valid);
	CHECK_EQ(info.slp_typa, 7);
	CHECK_EQ(info.slp_typb, 3);
	CHECK(test_log_find("acpi: table DSDT at 0x6000 length 50"));

	/* ACPI 1.0's 116-byte FADT: no RESET_REG, no X_DSDT. */
	pm_reset();
	make_fadt(0x4000, 116, 0x5000, 0, 0x404);
	make_dsdt(0x5000, 1, 1);
	make_root(0x1000, false, t, 1);
	CHECK(acpi_parse(r, 20, fake_map, &info));
	CHECK_EQ(info.dsdt, 0x5000);
	CHECK(!info.reset_valid);
	CHECK_EQ(info.slp_typa, 1);
	CHECK_EQ(info.pm1a_cnt, 0x404);

	/* A bad DSDT: no S5, said so. */
	pm_reset();
	make_fadt(0x4000, 276, 0x5000, 0, 0x604);
	make_dsdt(0x5000, 5, 5);
	pm[0x5000 + 40] ^= 1;
	make_root(0x1000, false, t, 1);
	CHECK(acpi_parse(r, 20, fake_map, &info));
	CHECK(!info.s5_valid);
	CHECK(test_log_find("acpi: table DSDT at 0x5000 has a bad checksum, ignored"));
	CHECK(test_log_find("acpi: no usable DSDT; ACPI power-off is unavailable"));
}

TEST(acpi_fadt_x_pm1_blocks)
{
	struct acpi_info info;
	uint8_t r[36];
	const uint64_t t[] = { 0x4000 };

	/* Legacy PM1a_CNT_BLK 0: X_PM1a_CNT_BLK in I/O space is used. */
	pm_reset();
	pm[0x4000 + 172] = ACPI_GAS_SYSTEM_IO;
	put64(0x4000 + 176, 0x1804);
	make_fadt(0x4000, 276, 0x5000, 0, 0);
	make_dsdt(0x5000, 5, 5);
	make_root(0x1000, false, t, 1);
	make_rsdp(r, 0, 0x1000, 0);
	CHECK(acpi_parse(r, 20, fake_map, &info));
	CHECK_EQ(info.pm1a_cnt, 0x1804);

	/* In memory space it is of no use for port I/O: reported, left 0. */
	pm_reset();
	pm[0x4000 + 172] = 0;
	put64(0x4000 + 176, 0xfe000404);
	make_fadt(0x4000, 276, 0x5000, 0, 0);
	make_dsdt(0x5000, 5, 5);
	make_root(0x1000, false, t, 1);
	CHECK(acpi_parse(r, 20, fake_map, &info));
	CHECK_EQ(info.pm1a_cnt, 0);
	CHECK(test_log_find("acpi: FADT X_PM1a_CNT_BLK is not an I/O port (space 0, "
			    "address 0xfe000404)"));
}

/* acpi_find_s5 on an exact-size heap copy, so a read past len trips ASan. */
static bool s5(const uint8_t *aml, uint32_t len, uint8_t *a, uint8_t *b)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, aml, len);
	*a = *b = 0xee;
	bool ok = acpi_find_s5(copy, len, a, b);
	free(copy);
	return ok;
}

TEST(acpi_s5_encodings)
{
	uint8_t a, b;
	/* Scope(\) { Name(_S5, Package(4){5, 5, 0, 0}) } style, BytePrefix. */
	const uint8_t byteprefix[] = { 0x10, 0x0a, '\\', 0x08, '_', 'S', '5', '_', 0x12, 0x08,
				       0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
	/* Name(\_S5, Package(){Zero, One}) */
	const uint8_t zero_one[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00,
				     0x01 };
	/* Bare byte constants (old firmware), 1-byte PkgLength. */
	const uint8_t bare[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x07, 0x06, 0x00,
				 0x00 };
	/* Word/DWord prefixes. */
	const uint8_t wide[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x0a, 0x02, 0x0b, 0x03, 0x00,
				 0x0c, 0x02, 0x00, 0x00, 0x00 };
	/* 2-byte PkgLength: 0x45 = lead 0x45 (01 in bits 7-6, low nibble 5), then 0x04. */
	uint8_t two[80] = { 0x08, '_', 'S', '5', '_', 0x12, 0x45, 0x04, 0x04, 0x0a, 0x03, 0x0a,
			    0x04, 0x00, 0x00 };

	CHECK(s5(byteprefix, sizeof(byteprefix), &a, &b));
	CHECK_EQ(a, 5);
	CHECK_EQ(b, 5);
	CHECK(s5(zero_one, sizeof(zero_one), &a, &b));
	CHECK_EQ(a, 0);
	CHECK_EQ(b, 1);
	CHECK(s5(bare, sizeof(bare), &a, &b));
	CHECK_EQ(a, 7);
	CHECK_EQ(b, 6);
	CHECK(s5(wide, sizeof(wide), &a, &b));
	CHECK_EQ(a, 3);
	CHECK_EQ(b, 2);
	/* The package spans 1 + 0x45 bytes after PackageOp's position: 6 + 0x45 = 75 <= 80. */
	CHECK(s5(two, sizeof(two), &a, &b));
	CHECK_EQ(a, 3);
	CHECK_EQ(b, 4);
	CHECK(!s5(two, 6 + 0x45 - 1, &a, &b)); /* one byte short of the package */
}

TEST(acpi_s5_rejects_truncated_and_malformed)
{
	uint8_t a, b;
	const uint8_t good[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a,
				 0x05, 0x00, 0x00 };
	/* "_S5_" inside a name path, not after NameOp; then Method(_S5_) is not a Package. */
	const uint8_t not_named[] = { 0x2e, '_', 'S', 'B', '_', '_', 'S', '5', '_', 0x12, 0x04,
				      0x02, 0x00, 0x01 };
	const uint8_t method_then_name[] = { 0x08, '_', 'S', '5', '_', 0x14, 0x02, 0x00,
					     0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01,
					     0x00 };
	const uint8_t empty_pkg[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00 };
	const uint8_t big_value[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x0d,
				      0x0a, 0x05 };
	const uint8_t bad_element[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x5b, 0x00 };

	test_log_clear();
	/* Every prefix shorter than the package fails, without reading past it. */
	for (uint32_t n = 0; n < sizeof(good); n++)
		CHECK(!s5(good, n, &a, &b));
	CHECK(test_log_find("acpi: \\_S5 package at AML offset 1 is truncated or empty"));
	CHECK(s5(good, sizeof(good), &a, &b));
	CHECK(!s5(not_named, sizeof(not_named), &a, &b));
	CHECK(s5(method_then_name, sizeof(method_then_name), &a, &b));
	CHECK_EQ(a, 1);
	CHECK_EQ(b, 0);
	CHECK(!s5(empty_pkg, sizeof(empty_pkg), &a, &b));
	CHECK(s5(big_value, sizeof(big_value), &a, &b));
	CHECK_EQ(a, 5);
	CHECK(test_log_find("has SLP_TYP 0xd (> 7)"));
	test_log_clear();
	CHECK(!s5(bad_element, sizeof(bad_element), &a, &b));
	CHECK(test_log_find("has no integer values"));
	CHECK(!acpi_find_s5(NULL, 10, &a, &b));
}

TEST(acpi_legacy_rsdp_scan)
{
	uint64_t phys = 0;

	/* In the EBDA (segment 0x9fc0 in the BDA). */
	pm_reset();
	put16(0x40e, 0x9fc0);
	make_rsdp(pm + 0x9fc10, 0, 0x1000, 0);
	CHECK(acpi_find_rsdp_legacy(fake_map, &phys));
	CHECK_EQ(phys, 0x9fc10);

	/* In the BIOS ROM area; a bad-checksum copy and a misaligned one are passed over. */
	pm_reset();
	put16(0x40e, 0x9fc0);
	make_rsdp(pm + 0xe1000, 0, 0x1000, 0);
	pm[0xe1000 + 16] ^= 1;
	make_rsdp(pm + 0xe2008, 0, 0x1000, 0);
	make_rsdp(pm + 0xf5a30, 2, 0x1000, 0x2000);
	CHECK(acpi_find_rsdp_legacy(fake_map, &phys));
	CHECK_EQ(phys, 0xf5a30);

	/* Nowhere. */
	pm_reset();
	make_rsdp(pm + 0xe2008, 0, 0x1000, 0);
	phys = 0;
	CHECK(!acpi_find_rsdp_legacy(fake_map, &phys));
	CHECK_EQ(phys, 0);
}

TEST(acpi_sig_str_makes_printable)
{
	char out[5];

	CHECK_STR(acpi_sig_str("FACP", out), "FACP");
	CHECK_STR(acpi_sig_str("A\x01\xff" "B", out), "A??B");
}
