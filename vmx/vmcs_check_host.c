/* vmx/vmcs_check_host.c: the guest state of a vCPU whose VM entry failed, printed by field name,
 * so the SDM's checks (Vol. 3C, 27.3.1 "Checks on the Guest State Area") can be followed by hand. */
#include "lib/log.h"
#include "vmx/exit_reasons.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_check_host.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

static const uint32_t shown[] = {
	VMCS_GUEST_CR0, VMCS_GUEST_CR3, VMCS_GUEST_CR4, VMCS_GUEST_RIP, VMCS_GUEST_RSP,
	VMCS_GUEST_RFLAGS, VMCS_GUEST_EFER, VMCS_CTRL_ENTRY, VMCS_GUEST_CS_SEL, VMCS_GUEST_CS_AR,
	VMCS_GUEST_CS_LIMIT, VMCS_GUEST_SS_AR, VMCS_GUEST_DS_AR, VMCS_GUEST_TR_AR,
	VMCS_GUEST_LDTR_AR, VMCS_GUEST_ACTIVITY_STATE, VMCS_GUEST_INTERRUPTIBILITY,
	VMCS_ENTRY_INTR_INFO, VMCS_LINK_POINTER,
};

void vmcs_report_guest_problems(struct vcpu *v)
{
	for (unsigned i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		uint64_t val = 0;
		vmx_vmread(shown[i], &val);
		log_error("%s:   %-28s 0x%lx", v->vm->name, vmcs_field_name(shown[i]), val);
	}
}
