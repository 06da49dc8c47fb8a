/* vmx/guest_cr.h: the guest's control registers as the exit handlers see and change them: its
 * CR0/CR4 through the guest/host masks and read shadows (SDM Vol. 3C, 25.6.6 "Guest/Host Masks
 * and Read Shadows for CR0 and CR4"), the IA-32e mode switch a CR0 write makes, and the PAE
 * PDPTEs a CR write loads. On the vCPU's own CPU, its VMCS current. */
#ifndef VMX_GUEST_CR_H
#define VMX_GUEST_CR_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* The value the guest reads: bits in the mask from the read shadow, the rest from the VMCS guest
 * field (which the guest changes itself without an exit: PE and PG under unrestricted guest). */
uint64_t guest_cr0_current(const struct vcpu *v);
uint64_t guest_cr4_current(const struct vcpu *v);

/* A guest MOV to CR0 / CR3 / CR4 that exited: false when it must raise #GP(0) (then nothing
 * changed). CR0: bits 63:32, PG without PE, NW without CD, PG on with EFER.LME and not CR4.PAE,
 * PG off in 64-bit code. CR4: VMXE or a bit the CPU cannot set. Any of them that leaves the guest
 * in PAE paging loads the PDPTEs from CR3 (a present one with reserved bits set is #GP). */
bool vmcs_guest_write_cr0(struct vcpu *v, uint64_t value);
bool vmcs_guest_write_cr3(struct vcpu *v, uint64_t value);
bool vmcs_guest_write_cr4(struct vcpu *v, uint64_t value);

/* LMSW (SDM Vol. 2A, LMSW): the source's bits 3:0 replace CR0's (PE, MP, EM, TS), except that
 * PE can be set but not cleared; the other bits stay. */
static inline uint64_t guest_lmsw_value(uint64_t cr0, uint16_t src)
{
	return (cr0 & ~0xfull) | (src & 0xf) | (cr0 & 1);
}

/* What the CPU gets for a guest CR0: the VMX-fixed bits applied, PE and PG left to the guest
 * (unrestricted guest). */
uint64_t guest_cr0_for_cpu(uint64_t value);

#endif
