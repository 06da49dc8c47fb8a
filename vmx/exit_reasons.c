/* vmx/exit_reasons.c: names for basic exit reasons, VM-entry failures, VM-instruction errors and
 * VMCS fields, for the console and the VMCS dump. Pure (host-tested); any context. */
#include <stdbool.h>
#include <stddef.h>

#include "lib/array.h"
#include "lib/log.h"
#include "lib/string.h"
#include "vmx/exit_reasons.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

/* Intel SDM Vol. 3D, Appendix C "VMX Basic Exit Reasons", indexed by basic exit reason. */
static const char *const exit_reason_names[VMX_EXIT_REASON_MAX + 1] = {
	[VMX_EXIT_EXCEPTION_NMI] = "EXCEPTION_NMI",
	[VMX_EXIT_EXTERNAL_INTERRUPT] = "EXTERNAL_INTERRUPT",
	[VMX_EXIT_TRIPLE_FAULT] = "TRIPLE_FAULT",
	[VMX_EXIT_INIT] = "INIT",
	[VMX_EXIT_SIPI] = "SIPI",
	[VMX_EXIT_IO_SMI] = "IO_SMI",
	[VMX_EXIT_OTHER_SMI] = "OTHER_SMI",
	[VMX_EXIT_INTERRUPT_WINDOW] = "INTERRUPT_WINDOW",
	[VMX_EXIT_NMI_WINDOW] = "NMI_WINDOW",
	[VMX_EXIT_TASK_SWITCH] = "TASK_SWITCH",
	[VMX_EXIT_CPUID] = "CPUID",
	[VMX_EXIT_GETSEC] = "GETSEC",
	[VMX_EXIT_HLT] = "HLT",
	[VMX_EXIT_INVD] = "INVD",
	[VMX_EXIT_INVLPG] = "INVLPG",
	[VMX_EXIT_RDPMC] = "RDPMC",
	[VMX_EXIT_RDTSC] = "RDTSC",
	[VMX_EXIT_RSM] = "RSM",
	[VMX_EXIT_VMCALL] = "VMCALL",
	[VMX_EXIT_VMCLEAR] = "VMCLEAR",
	[VMX_EXIT_VMLAUNCH] = "VMLAUNCH",
	[VMX_EXIT_VMPTRLD] = "VMPTRLD",
	[VMX_EXIT_VMPTRST] = "VMPTRST",
	[VMX_EXIT_VMREAD] = "VMREAD",
	[VMX_EXIT_VMRESUME] = "VMRESUME",
	[VMX_EXIT_VMWRITE] = "VMWRITE",
	[VMX_EXIT_VMXOFF] = "VMXOFF",
	[VMX_EXIT_VMXON] = "VMXON",
	[VMX_EXIT_CR_ACCESS] = "CR_ACCESS",
	[VMX_EXIT_DR_ACCESS] = "DR_ACCESS",
	[VMX_EXIT_IO_INSTRUCTION] = "IO_INSTRUCTION",
	[VMX_EXIT_RDMSR] = "RDMSR",
	[VMX_EXIT_WRMSR] = "WRMSR",
	[VMX_EXIT_ENTRY_FAIL_GUEST] = "ENTRY_FAIL_GUEST",
	[VMX_EXIT_ENTRY_FAIL_MSR] = "ENTRY_FAIL_MSR",
	[35] = "RESERVED_35",
	[VMX_EXIT_MWAIT] = "MWAIT",
	[VMX_EXIT_MONITOR_TRAP] = "MONITOR_TRAP",
	[38] = "RESERVED_38",
	[VMX_EXIT_MONITOR] = "MONITOR",
	[VMX_EXIT_PAUSE] = "PAUSE",
	[VMX_EXIT_ENTRY_FAIL_MCE] = "ENTRY_FAIL_MCE",
	[42] = "RESERVED_42",
	[VMX_EXIT_TPR_BELOW_THRESHOLD] = "TPR_BELOW_THRESHOLD",
	[VMX_EXIT_APIC_ACCESS] = "APIC_ACCESS",
	[VMX_EXIT_VIRTUALIZED_EOI] = "VIRTUALIZED_EOI",
	[VMX_EXIT_GDTR_IDTR] = "GDTR_IDTR",
	[VMX_EXIT_LDTR_TR] = "LDTR_TR",
	[VMX_EXIT_EPT_VIOLATION] = "EPT_VIOLATION",
	[VMX_EXIT_EPT_MISCONFIG] = "EPT_MISCONFIG",
	[VMX_EXIT_INVEPT] = "INVEPT",
	[VMX_EXIT_RDTSCP] = "RDTSCP",
	[VMX_EXIT_PREEMPTION_TIMER] = "PREEMPTION_TIMER",
	[VMX_EXIT_INVVPID] = "INVVPID",
	[VMX_EXIT_WBINVD] = "WBINVD",
	[VMX_EXIT_XSETBV] = "XSETBV",
	[VMX_EXIT_APIC_WRITE] = "APIC_WRITE",
	[VMX_EXIT_RDRAND] = "RDRAND",
	[VMX_EXIT_INVPCID] = "INVPCID",
	[VMX_EXIT_VMFUNC] = "VMFUNC",
	[VMX_EXIT_ENCLS] = "ENCLS",
	[VMX_EXIT_RDSEED] = "RDSEED",
	[VMX_EXIT_PML_FULL] = "PML_FULL",
	[VMX_EXIT_XSAVES] = "XSAVES",
	[VMX_EXIT_XRSTORS] = "XRSTORS",
	[VMX_EXIT_PCONFIG] = "PCONFIG",
	[VMX_EXIT_SPP_EVENT] = "SPP_EVENT",
	[VMX_EXIT_UMWAIT] = "UMWAIT",
	[VMX_EXIT_TPAUSE] = "TPAUSE",
	[VMX_EXIT_LOADIWKEY] = "LOADIWKEY",
	[VMX_EXIT_ENCLV] = "ENCLV",
	[71] = "RESERVED_71",
	[VMX_EXIT_ENQCMD_PASID_FAIL] = "ENQCMD_PASID_FAIL",
	[VMX_EXIT_ENQCMDS_PASID_FAIL] = "ENQCMDS_PASID_FAIL",
	[VMX_EXIT_BUS_LOCK] = "BUS_LOCK",
	[VMX_EXIT_INSTRUCTION_TIMEOUT] = "INSTRUCTION_TIMEOUT",
	[VMX_EXIT_SEAMCALL] = "SEAMCALL",
	[VMX_EXIT_TDCALL] = "TDCALL",
	[VMX_EXIT_RDMSRLIST] = "RDMSRLIST",
	[VMX_EXIT_WRMSRLIST] = "WRMSRLIST",
	[VMX_EXIT_URDMSR] = "URDMSR",
	[VMX_EXIT_UWRMSR] = "UWRMSR",
};

const char *vmx_exit_reason_name(uint32_t basic)
{
	if (basic >= ARRAY_SIZE(exit_reason_names) || !exit_reason_names[basic])
		return "unknown";
	return exit_reason_names[basic];
}

const char *vmx_entry_failure_name(uint32_t basic)
{
	switch (basic) {
	case VMX_EXIT_ENTRY_FAIL_GUEST:
		return "VM-entry failure due to invalid guest state";
	case VMX_EXIT_ENTRY_FAIL_MSR:
		return "VM-entry failure due to MSR loading";
	case VMX_EXIT_ENTRY_FAIL_MCE:
		return "VM-entry failure due to machine-check event";
	default:
		return NULL;
	}
}

/* SDM Vol. 3C, 31.4 "VM Instruction Error Numbers", Table "VM-Instruction Error Numbers". */
static const char *const insn_error_names[] = {
	[0] = "no error",
	[1] = "VMCALL executed in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "invalid operand to INVEPT/INVVPID",
};

const char *vmx_insn_error_name(uint32_t err)
{
	if (err >= ARRAY_SIZE(insn_error_names))
		return "unknown";
	return insn_error_names[err] ? insn_error_names[err] : "reserved";
}

const char *vmx_result_name(int result)
{
	if (result == VMX_OK)
		return "success";
	if (result == VMX_FAIL_INVALID)
		return "VMfailInvalid (no current VMCS)";
	if (result == VMX_FAIL_VALID_UNKNOWN)
		return "VMfailValid without an error number";
	if (result < 0)
		return "unknown";
	return vmx_insn_error_name((uint32_t)result);
}

void vmx_insn_report(const char *insn, uint32_t field, int result)
{
	bool has_field = field != VMX_NO_FIELD &&
			 (strcmp(insn, "VMREAD") == 0 || strcmp(insn, "VMWRITE") == 0);
	const char *sep = has_field ? " " : "";
	const char *name = has_field ? vmcs_field_name(field) : "";

	if (result > 0)
		log_error("vmx: %s%s%s failed: VMfailValid %d (%s)", insn, sep, name, result,
			  vmx_result_name(result));
	else
		log_error("vmx: %s%s%s failed: %s", insn, sep, name, vmx_result_name(result));
}

/* Every field of vmx/vmcs_fields.def, in encoding order; the names are the enum's own. */
static const struct {
	uint16_t enc;
	const char *name;
} field_names[] = {
#define VMCS_FIELD(name, enc, width, type) { name, #name },
#include "vmx/vmcs_fields.def"
#undef VMCS_FIELD
};

const char *vmcs_field_name(uint32_t enc)
{
	for (size_t i = 0; i < ARRAY_SIZE(field_names); i++)
		if (field_names[i].enc == enc)
			return field_names[i].name;
	return "unknown";
}
