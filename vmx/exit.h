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
/* For handlers that emulate an instruction (vmx/exit_apic.c): the code size of the guest's CS
 * (16, 32 or 64) and up to 15 bytes at CS:RIP read through its page tables (how many). */
unsigned exit_code_bits(void);
unsigned exit_fetch_insn(struct vcpu *v, uint8_t *buf, unsigned bits);
/* An EPT violation in a range of the VM's MMIO table: decoded and emulated (vmx/exit_mmio.c).
 * False when no range holds `gpa`. */
bool exit_mmio_emulate(struct vcpu *v, uint64_t gpa);

#endif
