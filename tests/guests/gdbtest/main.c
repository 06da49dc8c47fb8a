/* tests/guests/gdbtest/main.c: the guest GDB debugs in tests/system/gdb.sh (built with -g, so
 * GDB has its symbols and variables). vCPU 0 starts vCPU 1; both wait until GDB sets
 * gdbt_armed (a memory write from GDB that the guest must see); then vCPU 1 calls
 * gdbt_target(1), where GDB has its breakpoint, which reads gdbt_value (set by GDB too) and
 * writes twice it to gdbt_watched (GDB's watchpoint). vCPU 0 reports what it saw and powers the
 * VM off. Without GDB it gives up after a while and says so. */
#include <stdint.h>

#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/power.h"
#include "tests/guests/lib/smp.h"
#include "tests/guests/lib/spinlock.h"

#define WAIT_POLLS 2000000000u /* PAUSEs: far longer than GDB needs to attach in Bochs */

const char guest_name[] = "gdbtest";

volatile uint32_t gdbt_armed;      /* GDB sets it to 1 */
volatile uint32_t gdbt_value = 1;  /* GDB sets it to 21 */
volatile uint32_t gdbt_watched;    /* gdbt_target() writes 2 * gdbt_value */
static uint32_t done;

/* Where GDB breaks. noinline: a function of its own, at its own address. */
__attribute__((noinline)) void gdbt_target(unsigned index);
__attribute__((noinline)) void gdbt_target(unsigned index)
{
	uint32_t v = gdbt_value;

	gdbt_watched = 2 * v;
	con_printf("vCPU %u got value %u", index, v);
}

/* With interrupts on (none is ever sent to this guest): Bochs 2.7 takes no external-interrupt
 * VM exit while a guest spins with RFLAGS.IF clear (README, "Not there yet"), and without exits
 * CPU 0 would never come round to the stub. */
static bool wait_armed(void)
{
	irq_enable();
	for (uint32_t i = 0; i < WAIT_POLLS; i++) {
		if (gdbt_armed)
			return true;
		cpu_relax();
	}
	return false;
}

void guest_ap_main(unsigned index)
{
	if (wait_armed())
		gdbt_target(index);
	atomic_inc(&done);
	halt_forever();
}

void guest_main(void)
{
	con_printf("waiting for GDB to set gdbt_armed");
	if (smp_start_vcpu(1) < 0)
		con_printf("could not start vCPU 1");
	bool armed = wait_armed();
	for (uint32_t i = 0; i < WAIT_POLLS && !atomic_load(&done); i++)
		cpu_relax();
	if (armed)
		con_printf("armed by GDB; gdbt_watched %u", gdbt_watched);
	else
		con_printf("nobody set gdbt_armed");
	power_off();
	con_printf("ACPI power-off failed");
	halt_forever();
}
