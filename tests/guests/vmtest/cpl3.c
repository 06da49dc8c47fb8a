/* tests/guests/vmtest/cpl3.c: hypercalls are for the guest kernel only. A VMCALL from CPL 3 returns
 * -HC_EPERM and does nothing (lib/guest_abi.h, README "Hypercalls"): HC_WAKE raises no interrupt
 * in its target, HC_START_VCPU starts nothing, HC_VERSION gives no answer. The same HC_WAKE from
 * ring 0 then arrives, so the target could have seen one. vCPU 0 runs the suite, vCPU 1 waits
 * with interrupts on, and the last vCPU (when no suite started it yet) is the one to start. */
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/lib/ring3.h"
#include "tests/guests/lib/spinlock.h"
#include "tests/guests/lib/trap.h"
#include "tests/guests/vmtest/ap.h"
#include "tests/guests/vmtest/vmtest.h"

#define WAKE_VECTOR 0x41
#define TARGET 1
#define SETTLE_POLLS 1000000u
#define ARRIVE_POLLS 100000000u

static uint32_t irqs;     /* interrupts taken on WAKE_VECTOR */
static uint32_t waiting;  /* vCPU 1 has interrupts on */
static uint32_t stop;     /* vCPU 1 may turn them off and finish its job */
static uint32_t start_index, started; /* ring3_started_entry() sets `started` */

/* What the ring-3 side saw. */
static uint32_t cs_rpl;
static int32_t r_version, r_wake, r_start, r_info;

static bool count_irq(struct trap_frame *f)
{
	atomic_inc(&irqs);
	return true;
}

static void wait_job(unsigned self)
{
	atomic_store(&waiting, 1);
	irq_enable();
	while (!atomic_load(&stop))
		cpu_relax();
	irq_disable();
}

/* Where a started vCPU would arrive: it only says so and halts (it has no stack). */
__attribute__((naked, noreturn)) static void started_entry(void)
{
	__asm__ volatile("movl $1, started; 1: cli; hlt; jmp 1b");
}

/* CPL 3: no console, no ports; only VMCALLs and memory. */
static void user_calls(void)
{
	uint32_t cs, n;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	cs_rpl = cs & 3;
	r_version = hc_version();
	r_wake = hc_wake(TARGET, WAKE_VECTOR);
	r_start = hc_start_vcpu(start_index, (uint32_t)(uintptr_t)started_entry, 0);
	r_info = hc_vcpu_info(&n);
}

static void check_eperm(const char *name, const char *call, int32_t got)
{
	if (got == -HC_EPERM)
		check_pass(name);
	else
		check_fail(name, "%s from CPL 3 (got %d %s, want -HC_EPERM %d)", call, got,
			   hc_strerror(got), -HC_EPERM);
}

/* Waits (bounded) until *counter is at least `want`. */
static bool wait_for(uint32_t *counter, uint32_t want, uint32_t polls)
{
	for (uint32_t i = 0; i < polls; i++) {
		if (atomic_load(counter) >= want)
			return true;
		cpu_relax();
	}
	return false;
}

static void check_results(bool start_free)
{
	check_hex("cpl3.ring3", "CS.RPL inside ring3_run()", cs_rpl, 3);
	check_eperm("cpl3.version", "HC_VERSION", r_version);
	check_eperm("cpl3.wake", "HC_WAKE(1, 0x41)", r_wake);
	check_eperm("cpl3.start", "HC_START_VCPU", r_start);
	check_eperm("cpl3.vcpu_info", "HC_VCPU_INFO", r_info);
	vmtest_delay(SETTLE_POLLS);
	check_hex("cpl3.wake_nothing", "interrupts on vCPU 1 after HC_WAKE from CPL 3",
		  atomic_load(&irqs), 0);
	if (start_free)
		check_hex("cpl3.start_nothing", "the vCPU HC_START_VCPU named at CPL 3 started",
			  atomic_load(&started), 0);
	else
		check_skip("cpl3.start_nothing", "every vCPU already runs");
	/* The control: from ring 0 the same call arrives. */
	check_int("cpl3.wake_ring0", "HC_WAKE(1, 0x41) from CPL 0", hc_wake(TARGET, WAKE_VECTOR), 0);
	wait_for(&irqs, 1, ARRIVE_POLLS);
	check_hex("cpl3.wake_ring0.arrived", "interrupts on vCPU 1 after HC_WAKE from CPL 0",
		  atomic_load(&irqs), 1);
}

void suite_cpl3(void)
{
	bool start_free;

	if (vmtest_nvcpus < 2) {
		check_skip("cpl3", "1 vCPU");
		return;
	}
	start_index = vmtest_nvcpus - 1;
	start_free = start_index != TARGET && !ap_started(start_index);
	ring3_init();
	trap_set_hook(WAKE_VECTOR, count_irq);
	if (ap_post(TARGET, wait_job) && wait_for(&waiting, 1, ARRIVE_POLLS)) {
		ring3_run(user_calls);
		check_results(start_free);
	} else {
		check_fail("cpl3.target", "vCPU 1 (got no sign of life, want waiting)");
	}
	atomic_store(&stop, 1);
	ap_wait(TARGET);
	trap_set_hook(WAKE_VECTOR, 0);
}
