/* vmx/vmcs_fields.h: the VMCS field encodings (the enum of vmx/vmcs_fields.def, the one field
 * list), the VM-execution/exit/entry control bits and the VMX capability MSRs: numbers only, the
 * single source for them. Any context; included by pure code and by the host unit tests. Names
 * for printing come from the same list (vmx/exit_reasons.h). */
#ifndef VMX_VMCS_FIELDS_H
#define VMX_VMCS_FIELDS_H

#include <stdint.h>

/* Every field of vmx/vmcs_fields.def (SDM Vol. 3D, Appendix B, "full" encodings only). */
enum vmcs_field {
#define VMCS_FIELD(name, enc, width, type) name = enc,
#include "vmx/vmcs_fields.def"
#undef VMCS_FIELD
};

/* How an encoding is built (SDM Vol. 3C, 25.11.2 "VMREAD, VMWRITE, and Encodings of VMCS
 * Fields", Table "Structure of VMCS Component Encoding"): bit 0 access type (0 full, 1 high),
 * 9:1 index, 11:10 type, 12 reserved, 14:13 width, 31:15 reserved. */
enum vmcs_width {
	VMCS_WIDTH_16 = 0,
	VMCS_WIDTH_64 = 1,
	VMCS_WIDTH_32 = 2,
	VMCS_WIDTH_NATURAL = 3,
};

enum vmcs_type {
	VMCS_TYPE_CONTROL = 0,
	VMCS_TYPE_RO_DATA = 1, /* VM-exit information: VMWRITE fails unless IA32_VMX_MISC bit 29 */
	VMCS_TYPE_GUEST = 2,
	VMCS_TYPE_HOST = 3,
};

/* Each field's width (bits 14:13) and type (bits 11:10) are those of its group in the SDM's
 * appendix: an encoding typed into the wrong group, or a typo in either, fails the build. */
#define VMCS_FIELD(name, enc, width, type)                                                     \
	_Static_assert((((enc) >> 13) & 3) == VMCS_WIDTH_##width &&                               \
			       (((enc) >> 10) & 3) == VMCS_TYPE_##type && !((enc) & 1),            \
		       #name ": encoding does not match its width and type");
#include "vmx/vmcs_fields.def"
#undef VMCS_FIELD

#define VMCS_FIELD_HIGH(enc) ((uint32_t)(enc) | 1u)

static inline unsigned vmcs_field_width(uint32_t enc)
{
	return (enc >> 13) & 3;
}

static inline unsigned vmcs_field_type(uint32_t enc)
{
	return (enc >> 10) & 3;
}

static inline unsigned vmcs_field_is_high(uint32_t enc)
{
	return enc & 1;
}

/*
 * VM-execution controls. Intel SDM Vol. 3C, 25.6.1 "Pin-Based VM-Execution Controls".
 */
#define PIN_EXTINT_EXITING (1u << 0)
#define PIN_NMI_EXITING (1u << 3)
#define PIN_VIRTUAL_NMIS (1u << 5)
#define PIN_PREEMPTION_TIMER (1u << 6)
#define PIN_POSTED_INTR (1u << 7)

/* 25.6.2 "Processor-Based VM-Execution Controls", Table "Definitions of Primary
 * Processor-Based VM-Execution Controls". */
#define PROC_INTR_WINDOW (1u << 2)
#define PROC_USE_TSC_OFFSET (1u << 3)
#define PROC_HLT_EXITING (1u << 7)
#define PROC_INVLPG_EXITING (1u << 9)
#define PROC_MWAIT_EXITING (1u << 10)
#define PROC_RDPMC_EXITING (1u << 11)
#define PROC_RDTSC_EXITING (1u << 12)
#define PROC_CR3_LOAD (1u << 15)
#define PROC_CR3_STORE (1u << 16)
#define PROC_TERTIARY (1u << 17)
#define PROC_CR8_LOAD (1u << 19)
#define PROC_CR8_STORE (1u << 20)
#define PROC_TPR_SHADOW (1u << 21)
#define PROC_NMI_WINDOW (1u << 22)
#define PROC_MOV_DR (1u << 23)
#define PROC_UNCOND_IO (1u << 24)
#define PROC_USE_IO_BITMAPS (1u << 25)
#define PROC_MONITOR_TRAP (1u << 27)
#define PROC_USE_MSR_BITMAPS (1u << 28)
#define PROC_MONITOR_EXITING (1u << 29)
#define PROC_PAUSE_EXITING (1u << 30)
#define PROC_SECONDARY (1u << 31)

/* Table "Definitions of Secondary Processor-Based VM-Execution Controls". */
#define PROC2_VIRT_APIC_ACCESS (1u << 0)
#define PROC2_EPT (1u << 1)
#define PROC2_DESC_TABLE (1u << 2)
#define PROC2_RDTSCP (1u << 3)
#define PROC2_VIRT_X2APIC (1u << 4)
#define PROC2_VPID (1u << 5)
#define PROC2_WBINVD_EXITING (1u << 6)
#define PROC2_UNRESTRICTED (1u << 7)
#define PROC2_APIC_REG_VIRT (1u << 8)
#define PROC2_VIRT_INTR_DELIVERY (1u << 9)
#define PROC2_PAUSE_LOOP (1u << 10)
#define PROC2_RDRAND_EXITING (1u << 11)
#define PROC2_INVPCID (1u << 12)
#define PROC2_VMFUNC (1u << 13)
#define PROC2_VMCS_SHADOW (1u << 14)
#define PROC2_ENCLS_EXITING (1u << 15)
#define PROC2_RDSEED_EXITING (1u << 16)
#define PROC2_PML (1u << 17)
#define PROC2_EPT_VE (1u << 18)
#define PROC2_PT_CONCEAL_VMX (1u << 19)
#define PROC2_XSAVES (1u << 20)
#define PROC2_PASID_TRANSLATION (1u << 21)
#define PROC2_MODE_BASED_EPT_EXEC (1u << 22)
#define PROC2_SUBPAGE_WRITE (1u << 23)
#define PROC2_PT_GUEST_PHYS (1u << 24)
#define PROC2_TSC_SCALING (1u << 25)
#define PROC2_USER_WAIT_PAUSE (1u << 26)
#define PROC2_PCONFIG (1u << 27)
#define PROC2_ENCLV_EXITING (1u << 28)
#define PROC2_BUS_LOCK_DETECT (1u << 30)
#define PROC2_INSTRUCTION_TIMEOUT (1u << 31)

/* Table "Definitions of Tertiary Processor-Based VM-Execution Controls" (a 64-bit field). */
#define PROC3_LOADIWKEY_EXITING (1ull << 0)
#define PROC3_HLAT (1ull << 1)
#define PROC3_EPT_PAGING_WRITE (1ull << 2)
#define PROC3_GUEST_PAGING_VERIFY (1ull << 3)
#define PROC3_IPI_VIRT (1ull << 4)
#define PROC3_VIRT_SPEC_CTRL (1ull << 7)

/* 25.7.1 "VM-Exit Controls", Table "Definitions of Primary VM-Exit Controls". */
#define EXIT_SAVE_DEBUG (1u << 2)
#define EXIT_HOST_ADDR64 (1u << 9)
#define EXIT_LOAD_PERF_GLOBAL (1u << 12)
#define EXIT_ACK_INTR (1u << 15)
#define EXIT_SAVE_PAT (1u << 18)
#define EXIT_LOAD_PAT (1u << 19)
#define EXIT_SAVE_EFER (1u << 20)
#define EXIT_LOAD_EFER (1u << 21)
#define EXIT_SAVE_PREEMPT (1u << 22)
#define EXIT_CLEAR_BNDCFGS (1u << 23)
#define EXIT_PT_CONCEAL_VMX (1u << 24)
#define EXIT_CLEAR_RTIT_CTL (1u << 25)
#define EXIT_CLEAR_LBR_CTL (1u << 26)
#define EXIT_CLEAR_UINV (1u << 27)
#define EXIT_LOAD_CET (1u << 28)
#define EXIT_LOAD_PKRS (1u << 29)
#define EXIT_SAVE_PERF_GLOBAL (1u << 30)
#define EXIT_SECONDARY (1u << 31)

/* 25.8.1 "VM-Entry Controls", Table "Definitions of VM-Entry Controls". */
#define ENTRY_LOAD_DEBUG (1u << 2)
#define ENTRY_IA32E_GUEST (1u << 9)
#define ENTRY_SMM (1u << 10)
#define ENTRY_DEACT_DUAL_MONITOR (1u << 11)
#define ENTRY_LOAD_PERF_GLOBAL (1u << 13)
#define ENTRY_LOAD_PAT (1u << 14)
#define ENTRY_LOAD_EFER (1u << 15)
#define ENTRY_LOAD_BNDCFGS (1u << 16)
#define ENTRY_PT_CONCEAL_VMX (1u << 17)
#define ENTRY_LOAD_RTIT_CTL (1u << 18)
#define ENTRY_LOAD_UINV (1u << 19)
#define ENTRY_LOAD_CET (1u << 20)
#define ENTRY_LOAD_LBR_CTL (1u << 21)
#define ENTRY_LOAD_PKRS (1u << 22)

/*
 * The VMX capability MSRs, Intel SDM Vol. 3D, Appendix A "VMX Capability Reporting Facility".
 * The control MSRs (A.3-A.5): bits 31:0 are the allowed 0-settings (a 1 there: the control
 * must be 1), bits 63:32 the allowed 1-settings (a 0 there: the control must be 0).
 */
#define MSR_IA32_VMX_BASIC 0x480
#define MSR_IA32_VMX_PINBASED_CTLS 0x481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x482
#define MSR_IA32_VMX_EXIT_CTLS 0x483
#define MSR_IA32_VMX_ENTRY_CTLS 0x484
#define MSR_IA32_VMX_MISC 0x485
#define MSR_IA32_VMX_CR0_FIXED0 0x486
#define MSR_IA32_VMX_CR0_FIXED1 0x487
#define MSR_IA32_VMX_CR4_FIXED0 0x488
#define MSR_IA32_VMX_CR4_FIXED1 0x489
#define MSR_IA32_VMX_VMCS_ENUM 0x48a
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP 0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS 0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS 0x490
#define MSR_IA32_VMX_VMFUNC 0x491
#define MSR_IA32_VMX_PROCBASED_CTLS3 0x492
#define MSR_IA32_VMX_EXIT_CTLS2 0x493

/* A.1 "Basic VMX Information" (IA32_VMX_BASIC). */
#define VMX_BASIC_REVISION_MASK 0x7fffffffull /* 30:0; bit 31 is always 0 */
#define VMX_BASIC_VMCS_SIZE_SHIFT 32          /* 44:32, bytes, at most 4096 */
#define VMX_BASIC_VMCS_SIZE_MASK 0x1fffull
#define VMX_BASIC_ADDR32 (1ull << 48)         /* VMXON/VMCS/bitmap addresses limited to 4 GiB */
#define VMX_BASIC_DUAL_MONITOR (1ull << 49)
#define VMX_BASIC_MEMTYPE_SHIFT 50            /* 53:50, memory type for the VMCS */
#define VMX_BASIC_MEMTYPE_MASK 0xfull
#define VMX_BASIC_MEMTYPE_UC 0
#define VMX_BASIC_MEMTYPE_WB 6
#define VMX_BASIC_INOUT_INFO (1ull << 54)     /* INS/OUTS exits report instruction information */
#define VMX_BASIC_TRUE_CTLS (1ull << 55)      /* the IA32_VMX_TRUE_*_CTLS MSRs exist */
#define VMX_BASIC_NO_ERRCODE_REQ (1ull << 56) /* entry may deliver hw exceptions without code */

/* Interruption information: the VM-exit, IDT-vectoring and VM-entry fields share one format
 * (SDM Vol. 3C, 25.8.3 "VM-Entry Controls for Event Injection", 25.9.2). */
#define INTR_INFO_TYPE(info) ((info) & (7u << 8))
#define INTR_TYPE_EXTERNAL (0u << 8)
#define INTR_TYPE_NMI (2u << 8)
#define INTR_TYPE_HW_EXCEPTION (3u << 8)
#define INTR_TYPE_SOFT_INTR (4u << 8)
#define INTR_TYPE_PRIV_SOFT_EXC (5u << 8)
#define INTR_TYPE_SOFT_EXC (6u << 8)
#define INTR_HAS_ERROR (1u << 11)
#define INTR_INFO_VALID (1u << 31)

/* Guest interruptibility state (SDM Vol. 3C, 25.4.2 "Guest Non-Register State"). */
#define BLOCKING_STI (1u << 0)
#define BLOCKING_MOVSS (1u << 1)
#define BLOCKING_NMI (1u << 3)

/* A.10 "VPID and EPT Capabilities" (IA32_VMX_EPT_VPID_CAP). */
#define VMX_EPT_EXEC_ONLY (1ull << 0)
#define VMX_EPT_PWL4 (1ull << 6)
#define VMX_EPT_PWL5 (1ull << 7)
#define VMX_EPT_UC (1ull << 8)
#define VMX_EPT_WB (1ull << 14)
#define VMX_EPT_2M (1ull << 16)
#define VMX_EPT_1G (1ull << 17)
#define VMX_EPT_INVEPT (1ull << 20)
#define VMX_EPT_AD (1ull << 21)
#define VMX_EPT_ADV_EXIT_INFO (1ull << 22)
#define VMX_EPT_SSS (1ull << 23)
#define VMX_EPT_INVEPT_SINGLE (1ull << 25)
#define VMX_EPT_INVEPT_ALL (1ull << 26)
#define VMX_VPID_INVVPID (1ull << 32)
#define VMX_VPID_INVVPID_ADDR (1ull << 40)
#define VMX_VPID_INVVPID_SINGLE (1ull << 41)
#define VMX_VPID_INVVPID_ALL (1ull << 42)
#define VMX_VPID_INVVPID_SINGLE_GLOBALS (1ull << 43) /* single context, retaining globals */

/* The INVEPT/INVVPID types (SDM Vol. 3C, "VMX Instruction Reference": INVEPT, INVVPID). */
#define INVEPT_SINGLE_CONTEXT 1
#define INVEPT_ALL_CONTEXT 2
#define INVVPID_ADDRESS 0
#define INVVPID_SINGLE_CONTEXT 1
#define INVVPID_ALL_CONTEXT 2
#define INVVPID_SINGLE_GLOBALS 3

#endif
