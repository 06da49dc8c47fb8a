/* vmx/vmcs_fields.h: the VMCS field encodings, the VM-execution/exit/entry control bits and the
 * VMX capability MSRs: numbers only, the single source for them. Any context; included by pure
 * code and by the host unit tests. Names for printing are in vmx/exit_reasons.h. */
#ifndef VMX_VMCS_FIELDS_H
#define VMX_VMCS_FIELDS_H

#include <stdint.h>

#include "lib/msr.h"

/*
 * Intel SDM Vol. 3D, Appendix B "Field Encoding in VMCS", in its order (the edition with CET,
 * PKS, IPI virtualization and HLAT; fields added later print as "unknown"). Only the "full"
 * encodings are listed: in 64-bit mode a 64-bit field is read and written whole; its "high"
 * half is the encoding | 1 (VMCS_FIELD_HIGH) and is only for 32-bit code.
 */
enum vmcs_field {
	/* B.1.1 16-bit control fields */
	VMCS_VPID = 0x0000,
	VMCS_POSTED_INTR_NV = 0x0002,
	VMCS_EPTP_INDEX = 0x0004,
	VMCS_HLAT_PREFIX_SIZE = 0x0006,
	VMCS_LAST_PID_PTR_INDEX = 0x0008,

	/* B.1.2 16-bit guest-state fields */
	VMCS_GUEST_ES_SEL = 0x0800,
	VMCS_GUEST_CS_SEL = 0x0802,
	VMCS_GUEST_SS_SEL = 0x0804,
	VMCS_GUEST_DS_SEL = 0x0806,
	VMCS_GUEST_FS_SEL = 0x0808,
	VMCS_GUEST_GS_SEL = 0x080a,
	VMCS_GUEST_LDTR_SEL = 0x080c,
	VMCS_GUEST_TR_SEL = 0x080e,
	VMCS_GUEST_INTR_STATUS = 0x0810, /* RVI 7:0, SVI 15:8 */
	VMCS_GUEST_PML_INDEX = 0x0812,
	VMCS_GUEST_UINV = 0x0814,

	/* B.1.3 16-bit host-state fields */
	VMCS_HOST_ES_SEL = 0x0c00,
	VMCS_HOST_CS_SEL = 0x0c02,
	VMCS_HOST_SS_SEL = 0x0c04,
	VMCS_HOST_DS_SEL = 0x0c06,
	VMCS_HOST_FS_SEL = 0x0c08,
	VMCS_HOST_GS_SEL = 0x0c0a,
	VMCS_HOST_TR_SEL = 0x0c0c,

	/* B.2.1 64-bit control fields */
	VMCS_IO_BITMAP_A = 0x2000,
	VMCS_IO_BITMAP_B = 0x2002,
	VMCS_MSR_BITMAP = 0x2004,
	VMCS_EXIT_MSR_STORE_ADDR = 0x2006,
	VMCS_EXIT_MSR_LOAD_ADDR = 0x2008,
	VMCS_ENTRY_MSR_LOAD_ADDR = 0x200a,
	VMCS_EXECUTIVE_VMCS_PTR = 0x200c,
	VMCS_PML_ADDR = 0x200e,
	VMCS_TSC_OFFSET = 0x2010,
	VMCS_VIRTUAL_APIC_ADDR = 0x2012,
	VMCS_APIC_ACCESS_ADDR = 0x2014,
	VMCS_POSTED_INTR_DESC = 0x2016,
	VMCS_VMFUNC_CTRL = 0x2018,
	VMCS_EPT_POINTER = 0x201a,
	VMCS_EOI_EXIT_BITMAP0 = 0x201c,
	VMCS_EOI_EXIT_BITMAP1 = 0x201e,
	VMCS_EOI_EXIT_BITMAP2 = 0x2020,
	VMCS_EOI_EXIT_BITMAP3 = 0x2022,
	VMCS_EPTP_LIST_ADDR = 0x2024,
	VMCS_VMREAD_BITMAP = 0x2026,
	VMCS_VMWRITE_BITMAP = 0x2028,
	VMCS_VE_INFO_ADDR = 0x202a,
	VMCS_XSS_EXITING_BITMAP = 0x202c,
	VMCS_ENCLS_EXITING_BITMAP = 0x202e,
	VMCS_SPPT_POINTER = 0x2030,
	VMCS_TSC_MULTIPLIER = 0x2032,
	VMCS_CTRL_PROC_BASED3 = 0x2034, /* tertiary processor-based controls */
	VMCS_ENCLV_EXITING_BITMAP = 0x2036,
	VMCS_LOW_PASID_DIR = 0x2038,
	VMCS_HIGH_PASID_DIR = 0x203a,
	VMCS_SHARED_EPT_POINTER = 0x203c,
	VMCS_PCONFIG_EXITING_BITMAP = 0x203e,
	VMCS_HLAT_POINTER = 0x2040,
	VMCS_PID_POINTER_TABLE = 0x2042,
	VMCS_CTRL_EXIT2 = 0x2044, /* secondary VM-exit controls */
	VMCS_SPEC_CTRL_MASK = 0x204a,
	VMCS_SPEC_CTRL_SHADOW = 0x204c,

	/* B.2.2 64-bit read-only data field */
	VMCS_GUEST_PHYS_ADDR = 0x2400,

	/* B.2.3 64-bit guest-state fields */
	VMCS_LINK_POINTER = 0x2800,
	VMCS_GUEST_DEBUGCTL = 0x2802,
	VMCS_GUEST_PAT = 0x2804,
	VMCS_GUEST_EFER = 0x2806,
	VMCS_GUEST_PERF_GLOBAL_CTRL = 0x2808,
	VMCS_GUEST_PDPTE0 = 0x280a,
	VMCS_GUEST_PDPTE1 = 0x280c,
	VMCS_GUEST_PDPTE2 = 0x280e,
	VMCS_GUEST_PDPTE3 = 0x2810,
	VMCS_GUEST_BNDCFGS = 0x2812,
	VMCS_GUEST_RTIT_CTL = 0x2814,
	VMCS_GUEST_LBR_CTL = 0x2816,
	VMCS_GUEST_PKRS = 0x2818,

	/* B.2.4 64-bit host-state fields */
	VMCS_HOST_PAT = 0x2c00,
	VMCS_HOST_EFER = 0x2c02,
	VMCS_HOST_PERF_GLOBAL_CTRL = 0x2c04,
	VMCS_HOST_PKRS = 0x2c06,

	/* B.3.1 32-bit control fields */
	VMCS_CTRL_PIN_BASED = 0x4000,
	VMCS_CTRL_PROC_BASED = 0x4002,
	VMCS_EXCEPTION_BITMAP = 0x4004,
	VMCS_PF_ERROR_CODE_MASK = 0x4006,
	VMCS_PF_ERROR_CODE_MATCH = 0x4008,
	VMCS_CR3_TARGET_COUNT = 0x400a,
	VMCS_CTRL_EXIT = 0x400c,
	VMCS_EXIT_MSR_STORE_COUNT = 0x400e,
	VMCS_EXIT_MSR_LOAD_COUNT = 0x4010,
	VMCS_CTRL_ENTRY = 0x4012,
	VMCS_ENTRY_MSR_LOAD_COUNT = 0x4014,
	VMCS_ENTRY_INTR_INFO = 0x4016,
	VMCS_ENTRY_EXCEPTION_ERROR_CODE = 0x4018,
	VMCS_ENTRY_INSTRUCTION_LEN = 0x401a,
	VMCS_TPR_THRESHOLD = 0x401c,
	VMCS_CTRL_PROC_BASED2 = 0x401e,
	VMCS_PLE_GAP = 0x4020,
	VMCS_PLE_WINDOW = 0x4022,
	VMCS_INSTRUCTION_TIMEOUT = 0x4024,

	/* B.3.2 32-bit read-only data fields */
	VMCS_VM_INSTRUCTION_ERROR = 0x4400,
	VMCS_EXIT_REASON = 0x4402,
	VMCS_EXIT_INTR_INFO = 0x4404,
	VMCS_EXIT_INTR_ERROR_CODE = 0x4406,
	VMCS_IDT_VECTORING_INFO = 0x4408,
	VMCS_IDT_VECTORING_ERROR_CODE = 0x440a,
	VMCS_EXIT_INSTRUCTION_LEN = 0x440c,
	VMCS_EXIT_INSTRUCTION_INFO = 0x440e,

	/* B.3.3 32-bit guest-state fields */
	VMCS_GUEST_ES_LIMIT = 0x4800,
	VMCS_GUEST_CS_LIMIT = 0x4802,
	VMCS_GUEST_SS_LIMIT = 0x4804,
	VMCS_GUEST_DS_LIMIT = 0x4806,
	VMCS_GUEST_FS_LIMIT = 0x4808,
	VMCS_GUEST_GS_LIMIT = 0x480a,
	VMCS_GUEST_LDTR_LIMIT = 0x480c,
	VMCS_GUEST_TR_LIMIT = 0x480e,
	VMCS_GUEST_GDTR_LIMIT = 0x4810,
	VMCS_GUEST_IDTR_LIMIT = 0x4812,
	VMCS_GUEST_ES_AR = 0x4814,
	VMCS_GUEST_CS_AR = 0x4816,
	VMCS_GUEST_SS_AR = 0x4818,
	VMCS_GUEST_DS_AR = 0x481a,
	VMCS_GUEST_FS_AR = 0x481c,
	VMCS_GUEST_GS_AR = 0x481e,
	VMCS_GUEST_LDTR_AR = 0x4820,
	VMCS_GUEST_TR_AR = 0x4822,
	VMCS_GUEST_INTERRUPTIBILITY = 0x4824,
	VMCS_GUEST_ACTIVITY_STATE = 0x4826,
	VMCS_GUEST_SMBASE = 0x4828,
	VMCS_GUEST_SYSENTER_CS = 0x482a,
	VMCS_GUEST_PREEMPTION_TIMER = 0x482e,

	/* B.3.4 32-bit host-state field */
	VMCS_HOST_SYSENTER_CS = 0x4c00,

	/* B.4.1 natural-width control fields */
	VMCS_CR0_GUEST_HOST_MASK = 0x6000,
	VMCS_CR4_GUEST_HOST_MASK = 0x6002,
	VMCS_CR0_READ_SHADOW = 0x6004,
	VMCS_CR4_READ_SHADOW = 0x6006,
	VMCS_CR3_TARGET0 = 0x6008,
	VMCS_CR3_TARGET1 = 0x600a,
	VMCS_CR3_TARGET2 = 0x600c,
	VMCS_CR3_TARGET3 = 0x600e,

	/* B.4.2 natural-width read-only data fields */
	VMCS_EXIT_QUALIFICATION = 0x6400,
	VMCS_IO_RCX = 0x6402,
	VMCS_IO_RSI = 0x6404,
	VMCS_IO_RDI = 0x6406,
	VMCS_IO_RIP = 0x6408,
	VMCS_GUEST_LINEAR_ADDR = 0x640a,

	/* B.4.3 natural-width guest-state fields */
	VMCS_GUEST_CR0 = 0x6800,
	VMCS_GUEST_CR3 = 0x6802,
	VMCS_GUEST_CR4 = 0x6804,
	VMCS_GUEST_ES_BASE = 0x6806,
	VMCS_GUEST_CS_BASE = 0x6808,
	VMCS_GUEST_SS_BASE = 0x680a,
	VMCS_GUEST_DS_BASE = 0x680c,
	VMCS_GUEST_FS_BASE = 0x680e,
	VMCS_GUEST_GS_BASE = 0x6810,
	VMCS_GUEST_LDTR_BASE = 0x6812,
	VMCS_GUEST_TR_BASE = 0x6814,
	VMCS_GUEST_GDTR_BASE = 0x6816,
	VMCS_GUEST_IDTR_BASE = 0x6818,
	VMCS_GUEST_DR7 = 0x681a,
	VMCS_GUEST_RSP = 0x681c,
	VMCS_GUEST_RIP = 0x681e,
	VMCS_GUEST_RFLAGS = 0x6820,
	VMCS_GUEST_PENDING_DBG = 0x6822,
	VMCS_GUEST_SYSENTER_ESP = 0x6824,
	VMCS_GUEST_SYSENTER_EIP = 0x6826,
	VMCS_GUEST_S_CET = 0x6828,
	VMCS_GUEST_SSP = 0x682a,
	VMCS_GUEST_INTR_SSP_TABLE = 0x682c,

	/* B.4.4 natural-width host-state fields */
	VMCS_HOST_CR0 = 0x6c00,
	VMCS_HOST_CR3 = 0x6c02,
	VMCS_HOST_CR4 = 0x6c04,
	VMCS_HOST_FS_BASE = 0x6c06,
	VMCS_HOST_GS_BASE = 0x6c08,
	VMCS_HOST_TR_BASE = 0x6c0a,
	VMCS_HOST_GDTR_BASE = 0x6c0c,
	VMCS_HOST_IDTR_BASE = 0x6c0e,
	VMCS_HOST_SYSENTER_ESP = 0x6c10,
	VMCS_HOST_SYSENTER_EIP = 0x6c12,
	VMCS_HOST_RSP = 0x6c14, /* repeated in vmx/vmx_entry.asm */
	VMCS_HOST_RIP = 0x6c16,
	VMCS_HOST_S_CET = 0x6c18,
	VMCS_HOST_SSP = 0x6c1a,
	VMCS_HOST_INTR_SSP_TABLE = 0x6c1c,
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

/* The VMX capability MSRs are in lib/msr.h (Intel SDM Vol. 3D, Appendix A). */

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
