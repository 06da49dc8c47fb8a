/* vmx/guest_regs.h: the guest's general registers while the hypervisor runs, saved and restored by
 * vmx/vmx_entry.asm around each VM entry. RSP and RIP live in the VMCS. The offsets are repeated in
 * vmx/guest_regs.inc for nasm; the asserts below keep the two in step. */
#ifndef VMX_GUEST_REGS_H
#define VMX_GUEST_REGS_H

#include <stddef.h>
#include <stdint.h>

struct guest_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t cr2; /* not in the VMCS (SDM Vol. 3C, 25.4.1 lists CR0, CR3, CR4 only) */
};

_Static_assert(offsetof(struct guest_regs, rax) == 0x00, "guest_regs.inc GR_RAX");
_Static_assert(offsetof(struct guest_regs, rbx) == 0x08, "guest_regs.inc GR_RBX");
_Static_assert(offsetof(struct guest_regs, rcx) == 0x10, "guest_regs.inc GR_RCX");
_Static_assert(offsetof(struct guest_regs, rdx) == 0x18, "guest_regs.inc GR_RDX");
_Static_assert(offsetof(struct guest_regs, rsi) == 0x20, "guest_regs.inc GR_RSI");
_Static_assert(offsetof(struct guest_regs, rdi) == 0x28, "guest_regs.inc GR_RDI");
_Static_assert(offsetof(struct guest_regs, rbp) == 0x30, "guest_regs.inc GR_RBP");
_Static_assert(offsetof(struct guest_regs, r8) == 0x38, "guest_regs.inc GR_R8");
_Static_assert(offsetof(struct guest_regs, r15) == 0x70, "guest_regs.inc GR_R15");
_Static_assert(offsetof(struct guest_regs, cr2) == 0x78, "guest_regs.inc GR_CR2");

/* Runs the guest. Each VM exit is handled on the spot by vmx_handle_exit() (vmx/exit.c), called
 * from vmx_exit_stub, which resumes the guest itself while that says it may. `launched` picks
 * VMRESUME over VMLAUNCH for the first entry. Returns 0 when the loop has work before the next
 * entry, 1 when VMLAUNCH/VMRESUME failed with VMfailInvalid, 2 with VMfailValid (the reason is in
 * the VM-instruction error field). The current VMCS must be this vCPU's, its HOST_RIP
 * vmx_exit_stub. */
int vmx_enter(struct guest_regs *regs, int launched);

#endif
