/* tests/guests/apictest/timer_modes.c: the timer's three modes (Intel SDM Vol. 3A, 11.5.4):
 * one-shot fires once and its current count runs down to 0 and stays there; periodic fires again
 * and again until an initial count of 0 stops it; TSC-deadline fires once when the TSC reaches
 * IA32_TSC_DEADLINE (then the MSR reads 0), never if the MSR is cleared first, and at once for a
 * deadline already past (11.5.4.1). On every vCPU at once, in xAPIC and then x2APIC mode. The only
 * timing checks: not before the due time, and within TIMER_BOUND_FACTOR times it. */
#include "tests/guests/apictest/ap.h"
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/irq.h"
#include "tests/guests/apictest/timer.h"
#include "tests/guests/apictest/timing.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"

static enum apic_mode mode; /* for the jobs */

static const char *mname(void)
{
	return mode == APIC_MODE_X2APIC ? "x2apic" : "xapic";
}

/* Waits for fire number `want` within the bound; FAIL `what` if it does not come. */
static bool wait_fire(unsigned self, const char *what, uint32_t want, uint64_t due)
{
	char n[CHECK_NAME_MAX];

	if (wait_count(&irq_count[self][VEC_TIMER], want, due * TIMER_BOUND_FACTOR))
		return true;
	check_fail(check_name(n, "timer.%s.%s.vcpu%u", mname(), what, self),
		   "timer interrupt (got none within %u x the due time, want one)",
		   TIMER_BOUND_FACTOR);
	return false;
}

/* The TSC at the last interrupt is at least t0 + due, less kHz rounding. */
static void check_not_early(unsigned self, const char *what, uint64_t t0, uint64_t due)
{
	char n[CHECK_NAME_MAX];
	uint64_t took = irq_tsc[self] - t0;

	check_name(n, "timer.%s.%s.not_early.vcpu%u", mname(), what, self);
	if (took + due / 64 < due)
		check_fail(n, "TSC ticks from start to interrupt (got %llu, want >= %llu)", took, due);
	else
		check_pass(n);
}

static void oneshot(unsigned self)
{
	uint64_t due = ms_to_ticks(TIMER_PERIOD_MS), t0;
	uint32_t counts = ticks_to_counts(due), before = timer_fires(self), c1, c2;
	char n[CHECK_NAME_MAX];

	t0 = timer_oneshot_start(counts);
	c1 = apic_read(APIC_TIMER_CURRENT);
	delay_ticks(due / 8);
	c2 = apic_read(APIC_TIMER_CURRENT);
	check_name(n, "timer.%s.oneshot.counting.vcpu%u", mname(), self);
	if (c1 > counts || c2 >= c1 || c2 == 0)
		check_fail(n, "current count after start, then later (got %u then %u, want <= %u "
			   "and falling)", c1, c2, counts);
	else
		check_pass(n);
	if (!wait_fire(self, "oneshot", before + 1, due)) {
		timer_stop();
		return;
	}
	check_not_early(self, "oneshot", t0, counts_to_ticks(counts));
	check_hex(check_name(n, "timer.%s.oneshot.current_zero.vcpu%u", mname(), self),
		  "current count after the interrupt", apic_read(APIC_TIMER_CURRENT), 0);
	delay_ticks(2 * due);
	check_int(check_name(n, "timer.%s.oneshot.once.vcpu%u", mname(), self),
		  "interrupts from one one-shot count", (int32_t)(timer_fires(self) - before), 1);
	timer_stop();
}

static void periodic(unsigned self)
{
	uint64_t due = ms_to_ticks(TIMER_PERIOD_MS);
	uint32_t before = timer_fires(self), stopped;
	char n[CHECK_NAME_MAX];

	apic_write(APIC_TIMER_DIVIDE, APIC_TIMER_DIVIDE_BY_1);
	apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_PERIODIC | VEC_TIMER);
	apic_write(APIC_TIMER_INITIAL, ticks_to_counts(due));
	if (!wait_fire(self, "periodic", before + 3, 3 * due)) {
		timer_stop();
		return;
	}
	check_pass(check_name(n, "timer.%s.periodic.repeats.vcpu%u", mname(), self));
	/* An initial count of 0 stops it (11.5.4); one interrupt may already be pending. */
	irq_disable();
	apic_write(APIC_TIMER_INITIAL, 0);
	irq_enable();
	delay_ticks(due / 4);
	stopped = timer_fires(self);
	check_hex(check_name(n, "timer.%s.periodic.current_zero.vcpu%u", mname(), self),
		  "current count after initial count 0", apic_read(APIC_TIMER_CURRENT), 0);
	delay_ticks(5 * due);
	check_int(check_name(n, "timer.%s.periodic.stopped.vcpu%u", mname(), self),
		  "interrupts in 5 periods after initial count 0",
		  (int32_t)(timer_fires(self) - stopped), 0);
	timer_stop();
}

static void deadline(unsigned self)
{
	uint64_t due = ms_to_ticks(TIMER_PERIOD_MS), d;
	uint32_t before = timer_fires(self);
	char n[CHECK_NAME_MAX];

	d = rdtsc() + due;
	timer_deadline_start(d);
	if (wait_fire(self, "deadline", before + 1, due)) {
		check_not_early(self, "deadline", d - due, due);
		check_hex64(check_name(n, "timer.%s.deadline.msr_zero.vcpu%u", mname(), self),
			    "IA32_TSC_DEADLINE after the interrupt", rdmsr(MSR_TSC_DEADLINE), 0);
		delay_ticks(2 * due);
		check_int(check_name(n, "timer.%s.deadline.once.vcpu%u", mname(), self),
			  "interrupts from one deadline", (int32_t)(timer_fires(self) - before), 1);
	}
	before = timer_fires(self);
	timer_deadline_start(rdtsc() + due);
	wrmsr(MSR_TSC_DEADLINE, 0);
	delay_ticks(3 * due);
	check_int(check_name(n, "timer.%s.deadline.disarmed.vcpu%u", mname(), self),
		  "interrupts after writing 0 before the deadline",
		  (int32_t)(timer_fires(self) - before), 0);
	before = timer_fires(self);
	timer_deadline_start(rdtsc() - due);
	if (wait_fire(self, "deadline_past", before + 1, due))
		check_pass(check_name(n, "timer.%s.deadline.past.vcpu%u", mname(), self));
	timer_stop();
}

static void modes_job(unsigned self)
{
	char n[CHECK_NAME_MAX];

	if (!apic_enter(mode, mode == APIC_MODE_X2APIC ? "timer.x2apic" : "timer.xapic", self))
		return;
	irq_enable();
	oneshot(self);
	periodic(self);
	if (timer_has_deadline())
		deadline(self);
	else
		check_skip(check_name(n, "timer.%s.deadline.vcpu%u", mname(), self),
			   "CPUID.1:ECX.TSC_DEADLINE is 0");
	apic_restore_xapic();
}

void timer_modes(enum apic_mode m)
{
	mode = m;
	run_on_all(m == APIC_MODE_X2APIC ? "timer.x2apic" : "timer.xapic", modes_job);
}
