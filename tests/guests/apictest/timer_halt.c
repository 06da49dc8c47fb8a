/* tests/guests/apictest/timer_halt.c: a vCPU that halts (STI; HLT) with its timer armed wakes when
 * the timer fires (Intel SDM Vol. 3A, 11.5.4; HLT resumes on an interrupt, Vol. 2A HLT), one-shot
 * and TSC-deadline mode. Every AP halts at once while vCPU 0 watches: should an AP not come back,
 * vCPU 0 says so and wakes it with an IPI (a vCPU 0 that halted for good would end the run). Then
 * vCPU 0 halts on its own timer, a few times: it must wake within half a period of the deadline.
 * Under this hypervisor its CPU also has the console tick every 10 ms, which would wake it too,
 * only later: the check tells the two apart. */
#include "tests/guests/apictest/ap.h"
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/irq.h"
#include "tests/guests/apictest/timer.h"
#include "tests/guests/apictest/timing.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/spinlock.h"

static bool use_deadline; /* for the jobs */
static uint32_t give_up;  /* vCPU 0 stopped waiting */
static uint32_t woken[APICTEST_MAX_VCPUS];
static uint64_t slept[APICTEST_MAX_VCPUS], due_ticks[APICTEST_MAX_VCPUS];

/* Interrupts off between the test and the HLT, and STI's shadow covering HLT: a timer that fires
 * in between is taken by the HLT, not lost before it. */
static void halt_job(unsigned self)
{
	uint64_t due = ms_to_ticks(TIMER_PERIOD_MS), t0;
	uint32_t before = timer_fires(self);

	if (!apic_enter(APIC_MODE_XAPIC, "timer.halt", self))
		return;
	irq_disable();
	if (use_deadline) {
		t0 = rdtsc();
		timer_deadline_start(t0 + due);
	} else {
		t0 = timer_oneshot_start(ticks_to_counts(due));
		due = counts_to_ticks(ticks_to_counts(due));
	}
	while (timer_fires(self) == before && !atomic_load(&give_up)) {
		irq_enable_and_halt();
		irq_disable();
	}
	slept[self] = irq_tsc[self] - t0;
	due_ticks[self] = due;
	woken[self] = timer_fires(self) - before;
	irq_enable();
	timer_stop();
}

static void wake_lost(unsigned k)
{
	atomic_store(&give_up, 1);
	apic_send_ipi(k, ICR_FIXED | VEC_KICK);
	ap_wait(k);
}

static void check_woken(unsigned k, const char *what, bool came_back)
{
	char n[CHECK_NAME_MAX];

	check_name(n, "timer.halt.%s.vcpu%u", what, k);
	if (!came_back)
		check_fail(n, "halted vCPU %u (got still halted, want woken by its timer)", k);
	else if (woken[k] != 1)
		check_fail(n, "timer interrupts while halted (got %u, want 1)", woken[k]);
	else if (slept[k] + due_ticks[k] / 64 < due_ticks[k])
		check_fail(n, "TSC ticks halted (got %llu, want >= %llu)", slept[k], due_ticks[k]);
	else
		check_pass(n);
}

static void halt_all(const char *what)
{
	uint64_t bound = ms_to_ticks(TIMER_PERIOD_MS) * TIMER_BOUND_FACTOR, start;
	bool posted[APICTEST_MAX_VCPUS];

	atomic_store(&give_up, 0);
	for (unsigned k = 1; k < apictest_nvcpus; k++)
		posted[k] = ap_post(k, halt_job);
	start = rdtsc();
	for (unsigned k = 1; k < apictest_nvcpus; k++) {
		bool back;

		if (!posted[k])
			continue;
		while (!(back = ap_done(k)) && rdtsc() - start < bound)
			cpu_relax();
		if (!back)
			wake_lost(k);
		check_woken(k, what, back);
	}
}

/* vCPU 0 on its own timer, one-shot: woken once, not before the deadline, nor long after. */
static void halt_self(void)
{
	char n[CHECK_NAME_MAX];

	use_deadline = false;
	atomic_store(&give_up, 0);
	for (unsigned round = 0; round < 4; round++) {
		halt_job(0);
		check_name(n, "timer.halt.self.%u.vcpu0", round);
		if (woken[0] != 1)
			check_fail(n, "timer interrupts while halted (got %u, want 1)", woken[0]);
		else if (slept[0] + due_ticks[0] / 64 < due_ticks[0] ||
			 slept[0] > due_ticks[0] + due_ticks[0] / 2)
			check_fail(n, "TSC ticks halted (got %llu, want %llu up to %llu)", slept[0],
				   due_ticks[0], due_ticks[0] + due_ticks[0] / 2);
		else
			check_pass(n);
	}
}

void timer_halt(void)
{
	if (!need_vcpus("timer.halt", 2))
		return;
	use_deadline = false;
	halt_all("oneshot");
	use_deadline = timer_has_deadline();
	if (use_deadline)
		halt_all("deadline");
	halt_self();
}
