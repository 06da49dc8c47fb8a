/* vmx/vapic.c: the VM's APIC-access page, each vCPU's virtual-APIC page, and the controls and
 * MSR-bitmap range each APIC mode gets (Intel SDM Vol. 3C, chapter 30 "APIC Virtualization and
 * Virtual Interrupts"). The rule this file exists for (DEVELOPERS.md): a mode switch changes only
 * the switching vCPU's own VMCS and MSR bitmap, through the checked writers of vmx/vcpu.c; the
 * APIC-access page stays mapped, unchanged, for the VM's whole life. */
#include "apic/apic_base.h"
#include "arch/trap.h"
#include "lib/log.h"
#include "mm/mm.h"
#include "vmx/ept.h"
#include "vmx/msr_policy.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

bool vapic_vm_create(struct vm *vm)
{
	const struct vmx_controls *ctl = vmx_host_controls();

	if (!ctl->has_virt_apic_access)
		return true; /* accesses to the APIC page exit as EPT violations and are emulated */
	void *page = mm_alloc(4096);
	if (!page || !ept_map_page(vm, APIC_BASE_DEFAULT_ADDR, (uint64_t)page)) {
		log_error("%s: cannot map its APIC-access page", vm->name);
		return false;
	}
	vm->apic_access_hpa = (uint64_t)page;
	return true;
}

bool vapic_vcpu_create(struct vcpu *v)
{
	uint8_t *page = mm_alloc(4096);

	if (!page)
		return false;
	v->vapic_page = page;
	vlapic_reset(vcpu_apic(v), page, v->id, v->id == 0);
	if (vmx_host_controls()->has_posted_intr && !(v->pi = mm_alloc(sizeof(*v->pi))))
		return false;
	return true;
}

bool vapic_setup_vmcs(struct vcpu *v)
{
	const struct vmx_controls *ctl = vmx_host_controls();
	bool ok = true;

	if (ctl->has_tpr_shadow) {
		ok &= vmcs_write64(VMCS_VIRTUAL_APIC_ADDR, (uint64_t)v->vapic_page);
		ok &= vmcs_write32(VMCS_TPR_THRESHOLD, 0);
	}
	if (v->vm->apic_access_hpa)
		ok &= vmcs_write64(VMCS_APIC_ACCESS_ADDR, v->vm->apic_access_hpa);
	if (ctl->has_vid) {
		/* No level-triggered sources: every EOI is virtualized without an exit. */
		ok &= vmcs_write64(VMCS_EOI_EXIT_BITMAP0, 0);
		ok &= vmcs_write64(VMCS_EOI_EXIT_BITMAP1, 0);
		ok &= vmcs_write64(VMCS_EOI_EXIT_BITMAP2, 0);
		ok &= vmcs_write64(VMCS_EOI_EXIT_BITMAP3, 0);
		ok &= vmcs_write16(VMCS_GUEST_INTR_STATUS, 0);
	}
	if (ctl->has_posted_intr) { /* SDM Vol. 3C, 25.6.8 */
		ok &= vmcs_write16(VMCS_POSTED_INTR_NV, VEC_POSTED_INTR);
		ok &= vmcs_write64(VMCS_POSTED_INTR_DESC, (uint64_t)v->pi);
	}
	if (ctl->has_preemption_timer)
		ok &= vmcs_write32(VMCS_GUEST_PREEMPTION_TIMER, 0xffffffffu);
	vapic_apply_mode(v);
	return ok;
}

static bool base_is_default(const struct vcpu *v)
{
	return (v->apic.apic_base & ~0xfffull) == APIC_BASE_DEFAULT_ADDR;
}

/* SDM Vol. 3C, 30.4 and 30.5; 27.2.1.1 forbids "virtualize APIC accesses" together with
 * "virtualize x2APIC mode", so each mode sets one at most. A relocated xAPIC base is emulated on
 * this vCPU (its accesses to 0xFEE00000 then land on the VM's APIC-access page as memory, as they
 * would on a machine whose APIC moved away). */
void vapic_apply_mode(struct vcpu *v)
{
	const struct vmx_controls *ctl = vmx_host_controls();
	enum apic_mode m = vlapic_mode(&v->apic);
	uint32_t p2 = v->proc2_ctl & ~(PROC2_VIRT_APIC_ACCESS | PROC2_VIRT_X2APIC);
	bool was_direct = v->apic_mmio_direct;

	v->apic_dirty = true;
	if (m == APIC_MODE_XAPIC && v->vm->apic_access_hpa && base_is_default(v))
		p2 |= PROC2_VIRT_APIC_ACCESS;
	if (m == APIC_MODE_X2APIC && ctl->has_virt_x2apic)
		p2 |= PROC2_VIRT_X2APIC;
	struct msr_x2apic_open open = {
		.virt_x2apic = p2 & PROC2_VIRT_X2APIC,
		.reg_virt = ctl->has_apic_reg_virt,
		.tpr = ctl->has_tpr_shadow,
		.vid = ctl->has_vid,
	};
	vcpu_set_msr_bitmap_x2apic(v, m == APIC_MODE_X2APIC ? &open : 0);
	vcpu_set_proc2_controls(v, p2);
	v->apic_mmio_direct = p2 & PROC2_VIRT_APIC_ACCESS;
	log_debug("%s: vCPU %u: %s mode, APIC accesses %s", v->vm->name, v->id, apic_mode_name(m),
		  (p2 & PROC2_VIRT_APIC_ACCESS) ? "virtualized" : (p2 & PROC2_VIRT_X2APIC) ?
		  "off (x2APIC virtualized)" : "emulated or off");
	vm_log_msr_bitmap(v);
	/* Back to virtualized xAPIC accesses: no translation of the APIC page cached while it was
	 * plain memory for this vCPU may survive (SDM Vol. 3C, 30.4.5 and 29.4.3). */
	if (v->apic_mmio_direct && !was_direct && v->launched)
		vmx_flush_vpid(v->vpid);
}
