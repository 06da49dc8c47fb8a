/* tests/unit/test_vpm1.c: the VM's ACPI PM1a event block: enables stick, status stays clear. */
#include "guest/vpm1.h"
#include "tests/unit/test.h"

#define BASE 0x600

static struct io_ports ports;
static struct vpm1_evt evt;

static void setup(void)
{
	ports = (struct io_ports){ 0 };
	vpm1_evt_init(&evt, BASE);
	struct port_range r = vpm1_evt_ports(&evt, "PM1a event");
	CHECK(io_ports_register(&ports, &r));
}

static uint32_t rd(uint16_t port, unsigned size)
{
	bool claimed = false;
	uint32_t v = io_ports_read(&ports, port, size, &claimed);
	CHECK(claimed);
	return v;
}

static void wr(uint16_t port, unsigned size, uint32_t v)
{
	bool claimed = false;
	io_ports_write(&ports, port, size, v, &claimed);
	CHECK(claimed);
}

TEST(vpm1_enable_reads_back_as_acpica_checks_it)
{
	setup();
	CHECK_EQ(rd(BASE, 2), 0);
	CHECK_EQ(rd(BASE + 2, 2), 0);
	/* ACPICA's acpi_enable_event(): read-modify-write PM1_EN, then read it back */
	wr(BASE + 2, 2, 1u << 5); /* GBL_EN */
	CHECK_EQ(rd(BASE + 2, 2), 1u << 5);
	wr(BASE + 2, 2, (1u << 5) | (1u << 10)); /* RTC_EN too */
	CHECK_EQ(rd(BASE + 2, 2), (1u << 5) | (1u << 10));
	CHECK_EQ(rd(BASE, 4), ((1u << 5) | (1u << 10)) << 16);
	CHECK_EQ(rd(BASE + 3, 1), (1u << 10) >> 8);
	wr(BASE + 2, 2, 0);
	CHECK_EQ(rd(BASE + 2, 2), 0);
}

TEST(vpm1_reserved_enable_bits_and_status)
{
	setup();
	wr(BASE + 2, 2, 0xffff);
	CHECK_EQ(rd(BASE + 2, 2), VPM1_EN_BITS);
	/* the status half is write-1-to-clear of events the VM never raises */
	wr(BASE, 2, 0xffff);
	CHECK_EQ(rd(BASE, 2), 0);
	CHECK_EQ(rd(BASE + 2, 2), VPM1_EN_BITS);
	/* a 32-bit write at the block's start sets the enables from its high half */
	wr(BASE, 4, 0x00010000);
	CHECK_EQ(rd(BASE + 2, 2), 1);
	/* one byte of the enable register leaves the other */
	wr(BASE + 3, 1, 0x04);
	CHECK_EQ(rd(BASE + 2, 2), 0x0401);
	/* a power-on clears them */
	vpm1_evt_init(&evt, BASE);
	CHECK_EQ(rd(BASE + 2, 2), 0);
}
