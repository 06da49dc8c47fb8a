/* tests/guests/gdbtest/main.c: the guest GDB debugs in tests/system/gdb.sh (built with -g, so
 * GDB has its symbols and variables). vCPU 0 starts vCPU 1; both wait until GDB sets
 * gdbt_armed (a memory write from GDB that the guest must see); then vCPU 1 calls
 * gdbt_target(1), where GDB has its breakpoint, which reads gdbt_value (set by GDB too) and
 * writes twice it to gdbt_watched (GDB's watchpoint). vCPU 0 reports what it saw and powers the
 * VM off. Without GDB it gives up after a while and says so. For GDB's x87/SSE registers,
 * vCPU 1 loads known values into xmm0 and st0 before it waits; GDB reads them at its
 * breakpoint and writes xmm1 and st0, which gdbt_target() then reports. */
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

static const uint32_t xmm0_pattern[4] = { 0x11111111, 0x22222222, 0x33333333, 0x44444444 };

/* SSE on (CR4.OSFXSR and OSXMMEXCPT, CR0.EM clear and MP set: SDM Vol. 3A, 14.1.3
 * "Initialization of the SSE Extensions"), st0 1234, xmm0 the pattern, xmm1 zero. */
static void fpu_load(void)
{
	uint32_t cr0, cr4;
	int32_t value = 1234;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %0, %%cr0" : : "r"((cr0 & ~4u) | 2u));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | (1u << 9) | (1u << 10)));
	__asm__ volatile("fninit; fildl %0" : : "m"(value));
	__asm__ volatile("movdqu %0, %%xmm0; pxor %%xmm1, %%xmm1" : : "m"(xmm0_pattern));
}

/* What GDB left in xmm1 and st0. */
static void fpu_report(unsigned index)
{
	uint32_t x[4];
	int32_t st0;

	__asm__ volatile("movdqu %%xmm1, %0" : "=m"(x));
	__asm__ volatile("fistpl %0" : "=m"(st0));
	con_printf("vCPU %u: xmm1 %08x %08x %08x %08x st0 %d", index, x[3], x[2], x[1], x[0],
		   (int)st0);
}

/* Where GDB breaks. noinline: a function of its own, at its own address. */
__attribute__((noinline)) void gdbt_target(unsigned index);
__attribute__((noinline)) void gdbt_target(unsigned index)
{
	uint32_t v = gdbt_value;

	gdbt_watched = 2 * v;
	con_printf("vCPU %u got value %u", index, v);
	fpu_report(index);
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
	fpu_load();
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
