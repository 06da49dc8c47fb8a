/* arch/power.h: how the hypervisor stops on purpose: halt (the default) or power off
 * (`on_exit=poweroff`, so tests end by themselves). The stable log lines are "hv: halted" and
 * "hv: power off" (README, "Serial log reference"). */
#ifndef ARCH_POWER_H
#define ARCH_POWER_H

#include <stdbool.h>
#include <stdint.h>

/* What ACPI says about soft-off (S5): from the FADT and the DSDT's \_S5 package. */
struct power_s5 {
	bool valid;
	uint16_t pm1a_cnt, pm1b_cnt; /* I/O ports; 0 if absent */
	uint8_t slp_typa, slp_typb;
	uint16_t smi_cmd;   /* to switch the chipset to ACPI mode first; 0 if none */
	uint8_t acpi_enable;
};

void power_set_s5(const struct power_s5 *s5);

/* Boot option handler for on_exit=halt|poweroff (lib/cmdline.h signature). */
bool power_on_exit_option(const char *value, void *ctx);

/* The work is done: halt or power off, as on_exit says. */
__attribute__((noreturn)) void hv_finish(void);
__attribute__((noreturn)) void hv_power_off(void);
__attribute__((noreturn)) void hv_reboot(void);
__attribute__((noreturn)) void hv_halt(void);
/* After a fault report: as hv_finish(), without taking locks a stopped CPU may hold. */
__attribute__((noreturn)) void hv_stop_after_fault(void);

#endif
