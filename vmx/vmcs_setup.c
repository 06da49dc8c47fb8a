/* vmx/vmcs_setup.c: a vCPU's VMCS, set up in phases as the SDM groups its fields (Intel SDM Vol.
 * 3C, 25.4 "Guest-State Area", 25.5 "Host-State Area", 25.6-25.8 controls). Runs on the vCPU's own
 * CPU (VMPTRLD makes the VMCS current there) before its first launch. */
#include "arch/cpu.h"
#include "arch/desc.h"
#include "arch/percpu.h"
#include "lib/log.h"
#include "vmx/ept.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

extern const uint8_t vmx_exit_stub[];

#define CR0_PE_PG ((1ull << 0) | (1ull << 31))
#define MSR_IA32_PAT 0x277
#define PAT_POWER_ON 0x0007040600070406ull /* SDM Vol. 3A, 12.12.4 "Programming the PAT" */

static bool setup_host_state(void)
{
	struct percpu *p = this_cpu();
	bool ok = true;

	ok &= vmcs_write_natural(VMCS_HOST_CR0, read_cr0());
	ok &= vmcs_write_natural(VMCS_HOST_CR3, read_cr3());
	ok &= vmcs_write_natural(VMCS_HOST_CR4, read_cr4());
	ok &= vmcs_write16(VMCS_HOST_CS_SEL, SEL_KERNEL_CS);
	ok &= vmcs_write16(VMCS_HOST_SS_SEL, SEL_KERNEL_DS);
	ok &= vmcs_write16(VMCS_HOST_DS_SEL, SEL_KERNEL_DS);
	ok &= vmcs_write16(VMCS_HOST_ES_SEL, SEL_KERNEL_DS);
	ok &= vmcs_write16(VMCS_HOST_FS_SEL, 0);
	ok &= vmcs_write16(VMCS_HOST_GS_SEL, 0);
	ok &= vmcs_write16(VMCS_HOST_TR_SEL, SEL_TSS);
	ok &= vmcs_write_natural(VMCS_HOST_FS_BASE, 0);
	ok &= vmcs_write_natural(VMCS_HOST_GS_BASE, (uint64_t)p);
	ok &= vmcs_write_natural(VMCS_HOST_TR_BASE, (uint64_t)&p->tss);
	ok &= vmcs_write_natural(VMCS_HOST_GDTR_BASE, (uint64_t)&p->gdt);
	ok &= vmcs_write_natural(VMCS_HOST_IDTR_BASE, (uint64_t)p->idt);
	ok &= vmcs_write32(VMCS_HOST_SYSENTER_CS, 0);
	ok &= vmcs_write_natural(VMCS_HOST_SYSENTER_ESP, 0);
	ok &= vmcs_write_natural(VMCS_HOST_SYSENTER_EIP, 0);
	ok &= vmcs_write64(VMCS_HOST_EFER, rdmsr(MSR_IA32_EFER));
	ok &= vmcs_write64(VMCS_HOST_PAT, rdmsr(MSR_IA32_PAT));
	ok &= vmcs_write_natural(VMCS_HOST_RIP, (uint64_t)vmx_exit_stub);
	return ok;
}

/* CR0/CR4 bits the guest may not own: those VMX operation fixes (IA32_VMX_CR0/CR4_FIXED0/1, SDM
 * Vol. 3D, A.7 and A.8), except CR0.PE and CR0.PG under unrestricted guest. The guest reads its
 * own value from the read shadow and its writes to these bits exit. */
static void setup_cr_masks(struct vcpu *v)
{
	const struct vmx_caps *c = vmx_host_caps();

	v->cr0_mask = (c->cr0_fixed0 | ~c->cr0_fixed1) & ~CR0_PE_PG;
	v->cr4_mask = c->cr4_fixed0 | ~c->cr4_fixed1;
}

static bool setup_exec_controls(struct vcpu *v)
{
	const struct vmx_controls *ctl = vmx_host_controls();
	bool ok = true;

	setup_cr_masks(v);
	/* The window exits are turned on only while an event waits (vmx/vapic_irq.c); "virtualize
	 * APIC accesses" and "virtualize x2APIC mode" follow the vCPU's APIC mode (vmx/vapic.c).
	 * Posted interrupts, where the CPU has them, come with their descriptor (vmx/vapic.c). */
	v->proc_ctl = ctl->proc & ~(PROC_INTR_WINDOW | PROC_NMI_WINDOW);
	v->proc2_ctl = ctl->proc2 & ~(PROC2_VIRT_APIC_ACCESS | PROC2_VIRT_X2APIC);
	ok &= vmcs_write32(VMCS_CTRL_PIN_BASED, ctl->pin);
	ok &= vmcs_write32(VMCS_CTRL_PROC_BASED, v->proc_ctl);
	ok &= vmcs_write32(VMCS_CTRL_PROC_BASED2, v->proc2_ctl);
	ok &= vmcs_write32(VMCS_EXCEPTION_BITMAP, 0);
	ok &= vmcs_write32(VMCS_CR3_TARGET_COUNT, 0);
	ok &= vmcs_write64(VMCS_IO_BITMAP_A, (uint64_t)v->vm->io_bitmap);
	ok &= vmcs_write64(VMCS_IO_BITMAP_B, (uint64_t)v->vm->io_bitmap + 4096);
	ok &= vmcs_write64(VMCS_MSR_BITMAP, (uint64_t)v->msr_bitmap);
	ok &= vmcs_write64(VMCS_EPT_POINTER, v->vm->eptp);
	ok &= vmcs_write16(VMCS_VPID, v->vpid);
	v->tsc = (struct msr_tsc){ 0, 0 }; /* a RESET value of 0 (SDM Vol. 3B, 17.17.3) */
	v->misc_enable = MISC_ENABLE_RESET;
	ok &= vmcs_write64(VMCS_TSC_OFFSET, 0);
	ok &= vmcs_write_natural(VMCS_CR0_GUEST_HOST_MASK, v->cr0_mask);
	ok &= vmcs_write_natural(VMCS_CR4_GUEST_HOST_MASK, v->cr4_mask);
	return ok;
}

static bool setup_exit_entry_controls(void)
{
	const struct vmx_controls *ctl = vmx_host_controls();
	bool ok = true;

	ok &= vmcs_write32(VMCS_CTRL_EXIT, ctl->exit);
	ok &= vmcs_write32(VMCS_CTRL_ENTRY, ctl->entry & ~ENTRY_IA32E_GUEST);
	ok &= vmcs_write32(VMCS_EXIT_MSR_STORE_COUNT, 0);
	ok &= vmcs_write32(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	ok &= vmcs_write32(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	ok &= vmcs_write32(VMCS_ENTRY_INTR_INFO, 0);
	ok &= vmcs_write64(VMCS_LINK_POINTER, ~0ull); /* no shadow VMCS */
	return ok;
}

bool vmcs_setup(struct vcpu *v)
{
	uint32_t *region = (uint32_t *)v->vmcs_pa;
	int r;

	vcpu_assert_owner(v, "the VMCS");
	region[0] = vmx_revision_id(vmx_host_caps()); /* SDM Vol. 3C, 25.2 "Format of the VMCS Region" */
	if ((r = vmx_vmclear(v->vmcs_pa)) != VMX_OK || (r = vmx_vmptrld(v->vmcs_pa)) != VMX_OK) {
		vmx_insn_report("VMCLEAR/VMPTRLD", VMX_NO_FIELD, r);
		return false;
	}
	if (!setup_host_state() || !setup_exec_controls(v) || !setup_exit_entry_controls() ||
	    !vapic_setup_vmcs(v))
		return false;
	/* This VPID may hold translations from an earlier VM on this CPU. */
	vmx_invvpid(INVVPID_SINGLE_CONTEXT, v->vpid, 0);
	return true;
}

static void write_segment(uint32_t sel_field, uint16_t sel, uint64_t base, uint32_t limit,
			  uint32_t ar)
{
	/* The guest-state encodings of one segment are 2 apart per register, in the same order for
	 * selector, limit, access rights and base (SDM Vol. 3D, Appendix B). */
	uint32_t idx = (sel_field - VMCS_GUEST_ES_SEL) / 2;

	vmcs_write16(sel_field, sel);
	vmcs_write32(VMCS_GUEST_ES_LIMIT + idx * 2, limit);
	vmcs_write32(VMCS_GUEST_ES_AR + idx * 2, ar);
	vmcs_write_natural(VMCS_GUEST_ES_BASE + idx * 2, base);
}

static void write_flat_segment(uint32_t sel_field, uint16_t sel, uint32_t ar)
{
	write_segment(sel_field, sel, 0, 0xffffffff, ar);
}

/* What both start states share (SDM Vol. 3A, 9.1.1 "Processor State After Reset"): no paging,
 * TR usable (VM entry requires it even in real mode, SDM Vol. 3C, 27.3.1.2: a busy 32-bit TSS at
 * 0), LDTR unusable, interrupts off, no pending events. */
static void load_start_state(struct vcpu *v, uint64_t cr0, uint64_t rip, uint32_t table_limit)
{
	const struct vmx_caps *c = vmx_host_caps();

	write_segment(VMCS_GUEST_TR_SEL, 0, 0, 0xffff, 0x8b);
	write_segment(VMCS_GUEST_LDTR_SEL, 0, 0, 0, 0x10000);
	vmcs_write32(VMCS_GUEST_GDTR_LIMIT, table_limit);
	vmcs_write_natural(VMCS_GUEST_GDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_IDTR_LIMIT, table_limit);
	vmcs_write_natural(VMCS_GUEST_IDTR_BASE, 0);
	v->cr0_shadow = cr0;
	v->cr4_shadow = 0;
	vmcs_write_natural(VMCS_GUEST_CR0,
			   (cr0 | (c->cr0_fixed0 & ~CR0_PE_PG)) & (c->cr0_fixed1 | CR0_PE_PG));
	vmcs_write_natural(VMCS_CR0_READ_SHADOW, cr0);
	vmcs_write_natural(VMCS_GUEST_CR4, c->cr4_fixed0);
	vmcs_write_natural(VMCS_CR4_READ_SHADOW, 0);
	vmcs_write_natural(VMCS_GUEST_CR3, 0);
	vmcs_write_natural(VMCS_GUEST_DR7, 0x400);
	vmcs_write_natural(VMCS_GUEST_RSP, 0);
	vmcs_write_natural(VMCS_GUEST_RIP, rip);
	vmcs_write_natural(VMCS_GUEST_RFLAGS, 0x2);
	vmcs_write_natural(VMCS_GUEST_PENDING_DBG, 0);
	vmcs_write64(VMCS_GUEST_EFER, 0);
	vmcs_write64(VMCS_GUEST_PAT, PAT_POWER_ON);
	vmcs_write64(VMCS_GUEST_DEBUGCTL, 0);
	vmcs_write32(VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_write_natural(VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_write_natural(VMCS_GUEST_SYSENTER_EIP, 0);
	vmcs_write32(VMCS_GUEST_ACTIVITY_STATE, 0);
	vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write32(VMCS_ENTRY_INTR_INFO, 0);
	vmcs_write32(VMCS_CTRL_ENTRY, vmx_host_controls()->entry & ~ENTRY_IA32E_GUEST);
	v->mtrr_def_type = 0;
}

void vmcs_load_flat32_state(struct vcpu *v, uint32_t eip, uint32_t eax)
{
	vcpu_assert_owner(v, "the guest state");
	write_flat_segment(VMCS_GUEST_CS_SEL, 0x10, 0xc09b); /* 32-bit code, present, accessed */
	write_flat_segment(VMCS_GUEST_DS_SEL, 0x18, 0xc093);
	write_flat_segment(VMCS_GUEST_ES_SEL, 0x18, 0xc093);
	write_flat_segment(VMCS_GUEST_SS_SEL, 0x18, 0xc093);
	write_flat_segment(VMCS_GUEST_FS_SEL, 0x18, 0xc093);
	write_flat_segment(VMCS_GUEST_GS_SEL, 0x18, 0xc093);
	load_start_state(v, (1ull << 0) | (1ull << 4), eip, 0); /* PE, ET */
	v->regs.rax = eax;
}

/* After INIT and a SIPI (SDM Vol. 3A, 9.4.4.1 and Table 9-1): real mode at vector:0000, CS base
 * vector << 12, 64 KiB segments, CR0 60000010H, EDX the processor signature. Real mode needs
 * "unrestricted guest", which every CPU that runs a VM here has. */
void vmcs_load_sipi_state(struct vcpu *v, uint8_t vector)
{
	vcpu_assert_owner(v, "the guest state");
	write_segment(VMCS_GUEST_CS_SEL, (uint16_t)(vector << 8), (uint64_t)vector << 12, 0xffff, 0x9b);
	write_segment(VMCS_GUEST_DS_SEL, 0, 0, 0xffff, 0x93);
	write_segment(VMCS_GUEST_ES_SEL, 0, 0, 0xffff, 0x93);
	write_segment(VMCS_GUEST_SS_SEL, 0, 0, 0xffff, 0x93);
	write_segment(VMCS_GUEST_FS_SEL, 0, 0, 0xffff, 0x93);
	write_segment(VMCS_GUEST_GS_SEL, 0, 0, 0xffff, 0x93);
	load_start_state(v, 0x60000010ull, 0, 0xffff);
	v->regs = (struct guest_regs){ .rdx = cpuid(1, 0).eax };
}

/* MOV to CR0 (or LMSW) that touched a masked bit: the guest keeps its value in the read shadow,
 * the CPU gets it with the fixed bits applied. Setting a bit CR0_FIXED1 forbids, or PG without
 * PE, is a #GP as on hardware (SDM Vol. 3A, 2.5 "Control Registers"). */
bool vmcs_guest_write_cr0(struct vcpu *v, uint64_t value)
{
	const struct vmx_caps *c = vmx_host_caps();
	uint64_t efer = vmcs_read64(VMCS_GUEST_EFER);

	if ((value >> 32) || ((value & (1ull << 31)) && !(value & 1)))
		return false;
	uint64_t old = v->cr0_shadow;
	v->cr0_shadow = value;
	vmcs_write_natural(VMCS_CR0_READ_SHADOW, value);
	vmcs_write_natural(VMCS_GUEST_CR0, (value | (c->cr0_fixed0 & ~CR0_PE_PG)) &
						   (c->cr0_fixed1 | CR0_PE_PG));
	/* Paging turned on or off with EFER.LME set switches IA-32e mode (SDM Vol. 3A, 10.8.5). */
	bool pg_on = !(old & (1ull << 31)) && (value & (1ull << 31));
	bool pg_off = (old & (1ull << 31)) && !(value & (1ull << 31));
	if ((pg_on || pg_off) && (efer & EFER_LME)) {
		uint32_t entry = vmcs_read32(VMCS_CTRL_ENTRY);
		efer = pg_on ? efer | EFER_LMA : efer & ~(uint64_t)EFER_LMA;
		vmcs_write64(VMCS_GUEST_EFER, efer);
		vmcs_write32(VMCS_CTRL_ENTRY, pg_on ? entry | ENTRY_IA32E_GUEST : entry & ~ENTRY_IA32E_GUEST);
	}
	return true;
}

bool vmcs_guest_write_cr4(struct vcpu *v, uint64_t value)
{
	const struct vmx_caps *c = vmx_host_caps();

	/* VMXE stays the hypervisor's (no nested VMX); bits the CPU cannot set are reserved. */
	if ((value & CR4_VMXE) || (value & ~c->cr4_fixed1))
		return false;
	v->cr4_shadow = value;
	vmcs_write_natural(VMCS_CR4_READ_SHADOW, value);
	vmcs_write_natural(VMCS_GUEST_CR4, value | c->cr4_fixed0);
	return true;
}
