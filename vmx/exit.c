/* vmx/exit.c: the VM-exit dispatcher and the handlers that belong to no feature: host interrupts
 * and NMIs arriving in the guest, HLT, the interrupt window, triple faults, INIT, instructions the
 * guest must not have (VMX, MONITOR/MWAIT), cache flushes. Exits not in the table stop the VM with
 * the reason's name: never "advance RIP and hope". */
#include "arch/cpu.h"
#include "arch/host_timer.h"
#include "arch/lapic.h"
#include "arch/trap.h"
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/gdb_vcpu.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"
#include "vmx/vm_ioapic.h"
#include "vmx/vmcs_check_host.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

static uint64_t guest_rip(void)
{
	return vmcs_read_natural(VMCS_GUEST_RIP);
}

/* External interrupts exit with "acknowledge interrupt on exit": the host APIC delivered the
 * vector to us, so it gets its EOI here. Each one sends the vCPU round its loop (vmx/vcpu.c): a
 * kick is there to make it look at requests, and the console tick may have brought input. */
static void exit_external_interrupt(struct vcpu *v)
{
	uint32_t info = vmcs_read32(VMCS_EXIT_INTR_INFO);
	uint8_t vector = (uint8_t)info;

	vcpu_note_request(v);

	if (vector != VEC_SPURIOUS)
		lapic_eoi();
	if (vector == VEC_HOST_TIMER) {
		/* The hypervisor's own timer (the console tick, a wake-up that came late): not an
		 * exit the guest caused, so it is counted apart and HC_EXIT_COUNT and the exit
		 * summary stay exact. */
		if (host_timer_interrupt())
			vcpu_cpu0_work.tick(); /* the console's (vmx/vcpu.h) */
		v->exits[VMX_EXIT_EXTERNAL_INTERRUPT]--;
		v->timer_exits++;
		return;
	}
	if (vector != VEC_IPI_KICK && vector != VEC_POSTED_INTR && vector != VEC_SPURIOUS)
		log_warn("%s: vCPU %u: host interrupt vector %u while in the guest", v->vm->name,
			 v->id, vector);
}

/* An NMI is the host's: the fault path stops every CPU with one. Exceptions are intercepted
 * only while GDB is attached (#BP and #DB, vmx/gdb_vcpu.c); any other is unexpected. */
static void exit_exception_nmi(struct vcpu *v)
{
	uint32_t info = vmcs_read32(VMCS_EXIT_INTR_INFO);

	if (INTR_INFO_TYPE(info) == INTR_TYPE_NMI) {
		trap_host_nmi(guest_rip());
		return;
	}
	if (gdb_vcpu_exception(v, info))
		return;
	vm_stop(v->vm, "vCPU %u: unexpected exception exit, vector %u, at RIP 0x%lx", v->id,
		info & 0xff, guest_rip());
}

static void exit_interrupt_window(struct vcpu *v)
{
	v->apic_dirty = true; /* the loop injects the pending interrupt before the next entry */
}

/* HLT: the vCPU sleeps until an interrupt is pending (vmx/vcpu.c). With interrupts off it can
 * only be woken by an NMI, INIT or SIPI from another vCPU; vcpu_halt() checks, under the VM's
 * park lock, whether any vCPU is left to send one. */
static void exit_hlt(struct vcpu *v)
{
	bool if_set = vmcs_read_natural(VMCS_GUEST_RFLAGS) & RFLAGS_IF;

	vcpu_skip_instruction(v);
	vcpu_halt(v, if_set);
}

static void exit_triple_fault(struct vcpu *v)
{
	vm_stop(v->vm, "triple fault on vCPU %u at RIP 0x%lx (CR0 0x%lx, IDTR limit %u)", v->id,
		guest_rip(), vmcs_read_natural(VMCS_GUEST_CR0),
		vmcs_read32(VMCS_GUEST_IDTR_LIMIT));
}

/* Hardware task switches exit unconditionally (SDM Vol. 3C, 26.1.2) and are not emulated; the
 * qualification names the new TSS and what started the switch (Table 28-2). */
static void exit_task_switch(struct vcpu *v)
{
	static const char *const source[] = { "CALL", "IRET", "JMP", "a task gate in the IDT" };
	uint64_t q = vmcs_read_natural(VMCS_EXIT_QUALIFICATION);

	vm_stop(v->vm, "vCPU %u: a hardware task switch by %s to TSS selector 0x%lx at RIP 0x%lx, "
		       "which this hypervisor does not emulate", v->id, source[(q >> 30) & 3],
		(unsigned long)(q & 0xffff), guest_rip());
}

static void exit_init_signal(struct vcpu *v)
{
	vm_stop(v->vm, "vCPU %u received an INIT signal, which this hypervisor does not support "
		       "in the guest's state (RIP 0x%lx)", v->id, guest_rip());
}

/* VMX instructions, MONITOR/MWAIT and GETSEC: hidden in CPUID, so #UD as on a CPU without them.
 * GETSEC exits unconditionally, but only once the guest has set CR4.SMXE (SDM Vol. 3C, 26.1.2),
 * which the VMX fixed bits may let it do although CPUID.1:ECX.SMX reads 0. */
static void exit_undefined(struct vcpu *v)
{
	vcpu_inject_ud(v);
}

/* INVD would drop dirty lines the host may own: do a write-back flush instead. */
static void exit_cache_flush(struct vcpu *v)
{
	__asm__ volatile("wbinvd" ::: "memory");
	vcpu_skip_instruction(v);
}

static void exit_rdpmc(struct vcpu *v)
{
	vcpu_inject_gp(v); /* no PMU is virtualized (CPUID leaf 0xA is empty) */
}

static void exit_entry_failed(struct vcpu *v)
{
	uint32_t basic = v->last_exit;

	vm_stop(v->vm, "VM entry failed on vCPU %u: %s (exit qualification %lu)", v->id,
		vmx_entry_failure_name(basic), vmcs_read_natural(VMCS_EXIT_QUALIFICATION));
	vmcs_report_guest_problems(v);
}

static const exit_handler_fn exit_handlers[VMX_EXIT_REASON_MAX + 1] = {
	[VMX_EXIT_EXCEPTION_NMI] = exit_exception_nmi,
	[VMX_EXIT_EXTERNAL_INTERRUPT] = exit_external_interrupt,
	[VMX_EXIT_TRIPLE_FAULT] = exit_triple_fault,
	[VMX_EXIT_INIT] = exit_init_signal,
	[VMX_EXIT_INTERRUPT_WINDOW] = exit_interrupt_window,
	[VMX_EXIT_NMI_WINDOW] = exit_apic_recheck,
	[VMX_EXIT_TASK_SWITCH] = exit_task_switch,
	[VMX_EXIT_CPUID] = exit_cpuid,
	[VMX_EXIT_GETSEC] = exit_undefined,
	[VMX_EXIT_HLT] = exit_hlt,
	[VMX_EXIT_INVD] = exit_cache_flush,
	[VMX_EXIT_RDPMC] = exit_rdpmc,
	[VMX_EXIT_VMCALL] = exit_vmcall,
	[VMX_EXIT_VMCLEAR] = exit_undefined,
	[VMX_EXIT_VMLAUNCH] = exit_undefined,
	[VMX_EXIT_VMPTRLD] = exit_undefined,
	[VMX_EXIT_VMPTRST] = exit_undefined,
	[VMX_EXIT_VMREAD] = exit_undefined,
	[VMX_EXIT_VMRESUME] = exit_undefined,
	[VMX_EXIT_VMWRITE] = exit_undefined,
	[VMX_EXIT_VMXOFF] = exit_undefined,
	[VMX_EXIT_VMXON] = exit_undefined,
	[VMX_EXIT_CR_ACCESS] = exit_cr_access,
	[VMX_EXIT_IO_INSTRUCTION] = exit_io,
	[VMX_EXIT_RDMSR] = exit_rdmsr,
	[VMX_EXIT_WRMSR] = exit_wrmsr,
	[VMX_EXIT_ENTRY_FAIL_GUEST] = exit_entry_failed,
	[VMX_EXIT_ENTRY_FAIL_MSR] = exit_entry_failed,
	[VMX_EXIT_MWAIT] = exit_undefined,
	[VMX_EXIT_MONITOR_TRAP] = gdb_vcpu_exit_mtf,
	[VMX_EXIT_MONITOR] = exit_undefined,
	[VMX_EXIT_ENTRY_FAIL_MCE] = exit_entry_failed,
	[VMX_EXIT_TPR_BELOW_THRESHOLD] = exit_apic_recheck,
	[VMX_EXIT_APIC_ACCESS] = exit_apic_access,
	[VMX_EXIT_VIRTUALIZED_EOI] = exit_virtualized_eoi,
	[VMX_EXIT_EPT_VIOLATION] = exit_ept_violation,
	[VMX_EXIT_EPT_MISCONFIG] = exit_ept_misconfig,
	[VMX_EXIT_INVEPT] = exit_undefined,
	[VMX_EXIT_INVVPID] = exit_undefined,
	[VMX_EXIT_WBINVD] = exit_cache_flush,
	[VMX_EXIT_PREEMPTION_TIMER] = exit_apic_recheck,
	[VMX_EXIT_APIC_WRITE] = exit_apic_write,
	[VMX_EXIT_XSETBV] = exit_xsetbv,
};

static __attribute__((noinline)) bool exit_unhandled(struct vcpu *v, uint32_t basic)
{
	vm_stop(v->vm, "vCPU %u: VM exit %u (%s) is not handled, at RIP 0x%lx", v->id, basic,
		vmx_exit_reason_name(basic), guest_rip());
	return false;
}

/* Runs on every exit: what need not run on every exit is elsewhere (the loop in vcpu_run, the
 * handlers' own slow paths). */
bool vmx_handle_exit(struct guest_regs *regs)
{
	struct vcpu *v = (struct vcpu *)((char *)regs - offsetof(struct vcpu, regs));
	uint32_t reason = vmcs_read32(VMCS_EXIT_REASON);
	uint32_t basic = VMX_EXIT_REASON_BASIC(reason);

	v->owner.in_guest = false;
	v->last_exit = basic;
	if (vmx_exit_may_be_during_delivery(basic)) {
		uint32_t info = vmcs_read32(VMCS_IDT_VECTORING_INFO);
		/* Delivered again on the next entry, or the event is lost (SDM Vol. 3C, 28.2.4). */
		if (__builtin_expect(info & INTR_INFO_VALID, 0))
			vcpu_reinject_event(v, info);
	}
	if (__builtin_expect(basic > VMX_EXIT_REASON_MAX, 0))
		return exit_unhandled(v, basic);
	v->exits[basic]++;
	if (__builtin_expect(!exit_handlers[basic], 0))
		return exit_unhandled(v, basic);
	exit_handlers[basic](v);
	if (!vapic_timer_before_resume(v))
		return false;
	return vcpu_may_resume_from_stub(v);
}

/* VMLAUNCH/VMRESUME fell through: VMfailInvalid (no current VMCS) or VMfailValid with an error
 * number; for invalid control or host-state fields, re-check our own values to name the field. */
void vmx_report_entry_error(struct vcpu *v, int result)
{
	if (result == 1) {
		vm_stop(v->vm, "vCPU %u: VM entry failed: VMfailInvalid (no current VMCS)", v->id);
		return;
	}
	uint32_t err = vmcs_read32(VMCS_VM_INSTRUCTION_ERROR);
	vm_stop(v->vm, "vCPU %u: VM entry failed: error %u (%s)", v->id, err,
		vmx_insn_error_name(err));
	vmcs_report_guest_problems(v);
}
