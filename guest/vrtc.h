/* guest/vrtc.h: the VM's CMOS real-time clock at ports 0x70 (index) and 0x71 (data), as far as an
 * OS reads the wall clock from it (MC146818A data sheet, "Address Map" and "Registers A-D"):
 * seconds to year and century (CMOS byte 0x32) in BCD or binary and 12- or 24-hour form as
 * register B says, update-in-progress always clear, register D's valid-RAM bit set, the other
 * bytes plain CMOS RAM. Bit 7 of the index (the NMI mask on a PC) is ignored. No alarm, periodic
 * or update interrupts (register C reads 0): the VM has no IRQ 8 source. Writes of the time are
 * ignored: the clock follows the host's time source. Pure (host-tested); registered in the VM's
 * port table, called with the VM's device lock held. */
#ifndef GUEST_VRTC_H
#define GUEST_VRTC_H

#include <stdint.h>

#include "vmx/io_ports.h"

/* Seconds since 1970-01-01 00:00:00 UTC, now. */
typedef uint64_t (*vrtc_clock_fn)(void *ctx);

struct vrtc {
	uint8_t index;
	uint8_t ram[128]; /* register A, B and the RAM bytes as written */
	vrtc_clock_fn clock;
	void *clock_ctx;
};

void vrtc_init(struct vrtc *r, vrtc_clock_fn clock, void *ctx);
/* The calendar for `secs` since 1970 (UTC): the broken-down fields the registers show. */
struct vrtc_date {
	unsigned year, month, day, weekday; /* weekday 1 = Sunday, as the RTC counts */
	unsigned hour, min, sec;
};
struct vrtc_date vrtc_date_from_epoch(uint64_t secs);
/* The port-table entry: ports 0x70-0x71. */
struct port_range vrtc_ports(struct vrtc *r, const char *name);

#endif
