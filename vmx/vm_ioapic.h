/* vmx/vm_ioapic.h: the VM's I/O APIC (apic/vioapic.c) in VMX: its MMIO page at 0xfec00000,
 * its messages to the vCPUs' local APICs, EOIs of level-triggered vectors back to it, and each
 * vCPU's EOI-exit bitmap (SDM Vol. 3C, 30.1.3 "EOI Virtualization"): with virtual-interrupt
 * delivery an EOI exits only for the vectors that bitmap lists, so it must list the
 * level-triggered vectors routed to that vCPU. The bitmap is a field of the vCPU's VMCS: a
 * change of the I/O APIC's routes only leaves each vCPU a request, and each vCPU's own CPU
 * rewrites its own bitmap before its next entry (the design rule, vmx/vcpu_owner.h). */
#ifndef VMX_VM_IOAPIC_H
#define VMX_VM_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;

/* BSP, while the VM is built: reset state, and the MMIO range. */
bool vm_ioapic_register(struct vm *vm);
/* BSP, the VM's device lock held, every vCPU stopped (a restart): back to the reset state. */
void vm_ioapic_reset(struct vm *vm);
/* A device's line (any CPU, the VM's device lock held). */
void vm_ioapic_set_irq(struct vm *vm, unsigned pin, bool asserted);

/* The vCPU's CPU: after a write to its virtual APIC, tell the I/O APIC of an EOI that ended a
 * level-triggered interrupt (apic.level_eoi_ready). */
void vapic_forward_level_eoi(struct vcpu *v);
/* The vCPU's CPU: the VIRTUALIZED_EOI exit (the CPU already cleared ISR, SDM Vol. 3C, 30.1.3). */
void exit_virtualized_eoi(struct vcpu *v);
/* The vCPU's CPU, taking its requests: recompute its EOI-exit bitmap from the I/O APIC's routes
 * (after vm_ioapic's request), or add one level vector it is about to take. */
void vapic_eoi_exit_rescan(struct vcpu *v);
void vapic_eoi_exit_add(struct vcpu *v, uint8_t vector);

#endif
