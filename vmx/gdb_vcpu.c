/* vmx/gdb_vcpu.c: the GDB stub's work on a vCPU's own CPU (see vmx/gdb_vcpu.h). */
#include "arch/cpu.h"
#include "lib/gdb_seg.h"
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/gdb_vcpu.h"
#include "vmx/gdb_vm.h"
#include "vmx/gmem.h"
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
#define RFLAGS_VM (1ul << 17)
#define DR6_B0_3 0xfull
#define DR6_BS (1ull << 14)

/* The guest's x87/SSE state is live in this CPU while it is in root mode: VM entries and exits
 * neither save nor load it (SDM Vol. 3C, 27.3 and 28.3 list what they switch, and it is not
 * there), and the hypervisor never touches it (-mgeneral-regs-only, no FXSAVE or XSAVE of its
 * own; the guest's XCR0 stays loaded too, vmx/xcr0.h). So FXSAVE and FXRSTOR here read and
 * write the guest's registers themselves (SDM Vol. 1, 10.5.1; the 64-bit format for amd64's
 * layout). In root mode CR0 and CR4 are the host's, loaded from the VMCS host state at each
 * exit: CR0.TS or CR0.EM would make both #NM, and with CR4.OSFXSR clear they may leave XMM0-15
 * and MXCSR out (SDM Vol. 2A, FXSAVE: implementation dependent; Bochs does), so both are set
 * for the instruction and put back. The guest's own CR0.TS does not matter: it is not loaded.
 * The image is 16-byte aligned, as the instructions require. */
struct fx_area {
	uint8_t b[GDB_FX_BYTES];
} __attribute__((aligned(16)));

struct host_crs {
	uint64_t cr0, cr4;
};

static struct host_crs fx_begin(void)
{
	struct host_crs h = { read_cr0(), read_cr4() };

	if (h.cr0 & (CR0_TS | CR0_EM))
		write_cr0(h.cr0 & ~(CR0_TS | CR0_EM));
	if (!(h.cr4 & CR4_OSFXSR))
		write_cr4(h.cr4 | CR4_OSFXSR);
	return h;
}

static void fx_end(struct host_crs h)
{
	if (h.cr4 != read_cr4())
		write_cr4(h.cr4);
	if (h.cr0 != read_cr0())
		write_cr0(h.cr0);
}

static void fx_save(uint8_t *out, bool fx64)
{
	struct fx_area a;
	struct host_crs h = fx_begin();

	if (fx64)
		__asm__ volatile("fxsave64 %0" : "=m"(a));
	else
		__asm__ volatile("fxsave %0" : "=m"(a));
	fx_end(h);
	memcpy(out, a.b, sizeof(a.b));
}

static void fx_restore(const uint8_t *in, bool fx64)
{
	struct fx_area a;

	memcpy(a.b, in, sizeof(a.b));
	struct host_crs h = fx_begin();
	if (fx64)
		__asm__ volatile("fxrstor64 %0" : : "m"(a));
	else
		__asm__ volatile("fxrstor %0" : : "m"(a));
	fx_end(h);
}

/* Every call here is answered from the vCPU's loop, which begins after vmcs_setup() and after
 * the vCPU's boot state (if it has one yet) is loaded: the VMCS holds the guest's state also
 * before the first VM entry (gdb=...,wait), the state it will start in. */
void gdb_vcpu_read_regs(struct vcpu *v, void *arg)
{
	struct gdb_vcpu_req *r = arg;
	uint64_t *vals = r->vals->v;

	for (unsigned i = 0; i < GDB_SRC_COUNT; i++)
		vals[i] = 0;
	for (unsigned n = 0; n < 16; n++)
		vals[n] = vcpu_read_gpr(v, n);
	vals[GDB_SRC_RIP] = vmcs_read_natural(VMCS_GUEST_RIP);
	vals[GDB_SRC_RFLAGS] = vmcs_read_natural(VMCS_GUEST_RFLAGS);
	vals[GDB_SRC_CS] = vmcs_read16(VMCS_GUEST_CS_SEL);
	vals[GDB_SRC_SS] = vmcs_read16(VMCS_GUEST_SS_SEL);
	vals[GDB_SRC_DS] = vmcs_read16(VMCS_GUEST_DS_SEL);
	vals[GDB_SRC_ES] = vmcs_read16(VMCS_GUEST_ES_SEL);
	vals[GDB_SRC_FS] = vmcs_read16(VMCS_GUEST_FS_SEL);
	vals[GDB_SRC_GS] = vmcs_read16(VMCS_GUEST_GS_SEL);
	vals[GDB_SRC_FS_BASE] = vmcs_read_natural(VMCS_GUEST_FS_BASE);
	vals[GDB_SRC_GS_BASE] = vmcs_read_natural(VMCS_GUEST_GS_BASE);
	/* The guest's own view: the read shadows for the bits the hypervisor owns. */
	vals[GDB_SRC_CR0] = guest_cr0_current(v);
	vals[GDB_SRC_CR2] = v->regs.cr2;
	vals[GDB_SRC_CR3] = vmcs_read_natural(VMCS_GUEST_CR3);
	vals[GDB_SRC_CR4] = guest_cr4_current(v);
	vals[GDB_SRC_EFER] = vmcs_read64(VMCS_GUEST_EFER);
	fx_save(r->vals->fx, r->vals->fx64);
	r->ok = true;
}

void gdb_vcpu_fx(struct vcpu *v, void *arg)
{
	struct gdb_vcpu_req *r = arg;

	r->ok = gdb_fx_loadable(r->vals->fx);
	if (r->ok)
		fx_restore(r->vals->fx, r->vals->fx64);
}

static bool refused(struct vcpu *v, enum gdb_src src, uint64_t value, const char *why)
{
	log_info("gdb: vCPU %u: the write of 0x%lx to %s refused: %s", v->id, value,
		 gdb_src_name(src), why);
	return false;
}

/* The segment's fields are 2 apart per register in each group (SDM Vol. 3D, Appendix B). */
static void put_segment(enum gdb_seg_reg reg, const struct gdb_seg *s)
{
	uint32_t i = 2 * (uint32_t)reg;

	vmcs_write16(VMCS_GUEST_ES_SEL + i, s->sel);
	vmcs_write32(VMCS_GUEST_ES_LIMIT + i, s->limit);
	vmcs_write32(VMCS_GUEST_ES_AR + i, s->ar);
	vmcs_write_natural(VMCS_GUEST_ES_BASE + i, s->base);
}

/* In protected mode the descriptor comes from the GDT, or the LDT with TI set, by linear address
 * through the guest's page tables (as the CPU reads it), and its accessed bit is set there as
 * the CPU would set it. */
static bool read_descriptor(struct vcpu *v, uint16_t sel, uint64_t *desc, uint64_t *at,
			    const char **why)
{
	bool ldt = sel & 4;
	uint64_t base = vmcs_read_natural(ldt ? VMCS_GUEST_LDTR_BASE : VMCS_GUEST_GDTR_BASE);
	uint32_t limit = vmcs_read32(ldt ? VMCS_GUEST_LDTR_LIMIT : VMCS_GUEST_GDTR_LIMIT);
	uint32_t off = sel & ~7u;

	*why = "beyond the descriptor table's limit (#GP)";
	if (ldt && (vmcs_read32(VMCS_GUEST_LDTR_AR) & GDB_SEG_AR_UNUSABLE)) {
		*why = "an LDT selector, and there is no LDT (#GP)";
		return false;
	}
	if (off + 7 > limit)
		return false;
	struct gdb_vcpu_req r = { .addr = base + off, .buf = (uint8_t *)desc, .len = 8 };
	gdb_vcpu_mem(v, &r);
	*at = base + off;
	*why = "its descriptor is not in the VM's RAM";
	return r.done == 8;
}

static void mark_accessed(struct vcpu *v, uint64_t desc, uint64_t at)
{
	uint8_t type = (uint8_t)(desc >> 40);
	struct gdb_vcpu_req r = { .addr = at + 5, .buf = &type, .len = 1, .write = true };

	if (type & 1)
		return;
	type |= 1;
	gdb_vcpu_mem(v, &r);
}

/* Virtual-8086 mode: base selector * 16, limit 0xffff, access rights 0xf3, as VM entry requires
 * (SDM Vol. 3C, 27.3.1.2); real mode: base selector * 16, limit and access rights left as they
 * are, as MOV does there; protected mode: the descriptor, checked as the instruction would. */
static bool write_segment(struct vcpu *v, enum gdb_src src, uint64_t value)
{
	enum gdb_seg_reg reg = (enum gdb_seg_reg[]){ GDB_SEG_CS, GDB_SEG_SS, GDB_SEG_DS, GDB_SEG_ES,
						     GDB_SEG_FS, GDB_SEG_GS }[src - GDB_SRC_CS];
	uint16_t sel = (uint16_t)value;
	uint32_t i = 2 * (uint32_t)reg;
	struct gdb_seg s = { sel, (uint64_t)sel << 4, vmcs_read32(VMCS_GUEST_ES_LIMIT + i),
			     vmcs_read32(VMCS_GUEST_ES_AR + i) };
	uint64_t desc = 0, at = 0;
	const char *why = 0;

	if (value > 0xffff)
		return refused(v, src, value, "a selector has 16 bits");
	if (vmcs_read_natural(VMCS_GUEST_RFLAGS) & RFLAGS_VM) {
		s.limit = 0xffff, s.ar = 0xf3;
	} else if (guest_cr0_current(v) & CR0_PE) {
		struct gdb_seg_now now = { (vmcs_read32(VMCS_GUEST_SS_AR) >> 5) & 3,
					   vmcs_read32(VMCS_GUEST_CS_AR) };
		bool ok = gdb_seg_is_null(sel) && !(sel & 4)
				  ? gdb_seg_null(reg, sel, &s, &why)
				  : read_descriptor(v, sel, &desc, &at, &why) &&
					    gdb_seg_load(reg, sel, desc, &now, &s, &why);
		if (!ok)
			return refused(v, src, value, why);
		if (!gdb_seg_is_null(sel) || (sel & 4))
			mark_accessed(v, desc, at);
	}
	put_segment(reg, &s);
	return true;
}

/* Bits 63:47 all equal (SDM Vol. 3A, 3.3.7.1): VM entry requires it of FS and GS base. */
static bool canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* What MOV to CR0/CR3/CR4 does, through the same code as the guest's own exiting writes (the
 * VMX fixed bits, the guest/host masks and read shadows, the IA-32e switch, the PAE PDPTEs), then
 * the VPID's cached translations flushed, as the instruction may (SDM Vol. 3A, 4.10.4.1). A
 * top-level paging table outside the VM's RAM is refused here rather than stopping the VM. */
static bool write_cr(struct vcpu *v, enum gdb_src src, uint64_t value)
{
	uint64_t cr0 = src == GDB_SRC_CR0 ? value : guest_cr0_current(v);
	uint64_t cr3 = src == GDB_SRC_CR3 ? value : vmcs_read_natural(VMCS_GUEST_CR3);
	const struct gmem ram = vm_ram(v->vm);
	bool ok;

	if ((cr0 & CR0_PG) && !gmem_ptr(&ram, cr3 & 0x000ffffffffff000ull, 32))
		return refused(v, src, value, "CR3's top-level table is not in the VM's RAM");
	if (src == GDB_SRC_CR0)
		ok = vmcs_guest_write_cr0(v, value);
	else if (src == GDB_SRC_CR3)
		ok = vmcs_guest_write_cr3(v, value);
	else
		ok = vmcs_guest_write_cr4(v, value);
	if (!ok)
		return refused(v, src, value, "MOV to the register would fault (#GP)");
	vmx_flush_vpid(v->vpid);
	return true;
}

/* A RIP VM entry would refuse (SDM Vol. 3C, 27.3.1.4) fails the entry and stops the VM: with
 * the amd64 layout on 32-bit code GDB's 8 bytes may carry an upper half. In 64-bit mode, a
 * non-canonical one is the CPU's #GP at the next fetch: refused too. */
static bool write_rip(struct vcpu *v, uint64_t value)
{
	bool in64 = exit_insn_code_bits() == 64;

	if (in64 ? !canonical(value) : value >> 32)
		return refused(v, GDB_SRC_RIP, value, in64 ? "not a canonical address" :
			       "above 4 GiB outside 64-bit mode");
	vmcs_write_natural(VMCS_GUEST_RIP, value);
	return true;
}

static bool write_reg(struct vcpu *v, enum gdb_src src, uint64_t value)
{
	if (src < 16)
		vcpu_write_gpr(v, src, value);
	else if (src == GDB_SRC_RIP)
		return write_rip(v, value);
	else if (src == GDB_SRC_RFLAGS) /* bit 1 stays set, as the CPU requires */
		vmcs_write_natural(VMCS_GUEST_RFLAGS, (value & 0x3f7fd7ul) | 2);
	else if (src == GDB_SRC_CR2)
		v->regs.cr2 = value;
	else if (src >= GDB_SRC_CS && src <= GDB_SRC_GS)
		return write_segment(v, src, value);
	else if (src == GDB_SRC_FS_BASE || src == GDB_SRC_GS_BASE) {
		if (!canonical(value))
			return refused(v, src, value, "not a canonical address");
		vmcs_write_natural(src == GDB_SRC_FS_BASE ? VMCS_GUEST_FS_BASE : VMCS_GUEST_GS_BASE,
				   value);
	} else if (src == GDB_SRC_CR0 || src == GDB_SRC_CR3 || src == GDB_SRC_CR4)
		return write_cr(v, src, value);
	else
		return refused(v, src, value, "EFER is not written (WRMSR's mode checks are not "
					      "there for it)");
	return true;
}

void gdb_vcpu_write_reg(struct vcpu *v, void *arg)
{
	struct gdb_vcpu_req *r = arg;

	r->ok = write_reg(v, r->src, r->value);
}

/* Page by page: each page through the guest's tables, then the checked RAM access (vmx/gmem.h):
 * an unmapped page or one outside the VM's RAM ends the transfer there. Linear addresses are
 * GDB's: segment bases are taken as 0 (flat code, as GDB assumes), and outside 64-bit mode
 * they wrap at 4 GiB. */
void gdb_vcpu_mem(struct vcpu *v, void *arg)
{
	struct gdb_vcpu_req *r = arg;
	const struct gw_regs gw = exit_insn_paging();
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

/* The layout GDB gets (asked once, at attach): amd64 in 64-bit mode, and for a 64-bit kernel
 * from its first instruction on, 32-bit as it may still be there (PVH, a multiboot ELF64), as
 * GDB keeps the layout of its attach for the whole session; i386 otherwise. */
void gdb_vcpu_long_mode(struct vcpu *v, void *arg)
{
	struct gdb_vcpu_req *r = arg;

	r->ok = exit_insn_code_bits() == 64 || v->vm->kernel64;
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
