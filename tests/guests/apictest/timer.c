/* tests/guests/apictest/timer.c: suite `timer` and the helpers its parts share. The local APIC
 * timer (Intel SDM Vol. 3A, 11.5.4): one-shot, periodic and TSC-deadline mode, on every vCPU at
 * once, in xAPIC mode (timer_modes.c), halted vCPUs woken by their timer (timer_halt.c), then the
 * modes again in x2APIC mode, last because the way back to xAPIC is a global disable. On bare metal
 * the timer's rate is measured first. */
#include "tests/guests/apictest/ap.h"
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/irq.h"
#include "tests/guests/apictest/timer.h"
#include "tests/guests/apictest/timing.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/msr.h"
#include "tests/guests/lib/spinlock.h"

#define CALIBRATE_MS 2

bool timer_has_deadline(void)
{
	return cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE;
}

uint32_t timer_fires(unsigned self)
{
	return atomic_load(&irq_count[self][VEC_TIMER]);
}

uint64_t timer_oneshot_start(uint32_t counts)
{
	uint64_t t0;

	apic_write(APIC_TIMER_DIVIDE, APIC_TIMER_DIVIDE_BY_1);
	apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_ONESHOT | VEC_TIMER);
	t0 = rdtsc();
	apic_write(APIC_TIMER_INITIAL, counts);
	return t0;
}

/* 11.5.4.1: a WRMSR to IA32_TSC_DEADLINE right after the LVT write that selects TSC-deadline
 * mode may be lost unless an MFENCE separates them. */
void timer_deadline_start(uint64_t deadline)
{
	apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_TSC_DEADLINE | VEC_TIMER);
	__asm__ volatile("mfence" : : : "memory");
	wrmsr(MSR_TSC_DEADLINE, deadline);
}

void timer_stop(void)
{
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC_TIMER);
	apic_write(APIC_TIMER_INITIAL, 0);
	if (timer_has_deadline())
		msr_write_safe(MSR_TSC_DEADLINE, 0);
}

/* Without CPUID 0x40000010: count down, masked, for CALIBRATE_MS of (assumed) TSC time. */
static void calibrate(void)
{
	uint64_t ticks = ms_to_ticks(CALIBRATE_MS), t0;
	uint32_t left;

	apic_write(APIC_TIMER_DIVIDE, APIC_TIMER_DIVIDE_BY_1);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC_TIMER);
	t0 = rdtsc();
	apic_write(APIC_TIMER_INITIAL, 0xffffffffu);
	delay_ticks(ticks);
	left = apic_read(APIC_TIMER_CURRENT);
	ticks = rdtsc() - t0;
	timer_stop();
	timing_set_apic_khz((uint32_t)((uint64_t)(0xffffffffu - left) * timing_tsc_khz() / ticks));
	con_printf("timer: measured %u kHz against a TSC of %u kHz", timing_apic_khz(),
		   timing_tsc_khz());
}

void suite_timer(void)
{
	if (!timing_from_hypervisor())
		calibrate();
	timer_modes(APIC_MODE_XAPIC);
	timer_halt();
	timer_modes(APIC_MODE_X2APIC);
}
