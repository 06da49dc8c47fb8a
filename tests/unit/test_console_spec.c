/* tests/unit/test_console_spec.c: the console= option's accepted and refused forms: I/O ports,
 * MMIO, PCI functions, the SPCR and auto. */
#include "arch/console_spec.h"
#include "tests/unit/test.h"

TEST(console_spec_com_ports)
{
	struct console_spec s;

	CHECK(console_parse_spec("com1", &s));
	CHECK_EQ(s.kind, CONSOLE_IO);
	CHECK_EQ(s.port, 0x3f8);
	CHECK_EQ(s.reg_width, 1);
	CHECK_EQ(s.baud, 115200);
	CHECK(console_parse_spec("com2", &s));
	CHECK_EQ(s.port, 0x2f8);
	CHECK(console_parse_spec("com4,9600", &s));
	CHECK_EQ(s.port, 0x2e8);
	CHECK_EQ(s.baud, 9600);
}

TEST(console_spec_io_ports)
{
	struct console_spec s;

	CHECK(console_parse_spec("0x2f8", &s));
	CHECK_EQ(s.port, 0x2f8);
	CHECK(console_parse_spec("io:0x3e8,57600", &s));
	CHECK_EQ(s.kind, CONSOLE_IO);
	CHECK_EQ(s.port, 0x3e8);
	CHECK_EQ(s.baud, 57600);
}

TEST(console_spec_refuses_garbage)
{
	struct console_spec s = { .kind = CONSOLE_MMIO, .port = 0x1234, .baud = 1 };

	CHECK(!console_parse_spec("bogus", &s));
	CHECK(!console_parse_spec("", &s));
	CHECK(!console_parse_spec("com5", &s));
	CHECK(!console_parse_spec("com1x", &s));
	CHECK(!console_parse_spec("io:", &s));
	CHECK(!console_parse_spec("0x0", &s));
	CHECK(!console_parse_spec("0x10000", &s));
	CHECK(!console_parse_spec("com1,0", &s));
	CHECK(!console_parse_spec("com1,7000", &s)); /* not a divisor of 115200 */
	CHECK(!console_parse_spec("com1,230400", &s));
	CHECK(!console_parse_spec("com1,", &s));
	CHECK(!console_parse_spec("mmio:", &s));
	CHECK(!console_parse_spec("mmio:0", &s));
	CHECK(!console_parse_spec("mmio:0x10000000000000", &s)); /* beyond 52 address bits */
	CHECK(!console_parse_spec("mmio:fe032000", &s));         /* hex needs its 0x */
	CHECK(!console_parse_spec("mmio32:", &s));
	CHECK(!console_parse_spec("mmio16:0xfe032000", &s));
	CHECK(!console_parse_spec("mmio:0xfe032000,9601", &s));
	CHECK(!console_parse_spec("pci:", &s));
	CHECK(!console_parse_spec("pci:00:16", &s));
	CHECK(!console_parse_spec("pci:00:20.0", &s));
	CHECK(!console_parse_spec("pci:0001:00:16.3", &s));
	CHECK(!console_parse_spec("pci:00:16.3,", &s));
	CHECK(!console_parse_spec("spcr,", &s));
	CHECK(!console_parse_spec("spcr2", &s));
	CHECK(!console_parse_spec("auto,7000", &s));
	CHECK(!console_parse_spec("automatic", &s));
	/* refused input leaves the output alone */
	CHECK_EQ(s.kind, CONSOLE_MMIO);
	CHECK_EQ(s.port, 0x1234);
	CHECK_EQ(s.baud, 1);
}

TEST(console_spec_mmio)
{
	struct console_spec s;

	CHECK(console_parse_spec("mmio:0xfe032000", &s));
	CHECK_EQ(s.kind, CONSOLE_MMIO);
	CHECK_EQ(s.mmio, 0xfe032000);
	CHECK_EQ(s.reg_width, 1);
	CHECK_EQ(s.port, 0);
	CHECK_EQ(s.baud, 115200);
	CHECK(console_parse_spec("mmio32:0x4010000000,57600", &s));
	CHECK_EQ(s.kind, CONSOLE_MMIO);
	CHECK_EQ(s.mmio, 0x4010000000ull);
	CHECK_EQ(s.reg_width, 4);
	CHECK_EQ(s.baud, 57600);
}

TEST(console_spec_pci)
{
	struct console_spec s;

	CHECK(console_parse_spec("pci:00:16.3", &s));
	CHECK_EQ(s.kind, CONSOLE_PCI);
	CHECK_EQ(s.pci.bus, 0);
	CHECK_EQ(s.pci.dev, 0x16);
	CHECK_EQ(s.pci.fn, 3);
	CHECK_EQ(s.port, 0);
	CHECK_EQ(s.baud, 115200);
	CHECK(console_parse_spec("pci:0000:03:00.1,19200", &s));
	CHECK_EQ(s.kind, CONSOLE_PCI);
	CHECK_EQ(s.pci.bus, 3);
	CHECK_EQ(s.pci.dev, 0);
	CHECK_EQ(s.pci.fn, 1);
	CHECK_EQ(s.baud, 19200);
}

/* spcr and auto keep the rate the firmware names (baud 0) unless one is given. */
TEST(console_spec_spcr_auto)
{
	struct console_spec s;

	CHECK(console_parse_spec("spcr", &s));
	CHECK_EQ(s.kind, CONSOLE_SPCR);
	CHECK_EQ(s.baud, 0);
	CHECK_EQ(s.port, 0);
	CHECK(console_parse_spec("auto", &s));
	CHECK_EQ(s.kind, CONSOLE_AUTO);
	CHECK_EQ(s.baud, 0);
	CHECK(console_parse_spec("spcr,9600", &s));
	CHECK_EQ(s.kind, CONSOLE_SPCR);
	CHECK_EQ(s.baud, 9600);
	CHECK(console_parse_spec("auto,115200", &s));
	CHECK_EQ(s.kind, CONSOLE_AUTO);
	CHECK_EQ(s.baud, 115200);
}
