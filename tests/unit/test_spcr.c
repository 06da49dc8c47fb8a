/* tests/unit/test_spcr.c: arch/spcr.c on SPCR tables as firmware writes them: a server's COM1 in
 * I/O space, a 32-bit MMIO UART on PCI, revision 4 with a precise baud rate, and refusals. */
#include "arch/spcr.h"
#include "lib/array.h"
#include "tests/unit/test.h"

static void put16(uint8_t *t, unsigned off, uint16_t v) { memcpy(t + off, &v, 2); }
static void put32(uint8_t *t, unsigned off, uint32_t v) { memcpy(t + off, &v, 4); }
static void put64(uint8_t *t, unsigned off, uint64_t v) { memcpy(t + off, &v, 8); }

static void seal(uint8_t *t, uint32_t len)
{
	uint8_t s = 0;

	t[9] = 0;
	for (uint32_t i = 0; i < len; i++)
		s += t[i];
	t[9] = (uint8_t)-s;
}

/* A revision 2 SPCR for a 16550 at `addr` in GAS space `space`, 115200 baud, IRQ 4 on the 8259
 * and the I/O APIC, not on PCI. */
static void make_spcr(uint8_t *t, uint32_t len, uint8_t rev, uint8_t space, uint64_t addr)
{
	memset(t, 0, len);
	memcpy(t, "SPCR", 4);
	put32(t, 4, len);
	t[8] = rev;
	memcpy(t + 10, "TESTOE", 6);
	t[36] = SPCR_IF_16550;
	t[40] = space, t[41] = 8, t[42] = 0, t[43] = 1; /* 8-bit registers, byte access */
	put64(t, 44, addr);
	t[52] = 3, t[53] = 4;
	put32(t, 54, 4);
	t[58] = 7;   /* 115200 */
	t[60] = 1;   /* 1 stop bit */
	t[62] = 3;   /* ANSI */
	put16(t, 64, 0xffff);
	put16(t, 66, 0xffff);
	seal(t, len);
}

TEST(spcr_server_com1_io)
{
	uint8_t t[80];
	struct spcr_uart u;
	const char *why = 0;

	make_spcr(t, sizeof(t), 2, 1, 0x3f8);
	CHECK(spcr_parse(t, sizeof(t), &u, &why));
	CHECK(why == 0);
	CHECK_EQ(u.revision, 2);
	CHECK_EQ(u.iface, SPCR_IF_16550);
	CHECK(!u.mmio);
	CHECK_EQ(u.address, 0x3f8);
	CHECK_EQ(u.reg_width, 1);
	CHECK_EQ(u.baud, 115200);
	CHECK_EQ(u.irq_type, 3);
	CHECK_EQ(u.irq, 4);
	CHECK_EQ(u.gsi, 4);
	CHECK(!u.pci);
	CHECK_EQ(u.clock_hz, 0);
}

/* An Intel LPSS-style UART: MMIO, 32-bit registers (stride 4), on PCI 00:1e.0, "as is" rate. */
TEST(spcr_mmio32_on_pci)
{
	uint8_t t[80];
	struct spcr_uart u;

	make_spcr(t, sizeof(t), 2, 0, 0xfe032000);
	t[36] = SPCR_IF_16550_GAS;
	t[41] = 32, t[43] = 3; /* dword access */
	t[58] = 0;
	put16(t, 64, 0x9da8);
	put16(t, 66, 0x8086);
	t[68] = 0, t[69] = 0x1e, t[70] = 0;
	put32(t, 71, 1);
	seal(t, sizeof(t));
	CHECK(spcr_parse(t, sizeof(t), &u, 0));
	CHECK(u.mmio);
	CHECK_EQ(u.address, 0xfe032000);
	CHECK_EQ(u.reg_width, 4);
	CHECK_EQ(u.baud, 0);
	CHECK(u.pci);
	CHECK_EQ(u.pci_vendor, 0x8086);
	CHECK_EQ(u.pci_device, 0x9da8);
	CHECK_EQ(u.pci_dev, 0x1e);
	CHECK_EQ(u.pci_fn, 0);
	CHECK_EQ(u.pci_flags, 1);
}

TEST(spcr_register_width_rules)
{
	uint8_t t[80];
	struct spcr_uart u;

	make_spcr(t, sizeof(t), 2, 0, 0xfedc9000);
	t[41] = 32, t[43] = 0; /* legacy "undefined" access size: the bit width says it */
	seal(t, sizeof(t));
	CHECK(spcr_parse(t, sizeof(t), &u, 0));
	CHECK_EQ(u.reg_width, 4);
	t[43] = 2; /* word access */
	seal(t, sizeof(t));
	CHECK(spcr_parse(t, sizeof(t), &u, 0));
	CHECK_EQ(u.reg_width, 2);
	t[43] = 4; /* qword: no 16550 has those; byte registers, as Linux assumes */
	seal(t, sizeof(t));
	CHECK(spcr_parse(t, sizeof(t), &u, 0));
	CHECK_EQ(u.reg_width, 1);
	/* I/O ports are always one byte apart, whatever the GAS says */
	make_spcr(t, sizeof(t), 2, 1, 0x2f8);
	t[43] = 3;
	seal(t, sizeof(t));
	CHECK(spcr_parse(t, sizeof(t), &u, 0));
	CHECK_EQ(u.reg_width, 1);
}

TEST(spcr_baud_codes)
{
	static const struct { uint8_t code; uint32_t baud; } cases[] = {
		{ 0, 0 }, { 3, 9600 }, { 4, 19200 }, { 6, 57600 }, { 7, 115200 },
		{ 5, 0 }, { 8, 0 }, /* reserved codes: as is */
	};
	uint8_t t[80];
	struct spcr_uart u;

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		make_spcr(t, sizeof(t), 1, 1, 0x3f8);
		t[58] = cases[i].code;
		seal(t, sizeof(t));
		CHECK(spcr_parse(t, sizeof(t), &u, 0));
		CHECK_EQ(u.baud, cases[i].baud);
	}
}

TEST(spcr_revision4_clock_and_precise_baud)
{
	uint8_t t[96];
	struct spcr_uart u;

	make_spcr(t, 88, 4, 0, 0xfe040000);
	put32(t, 76, 48000000);
	put32(t, 80, 1500000);
	put16(t, 84, 2), put16(t, 86, 88); /* namespace string "." */
	seal(t, 88);
	CHECK(spcr_parse(t, 88, &u, 0));
	CHECK_EQ(u.revision, 4);
	CHECK_EQ(u.clock_hz, 48000000);
	CHECK_EQ(u.baud, 1500000);
	/* a precise rate of 0 leaves the Configured Baud Rate in charge */
	put32(t, 80, 0);
	seal(t, 88);
	CHECK(spcr_parse(t, 88, &u, 0));
	CHECK_EQ(u.baud, 115200);
	/* before revision 3, bytes 76..79 are reserved and not a clock */
	make_spcr(t, 80, 2, 1, 0x3f8);
	put32(t, 76, 1843200);
	seal(t, 80);
	CHECK(spcr_parse(t, 80, &u, 0));
	CHECK_EQ(u.clock_hz, 0);
}

static void check_refused(const uint8_t *t, uint32_t len, const char *want)
{
	struct spcr_uart u = { .address = 0x1234 };
	const char *why = 0;

	CHECK(!spcr_parse(t, len, &u, &why));
	CHECK_STR(why, want);
	CHECK_EQ(u.address, 0x1234); /* untouched */
}

TEST(spcr_refusals)
{
	uint8_t t[80];

	make_spcr(t, sizeof(t), 2, 1, 0x3f8);
	check_refused(t, 4, "SPCR: shorter than an ACPI table header");
	check_refused(t, 79, "SPCR: its length field runs past the bytes mapped");
	check_refused(0, 80, "SPCR: shorter than an ACPI table header");
	t[30] ^= 1; /* one byte changed after sealing */
	check_refused(t, 80, "SPCR: bad checksum");
	make_spcr(t, 76, 2, 1, 0x3f8);
	check_refused(t, 80, "SPCR: shorter than the 80 bytes of a revision 1 table");
	make_spcr(t, sizeof(t), 2, 1, 0x3f8);
	memcpy(t, "DBG2", 4);
	seal(t, sizeof(t));
	check_refused(t, 80, "SPCR: the signature is not \"SPCR\"");
	make_spcr(t, sizeof(t), 2, 0, 0x9000000);
	t[36] = 3; /* ARM PL011 */
	seal(t, sizeof(t));
	check_refused(t, 80, "SPCR: the UART is not 16550-compatible");
	CHECK_STR(spcr_iface_name(t[36]), "ARM PL011");
	make_spcr(t, sizeof(t), 2, 2, 0x3f8); /* PCI configuration space */
	check_refused(t, 80, "SPCR: the UART is neither in system memory nor in I/O space");
	make_spcr(t, sizeof(t), 2, 1, 0);
	check_refused(t, 80, "SPCR: the UART's address is 0");
	make_spcr(t, sizeof(t), 2, 1, 0x10000);
	check_refused(t, 80, "SPCR: the UART's I/O port is beyond 0xffff");
}

TEST(spcr_iface_names)
{
	CHECK_STR(spcr_iface_name(SPCR_IF_16550), "16550");
	CHECK_STR(spcr_iface_name(SPCR_IF_16450), "16450");
	CHECK_STR(spcr_iface_name(SPCR_IF_16550_GAS), "16550 (GAS)");
	CHECK_STR(spcr_iface_name(0x42), "unknown");
}
