/* vmx/cpuid_filter.h: what a vCPU sees from CPUID: the host's answer, minus what this hypervisor
 * does not virtualize, plus its own leaves. Pure (host-tested); vmx/exit_cpuid.c feeds it. */
#ifndef VMX_CPUID_FILTER_H
#define VMX_CPUID_FILTER_H

#include <stdbool.h>
#include <stdint.h>

struct cpuid_result {
	uint32_t eax, ebx, ecx, edx;
};

/* What about the asking vCPU changes the answer. */
struct cpuid_vcpu {
	uint32_t apic_id;
	unsigned nvcpus;
	bool apic_enabled;   /* IA32_APIC_BASE.EN: CPUID.1:EDX.APIC follows it, as on hardware */
	bool osxsave;        /* the guest's CR4.OSXSAVE */
	bool x2apic_offered; /* the VM offers x2APIC (APIC virtualization) */
	bool tsc_deadline;   /* the virtual APIC timer has TSC-deadline mode */
	bool arch_caps;      /* IA32_ARCH_CAPABILITIES is emulated (CPUID.7.0:EDX[29]) */
	uint32_t tsc_khz;    /* leaf 0x40000010: the TSC and APIC timer rate */
};

/* Rewrites `r` (on input the host's answer to leaf/subleaf) into the guest's. */
void cpuid_filter(uint32_t leaf, uint32_t subleaf, struct cpuid_result *r,
		  const struct cpuid_vcpu *v);

/* CPUID.1:ECX / EDX bits the filter touches (SDM Vol. 2A, CPUID, Table 3-10 and 3-11). */
#define CPUID1_ECX_MONITOR (1u << 3)
#define CPUID1_ECX_VMX (1u << 5)
#define CPUID1_ECX_SMX (1u << 6)
#define CPUID1_ECX_PDCM (1u << 15)
#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID1_ECX_OSXSAVE (1u << 27)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID1_EDX_MCE (1u << 7)
#define CPUID1_EDX_APIC (1u << 9)
#define CPUID1_EDX_MCA (1u << 14)
#define CPUID1_EDX_HTT (1u << 28)

#define CPUID_HV_BASE 0x40000000u
#define CPUID_HV_MAX 0x40000010u
#define CPUID_HV_TIMING 0x40000010u /* EAX TSC kHz, EBX APIC timer kHz (as VMware, KVM) */

#endif
