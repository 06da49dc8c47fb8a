/* vmx/vcpu.c: one vCPU on its own physical CPU: loading its VMCS, the entry/exit loop, injecting
 * pending interrupts, sleeping through HLT, and stopping. Root mode, the vCPU's CPU, interrupts off
 * except while the CPU sleeps. */
#include "arch/console.h"
#include "arch/cpu.h"
#include "arch/host_timer.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/trap.h"
#include "lib/array.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "vmx/exit.h"
#include "vmx/gdb_vcpu.h"
#include "vmx/msr_policy.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

static struct vcpu *current[MAX_CPUS];

struct vcpu *vcpu_current(void)
{
	return current[cpu_id()];
}

struct vcpu *vcpu_on_cpu(unsigned cpu)
{
	return cpu < MAX_CPUS ? current[cpu] : 0;
}

bool vcpu_debug_call(struct vcpu *v, void (*fn)(struct vcpu *v, void *arg), void *arg,
		     unsigned timeout_ms)
{
	if (v->owner.cpu == cpu_id()) {
		fn(v, arg);
		return true;
	}
	if (current[v->owner.cpu] != v)
		return false; /* its loop has ended: nobody will answer */
	vcpu_call_post(v, fn, arg);
	vcpu_note_request(v);
	vcpu_kick(v);
	uint64_t end = rdtsc() + time_tsc_hz() / 1000 * timeout_ms;
	while (__atomic_load_n(&v->debug_fn, __ATOMIC_SEQ_CST) && rdtsc() < end)
		cpu_relax();
	if (vcpu_call_withdraw(v))
		return false;
	while (__atomic_load_n(&v->debug_fn, __ATOMIC_SEQ_CST))
		cpu_relax(); /* started: it uses `arg`, in our frame, until it ends */
	return true;
}

/* The fault report's view of the vCPU this CPU runs: its VMCS is current here, so VMREAD is safe
 * even now (nothing here takes a lock). */
static void report_on_fault(void)
{
	static const uint32_t fields[] = { VMCS_GUEST_RIP, VMCS_GUEST_RSP, VMCS_GUEST_RFLAGS,
					   VMCS_GUEST_CR0, VMCS_GUEST_CR3, VMCS_GUEST_CR4,
					   VMCS_EXIT_REASON, VMCS_EXIT_QUALIFICATION,
					   VMCS_CTRL_PROC_BASED, VMCS_CTRL_PROC_BASED2 };
	struct vcpu *v = vcpu_current();
	char line[120];

	if (!v)
		return;
	fmt_snprintf(line, sizeof(line), "  on this CPU: %s vCPU %u, last exit %s, %s", v->vm->name,
		     v->id, vmx_exit_reason_name(v->last_exit),
		     v->owner.in_guest ? "in the guest" : "in root mode");
	console_emergency_line(line);
	for (unsigned i = 0; v->launched && i < ARRAY_SIZE(fields); i++) {
		fmt_snprintf(line, sizeof(line), "  %-28s 0x%lx", vmcs_field_name(fields[i]),
			     vmcs_read_field(fields[i]));
		console_emergency_line(line);
	}
}

void vcpu_assert_owner(struct vcpu *v, const char *what)
{
	enum vcpu_owner_verdict r = vcpu_owner_check(&v->owner, cpu_id());

	if (r != VCPU_OWNER_OK)
		panic("design rule broken: %s of %s vCPU %u %s (on cpu%u, owner cpu%u)", what,
		      v->vm->name, v->id, vcpu_owner_verdict_text(r), cpu_id(), v->owner.cpu);
}

void vcpu_set_msr_bitmap_x2apic(struct vcpu *v, const struct msr_x2apic_open *open)
{
	msr_bitmap_x2apic(vcpu_msr_bitmap(v), open);
}

void vcpu_kick(struct vcpu *v)
{
	if (v->owner.cpu != cpu_id())
		lapic_send_fixed(cpus[v->owner.cpu]->apic_id, VEC_IPI_KICK);
}

/* A start that was asked for (a SIPI, HC_START_VCPU, or the boot state of the VM's first vCPU)
 * loads its state. Taken also while held (gdb=...,wait, or a GDB stop): GDB then sees the state
 * the vCPU starts in (vmx/gdb_vcpu.c). Acquire: start_eip/eax/ebx were written before READY was
 * released. RUNNING is stored before the request is dropped, so a claim that wins after the
 * drop sees RUNNING (vcpu_claim_start). */
static void take_start(struct vcpu *v)
{
	if (v->state == VCPU_WAIT_START &&
	    __atomic_load_n(&v->start_request, __ATOMIC_ACQUIRE) == VCPU_START_READY) {
		if (v->start_long) {
			vmcs_load_long64_state(v, v->start_rip, v->start_cr3, v->start_gdt,
					       v->start_gdt_limit);
			v->regs.rsi = v->start_rsi;
		} else {
			vmcs_load_flat32_state(v, v->start_eip, v->start_eax);
			v->regs.rbx = v->start_ebx;
		}
		__atomic_store_n(&v->state, VCPU_RUNNING, __ATOMIC_SEQ_CST);
		__atomic_store_n(&v->start_request, VCPU_START_NONE, __ATOMIC_SEQ_CST);
		v->apic_dirty = true;
	}
}

/* Whether the vCPU can enter the guest now; false means "sleep until kicked" (or until its
 * timer, vcpu_sleep()). A SIPI (vmx/vapic_irq.c) or HC_START_VCPU starts a waiting vCPU. */
static bool ready_to_run(struct vcpu *v)
{
	take_start(v);
	if (v->paused)
		return false;
	if (v->state == VCPU_HALTED && vapic_wakes_halt(v)) {
		v->state = VCPU_RUNNING;
		v->halted_with_if_clear = false;
		v->apic_dirty = true;
	}
	return v->state == VCPU_RUNNING;
}

/* Parked: the vCPU cannot run again by itself, only when another vCPU of the VM sends it an
 * NMI, INIT or SIPI (halted with interrupts off, waiting for a SIPI, or stopped). Its own view,
 * on its own CPU. */
static bool parked(const struct vcpu *v)
{
	return v->state == VCPU_WAIT_START || v->state == VCPU_STOPPED ||
	       (v->state == VCPU_HALTED && v->halted_with_if_clear);
}

/* Another vCPU's view, under vm->park_lock: parked, and with nothing that could wake it
 * waiting (a request of any kind, a latched NMI, a start or a SIPI). */
static bool stays_parked(const struct vcpu *o)
{
	return parked(o) && !o->requests && !o->nmi_pending &&
	       !(o->state == VCPU_WAIT_START && (o->start_request || o->sipi_request));
}

/* The rule that makes "every vCPU halted with interrupts off" exact on several CPUs at once: a
 * vCPU leaves a parked state only under vm->park_lock (vcpu_take_requests_parked), and every
 * vCPU that has just become parked looks at all the others under it. Two vCPUs that park at
 * the same time take the lock one after the other, and the second sees the first parked: the
 * lock's release and acquire order the first one's state store before the second one's loads.
 * (With loads and stores alone, each could read the other's old RUNNING state and the VM would
 * hang instead of stopping with a reason.) A request sent by a vCPU before it parked is seen
 * too: it was stored before that vCPU's own unlock. Called with the lock held. */
static bool every_vcpu_parked(const struct vm *vm)
{
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if (!stays_parked(vm->vcpus[i]))
			return false;
	return true;
}

static void stop_if_every_vcpu_parked(struct vcpu *v, bool dead)
{
	if (dead)
		vm_stop(v->vm, "every vCPU halted with interrupts disabled or waits for a SIPI (last: "
			       "vCPU %u at RIP 0x%lx)", v->id, vmcs_read_natural(VMCS_GUEST_RIP));
}

void vcpu_halt(struct vcpu *v, bool if_set)
{
	struct vm *vm = v->vm;

	if (if_set) {
		v->halted_with_if_clear = false;
		v->state = VCPU_HALTED;
		return;
	}
	spin_lock(&vm->park_lock);
	v->halted_with_if_clear = true;
	v->state = VCPU_HALTED;
	bool dead = every_vcpu_parked(vm);
	spin_unlock(&vm->park_lock);
	stop_if_every_vcpu_parked(v, dead);
}

/* The loop's look at requests and whether the vCPU can run. A parked vCPU does it under the
 * park lock (every_vcpu_parked), and one that is parked afterwards checks the whole VM. */
static bool take_requests_and_ready(struct vcpu *v)
{
	struct vm *vm = v->vm;
	bool locked = parked(v), dead = false;

	if (locked)
		spin_lock(&vm->park_lock);
	vapic_take_requests(v);
	bool ready = ready_to_run(v);
	if (!ready && parked(v)) {
		if (!locked)
			spin_lock(&vm->park_lock);
		locked = true;
		dead = every_vcpu_parked(vm);
	}
	if (locked)
		spin_unlock(&vm->park_lock);
	stop_if_every_vcpu_parked(v, dead);
	return ready;
}

/* A vCPU that cannot run sleeps with interrupts on: a kick ends the HLT, and so does the host
 * timer when the vCPU halted with its APIC timer armed (arch/host_timer.h). Without TSC-deadline
 * mode the CPU polls the TSC for that timer instead. Called with interrupts off; STI;HLT takes
 * an interrupt that comes in between. */
static void vcpu_sleep(struct vcpu *v)
{
	uint64_t wake = v->state == VCPU_HALTED ? vapic_next_timer(v) : 0;

	if (wake && !host_timer_wake_at(wake)) {
		v->timer_polls++;
		irq_enable();
		cpu_relax();
		return;
	}
	v->sleeps++;
	console_drain(); /* the serial line's share of the idle time */
	irq_enable_and_halt();
	if (wake) {
		irq_disable();
		host_timer_wake_cancel();
	}
}

static void stop_self(struct vcpu *v)
{
	spin_lock(&v->vm->park_lock); /* parked for good: a check running now must see it */
	v->state = VCPU_STOPPED;
	spin_unlock(&v->vm->park_lock);
	__atomic_add_fetch(&v->vm->stopped_vcpus, 1, __ATOMIC_SEQ_CST);
	current[cpu_id()] = 0;
}

static bool nothing_waiting(void)
{
	return false;
}

static void no_work(void)
{
}

struct vcpu_host_work vcpu_cpu0_work = { nothing_waiting, no_work, no_work };

void vcpu_set_cpu0_work(const struct vcpu_host_work *w)
{
	vcpu_cpu0_work = *w;
}

void vcpu_run(void *arg)
{
	struct vcpu *v = arg;

	current[cpu_id()] = v;
	trap_set_vcpu_report(report_on_fault);
	v->apic_dirty = true;
	if (!vmcs_setup(v)) {
		vm_stop(v->vm, "vCPU %u: its VMCS could not be set up", v->id);
		stop_self(v);
		return;
	}
	take_start(v); /* before GDB's first look (gdb=...,wait): the boot state is in the VMCS */
	for (;;) {
		irq_disable();
		if (v->vm->stopping)
			break;
		if (v->debug_fn)
			vcpu_call_answer(v);
		if (v->owner.cpu == 0 && vcpu_cpu0_work.waiting())
			vcpu_cpu0_work.service();
		if (!take_requests_and_ready(v)) {
			vcpu_sleep(v);
			continue;
		}
		if (v->gdb_step)
			gdb_vcpu_before_step(v); /* interrupts held off for the step */
		vapic_before_entry(v);
		if (!v->launched)
			log_info("%s: vCPU %u: first VM entry %lu TSC ticks after the first instruction",
				 v->vm->name, v->id, time_ticks_since_boot());
		v->stub_resumes = VCPU_STUB_RESUMES_MAX;
		v->owner.in_guest = true;
		/* Returns when an exit, already handled (vmx_handle_exit), left the loop work to do. */
		int r = vmx_enter(&v->regs, v->launched);
		v->owner.in_guest = false;
		if (r) {
			vmx_report_entry_error(v, r);
			break;
		}
		v->launched = true;
		if (v->vm->break_design_rule && v->id == 0)
			vm_break_design_rule();
	}
	stop_self(v);
}
