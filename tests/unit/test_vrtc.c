/* tests/unit/test_vrtc.c: the VM's CMOS RTC and the absent PCI configuration space. */
#include "guest/vpci_absent.h"
#include "guest/vrtc.h"
#include "tests/unit/test.h"

static uint64_t fixed_now;

static uint64_t fake_clock(void *ctx)
{
	return fixed_now;
}

static uint8_t cmos(const struct io_ports *t, uint8_t index)
{
	bool claimed;

	io_ports_write(t, 0x70, 1, index, &claimed);
	return (uint8_t)io_ports_read(t, 0x71, 1, &claimed);
}

static void cmos_set(const struct io_ports *t, uint8_t index, uint8_t v)
{
	bool claimed;

	io_ports_write(t, 0x70, 1, index, &claimed);
	io_ports_write(t, 0x71, 1, v, &claimed);
}

TEST(vrtc_dates_from_epoch)
{
	struct vrtc_date d = vrtc_date_from_epoch(0);
	CHECK_EQ(d.year, 1970);
	CHECK_EQ(d.month, 1);
	CHECK_EQ(d.day, 1);
	CHECK_EQ(d.weekday, 5); /* Thursday */
	d = vrtc_date_from_epoch(951782400); /* 2000-02-29 00:00:00, a leap day of a 400 year */
	CHECK_EQ(d.year, 2000);
	CHECK_EQ(d.month, 2);
	CHECK_EQ(d.day, 29);
	CHECK_EQ(d.weekday, 3); /* Tuesday */
	d = vrtc_date_from_epoch(4107542399ull); /* 2100-02-28 23:59:59; 2100 has no leap day */
	CHECK_EQ(d.month, 2);
	CHECK_EQ(d.day, 28);
	CHECK_EQ(d.hour, 23);
	CHECK_EQ(d.sec, 59);
	d = vrtc_date_from_epoch(4107542400ull);
	CHECK_EQ(d.month, 3);
	CHECK_EQ(d.day, 1);
}

TEST(vrtc_reads_bcd_and_binary_per_register_b)
{
	struct io_ports t = { .count = 0 };
	struct vrtc r;

	fixed_now = 1767225600ull + 86400 * 37 + 13 * 3600 + 45 * 60 + 9; /* 2026-02-07 13:45:09 */
	vrtc_init(&r, fake_clock, 0);
	struct port_range pr = vrtc_ports(&r, "rtc");
	CHECK(io_ports_register(&t, &pr));
	CHECK_EQ(cmos(&t, 0x0b), 0x02); /* BCD, 24-hour */
	CHECK_EQ(cmos(&t, 0x00), 0x09);
	CHECK_EQ(cmos(&t, 0x02), 0x45);
	CHECK_EQ(cmos(&t, 0x04), 0x13);
	CHECK_EQ(cmos(&t, 0x06), 0x07); /* Saturday */
	CHECK_EQ(cmos(&t, 0x07), 0x07);
	CHECK_EQ(cmos(&t, 0x08), 0x02);
	CHECK_EQ(cmos(&t, 0x09), 0x26);
	CHECK_EQ(cmos(&t, 0x32), 0x20);
	CHECK_EQ(cmos(&t, 0x80 | 0x09), 0x26); /* the NMI-mask bit of the index is ignored */
	cmos_set(&t, 0x0b, 0x04); /* binary, 12-hour */
	CHECK_EQ(cmos(&t, 0x0b), 0x04);
	CHECK_EQ(cmos(&t, 0x02), 45);
	CHECK_EQ(cmos(&t, 0x04), 0x80 | 1); /* 1 PM */
	CHECK_EQ(cmos(&t, 0x09), 26);
	cmos_set(&t, 0x0b, 0x00); /* BCD, 12-hour */
	fixed_now = 1767225600ull + 30; /* 00:00:30: 12 AM */
	CHECK_EQ(cmos(&t, 0x04), 0x12);
}

TEST(vrtc_status_registers_and_ram)
{
	struct io_ports t = { .count = 0 };
	struct vrtc r;
	bool claimed;

	fixed_now = 1767225600ull;
	vrtc_init(&r, fake_clock, 0);
	struct port_range pr = vrtc_ports(&r, "rtc");
	io_ports_register(&t, &pr);
	CHECK_EQ(cmos(&t, 0x0a), 0x26); /* UIP clear */
	cmos_set(&t, 0x0a, 0xa6);       /* UIP is read-only */
	CHECK_EQ(cmos(&t, 0x0a), 0x26);
	CHECK_EQ(cmos(&t, 0x0c), 0);
	CHECK_EQ(cmos(&t, 0x0d), 0x80); /* valid RAM and time */
	cmos_set(&t, 0x0d, 0);
	CHECK_EQ(cmos(&t, 0x0d), 0x80);
	cmos_set(&t, 0x00, 0x59); /* time writes are ignored */
	CHECK_EQ(cmos(&t, 0x00), 0x00);
	cmos_set(&t, 0x40, 0x5a); /* plain CMOS RAM */
	CHECK_EQ(cmos(&t, 0x40), 0x5a);
	CHECK_EQ(io_ports_read(&t, 0x70, 1, &claimed), 0xff);
	CHECK(claimed);
}

TEST(vpci_absent_latches_address_reads_no_device)
{
	struct io_ports t = { .count = 0 };
	struct vpci_absent p;
	struct port_range r[VPCI_ABSENT_RANGES];
	bool claimed;

	vpci_absent_ports(&p, r);
	for (unsigned i = 0; i < VPCI_ABSENT_RANGES; i++)
		CHECK(io_ports_register(&t, &r[i]));
	/* Linux's pci_check_type1(): a byte to 0xcfb, then CONFIG_ADDRESS must read back. */
	io_ports_write(&t, 0xcfb, 1, 0x01, &claimed);
	CHECK(claimed);
	io_ports_write(&t, 0xcf8, 4, 0x80000000u, &claimed);
	CHECK_EQ(io_ports_read(&t, 0xcf8, 4, &claimed), 0x80000000u);
	io_ports_write(&t, 0xcf8, 4, 0xffffffffu, &claimed);
	CHECK_EQ(io_ports_read(&t, 0xcf8, 4, &claimed), 0x80fffffcu);
	/* Byte accesses are not CONFIG_ADDRESS (pci_check_type2 must not find mechanism #2). */
	io_ports_write(&t, 0xcf8, 1, 0, &claimed);
	CHECK_EQ(io_ports_read(&t, 0xcf8, 1, &claimed), 0xff);
	CHECK_EQ(io_ports_read(&t, 0xcf8, 4, &claimed), 0x80fffffcu);
	CHECK_EQ(io_ports_read(&t, 0xcfa, 1, &claimed), 0xff);
	io_ports_write(&t, 0xcf8, 4, 0x80000000u, &claimed);
	CHECK_EQ(io_ports_read(&t, 0xcfc, 4, &claimed), 0xffffffffu); /* vendor: no device */
	CHECK(claimed);
	CHECK_EQ(io_ports_read(&t, 0xcfe, 2, &claimed), 0xffff);
	CHECK(io_ports_find(&t, 0xcf9) == 0); /* left for the reset control register */
}
