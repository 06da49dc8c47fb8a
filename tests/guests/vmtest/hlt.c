/* tests/guests/vmtest/hlt.c: HLT and interrupt delivery: vCPU 1 halts with interrupts on, vCPU 0
 * wakes it with HC_WAKE, and vCPU 1 must come back from HLT having taken exactly that one
 * interrupt. vCPU 0 runs the suite, vCPU 1 the job. */
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/lib/spinlock.h"
#include "tests/guests/lib/trap.h"
#include "tests/guests/vmtest/ap.h"
#include "tests/guests/vmtest/vmtest.h"

#define WAKE_VECTOR 0x40
#define HALTER 1
#define READY_POLLS 100000000u
#define SETTLE_POLLS 1000000u /* lets vCPU 1 get from "ready" into HLT */

static uint32_t irqs;    /* interrupts taken on WAKE_VECTOR */
static uint32_t ready;   /* vCPU 1 is about to halt */
static uint32_t on_wake; /* irqs as vCPU 1 saw it right after HLT */

static bool count_irq(struct trap_frame *f)
{
	atomic_inc(&irqs);
	return true;
}

static void halt_job(unsigned self)
{
	atomic_store(&ready, 1);
	irq_enable_and_halt();
	irq_disable();
	atomic_store(&on_wake, atomic_load(&irqs));
}

static bool wait_ready(void)
{
	for (uint32_t i = 0; i < READY_POLLS; i++) {
		if (atomic_load(&ready))
			return true;
		cpu_relax();
	}
	return false;
}

static void wake_and_check(void)
{
	int32_t exits;

	vmtest_delay(SETTLE_POLLS);
	check_int("hlt.wake", "HC_WAKE(1, 0x40)", hc_wake(HALTER, WAKE_VECTOR), 0);
	if (!ap_wait(HALTER)) {
		check_fail("hlt.return", "vCPU 1 after HC_WAKE (got still halted, want back from "
			   "HLT)");
		return;
	}
	check_hex("hlt.count", "interrupts on vector 0x40 when HLT returned", atomic_load(&on_wake),
		  1);
	exits = hc_exit_count(HALTER, EXIT_REASON_HLT);
	if (exits >= 1)
		check_pass("hlt.exitcount");
	else
		check_fail("hlt.exitcount", "HC_EXIT_COUNT(1, HLT) (got %d, want >= 1)", exits);
}

void suite_hlt(void)
{
	if (vmtest_nvcpus < 2) {
		check_skip("hlt", "1 vCPU");
		return;
	}
	trap_set_hook(WAKE_VECTOR, count_irq);
	if (ap_post(HALTER, halt_job)) {
		if (wait_ready())
			wake_and_check();
		else
			check_fail("hlt.ready", "vCPU 1 (got no sign of life, want ready to halt)");
	}
	trap_set_hook(WAKE_VECTOR, 0);
}
