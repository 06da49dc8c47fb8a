/* tests/unit/test_console_spec.c: the console= option's accepted and refused forms. */
#include "arch/console_spec.h"
#include "tests/unit/test.h"

TEST(console_spec_com_ports)
{
	struct console_spec s;

	CHECK(console_parse_spec("com1", &s));
	CHECK_EQ(s.port, 0x3f8);
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
	CHECK_EQ(s.port, 0x3e8);
	CHECK_EQ(s.baud, 57600);
}

TEST(console_spec_refuses_garbage)
{
	struct console_spec s = { 0x1234, 1 };

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
	/* refused input leaves the output alone */
	CHECK_EQ(s.port, 0x1234);
	CHECK_EQ(s.baud, 1);
}
