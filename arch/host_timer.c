/* arch/host_timer.c: see arch/host_timer.h. */
#include "arch/cpu.h"
#include "arch/host_timer.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/trap.h"
#include "arch/tsc_deadline_errata.h"
#include "lib/cmdline.h"
#include "lib/log.h"

static struct host_timer timers[MAX_CPUS];
static enum { MODE_AUTO, MODE_DEADLINE, MODE_PERIODIC } mode; /* host_timer= */
static bool deadline; /* BSP: TSC-deadline mode on every CPU */

bool host_timer_option(const char *value, void *ctx)
{
	static const char *const names[] = { "auto", "deadline", "periodic" };
	int i = cmdline_match(value, names, 3);

	if (i < 0)
		return false;
	mode = i;
	return true;
}

/* The microcode revision: write 0 to IA32_BIOS_SIGN_ID, run CPUID leaf 1, read bits 63:32 back
 * (SDM Vol. 3A, "Microcode Update Facilities", "Determining the Signature"). */
static uint32_t microcode_revision(void)
{
	wrmsr(MSR_IA32_BIOS_SIGN_ID, 0);
	(void)cpuid(1, 0);
	return (uint32_t)(rdmsr(MSR_IA32_BIOS_SIGN_ID) >> 32);
}

/* Whether TSC-deadline mode can be trusted here. Under a hypervisor (CPUID.01H:ECX[31]) the
 * revision means nothing and the timer is that hypervisor's: trusted. */
static bool deadline_reliable(void)
{
	struct cpuid_regs r = cpuid(1, 0);
	uint32_t need = tsc_deadline_min_microcode(r.eax), have;

	if (!need || (r.ecx & (1u << 31)) || (have = microcode_revision()) >= need)
		return true;
	log_warn("lapic: this CPU needs microcode 0x%x or later for a reliable TSC-deadline timer "
		 "(Intel errata) and has 0x%x: a firmware (BIOS/UEFI) update brings it; "
		 "host_timer=deadline uses the timer anyway", need, have);
	return false;
}

void host_timer_init(void)
{
	if (cpu_id() == 0) {
		const char *why = mode == MODE_PERIODIC	   ? "host_timer=periodic"
				  : !lapic_has_tsc_deadline() ? "the CPU has no TSC-deadline mode"
				  : mode == MODE_DEADLINE	   ? 0
				  : !deadline_reliable()	   ? "the CPU's microcode is too old for it"
							   : 0;
		deadline = !why;
		if (deadline)
			log_info("lapic: timer in TSC-deadline mode%s",
				 mode == MODE_DEADLINE ? " (host_timer=deadline)" : "");
		else
			log_info("lapic: timer in periodic mode (%s)", why);
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
	uint64_t flags = read_rflags();

	irq_disable(); /* the interrupt handler reads and changes *t */
	t->tick_period = time_tsc_hz() / hz;
	t->tick_next = rdtsc() + t->tick_period;
	if (deadline)
		arm(t);
	else
		lapic_timer_periodic(VEC_HOST_TIMER, hz);
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
		return t->tick_period != 0; /* periodic: every interrupt is the tick */
	bool tick = host_timer_fired(t, rdtsc());
	arm(t);
	return tick;
}
