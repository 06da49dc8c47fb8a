/* vmx/vmcs_check_host.c: the guest state of a vCPU whose VM entry failed, printed by field
 * name, so the SDM's checks (Vol. 3C, 27.3.1 "Checks on the Guest State Area") can be followed by
 * hand. */
#include "lib/array.h"
#include "lib/log.h"
#include "vmx/exit_reasons.h"
#include "vmx/guest_state_check.h"
#include "vmx/vcpu.h"
#include "vmx/vmx.h"
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

static struct gs_segment read_segment(uint32_t sel_field)
{
	uint32_t i = (sel_field - VMCS_GUEST_ES_SEL) / 2; /* same order in each group (App. B) */

	return (struct gs_segment){ vmcs_read16(sel_field), vmcs_read32(VMCS_GUEST_ES_LIMIT + i * 2),
				    vmcs_read32(VMCS_GUEST_ES_AR + i * 2),
				    vmcs_read_natural(VMCS_GUEST_ES_BASE + i * 2) };
}

/* Re-check what we wrote and name the fields that break the SDM's rules. */
static void report_rule_breaks(struct vcpu *v)
{
	const struct vmx_caps *c = vmx_host_caps();
	struct gs_problem p[8];
	struct guest_state g = {
		.cr0 = vmcs_read_natural(VMCS_GUEST_CR0),
		.cr4 = vmcs_read_natural(VMCS_GUEST_CR4),
		.efer = vmcs_read64(VMCS_GUEST_EFER),
		.rflags = vmcs_read_natural(VMCS_GUEST_RFLAGS),
		.rip = vmcs_read_natural(VMCS_GUEST_RIP),
		.link_pointer = vmcs_read64(VMCS_LINK_POINTER),
		.cr0_fixed0 = c->cr0_fixed0, .cr0_fixed1 = c->cr0_fixed1,
		.cr4_fixed0 = c->cr4_fixed0, .cr4_fixed1 = c->cr4_fixed1,
		.entry_ctl = vmcs_read32(VMCS_CTRL_ENTRY),
		.proc2 = vmcs_read32(VMCS_CTRL_PROC_BASED2),
		.activity = vmcs_read32(VMCS_GUEST_ACTIVITY_STATE),
		.interruptibility = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY),
		.cs = read_segment(VMCS_GUEST_CS_SEL), .ss = read_segment(VMCS_GUEST_SS_SEL),
		.ds = read_segment(VMCS_GUEST_DS_SEL), .es = read_segment(VMCS_GUEST_ES_SEL),
		.fs = read_segment(VMCS_GUEST_FS_SEL), .gs = read_segment(VMCS_GUEST_GS_SEL),
		.tr = read_segment(VMCS_GUEST_TR_SEL), .ldtr = read_segment(VMCS_GUEST_LDTR_SEL),
	};
	unsigned n = guest_state_check(&g, p, 8);

	for (unsigned i = 0; i < n && i < 8; i++)
		log_error("%s:   field at fault: %s: %s (SDM Vol. 3C, 27.3.1)", v->vm->name,
			  p[i].field, p[i].rule);
	if (!n)
		log_error("%s:   no rule the hypervisor checks is broken; see the fields below",
			  v->vm->name);
}

void vmcs_report_guest_problems(struct vcpu *v)
{
	report_rule_breaks(v);
	for (unsigned i = 0; i < ARRAY_SIZE(shown); i++) {
		uint64_t val = 0;
		vmx_vmread(shown[i], &val);
		log_error("%s:   %-28s 0x%lx", v->vm->name, vmcs_field_name(shown[i]), val);
	}
}
