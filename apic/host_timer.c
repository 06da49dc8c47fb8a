/* apic/host_timer.c: see apic/host_timer.h. */
#include "apic/host_timer.h"
#include "apic/lapic.h"
#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/trap.h"
#include "lib/cmdline.h"
#include "lib/log.h"

static struct host_timer timers[MAX_CPUS];
static bool periodic_only; /* host_timer=periodic */
static bool deadline;      /* BSP: TSC-deadline mode on every CPU */

bool host_timer_option(const char *value, void *ctx)
{
	static const char *const names[] = { "deadline", "periodic" };
	int i = cmdline_match(value, names, 2);

	if (i < 0)
		return false;
	periodic_only = i == 1;
	return true;
}

void host_timer_init(void)
{
	if (cpu_id() == 0) {
		deadline = !periodic_only && lapic_has_tsc_deadline();
		if (deadline)
			log_info("lapic: timer in TSC-deadline mode");
		else
			log_info("lapic: timer in periodic mode (%s)", periodic_only ?
				 "host_timer=periodic" : "the CPU has no TSC-deadline mode");
	}
	if (deadline)
		lapic_timer_deadline_mode(VEC_HOST_TIMER);
}

static struct host_timer *mine(void)
{
	return &timers[cpu_id()];
}

static void arm(const struct host_timer *t)
{
	lapic_timer_deadline(host_timer_deadline(t));
}

void host_timer_start_tick(uint32_t hz)
{
	struct host_timer *t = mine();

	if (!deadline) {
		lapic_timer_periodic(VEC_HOST_TIMER, hz);
		t->tick_period = 1; /* every interrupt is the tick */
		return;
	}
	uint64_t flags = read_rflags();
	irq_disable(); /* the interrupt handler changes *t too */
	t->tick_period = time_tsc_hz() / hz;
	t->tick_next = rdtsc() + t->tick_period;
	arm(t);
	if (flags & RFLAGS_IF)
		irq_enable();
}

bool host_timer_wake_at(uint64_t tsc)
{
	struct host_timer *t = mine();

	if (!deadline)
		return false;
	t->wake_at = tsc;
	arm(t);
	return true;
}

void host_timer_wake_cancel(void)
{
	struct host_timer *t = mine();

	if (!t->wake_at)
		return;
	t->wake_at = 0;
	arm(t);
}

bool host_timer_interrupt(void)
{
	struct host_timer *t = mine();

	if (!deadline)
		return t->tick_period != 0;
	bool tick = host_timer_fired(t, rdtsc());
	arm(t);
	return tick;
}
