/* vmx/vmcs_setup.c: a vCPU's VMCS, set up in phases as the SDM groups its fields (Intel SDM Vol.
 * 3C, 25.4 "Guest-State Area", 25.5 "Host-State Area", 25.6-25.8 controls). Runs on the vCPU's own
 * CPU (VMPTRLD makes the VMCS current there) before its first launch. */
#include "arch/cpu.h"
#include "arch/desc.h"
#include "arch/percpu.h"
#include "lib/log.h"
#include "vmx/ept.h"
#include "vmx/guest_cr.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_controls.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

extern const uint8_t vmx_exit_stub[];

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
	if (!setup_host_state() || !vmcs_setup_controls(v) || !vapic_setup_vmcs(v))
		return false;
	/* This CPU may hold translations for this VPID and this EPTP from before: an earlier VM, or
	 * none flushed since VMXON (SDM Vol. 3C, 29.4.3.1 "Operations that Invalidate Cached
	 * Mappings"). Here, after VMXON, on the CPU that enters the VMCS, before its first entry. */
	return vmx_flush_vpid(v->vpid) && vmx_flush_ept(v->vm->eptp);
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
	vmcs_write_natural(VMCS_GUEST_CR0, guest_cr0_for_cpu(cr0));
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

void vmcs_load_long64_state(struct vcpu *v, uint64_t rip, uint64_t cr3, uint64_t gdt,
			    uint16_t gdt_limit)
{
	const struct vmx_caps *c = vmx_host_caps();

	vcpu_assert_owner(v, "the guest state");
	write_flat_segment(VMCS_GUEST_CS_SEL, 0x10, 0xa09b); /* 64-bit code (L=1, D=0), accessed */
	write_flat_segment(VMCS_GUEST_DS_SEL, 0x18, 0xc093);
	write_flat_segment(VMCS_GUEST_ES_SEL, 0x18, 0xc093);
	write_flat_segment(VMCS_GUEST_SS_SEL, 0x18, 0xc093);
	write_flat_segment(VMCS_GUEST_FS_SEL, 0x18, 0xc093);
	write_flat_segment(VMCS_GUEST_GS_SEL, 0x18, 0xc093);
	load_start_state(v, CR0_PG | (1ull << 4) | (1ull << 0), rip, 0); /* PG, ET, PE */
	vmcs_write32(VMCS_GUEST_GDTR_LIMIT, gdt_limit);
	vmcs_write_natural(VMCS_GUEST_GDTR_BASE, gdt);
	v->cr4_shadow = CR4_PAE;
	vmcs_write_natural(VMCS_GUEST_CR4, c->cr4_fixed0 | CR4_PAE);
	vmcs_write_natural(VMCS_CR4_READ_SHADOW, CR4_PAE);
	vmcs_write_natural(VMCS_GUEST_CR3, cr3);
	vmcs_write64(VMCS_GUEST_EFER, EFER_LME | EFER_LMA);
	vmcs_write32(VMCS_CTRL_ENTRY, vmx_host_controls()->entry | ENTRY_IA32E_GUEST);
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
