/* vmx/gdb_vcpu.c: the GDB stub's work on a vCPU's own CPU (see vmx/gdb_vcpu.h). */
#include "arch/cpu.h"
#include "vmx/exit.h"
#include "vmx/gdb_vcpu.h"
#include "vmx/gdb_vm.h"
#include "vmx/guest_cr.h"
#include "vmx/guest_walk.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

#define VEC_DB 1
#define VEC_BP 3
#define RFLAGS_TF (1ul << 8)
#define RFLAGS_RF (1ul << 16)
#define DR6_B0_3 0xfull
#define DR6_BS (1ull << 14)

/* Every call here is answered from the vCPU's loop, which begins after vmcs_setup() and after
 * the vCPU's boot state (if it has one yet) is loaded: the VMCS holds the guest's state also
 * before the first VM entry (gdb=...,wait), the state it will start in. */
void gdb_vcpu_read_regs(struct vcpu *v, void *arg)
{
	struct gdb_vcpu_req *r = arg;

	for (unsigned n = 0; n < 16; n++)
		r->vals[n] = vcpu_read_gpr(v, n);
	r->vals[GDB_SRC_RIP] = vmcs_read_natural(VMCS_GUEST_RIP);
	r->vals[GDB_SRC_RFLAGS] = vmcs_read_natural(VMCS_GUEST_RFLAGS);
	r->vals[GDB_SRC_CS] = vmcs_read16(VMCS_GUEST_CS_SEL);
	r->vals[GDB_SRC_SS] = vmcs_read16(VMCS_GUEST_SS_SEL);
	r->vals[GDB_SRC_DS] = vmcs_read16(VMCS_GUEST_DS_SEL);
	r->vals[GDB_SRC_ES] = vmcs_read16(VMCS_GUEST_ES_SEL);
	r->vals[GDB_SRC_FS] = vmcs_read16(VMCS_GUEST_FS_SEL);
	r->vals[GDB_SRC_GS] = vmcs_read16(VMCS_GUEST_GS_SEL);
	r->vals[GDB_SRC_FS_BASE] = vmcs_read_natural(VMCS_GUEST_FS_BASE);
	r->vals[GDB_SRC_GS_BASE] = vmcs_read_natural(VMCS_GUEST_GS_BASE);
	/* The guest's own view: the read shadows for the bits the hypervisor owns. */
	r->vals[GDB_SRC_CR0] = guest_cr0_current(v);
	r->vals[GDB_SRC_CR2] = v->regs.cr2;
	r->vals[GDB_SRC_CR3] = vmcs_read_natural(VMCS_GUEST_CR3);
	r->vals[GDB_SRC_CR4] = guest_cr4_current(v);
	r->vals[GDB_SRC_EFER] = vmcs_read64(VMCS_GUEST_EFER);
	r->ok = true;
}

/* The general registers, RIP, RFLAGS (bit 1 stays set, as the CPU requires) and CR2. Segment
 * and control registers are refused: a selector alone would leave its cached base and access
 * rights stale, and a CR write has the checks of vmx/guest_cr.c behind it (README lists it). */
void gdb_vcpu_write_reg(struct vcpu *v, void *arg)
{
	struct gdb_vcpu_req *r = arg;

	r->ok = true;
	if (r->src < 16)
		vcpu_write_gpr(v, r->src, r->value);
	else if (r->src == GDB_SRC_RIP)
		vmcs_write_natural(VMCS_GUEST_RIP, r->value);
	else if (r->src == GDB_SRC_RFLAGS)
		vmcs_write_natural(VMCS_GUEST_RFLAGS, (r->value & 0x3f7fd7ul) | 2);
	else if (r->src == GDB_SRC_CR2)
		v->regs.cr2 = r->value;
	else
		r->ok = false;
}

/* Page by page: each page through the guest's tables, then the checked RAM access (vmx/gmem.h):
 * an unmapped page or one outside the VM's RAM ends the transfer there. Linear addresses are
 * GDB's: segment bases are taken as 0 (flat code, as GDB assumes), and outside 64-bit mode
 * they wrap at 4 GiB. */
void gdb_vcpu_mem(struct vcpu *v, void *arg)
{
	struct gdb_vcpu_req *r = arg;
	const struct gw_regs gw = { vmcs_read_natural(VMCS_GUEST_CR0),
				    vmcs_read_natural(VMCS_GUEST_CR3),
				    vmcs_read_natural(VMCS_GUEST_CR4), vmcs_read64(VMCS_GUEST_EFER) };
	const struct gmem ram = vm_ram(v->vm);
	bool wide = gw.efer & EFER_LMA;

	r->done = 0;
	while (r->done < r->len) {
		uint64_t lin = r->addr + r->done, gpa;
		if (!wide)
			lin = (uint32_t)lin;
		size_t chunk = 4096 - (lin & 4095);
		if (chunk > r->len - r->done)
			chunk = r->len - r->done;
		if (guest_walk(&gw, lin, vm_read_pte, v->vm, &gpa) != GW_OK)
			break;
		uint8_t *p = gmem_ptr(&ram, gpa, chunk);
		if (!p)
			break;
		if (r->write)
			memcpy(p, r->buf + r->done, chunk);
		else
			memcpy(r->buf + r->done, p, chunk);
		r->done += chunk;
	}
}

void gdb_vcpu_long_mode(struct vcpu *v, void *arg)
{
	struct gdb_vcpu_req *r = arg;

	r->ok = exit_code_bits() == 64;
}

static void end_step(struct vcpu *v)
{
	v->gdb_step = false;
	if (v->gdb_step_tf)
		vmcs_write_natural(VMCS_GUEST_RFLAGS,
				   vmcs_read_natural(VMCS_GUEST_RFLAGS) & ~RFLAGS_TF);
	else
		vcpu_set_proc_controls(v, v->proc_ctl & ~PROC_MONITOR_TRAP);
	v->gdb_step_tf = false;
}

void gdb_vcpu_intercept(struct vcpu *v, void *arg)
{
	struct gdb_vcpu_req *r = arg;

	vmcs_write32(VMCS_EXCEPTION_BITMAP, r->ok ? (1u << VEC_DB) | (1u << VEC_BP) : 0);
	if (!r->ok && v->gdb_step)
		end_step(v);
}

/* DR0-3 are not in the VMCS: VM entries and exits leave them alone, so the values written here
 * on the vCPU's CPU are the guest's while it runs (SDM Vol. 3C, 27.3.1.1: only DR7 is loaded
 * from the VMCS, with "load debug controls", which this hypervisor sets). */
void gdb_vcpu_set_hw(struct vcpu *v, void *arg)
{
	struct gdb_vcpu_req *r = arg;
	const struct gdb_hw_bp *h = r->bps->hw;

	__asm__ volatile("mov %0, %%dr0" ::"r"(h[0].addr));
	__asm__ volatile("mov %0, %%dr1" ::"r"(h[1].addr));
	__asm__ volatile("mov %0, %%dr2" ::"r"(h[2].addr));
	__asm__ volatile("mov %0, %%dr3" ::"r"(h[3].addr));
	vmcs_write_natural(VMCS_GUEST_DR7, gdb_hw_dr7(r->bps));
	r->ok = true;
}

static bool cpu_has_mtf(void)
{
	const struct vmx_caps *c = vmx_host_caps();
	uint64_t allowed1 = (c->has_true ? c->true_proc : c->procbased) >> 32;

	return allowed1 & PROC_MONITOR_TRAP;
}

/* Without the monitor trap flag (Bochs' Skylake-X, Haswell and Sandy Bridge models offer none)
 * the step is the guest's own trap flag with #DB intercepted: the instruction traps after it
 * ran (SDM Vol. 3B, 18.3.1.4 "Single-Step Exception Condition"). */
void gdb_vcpu_arm_step(struct vcpu *v, void *arg)
{
	struct gdb_vcpu_req *r = arg;

	r->ok = true;
	v->gdb_step = true;
	v->gdb_step_tf = !cpu_has_mtf();
	if (!v->gdb_step_tf) {
		vcpu_set_proc_controls(v, v->proc_ctl | PROC_MONITOR_TRAP);
		return;
	}
	vmcs_write_natural(VMCS_GUEST_RFLAGS, vmcs_read_natural(VMCS_GUEST_RFLAGS) | RFLAGS_TF);
	/* An entry with blocking by STI or MOV SS and TF set must have BS pending (SDM Vol. 3C,
	 * 27.3.1.5 "Checks on Guest Non-Register State"): the step then ends where it began. */
	if (vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY) & (BLOCKING_STI | BLOCKING_MOVSS))
		vmcs_write_natural(VMCS_GUEST_PENDING_DBG,
				   vmcs_read_natural(VMCS_GUEST_PENDING_DBG) | DR6_BS);
}

/* Only with MTF: with TF, blocking by STI would need BS pending (above), which ends the step
 * before it begins. */
void gdb_vcpu_before_step(struct vcpu *v)
{
	uint32_t intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);

	if (!v->gdb_step_tf && (vmcs_read_natural(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
	    !(intr & (BLOCKING_STI | BLOCKING_MOVSS)))
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, intr | BLOCKING_STI);
}


void gdb_vcpu_exit_mtf(struct vcpu *v)
{
	if (!v->gdb_step)
		return; /* a step that detach cancelled: nothing to report */
	end_step(v);
	gdb_vm_vcpu_stopped(v, &(struct gdb_stop){ GDB_STOP_STEP, v->id, 0, false });
}

static uint8_t byte_at_rip(struct vcpu *v, bool *ok)
{
	uint8_t b = 0;
	struct gdb_vcpu_req r = { .addr = vmcs_read_natural(VMCS_GUEST_RIP), .buf = &b, .len = 1 };

	gdb_vcpu_mem(v, &r);
	*ok = r.done == 1;
	return b;
}

/* INT3 exits before delivery with RIP at the INT3 (SDM Vol. 3C, 28.2.2 "Information for VM
 * Exits Due to Vectored Events"). GDB's own: a stop, RIP left at the breakpoint (GDB was told
 * swbreak, so it does not back the PC up). The guest's own INT3: delivered to it as the
 * software exception it was, with its instruction length (26.2.1.3 "VM-Entry Event Injection").
 * Neither: GDB took its breakpoint out since this vCPU hit it, and the original instruction is
 * run again. */
static void breakpoint(struct vcpu *v, uint32_t info)
{
	uint64_t rip = vmcs_read_natural(VMCS_GUEST_RIP);
	bool readable;

	if (gdb_vm_owns_int3(v->vm, rip)) {
		gdb_vm_vcpu_stopped(v, &(struct gdb_stop){ GDB_STOP_BREAK, v->id, 0, false });
		return;
	}
	if (byte_at_rip(v, &readable) != GDB_INT3 && readable)
		return;
	vmcs_write32(VMCS_ENTRY_INSTRUCTION_LEN, vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN));
	vmcs_write32(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_SOFT_EXC | VEC_BP);
	(void)info;
}

/* A #DB exit leaves DR6 as it was; the exit qualification has its B0-B3, BD and BS bits (SDM
 * Vol. 3C, 28.2.1, Table 28-1). One of GDB's slots: a stop (an execution breakpoint is
 * fault-like, so RF is set for the instruction to run when GDB goes on; a data breakpoint is a
 * trap and RIP is past the access). Else the guest's own: DR6 as the CPU would have set it, and
 * the #DB delivered. */
static void debug_exception(struct vcpu *v)
{
	uint64_t q = vmcs_read_natural(VMCS_EXIT_QUALIFICATION);
	struct gdb_stop st = { GDB_STOP_HWBREAK, v->id, 0, false };

	if (v->gdb_step && v->gdb_step_tf && (q & DR6_BS)) {
		end_step(v);
		gdb_vm_vcpu_stopped(v, &(struct gdb_stop){ GDB_STOP_STEP, v->id, 0, false });
		return;
	}
	if (gdb_vm_hw_hit(v->vm, q & DR6_B0_3, &st)) {
		if (st.kind == GDB_STOP_HWBREAK)
			vmcs_write_natural(VMCS_GUEST_RFLAGS,
					   vmcs_read_natural(VMCS_GUEST_RFLAGS) | RFLAGS_RF);
		gdb_vm_vcpu_stopped(v, &st);
		return;
	}
	uint64_t dr6;
	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	dr6 = (dr6 & ~DR6_B0_3) | (q & (DR6_B0_3 | (1ull << 13) | DR6_BS));
	__asm__ volatile("mov %0, %%dr6" ::"r"(dr6));
	vcpu_inject_exception(v, VEC_DB, false, 0);
}

bool gdb_vcpu_exception(struct vcpu *v, uint32_t info)
{
	uint8_t vector = (uint8_t)info;

	if (INTR_INFO_TYPE(info) == INTR_TYPE_NMI)
		return false;
	if (vector == VEC_BP) {
		breakpoint(v, info);
		return true;
	}
	if (vector == VEC_DB) {
		debug_exception(v);
		return true;
	}
	return false;
}
