/* arch/host_timer.h: each CPU's own local-APIC timer, shared by its two users: CPU 0's console
 * tick (the serial line is polled 100 times a second, arch/console_input.c) and the wake-up of a
 * CPU whose vCPU halted with its virtual APIC timer armed (vmx/vcpu.c), or, on a CPU without the
 * VMX-preemption timer, the exit that ends guest time when that timer is due (vmx/vapic_irq.c).
 * In TSC-deadline mode (SDM Vol. 3A, 11.5.4.1) the timer is armed for whichever is due first, so
 * a halted vCPU's CPU sleeps in HLT until its timer is due. Without it (a CPU older than Sandy
 * Bridge, QEMU's TCG, a CPU whose microcode the errata name, or host_timer=periodic) the tick is
 * the periodic timer and such a CPU polls the TSC instead.
 *
 * Each CPU touches only its own state, with interrupts off: the timer's interrupt changes it too.
 * The arithmetic is pure (host-tested); the rest is in arch/host_timer.c. */
#ifndef ARCH_HOST_TIMER_H
#define ARCH_HOST_TIMER_H

#include <stdbool.h>
#include <stdint.h>

/* TSC values; 0 is "not armed" for both. */
struct host_timer {
	uint64_t tick_period, tick_next; /* the console tick, CPU 0 only */
	uint64_t wake_at;                /* a halted vCPU's timer */
};

/* The deadline to program: the earlier of the two that are armed, or 0 (disarmed). */
static inline uint64_t host_timer_deadline(const struct host_timer *t)
{
	uint64_t tick = t->tick_period ? t->tick_next : 0;

	if (!tick || (t->wake_at && t->wake_at < tick))
		return t->wake_at;
	return tick;
}

/* The interrupt came at `now`: whether the tick is due, its next deadline (ticks missed while
 * interrupts were off are one tick, as a periodic timer's would be), and the wake-up dropped
 * once due (its vCPU's loop sees its timer at the TSC). A spurious interrupt (SDM 11.5.4.1: one
 * may follow disarming or postponing) changes nothing. */
static inline bool host_timer_fired(struct host_timer *t, uint64_t now)
{
	bool tick = t->tick_period && now >= t->tick_next;

	if (tick) {
		t->tick_next += t->tick_period;
		if (t->tick_next <= now)
			t->tick_next = now + t->tick_period;
	}
	if (t->wake_at && now >= t->wake_at)
		t->wake_at = 0;
	return tick;
}

/* Interrupts off: an interrupt at TSC `tsc` (at once if already past), to end a HLT or, in the
 * guest, as an external-interrupt exit. False without TSC-deadline mode: the caller polls. */
bool host_timer_wake_at(uint64_t tsc);
/* Interrupts off: the wake-up is no longer wanted (the CPU woke for another reason). */
void host_timer_wake_cancel(void);

#ifndef HOST_TEST
/* Each CPU after lapic_init(), the BSP first: puts the timer in TSC-deadline mode when the CPU
 * has it, its microcode is not one the errata name (arch/tsc_deadline_errata.h), and
 * host_timer= did not say otherwise. */
void host_timer_init(void);
/* host_timer=auto (the above), deadline (whatever the microcode) or periodic (boot option). */
bool host_timer_option(const char *value, void *ctx);
/* CPU 0: the console tick, `hz` times a second. */
void host_timer_start_tick(uint32_t hz);
/* The timer's interrupt (VEC_HOST_TIMER), in root mode or as a VM exit, after its EOI: true when
 * the console tick is due. */
bool host_timer_interrupt(void);
#endif

#endif
