/* tests/guests/lib/power.h: powering the machine off the ACPI way: find the RSDP, read the FADT's
 * PM1 control blocks and the DSDT's \_S5 sleep type, write SLP_TYP | SLP_EN. vCPU 0. */
#ifndef GUEST_LIB_POWER_H
#define GUEST_LIB_POWER_H

/* Returns only when the machine is still running afterwards, having said why on the console. */
void power_off(void);

#endif
