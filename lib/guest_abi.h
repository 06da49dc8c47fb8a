/* lib/guest_abi.h: everything a guest of this hypervisor may rely on beyond the x86 architecture,
 * and the whole interface of the test guests (tests/guests/) to the hypervisor: the hypercall ABI,
 * the hypervisor's CPUID leaves, the ports of the VM's own devices, and the local APIC's register
 * map that the virtual APIC implements. The hypervisor takes these constants from here too
 * (vmx/hypercall.c, vmx/cpuid_filter.c, vmx/vm_devices.c, apic/), so the two sides cannot drift.
 * In lib/, the bottom layer, because every folder may include it; constants only, so the 32-bit
 * guests and the 64-bit hypervisor both compile it.
 *
 * Hypercalls (README, "Hypercalls"): a guest executes VMCALL with the call number in EAX/RAX and
 * arguments in EBX/RBX, ECX/RCX, EDX/RDX; the result comes back in EAX/RAX (and, where a call says
 * so, EBX): zero or positive on success, a negative HC_E* on failure. Other registers are
 * preserved. */
#ifndef LIB_GUEST_ABI_H
#define LIB_GUEST_ABI_H

#include <stdint.h>

#define HC_ABI_VERSION 1

enum hypercall {
	HC_VERSION = 0,    /* -> HC_ABI_VERSION */
	HC_START_VCPU = 1, /* EBX vCPU index, ECX entry EIP (32-bit flat protected mode, as a
			    * multiboot entry), EDX the new vCPU's EAX -> 0. A shortcut for
			    * INIT-SIPI-SIPI through the virtual APIC, which starts APs too. */
	HC_EXIT_COUNT = 2, /* EBX vCPU index (0xffffffff: the caller), ECX basic exit reason or
			    * HC_EXIT_ALL -> that vCPU's count of such exits (low 31 bits) */
	HC_WAKE = 3,       /* EBX vCPU index, ECX vector 32..255: raise that external interrupt in
			    * the vCPU (it wakes a HLT) -> 0 */
	HC_VCPU_INFO = 4,  /* -> EAX the caller's vCPU index, EBX the VM's vCPU count */
};

#define HC_EXIT_ALL 0xffff /* HC_EXIT_COUNT: every reason */

#define HC_ENOSYS 1 /* no such call */
#define HC_EINVAL 2 /* an argument is out of range */
#define HC_EBUSY 3  /* HC_START_VCPU: that vCPU already runs */
#define HC_EPERM 4 /* the caller is not at CPL 0 */

/* The VM's own devices (guest ACPI tables describe the PM1 blocks). */
#define GUEST_PORT_COM1 0x3f8
#define GUEST_PORT_PM1A_EVT 0x600
#define GUEST_PORT_PM1A_CNT 0x604
#define GUEST_SLP_TYP_S5 5
#define GUEST_PORT_RESET 0xcf9

/* The hypervisor's CPUID leaves, in the range the SDM leaves to hypervisors (CPUID.1:ECX bit 31
 * says one is present). */
#define CPUID_HV_BASE 0x40000000u    /* EAX the last leaf (CPUID_HV_MAX), EBX ECX EDX signature */
#define CPUID_HV_VERSION 0x40000001u /* EAX HC_ABI_VERSION */
#define CPUID_HV_TIMING 0x40000010u  /* EAX TSC kHz, EBX APIC timer kHz (as VMware, KVM) */
#define CPUID_HV_MAX CPUID_HV_TIMING
#define HV_CPUID_SIGNATURE "MicroHVisor" /* NUL-padded to the 12 bytes of EBX, ECX, EDX */

/* The local APIC's register map, one table for the host driver (apic/lapic.c), the virtual APIC
 * (apic/vlapic*.c, vmx/) and the test guests (tests/guests/lib/apic.h): the xAPIC page offsets
 * (Intel SDM Vol. 3A, Table 11-1 "Local APIC Register Address Map") and the x2APIC MSR of each
 * (Table 11-6). */
enum apic_reg {
	APIC_ID = 0x20,
	APIC_VERSION = 0x30,
	APIC_TPR = 0x80,
	APIC_APR = 0x90,
	APIC_PPR = 0xa0,
	APIC_EOI = 0xb0,
	APIC_RRD = 0xc0,
	APIC_LDR = 0xd0,
	APIC_DFR = 0xe0,
	APIC_SVR = 0xf0,
	APIC_ISR = 0x100, /* 8 registers, 0x10 apart, up to 0x170 */
	APIC_TMR = 0x180,
	APIC_IRR = 0x200,
	APIC_ESR = 0x280,
	APIC_LVT_CMCI = 0x2f0,
	APIC_ICR_LO = 0x300,
	APIC_ICR_HI = 0x310,
	APIC_LVT_TIMER = 0x320,
	APIC_LVT_THERMAL = 0x330,
	APIC_LVT_PMC = 0x340,
	APIC_LVT_LINT0 = 0x350,
	APIC_LVT_LINT1 = 0x360,
	APIC_LVT_ERROR = 0x370,
	APIC_TIMER_INITIAL = 0x380,
	APIC_TIMER_CURRENT = 0x390,
	APIC_TIMER_DIVIDE = 0x3e0,
	APIC_SELF_IPI = 0x3f0, /* x2APIC only (11.12.11) */
};

/* An x2APIC MSR is 0x800 + (offset >> 4). */
#define X2APIC_MSR(offset) (0x800u + ((uint32_t)(offset) >> 4))
#define X2APIC_MSR_FIRST 0x800u
#define X2APIC_MSR_LAST 0x8ffu

#define APIC_SVR_ENABLE (1u << 8)   /* software enable (11.9, Figure 11-23) */
#define APIC_LVT_MASKED (1u << 16)  /* LVT mask bit (11.5.1, Figure 11-8) */
/* The LVT timer's mode, bits 18:17 (11.5.1, Figure 11-8; 11.5.4). */
#define APIC_LVT_TIMER_ONESHOT (0u << 17)
#define APIC_LVT_TIMER_PERIODIC (1u << 17)
#define APIC_LVT_TIMER_TSC_DEADLINE (2u << 17)
/* Its deadline in TSC-deadline mode (11.5.4.1); 0 disarms. */
#define MSR_IA32_TSC_DEADLINE 0x6e0u

#endif
