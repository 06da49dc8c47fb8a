/* lib/msr.h: the MSR indexes the hypervisor and its guests use, in one list (Intel SDM Vol. 4,
 * chapter 2, "Model-Specific Registers", Table 2-2 "IA-32 Architectural MSRs"), in index order.
 * What a guest may do with each is vmx/msr_table.c's table. */
#ifndef LIB_MSR_H
#define LIB_MSR_H

#define MSR_IA32_TIME_STAMP_COUNTER 0x10u
#define MSR_IA32_PLATFORM_ID 0x17u
#define MSR_IA32_APIC_BASE 0x1bu
#define MSR_IA32_FEATURE_CONTROL 0x3au
#define MSR_IA32_TSC_ADJUST 0x3bu
#define MSR_IA32_BIOS_SIGN_ID 0x8bu
#define MSR_IA32_XAPIC_DISABLE_STATUS 0xbdu
#define MSR_IA32_PMC0 0xc1u /* ..0xc8 */
#define MSR_IA32_MTRRCAP 0xfeu
#define MSR_IA32_ARCH_CAPABILITIES 0x10au
#define MSR_IA32_SYSENTER_CS 0x174u
#define MSR_IA32_SYSENTER_ESP 0x175u
#define MSR_IA32_SYSENTER_EIP 0x176u
#define MSR_IA32_MCG_CAP 0x179u
#define MSR_IA32_MCG_STATUS 0x17au
#define MSR_IA32_PERFEVTSEL0 0x186u /* ..0x18d */
#define MSR_IA32_MISC_ENABLE 0x1a0u
#define MSR_IA32_PAT 0x277u
#define MSR_IA32_MTRR_DEF_TYPE 0x2ffu
#define MSR_IA32_FIXED_CTR0 0x309u /* ..0x30b */
#define MSR_IA32_PERF_GLOBAL_STATUS 0x38eu /* 0x38d..0x390: the PERF_GLOBAL_* group */
#define MSR_IA32_FIXED_CTR_CTRL 0x38du

/* The VMX capability MSRs, Intel SDM Vol. 3D, Appendix A "VMX Capability Reporting Facility".
 * The control MSRs (A.3-A.5): bits 31:0 are the allowed 0-settings (a 1 there: the control
 * must be 1), bits 63:32 the allowed 1-settings (a 0 there: the control must be 0). */
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

/* Its deadline in TSC-deadline mode (SDM Vol. 3A, 11.5.4.1); 0 disarms. */
#define MSR_IA32_TSC_DEADLINE 0x6e0u
/* The x2APIC registers (SDM Vol. 3A, 11.12.1.2): 0x800 + (xAPIC offset >> 4). */
#define X2APIC_MSR_FIRST 0x800u
#define X2APIC_MSR_LAST 0x8ffu

#define MSR_IA32_EFER 0xc0000080u
#define MSR_IA32_STAR 0xc0000081u
#define MSR_IA32_LSTAR 0xc0000082u
#define MSR_IA32_CSTAR 0xc0000083u
#define MSR_IA32_FMASK 0xc0000084u
#define MSR_IA32_FS_BASE 0xc0000100u
#define MSR_IA32_GS_BASE 0xc0000101u
#define MSR_IA32_KERNEL_GS_BASE 0xc0000102u
#define MSR_IA32_TSC_AUX 0xc0000103u

#endif
