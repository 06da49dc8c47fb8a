/* vmx/exit_reasons.h: the VMX basic exit reasons and the names the console prints for them, for
 * VM-instruction errors and for VMCS fields. Pure (host-tested); any context. */
#ifndef VMX_EXIT_REASONS_H
#define VMX_EXIT_REASONS_H

#include <stdbool.h>
#include <stdint.h>

/* Intel SDM Vol. 3D, Appendix C "VMX Basic Exit Reasons". Gaps are reserved numbers. */
enum vmx_exit_reason {
	VMX_EXIT_EXCEPTION_NMI = 0,
	VMX_EXIT_EXTERNAL_INTERRUPT = 1,
	VMX_EXIT_TRIPLE_FAULT = 2,
	VMX_EXIT_INIT = 3,
	VMX_EXIT_SIPI = 4,
	VMX_EXIT_IO_SMI = 5,
	VMX_EXIT_OTHER_SMI = 6,
	VMX_EXIT_INTERRUPT_WINDOW = 7,
	VMX_EXIT_NMI_WINDOW = 8,
	VMX_EXIT_TASK_SWITCH = 9,
	VMX_EXIT_CPUID = 10,
	VMX_EXIT_GETSEC = 11,
	VMX_EXIT_HLT = 12,
	VMX_EXIT_INVD = 13,
	VMX_EXIT_INVLPG = 14,
	VMX_EXIT_RDPMC = 15,
	VMX_EXIT_RDTSC = 16,
	VMX_EXIT_RSM = 17,
	VMX_EXIT_VMCALL = 18,
	VMX_EXIT_VMCLEAR = 19,
	VMX_EXIT_VMLAUNCH = 20,
	VMX_EXIT_VMPTRLD = 21,
	VMX_EXIT_VMPTRST = 22,
	VMX_EXIT_VMREAD = 23,
	VMX_EXIT_VMRESUME = 24,
	VMX_EXIT_VMWRITE = 25,
	VMX_EXIT_VMXOFF = 26,
	VMX_EXIT_VMXON = 27,
	VMX_EXIT_CR_ACCESS = 28,
	VMX_EXIT_DR_ACCESS = 29,
	VMX_EXIT_IO_INSTRUCTION = 30,
	VMX_EXIT_RDMSR = 31,
	VMX_EXIT_WRMSR = 32,
	VMX_EXIT_ENTRY_FAIL_GUEST = 33,
	VMX_EXIT_ENTRY_FAIL_MSR = 34,
	VMX_EXIT_MWAIT = 36,
	VMX_EXIT_MONITOR_TRAP = 37,
	VMX_EXIT_MONITOR = 39,
	VMX_EXIT_PAUSE = 40,
	VMX_EXIT_ENTRY_FAIL_MCE = 41,
	VMX_EXIT_TPR_BELOW_THRESHOLD = 43,
	VMX_EXIT_APIC_ACCESS = 44,
	VMX_EXIT_VIRTUALIZED_EOI = 45,
	VMX_EXIT_GDTR_IDTR = 46,
	VMX_EXIT_LDTR_TR = 47,
	VMX_EXIT_EPT_VIOLATION = 48,
	VMX_EXIT_EPT_MISCONFIG = 49,
	VMX_EXIT_INVEPT = 50,
	VMX_EXIT_RDTSCP = 51,
	VMX_EXIT_PREEMPTION_TIMER = 52,
	VMX_EXIT_INVVPID = 53,
	VMX_EXIT_WBINVD = 54,
	VMX_EXIT_XSETBV = 55,
	VMX_EXIT_APIC_WRITE = 56,
	VMX_EXIT_RDRAND = 57,
	VMX_EXIT_INVPCID = 58,
	VMX_EXIT_VMFUNC = 59,
	VMX_EXIT_ENCLS = 60,
	VMX_EXIT_RDSEED = 61,
	VMX_EXIT_PML_FULL = 62,
	VMX_EXIT_XSAVES = 63,
	VMX_EXIT_XRSTORS = 64,
	VMX_EXIT_PCONFIG = 65,
	VMX_EXIT_SPP_EVENT = 66,
	VMX_EXIT_UMWAIT = 67,
	VMX_EXIT_TPAUSE = 68,
	VMX_EXIT_LOADIWKEY = 69,
	VMX_EXIT_ENCLV = 70,
	VMX_EXIT_ENQCMD_PASID_FAIL = 72,
	VMX_EXIT_ENQCMDS_PASID_FAIL = 73,
	VMX_EXIT_BUS_LOCK = 74,
	VMX_EXIT_INSTRUCTION_TIMEOUT = 75,
	VMX_EXIT_SEAMCALL = 76,
	VMX_EXIT_TDCALL = 77,
	VMX_EXIT_RDMSRLIST = 78,
	VMX_EXIT_WRMSRLIST = 79,
	VMX_EXIT_URDMSR = 80,
	VMX_EXIT_UWRMSR = 81,
};

/* The highest basic exit reason the name table knows; per-reason arrays have this + 1 slots. */
#define VMX_EXIT_REASON_MAX 81

/* The exit-reason field (SDM Vol. 3C, 25.9.1 "Basic VM-Exit Information"): basic reason in
 * 15:0, bit 31 set when VM entry failed (reasons 33, 34, 41). */
#define VMX_EXIT_REASON_BASIC(r) ((uint32_t)(r) & 0xffffu)
#define VMX_EXIT_REASON_ENTRY_FAILED (1u << 31)

/* Whether an exit with this basic reason can happen in the middle of delivering an event, which
 * is when the IDT-vectoring information field holds that event (SDM Vol. 3C, 28.2.4
 * "Information for VM Exits During Event Delivery"): an exception in the exception bitmap, a
 * task switch through an IDT task gate, an APIC access, an EPT violation or misconfiguration, a
 * PML-full or SPP-related event. Never an instruction's own exit, an external interrupt's, or a
 * triple fault's, so the common exits do not read the field. */
#define VMX_EXITS_DURING_DELIVERY                                                            \
	(1ull << VMX_EXIT_EXCEPTION_NMI | 1ull << VMX_EXIT_TASK_SWITCH |                      \
	 1ull << VMX_EXIT_APIC_ACCESS | 1ull << VMX_EXIT_EPT_VIOLATION |                      \
	 1ull << VMX_EXIT_EPT_MISCONFIG | 1ull << VMX_EXIT_PML_FULL)
static inline bool vmx_exit_may_be_during_delivery(uint32_t basic)
{
	if (basic < 64)
		return VMX_EXITS_DURING_DELIVERY >> basic & 1;
	return basic == VMX_EXIT_SPP_EVENT;
}

/* The SDM's short name for a basic exit reason ("EPT_VIOLATION"); "RESERVED_35" for numbers the
 * SDM leaves unused, "unknown" above VMX_EXIT_REASON_MAX. Never NULL. */
const char *vmx_exit_reason_name(uint32_t basic);

/* The SDM's wording for the three VM-entry failures (33, 34, 41); NULL for any other reason,
 * which is how a caller tells them apart. */
const char *vmx_entry_failure_name(uint32_t basic);

/* SDM Vol. 3C, 31.4 "VM Instruction Error Numbers": the table's description of `err`;
 * "reserved" for the unused numbers, "unknown" above the table. Never NULL. */
const char *vmx_insn_error_name(uint32_t err);

/* The enum name of a VMCS field ("VMCS_GUEST_RIP"), or "unknown" (also for a "high" access
 * encoding). Never NULL. */
const char *vmcs_field_name(uint32_t enc);

/* What a VMX instruction wrapper's result means (vmx/vmx_insn.h): "success", "VMfailInvalid
 * (no current VMCS)", or the VM-instruction error name. Never NULL. */
const char *vmx_result_name(int result);

/* Logs one line about a failed VMX instruction, naming the field and the error: "vmx: VMWRITE
 * VMCS_GUEST_RIP failed: VMfailValid 12 (VMREAD/VMWRITE from/to unsupported VMCS component)".
 * `field` is named only for "VMREAD" and "VMWRITE" (where 0 is VMCS_VPID); other instructions
 * pass VMX_NO_FIELD (0 is accepted too). Called by vmx/vmx_insn.h. */
#define VMX_NO_FIELD 0xffffffffu
void vmx_insn_report(const char *insn, uint32_t field, int result);

#endif
