/* guest/vrtc.c: the virtual CMOS RTC (see guest/vrtc.h; MC146818A data sheet). Runs on the CPU
 * of the vCPU that accessed the port, under the VM's device lock. */
#include "guest/vrtc.h"
#include "lib/string.h"

#define RTC_PORT_INDEX 0x70
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_WEEKDAY 0x06
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32 /* the PC's century byte (ACPI FADT CENTURY names it) */

#define REG_A_UIP 0x80
#define REG_A_DEFAULT 0x26 /* 32.768 kHz time base, 1024 Hz rate */
#define REG_B_DM_BINARY 0x04
#define REG_B_24H 0x02
#define REG_D_VRT 0x80 /* the battery is good: the time is valid */

void vrtc_init(struct vrtc *r, vrtc_clock_fn clock, void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->ram[RTC_REG_A] = REG_A_DEFAULT;
	r->ram[RTC_REG_B] = REG_B_24H; /* BCD, 24-hour, as PC firmware leaves it */
	r->clock = clock;
	r->clock_ctx = ctx;
}

/* Days since 1970-01-01 to a civil date (the proleptic Gregorian calendar, counted in 400-year
 * eras of 146097 days from 0000-03-01, so that the leap day ends each year). */
struct vrtc_date vrtc_date_from_epoch(uint64_t secs)
{
	struct vrtc_date d;
	uint64_t days = secs / 86400, rem = secs % 86400;
	uint64_t z = days + 719468, era = z / 146097, doe = z % 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;

	d.day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (unsigned)(yoe + era * 400 + (d.month <= 2));
	d.weekday = (unsigned)((days + 4) % 7) + 1; /* 1970-01-01 was a Thursday */
	d.hour = (unsigned)(rem / 3600);
	d.min = (unsigned)(rem / 60 % 60);
	d.sec = (unsigned)(rem % 60);
	return d;
}

static uint8_t encode(const struct vrtc *r, unsigned v)
{
	return (r->ram[RTC_REG_B] & REG_B_DM_BINARY) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

/* 12-hour form: 12, 1..11 with bit 7 set after noon (data sheet, "Time, Calendar and Alarm"). */
static uint8_t encode_hour(const struct vrtc *r, unsigned h)
{
	if (r->ram[RTC_REG_B] & REG_B_24H)
		return encode(r, h);
	unsigned h12 = h % 12 ? h % 12 : 12;
	return (uint8_t)(encode(r, h12) | (h >= 12 ? 0x80 : 0));
}

static uint8_t read_reg(const struct vrtc *r, uint8_t idx)
{
	struct vrtc_date d = vrtc_date_from_epoch(r->clock(r->clock_ctx));

	switch (idx) {
	case RTC_SECONDS:
		return encode(r, d.sec);
	case RTC_MINUTES:
		return encode(r, d.min);
	case RTC_HOURS:
		return encode_hour(r, d.hour);
	case RTC_WEEKDAY:
		return encode(r, d.weekday);
	case RTC_DAY:
		return encode(r, d.day);
	case RTC_MONTH:
		return encode(r, d.month);
	case RTC_YEAR:
		return encode(r, d.year % 100);
	case RTC_CENTURY:
		return encode(r, d.year / 100);
	case RTC_REG_A:
		return r->ram[RTC_REG_A] & ~REG_A_UIP; /* never mid-update: no reader waits */
	case RTC_REG_C:
		return 0; /* no interrupt flags: none is ever raised */
	case RTC_REG_D:
		return REG_D_VRT;
	default:
		return r->ram[idx];
	}
}

static void write_reg(struct vrtc *r, uint8_t idx, uint8_t v)
{
	switch (idx) {
	case RTC_SECONDS: case RTC_MINUTES: case RTC_HOURS: case RTC_WEEKDAY:
	case RTC_DAY: case RTC_MONTH: case RTC_YEAR: case RTC_CENTURY:
	case RTC_REG_C: case RTC_REG_D:
		return; /* the time follows the host; C and D are read-only */
	case RTC_REG_A:
		r->ram[RTC_REG_A] = v & ~REG_A_UIP;
		return;
	default:
		r->ram[idx] = v;
	}
}

static uint32_t vrtc_read(void *dev, uint16_t port, unsigned size)
{
	struct vrtc *r = dev;

	if (port == RTC_PORT_INDEX)
		return 0xff; /* the index register is write-only */
	return read_reg(r, r->index);
}

static void vrtc_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct vrtc *r = dev;

	if (port == RTC_PORT_INDEX)
		r->index = (uint8_t)value & 0x7f; /* bit 7: the NMI mask, which nothing here has */
	else
		write_reg(r, r->index, (uint8_t)value);
}

struct port_range vrtc_ports(struct vrtc *r, const char *name)
{
	return (struct port_range){ RTC_PORT_INDEX, RTC_PORT_INDEX + 1, name, vrtc_read,
				    vrtc_write, r };
}
