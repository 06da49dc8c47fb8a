/* vmx/ept.c: the VM's EPT (built with vmx/ept_build.c) and the EPT exits. BSP while the VM is
 * built; the exit handlers on the vCPU's CPU. */
#include "lib/log.h"
#include "vmx/ept.h"
#include "vmx/ept_build.h"
#include "vmx/exit.h"
#include "vmx/mmio_ranges.h"
#include "vmx/vapic.h"
#include "vmx/vm.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

extern uint8_t __image_start[], __image_end[];

/* Guest RAM at GPA 0, write-back, read/write/execute, in the largest pages the CPU offers. The
 * image is passed as forbidden: the RAM comes from the page allocator, which never hands out the
 * image, and ept_map() checks it anyway. */
bool ept_build_vm(struct vm *vm)
{
	const struct vmx_controls *ctl = vmx_host_controls();
	const struct ept_forbidden image = { (uint64_t)__image_start,
					     (uint64_t)(__image_end - __image_start) };
	struct ept e = { 0, &image, 1, ctl->has_ept_1g, ctl->has_ept_2m };

	if (!ept_init(&e) || !ept_map(&e, 0, vm->ram_hpa, vm->ram_size, EPT_RWX | EPT_MT_WB)) {
		log_error("%s: cannot build the EPT", vm->name);
		return false;
	}
	vm->ept_root = e.root;
	vm->eptp = ept_pointer(&e);
	/* Each vCPU's CPU flushes this EPTP before its first entry (vmcs_setup, vmx_flush_ept). */
	return true;
}

/* One more 4 KiB page in the VM's EPT while the VM is built (the APIC-access page): WB, RWX. */
bool ept_map_page(struct vm *vm, uint64_t gpa, uint64_t hpa)
{
	const struct ept_forbidden image = { (uint64_t)__image_start,
					     (uint64_t)(__image_end - __image_start) };
	struct ept e = { vm->ept_root, &image, 1, false, false };

	return ept_map(&e, gpa, hpa, 4096, EPT_RWX | EPT_MT_WB);
}

/* The guest touched a guest-physical address with no mapping: its local APIC page where the CPU
 * does not virtualize it (emulated, vmx/exit_apic.c), a range of its MMIO table (emulated,
 * vmx/exit_mmio.c), or outside its RAM (MMIO this VM does not have, or a probe for someone else's
 * memory): stop and say exactly where. Only the data access of the instruction at RIP is
 * emulated: a device page the guest walks as page tables, loads PDPTEs from or delivers an event
 * through stops the VM, named (emulating the instruction at RIP would do another access). */
void exit_ept_violation(struct vcpu *v)
{
	uint64_t q = vmcs_read_natural(VMCS_EXIT_QUALIFICATION);
	uint64_t gpa = vmcs_read64(VMCS_GUEST_PHYS_ADDR);
	const char *access = (q & 2) ? "write" : (q & 4) ? "instruction fetch" : "read";
	const char *not_own = exit_insn_ept_not_own_access(q, vmcs_read32(VMCS_IDT_VECTORING_INFO));

	if (!not_own && vapic_mmio_claims(v, gpa)) {
		vapic_mmio_emulate(v, gpa);
		return;
	}
	if (!not_own && exit_mmio_emulate(v, gpa))
		return;
	if (not_own && !(q & 4) && (vapic_mmio_claims(v, gpa) || mmio_ranges_find(&v->vm->mmio, gpa))) {
		vm_stop(v->vm, "EPT violation: vCPU %u %s at guest-physical 0x%lx, an emulated "
			       "device's, from RIP 0x%lx: %s, and only an instruction's own data "
			       "access is emulated", v->id, access, gpa,
			vmcs_read_natural(VMCS_GUEST_RIP), not_own);
		return;
	}

	vm_stop(v->vm, "EPT violation: vCPU %u %s at guest-physical 0x%lx (guest RAM ends at "
		       "0x%lx) from RIP 0x%lx", v->id, access, gpa, v->vm->ram_size,
		vmcs_read_natural(VMCS_GUEST_RIP));
}

void exit_ept_misconfig(struct vcpu *v)
{
	vm_stop(v->vm, "EPT misconfiguration at guest-physical 0x%lx on vCPU %u (a hypervisor bug)",
		vmcs_read64(VMCS_GUEST_PHYS_ADDR), v->id);
}
