/* vmx/vmcs_setup.h: a vCPU's VMCS, written in phases (host state, execution controls, exit and
 * entry controls, guest state) on the vCPU's own CPU. */
#ifndef VMX_VMCS_SETUP_H
#define VMX_VMCS_SETUP_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* VMCLEAR, VMPTRLD and every field but the guest's start state. False (reported) on failure. */
bool vmcs_setup(struct vcpu *v);
/* The multiboot entry state: 32-bit flat protected mode, paging off, interrupts off. */
void vmcs_load_flat32_state(struct vcpu *v, uint32_t eip, uint32_t eax);
/* The Linux 64-bit boot protocol's entry state (boot.rst, "64-bit Boot Protocol"): IA-32e mode
 * with paging on at cr3, CS 0x10 a 64-bit code segment and DS/ES/SS/FS/GS 0x18 flat data of the
 * GDT at gdt, interrupts off. The caller sets RSI. */
void vmcs_load_long64_state(struct vcpu *v, uint64_t rip, uint64_t cr3, uint64_t gdt,
			    uint16_t gdt_limit);
/* The state a SIPI gives a vCPU waiting for one: real mode at vector:0000. */
void vmcs_load_sipi_state(struct vcpu *v, uint8_t vector);

#endif
