/* vmx/gdb_vcpu.h: the GDB stub's work on one vCPU, run on that vCPU's own CPU in root mode with
 * its VMCS current (through vcpu_debug_call from CPU 0, or in its exit handlers): registers
 * from the VMCS and the saved registers, memory by guest-virtual address through its page
 * tables, the #BP/#DB interception, the debug registers, the monitor trap flag. README,
 * "Debugging a guest with GDB". */
#ifndef VMX_GDB_VCPU_H
#define VMX_GDB_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/gdb_bp.h"
#include "lib/gdb_regs.h"

struct vcpu;

/* The arguments of one call, in the caller's frame (vcpu_debug_call). */
struct gdb_vcpu_req {
	struct gdb_regvals *vals;     /* read_regs: out (fx64 in); fx: in */
	enum gdb_src src;             /* write_reg */
	uint64_t value;
	uint64_t addr;                /* mem */
	uint8_t *buf;
	size_t len, done;
	bool write, ok;
	const struct gdb_bps *bps;    /* set_hw */
};

/* The registers, the x87/SSE state by FXSAVE (the guest's own: see gdb_vcpu.c). */
void gdb_vcpu_read_regs(struct vcpu *v, void *req);
/* One scalar register: the general ones, RIP, RFLAGS, CR2; CR0, CR3 and CR4 as the guest's MOV
 * to them would (vmx/guest_cr.c), the VPID's translations flushed; a segment selector with its
 * descriptor from the guest's GDT or LDT (lib/gdb_seg.h); FS/GS base when canonical. Anything
 * else (EFER), or a value the instruction would fault on, is refused (req->ok false, said on
 * the console). */
void gdb_vcpu_write_reg(struct vcpu *v, void *req);
/* The x87/SSE state from req->vals by FXRSTOR. */
void gdb_vcpu_fx(struct vcpu *v, void *req);
void gdb_vcpu_mem(struct vcpu *v, void *req);
/* req->ok: whether the vCPU runs 64-bit code (EFER.LMA and CS.L). */
void gdb_vcpu_long_mode(struct vcpu *v, void *req);
/* #BP and #DB exit to the hypervisor (req->ok true) or not: the exception bitmap's bits 3, 1. */
void gdb_vcpu_intercept(struct vcpu *v, void *req);
/* DR0-3 and the guest's DR7 from req->bps. */
void gdb_vcpu_set_hw(struct vcpu *v, void *req);
/* Arms one instruction's step with the monitor trap flag (SDM Vol. 3C, 26.5.2 "Monitor Trap
 * Flag"), or RFLAGS.TF where the CPU has no MTF. */
void gdb_vcpu_arm_step(struct vcpu *v, void *req);

/* Exit handlers (vmx/exit.c). An exception exit for vector 1 or 3: true when it was handled
 * here (a stop for GDB, or the guest's own #BP/#DB given back to it). */
bool gdb_vcpu_exception(struct vcpu *v, uint32_t intr_info);
void gdb_vcpu_exit_mtf(struct vcpu *v);
/* Before the VM entry of a step (vmx/vcpu.c): with MTF, interrupts are held off for that
 * instruction by "blocking by STI" when RFLAGS.IF is set, so the step does not land in an
 * interrupt handler (SDM Vol. 3C, 25.4.2 "Guest Non-Register State"; the entry checks of
 * 27.3.1.5 allow it only with IF set). */
void gdb_vcpu_before_step(struct vcpu *v);

#endif
