/* vmx/vcpu.h: running one vCPU on its own physical CPU: VMCS set-up, the entry/exit loop, event
 * injection, HLT sleeping, and the helpers exit handlers share. Everything here runs on the vCPU's
 * own CPU in root mode unless it says otherwise. */
#ifndef VMX_VCPU_H
#define VMX_VCPU_H

#include <stdint.h>

#include "vmx/vm.h"
#include "lib/x86.h"
#include "vmx/vmx_insn.h"

/* Where the vCPU starts: 32-bit flat protected mode at `eip` with EAX/EBX as given (the
 * multiboot entry state, Multiboot spec 3.2), published as VCPU_START_READY. Before launch (the
 * BSP, for vCPU 0), or by the caller that holds the claim below (any CPU). */
void vcpu_set_entry_state(struct vcpu *v, uint32_t eip, uint32_t eax, uint32_t ebx);
/* The same, for a start in 64-bit mode (vmcs_load_long64_state()). */
void vcpu_set_long_entry_state(struct vcpu *v, uint64_t rip, uint64_t rsi, uint64_t cr3,
			       uint64_t gdt, uint16_t gdt_limit);
/* Any CPU: the right to start `t`, which waits for a start and has no start request: true for
 * exactly one of any number of callers (vmx/vcpu_state.c says which ordering makes it so). */
bool vcpu_claim_start(struct vcpu *t);

/* The vCPU loop on its CPU (smp_run_on target); returns when the vCPU stops. */
void vcpu_run(void *vcpu);

/* The host's own work that CPU 0's vCPU loop does for the layers around vmx/ (boot/main.c sets
 * the console's: the shell runs on CPU 0): service() between two VM entries when waiting() says
 * so, tick() when the host timer's tick came as a VM exit (host_timer_interrupt()). Each runs in
 * root mode with interrupts off. Called through these pointers, never by name; they are never
 * NULL (no work until set). */
struct vcpu_host_work {
	bool (*waiting)(void);
	void (*service)(void);
	void (*tick)(void);
};
extern struct vcpu_host_work vcpu_cpu0_work;
/* At start-up, before any vCPU runs. */
void vcpu_set_cpu0_work(const struct vcpu_host_work *w);

/* All the exits the vCPU has taken (the console tick's are not counted, vmx/exit.c). */
uint64_t vcpu_exit_total(const struct vcpu *v);

/* How many exits in a row may be resumed from the stub before the loop in vcpu_run() comes
 * round anyway: the loop also polls what raises no interrupt of its own (CPU 0's console UART,
 * when the emulator's timer tick is late or, in Bochs 2.7, does not come while the guest has
 * RFLAGS.IF=0). */
#define VCPU_STUB_RESUMES_MAX 256

/* After an exit was handled: true when the guest can be resumed straight from the exit stub
 * (vmx/vmx_entry.asm), false when the loop in vcpu_run() has work first. It has work when another
 * CPU left a request (every request, a stop, a pause and a shell call included, sets
 * v->requests before its kick), when interrupt state must be looked at (apic_dirty), when the
 * vCPU stopped running (HLT; a stop on this CPU notes a request too), and after the count above.
 * Nothing else the loop does can have become due during the exit. */
static inline bool vcpu_may_resume_from_stub(struct vcpu *v)
{
	if ((v->requests | v->apic_dirty | (v->state ^ VCPU_RUNNING)) || !--v->stub_resumes)
		return false;
	v->owner.in_guest = true; /* the design rule's checks: it is back in the guest */
	return true;
}

/* Calls run on a vCPU's own CPU for another CPU (vmx/vcpu_call.c): post, then the vCPU's loop
 * answers; a caller that gives up withdraws it, which fails (false) once it has started. */
typedef void (*vcpu_call_fn)(struct vcpu *v, void *arg);
void vcpu_call_post(struct vcpu *v, vcpu_call_fn fn, void *arg);
bool vcpu_call_withdraw(struct vcpu *v);
void vcpu_call_answer(struct vcpu *v);

/* HLT (vmx/exit.c): the vCPU halts; with interrupts off (`if_set` false) it is parked, and when
 * every vCPU of the VM is, the VM is stopped with that reason (vmx/vcpu.c explains the lock). */
void vcpu_halt(struct vcpu *v, bool if_set);

/* For exit handlers. A general register by its encoding number (0 RAX ... 4 RSP ... 15 R15). */
uint64_t vcpu_read_gpr(struct vcpu *v, unsigned n);
void vcpu_write_gpr(struct vcpu *v, unsigned n, uint64_t value);
/* Past an instruction of `len` bytes, as executing it would have been: that also ends blocking
 * by STI or MOV SS (SDM Vol. 3C, 25.4.2 "Guest Non-Register State"). Inline: nearly every
 * instruction exit ends here. */
static inline void vcpu_advance_rip(struct vcpu *v, uint64_t len)
{
	uint64_t rip = vmcs_read_natural(VMCS_GUEST_RIP);

	vmcs_write_natural(VMCS_GUEST_RIP, rip + len);
	uint32_t intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	if (intr & (BLOCKING_STI | BLOCKING_MOVSS))
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, intr & ~(BLOCKING_STI | BLOCKING_MOVSS));
}

/* Past the instruction that caused this exit (its length is in the VMCS for instruction
 * exits, SDM Vol. 3C, 28.2.5). */
static inline void vcpu_skip_instruction(struct vcpu *v)
{
	vcpu_advance_rip(v, vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN));
}
/* The guest's TSC: the host's plus the VMCS TSC offset (SDM Vol. 3C, 26.3 "use TSC
 * offsetting"); the virtual APIC timer runs on it. */
static inline uint64_t vcpu_guest_tsc(const struct vcpu *v)
{
	return rdtsc() + v->tsc.offset;
}
/* v->tsc.offset changed from `old` (a TSC or TSC_ADJUST write): the VMCS field follows, and the
 * APIC timer's count keeps running where it was. On the vCPU's own CPU. */
void vcpu_tsc_offset_changed(struct vcpu *v, uint64_t old);

/* Raise an exception in the guest on the next entry. An event already in the VM-entry
 * interruption-information field (a re-injected one) is combined with it as the SDM says
 * (vmx/event_combine.h): replaced, held and delivered afterwards, turned into #DF, or a triple
 * fault that stops the VM. */
void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error);
/* An exit during event delivery (IDT-vectoring information `info` valid): the event goes back
 * into the VM-entry fields, to be delivered again on the next entry. */
void vcpu_reinject_event(struct vcpu *v, uint32_t info);
static inline void vcpu_inject_gp(struct vcpu *v)
{
	vcpu_inject_exception(v, 13, true, 0);
}
static inline void vcpu_inject_ud(struct vcpu *v)
{
	vcpu_inject_exception(v, 6, false, 0);
}
/* Write this vCPU's own primary processor-based controls (checked: vmx/vcpu_owner.h). */
void vcpu_set_proc_controls(struct vcpu *v, uint32_t proc);
/* The secondary controls and the x2APIC range of the MSR bitmap, likewise checked. */
void vcpu_set_proc2_controls(struct vcpu *v, uint32_t proc2);
struct msr_x2apic_open;
void vcpu_set_msr_bitmap_x2apic(struct vcpu *v, const struct msr_x2apic_open *open);
/* The ownership assertion for writes of `what` in vCPU `v`'s structures. */
void vcpu_assert_owner(struct vcpu *v, const char *what);
/* The one way to write a vCPU's structures: each of these checks the design rule
 * (vcpu_assert_owner: its own CPU in root mode, or the building CPU while the VM is built) and
 * only then hands out the writable pointer; struct vcpu holds them const, so a write that skips
 * the check does not compile. Its VMCS is written by VMWRITE, which reaches only the VMCS current
 * on this CPU, and vmcs_setup() makes a vCPU's current only after the same check. The one write
 * from other CPUs the SDM designs for, posting into the descriptor's PIR with a locked operation
 * (Vol. 3C, 30.6), is vapic_request_fixed()'s (vmx/vapic_irq.c). */
static inline struct vlapic *vcpu_apic(struct vcpu *v)
{
	vcpu_assert_owner(v, "the virtual-APIC page");
	return (struct vlapic *)&v->apic;
}
static inline uint8_t *vcpu_msr_bitmap(struct vcpu *v)
{
	vcpu_assert_owner(v, "the MSR bitmap");
	return (uint8_t *)v->msr_bitmap;
}
static inline struct pi_desc *vcpu_pi(struct vcpu *v)
{
	vcpu_assert_owner(v, "the posted-interrupt descriptor");
	return (struct pi_desc *)v->pi;
}

struct vcpu *vcpu_current(void);
/* The vCPU CPU `cpu` runs, or NULL. Any CPU (a snapshot). */
struct vcpu *vcpu_on_cpu(unsigned cpu);
/* Run fn(v, arg) on v's own CPU in root mode (the shell's reads of a VMCS and the vCPU's state),
 * waiting at most `timeout_ms`; false when it did not answer. CPU 0. */
bool vcpu_debug_call(struct vcpu *v, void (*fn)(struct vcpu *v, void *arg), void *arg,
		     unsigned timeout_ms);

#endif
