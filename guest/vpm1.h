/* guest/vpm1.h: the VM's ACPI PM1a event block (ACPI 6.5, 4.8.3.1 "PM1 Event Grouping"): a
 * 16-bit status register followed by a 16-bit enable register, PM1_EVT_LEN = 4 bytes in the FADT.
 * The enable register holds the fixed-event enables the spec defines (TMR_EN, GBL_EN, PWRBTN_EN,
 * SLPBTN_EN, RTC_EN, PCIEXP_WAKE_DIS): ACPICA writes an enable and reads it back, and a bit that
 * does not stick is "Could not enable ... event" (and "No response from Global Lock hardware").
 * The VM raises no fixed event, so the status register reads 0 and its write-1-to-clear writes
 * change nothing. Pure (host-tested); called with the VM's device lock held. */
#ifndef GUEST_VPM1_H
#define GUEST_VPM1_H

#include <stdint.h>

#include "vmx/io_ports.h"

/* PM1 enable bits (ACPI 6.5, table 4.13 "PM1 Enable Registers Fixed Hardware Feature Enable
 * Bits"); the others are reserved and read 0. */
#define VPM1_EN_BITS 0x4721u /* TMR_EN 0, GBL_EN 5, PWRBTN_EN 8, SLPBTN_EN 9, RTC_EN 10, PCIEXP_WAKE_DIS 14 */

struct vpm1_evt {
	uint16_t base; /* the block's first port (PM1a_EVT_BLK) */
	uint16_t enable;
};

void vpm1_evt_init(struct vpm1_evt *e, uint16_t base);
/* The port-table entry: the 4 ports of the block. */
struct port_range vpm1_evt_ports(struct vpm1_evt *e, const char *name);

#endif
