/* vmx/vcpu.c: one vCPU on its own physical CPU: loading its VMCS, the entry/exit loop, injecting
 * pending interrupts, sleeping through HLT, and stopping. Root mode, the vCPU's CPU, interrupts off
 * except while the CPU sleeps. */
#include "apic/host_timer.h"
#include "apic/lapic.h"
#include "arch/console.h"
#include "arch/console_input.h"
#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/trap.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "vmx/exit.h"
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
	v->debug_arg = arg;
	__atomic_store_n(&v->debug_fn, fn, __ATOMIC_SEQ_CST);
	vcpu_note_request(v);
	vcpu_kick(v);
	uint64_t end = rdtsc() + time_tsc_hz() / 1000 * timeout_ms;
	while (__atomic_load_n(&v->debug_fn, __ATOMIC_SEQ_CST) && rdtsc() < end)
		cpu_relax();
	/* Withdraw an unanswered request so it cannot run later with a stale argument. */
	return !__atomic_exchange_n(&v->debug_fn, 0, __ATOMIC_SEQ_CST);
}

static void answer_debug(struct vcpu *v)
{
	void (*fn)(struct vcpu *, void *) = __atomic_load_n(&v->debug_fn, __ATOMIC_SEQ_CST);

	if (fn) {
		fn(v, v->debug_arg);
		__atomic_store_n(&v->debug_fn, 0, __ATOMIC_SEQ_CST);
	}
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
	for (unsigned i = 0; v->launched && i < sizeof(fields) / sizeof(fields[0]); i++) {
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

void vcpu_set_proc_controls(struct vcpu *v, uint32_t proc)
{
	vcpu_assert_owner(v, "the processor-based controls");
	v->proc_ctl = proc;
	vmcs_write32(VMCS_CTRL_PROC_BASED, proc);
}

void vcpu_tsc_offset_changed(struct vcpu *v, uint64_t old)
{
	vcpu_assert_owner(v, "the TSC offset");
	vlapic_timer_clock_moved(&v->apic, v->tsc.offset - old);
	vmcs_write64(VMCS_TSC_OFFSET, v->tsc.offset);
	v->apic_dirty = true; /* the preemption timer is re-armed from the new deadline */
}

void vcpu_set_proc2_controls(struct vcpu *v, uint32_t proc2)
{
	vcpu_assert_owner(v, "the secondary processor-based controls");
	if (proc2 == v->proc2_ctl && v->launched)
		return;
	v->proc2_ctl = proc2;
	vmcs_write32(VMCS_CTRL_PROC_BASED2, proc2);
}

void vcpu_set_msr_bitmap_x2apic(struct vcpu *v, const struct msr_x2apic_open *open)
{
	vcpu_assert_owner(v, "the MSR bitmap");
	msr_bitmap_x2apic(v->msr_bitmap, open);
}

void vcpu_set_entry_state(struct vcpu *v, uint32_t eip, uint32_t eax, uint32_t ebx)
{
	v->start_eip = eip;
	v->start_eax = eax;
	v->start_ebx = ebx;
	__atomic_store_n(&v->start_request, true, __ATOMIC_RELEASE);
}

/* Registers by their number in instruction encodings (SDM Vol. 2A, Table 2-2); RSP is in the
 * VMCS. */
static uint64_t *gpr(struct vcpu *v, unsigned n)
{
	uint64_t *const regs[16] = {
		&v->regs.rax, &v->regs.rcx, &v->regs.rdx, &v->regs.rbx, 0, &v->regs.rbp,
		&v->regs.rsi, &v->regs.rdi, &v->regs.r8, &v->regs.r9, &v->regs.r10, &v->regs.r11,
		&v->regs.r12, &v->regs.r13, &v->regs.r14, &v->regs.r15,
	};
	return regs[n & 15];
}

uint64_t vcpu_read_gpr(struct vcpu *v, unsigned n)
{
	return (n & 15) == 4 ? vmcs_read_natural(VMCS_GUEST_RSP) : *gpr(v, n);
}

void vcpu_write_gpr(struct vcpu *v, unsigned n, uint64_t value)
{
	if ((n & 15) == 4)
		vmcs_write_natural(VMCS_GUEST_RSP, value);
	else
		*gpr(v, n) = value;
}

uint64_t vcpu_exit_total(const struct vcpu *v)
{
	uint64_t total = 0;

	for (unsigned r = 0; r <= VMX_EXIT_REASON_MAX; r++)
		total += v->exits[r];
	return total;
}

void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
	uint32_t info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector;

	if (has_error) {
		info |= INTR_HAS_ERROR;
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write32(VMCS_ENTRY_INTR_INFO, info);
}

void vcpu_raise_interrupt(struct vcpu *v, uint8_t vector)
{
	__atomic_or_fetch(&v->extint[vector / 64], 1ull << (vector % 64), __ATOMIC_SEQ_CST);
	vcpu_note_request(v);
	vcpu_kick(v);
}

void vcpu_kick(struct vcpu *v)
{
	if (v->owner.cpu != cpu_id())
		lapic_send_fixed(cpus[v->owner.cpu]->apic_id, VEC_IPI_KICK);
}

/* Whether the vCPU can enter the guest now; false means "sleep until kicked" (or until its
 * timer, vcpu_sleep()). A SIPI (vmx/vapic_irq.c) or HC_START_VCPU starts a waiting vCPU. */
static bool ready_to_run(struct vcpu *v)
{
	if (v->paused)
		return false;
	if (v->state == VCPU_WAIT_START && v->start_request) {
		v->start_request = false;
		vmcs_load_flat32_state(v, v->start_eip, v->start_eax);
		v->regs.rbx = v->start_ebx;
		v->state = VCPU_RUNNING;
		v->apic_dirty = true;
	}
	if (v->state == VCPU_HALTED && vapic_wakes_halt(v)) {
		v->state = VCPU_RUNNING;
		v->halted_with_if_clear = false;
		v->apic_dirty = true;
	}
	return v->state == VCPU_RUNNING;
}

/* A vCPU that cannot run sleeps with interrupts on: a kick ends the HLT, and so does the host
 * timer when the vCPU halted with its APIC timer armed (apic/host_timer.h). Without TSC-deadline
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
	irq_enable_and_halt();
	if (wake) {
		irq_disable();
		host_timer_wake_cancel();
	}
}

static void stop_self(struct vcpu *v)
{
	v->state = VCPU_STOPPED;
	__atomic_add_fetch(&v->vm->stopped_vcpus, 1, __ATOMIC_SEQ_CST);
	current[cpu_id()] = 0;
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
	for (;;) {
		irq_disable();
		if (v->vm->stopping)
			break;
		if (v->debug_fn)
			answer_debug(v);
		if (v->owner.cpu == 0 && console_input_waiting())
			console_service();
		vapic_take_requests(v);
		if (!ready_to_run(v)) {
			vcpu_sleep(v);
			continue;
		}
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
