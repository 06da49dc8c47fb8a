/* vmx/vmcs_controls.c: a vCPU's VM-execution, VM-exit and VM-entry controls as vmcs_setup()
 * writes them before the first launch (SDM Vol. 3C, 25.6-25.8), from the control words computed
 * at boot (vmx/vmx_caps.c). Apart from the host state so that the host tests run it against the
 * fake VMCS (tests/unit/test_vmcs_controls.c). */
#include "arch/cpu.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_controls.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"


/* CR0/CR4 bits the guest may not own: those VMX operation fixes (IA32_VMX_CR0/CR4_FIXED0/1, SDM
 * Vol. 3D, A.7 and A.8), except CR0.PE and CR0.PG under unrestricted guest. The guest reads its
 * own value from the read shadow and its writes to these bits exit. */
static void setup_cr_masks(struct vcpu *v)
{
	const struct vmx_caps *c = vmx_host_caps();

	v->cr0_mask = (c->cr0_fixed0 | ~c->cr0_fixed1) & ~(CR0_PE | CR0_PG);
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
	/* With bit 14 of the bitmap clear, a #PF exits when (error code & MASK) != MATCH (SDM Vol.
	 * 3C, 26.2 "Other Causes of VM Exits"): 0 and 0 keep every #PF in the guest. A VMCS is not
	 * zeroed by VMCLEAR, so every field the CPU consults is written. */
	ok &= vmcs_write32(VMCS_PF_ERROR_CODE_MASK, 0);
	ok &= vmcs_write32(VMCS_PF_ERROR_CODE_MATCH, 0);
	/* "Enable XSAVES/XRSTORS" consults the XSS-exiting bitmap (SDM Vol. 3C, 25.6.20): none of
	 * IA32_XSS's components exits. */
	if (v->proc2_ctl & PROC2_XSAVES)
		ok &= vmcs_write64(VMCS_XSS_EXITING_BITMAP, 0);
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

bool vmcs_setup_controls(struct vcpu *v)
{
	return setup_exec_controls(v) && setup_exit_entry_controls();
}
