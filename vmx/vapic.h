/* vmx/vapic.h: the virtual local APIC of a vCPU in VMX (apic/vlapic.h holds its registers and
 * rules): the VM's APIC-access page, the vCPU's own virtual-APIC page and MSR bitmap, the
 * controls of each APIC mode, interrupts, IPIs and the timer. The design rule (DEVELOPERS.md,
 * vmx/vcpu_owner.h) holds throughout: a vCPU's VMCS, MSR bitmap and virtual-APIC page are
 * written only on its own CPU in root mode; other CPUs leave requests in struct vcpu and kick. */
#ifndef VMX_VAPIC_H
#define VMX_VAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vm.h"

/* BSP, while the VM is built: the APIC-access page, mapped at APIC_BASE_DEFAULT_ADDR for the VM's whole
 * life (SDM Vol. 3C, 30.4), when the CPU can virtualize APIC accesses. */
bool vapic_vm_create(struct vm *vm);
/* BSP, while the VM is built: the vCPU's virtual-APIC page and its APIC in the RESET state. */
bool vapic_vcpu_create(struct vcpu *v);

/* The vCPU's CPU, its VMCS current, before the first entry: the APIC fields of the VMCS. */
bool vapic_setup_vmcs(struct vcpu *v);
/* After a change of the vCPU's APIC mode or base: its controls and its MSR bitmap's x2APIC range
 * for the new mode (xAPIC: APIC accesses virtualized, the MSRs #GP; x2APIC: "virtualize x2APIC
 * mode" and the registers the CPU virtualizes opened; disabled or relocated: accesses trapped). */
void vapic_apply_mode(struct vcpu *v);

/* The vCPU's CPU, once each time round its loop: take what other CPUs asked for (interrupts into
 * IRR, NMI, INIT, SIPI) and run the timer. The two calls below work on what it took. */
void vapic_take_requests(struct vcpu *v);
/* The vCPU's CPU, right before an entry: inject or post what is deliverable. */
void vapic_before_entry(struct vcpu *v);
/* Whether a halted vCPU has something that ends its HLT (an interrupt it can take, an NMI). */
bool vapic_wakes_halt(struct vcpu *v);
/* The host TSC at which the vCPU's timer fires next (0: none). */
uint64_t vapic_next_timer(const struct vcpu *v);
/* Before the exit stub resumes the guest: false when the APIC timer is due (the loop in
 * vcpu_run() fires it), else true with the VMX-preemption timer set from the TSC. */
bool vapic_timer_before_resume(struct vcpu *v);
/* After a write to the vCPU's virtual APIC: carry out the IPI it asked for (apic.ipi_ready), if
 * any, and say so. A write that sent an IPI (ICR, SELF IPI) changed no other state of this
 * vCPU's: what the IPI gives this vCPU itself marks apic_dirty, the rest goes to other vCPUs as
 * requests. So such an exit can resume from the stub (vcpu_may_resume_from_stub). `apic` is v's,
 * as vcpu_apic() handed it to the exit that wrote it. */
bool vapic_send_prepared_ipi(struct vcpu *v, struct vlapic *apic);
/* Lowest-priority delivery (SDM Vol. 3A, 11.6.2.4): of the vCPUs `accept` takes, the one
 * whose TPR is lowest, the lowest APIC id among equals (the choice among equals is
 * model-specific); NULL when none is. For IPIs and I/O APIC messages alike. Reads the other
 * vCPUs' TPRs, never writes them. */
struct vcpu *vapic_lowest_priority(struct vm *vm, bool (*accept)(const struct vcpu *t,
								 const void *ctx),
				   const void *ctx);

/* Requests from any CPU (they kick the target's CPU). */
void vapic_request_fixed(struct vcpu *t, uint8_t vector);
/* A level-triggered one (from the I/O APIC): its TMR bit is set, so its EOI is reported. */
void vapic_request_level(struct vcpu *t, uint8_t vector);
void vapic_request_nmi(struct vcpu *t);
void vapic_request_init(struct vcpu *t);
void vapic_request_sipi(struct vcpu *t, uint8_t vector);

/* MSRs of the APIC: IA32_APIC_BASE, IA32_TSC_DEADLINE, the x2APIC range. True when `msr` is
 * one of them (the access then done, or #GP injected). */
bool vapic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *value, bool *gp);
bool vapic_wrmsr(struct vcpu *v, uint32_t msr, uint64_t value, bool *gp);

/* The xAPIC page when the CPU does not virtualize it for this vCPU (relocated base, disabled
 * APIC-access virtualization): an EPT violation there is emulated. True when `gpa` is that page. */
bool vapic_mmio_claims(struct vcpu *v, uint64_t gpa);
void vapic_mmio_emulate(struct vcpu *v, uint64_t gpa);

#endif
