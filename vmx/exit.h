/* vmx/exit.h: VM-exit dispatch. One table indexed by basic exit reason (vmx/exit.c); each handler
 * lives in the file of its feature. All run on the vCPU's own CPU, in root mode. */
#ifndef VMX_EXIT_H
#define VMX_EXIT_H

#include "vmx/vcpu.h"

typedef void (*exit_handler_fn)(struct vcpu *v);

/* Called by vmx_exit_stub (vmx/vmx_entry.asm) on the vCPU's own CPU, interrupts off, with the
 * guest's registers saved in `regs` (inside its struct vcpu): counts and handles the exit, and
 * returns true when the stub may resume the guest at once (vcpu_may_resume_from_stub). */
struct guest_regs;
bool vmx_handle_exit(struct guest_regs *regs);

/* The handlers, by file. */
void exit_cpuid(struct vcpu *v);               /* vmx/exit_cpuid.c */
/* What CPUID(leaf, subleaf) gives this vCPU (its cache, the filter, its state bits). */
struct cpuid_result exit_cpuid_guest(struct vcpu *v, uint32_t leaf, uint32_t subleaf);
void exit_rdmsr(struct vcpu *v);               /* vmx/exit_msr.c */
void exit_wrmsr(struct vcpu *v);
void exit_io(struct vcpu *v);                  /* vmx/exit_io.c */
/* INS/OUTS (vmx/exit_string_io.c); *claimed false when no device has the port. */
bool exit_io_string(struct vcpu *v, uint64_t qualification, bool *claimed);
void exit_cr_access(struct vcpu *v);           /* vmx/exit_cr.c */
void exit_xsetbv(struct vcpu *v);
void exit_vmcall(struct vcpu *v);              /* vmx/hypercall.c */
void exit_ept_violation(struct vcpu *v);       /* vmx/ept.c */
void exit_ept_misconfig(struct vcpu *v);
void exit_apic_access(struct vcpu *v);         /* vmx/exit_apic.c */
void exit_apic_write(struct vcpu *v);
void exit_apic_recheck(struct vcpu *v);
/* For handlers that emulate the instruction of a fault-like exit (vmx/exit_insn.c). */
#define EXIT_INSN_MAX 15 /* the longest x86 instruction (SDM Vol. 2A, 2.3.11) */
struct gw_regs;
struct mmio_insn;
/* The code size of the guest's CS: 16, 32 or 64. */
unsigned exit_insn_code_bits(void);
/* The guest's CR0, CR3, CR4 and EFER, for guest_walk() (vmx/guest_walk.h). */
struct gw_regs exit_insn_paging(void);
/* Up to EXIT_INSN_MAX bytes at CS:RIP read through the guest's page tables: how many (it stops
 * at the first byte that is not mapped to guest RAM). */
unsigned exit_insn_fetch(struct vcpu *v, uint8_t buf[EXIT_INSN_MAX], unsigned bits);
/* The instruction at CS:RIP decoded as the memory access that caused the exit (vmx/mmio_decode.h):
 * true with *in filled; false when it cannot be read or is not one mmio_decode() knows, and the
 * VM is then stopped with a line naming `what` (the device), `gpa`, RIP and the bytes. */
bool exit_insn_decode_access(struct vcpu *v, const char *what, uint64_t gpa, struct mmio_insn *in);
/* For an EPT violation (its exit qualification and the IDT-vectoring information): NULL when it
 * is the data access of the instruction at RIP, the one case where emulating that instruction is
 * right; else what the access was, for the stop line. */
const char *exit_insn_ept_not_own_access(uint64_t qualification, uint32_t idt_vectoring);
/* An EPT violation in a range of the VM's MMIO table: decoded and emulated (vmx/exit_mmio.c).
 * False when no range holds `gpa`. */
bool exit_mmio_emulate(struct vcpu *v, uint64_t gpa);

#endif
