/* vmx/cpuid_filter.h: what a vCPU sees from CPUID: the host's answer, minus what this hypervisor
 * does not virtualize, plus its own leaves. Pure (host-tested); vmx/exit_cpuid.c feeds it. */
#ifndef VMX_CPUID_FILTER_H
#define VMX_CPUID_FILTER_H

#include <stdbool.h>
#include <stdint.h>

struct cpuid_result {
	uint32_t eax, ebx, ecx, edx;
};

/* What about the asking vCPU changes the answer. The first three change while it runs
 * (cpuid_apply_state); the rest are fixed for its life. */
struct cpuid_vcpu {
	bool apic_enabled;   /* IA32_APIC_BASE.EN: CPUID.1:EDX.APIC follows it, as on hardware */
	bool osxsave;        /* the guest's CR4.OSXSAVE: CPUID.1:ECX.OSXSAVE */
	bool ospke;          /* the guest's CR4.PKE: CPUID.(7,0):ECX.OSPKE */
	uint32_t apic_id;
	unsigned nvcpus;
	bool x2apic_offered; /* the VM offers x2APIC (APIC virtualization) */
	bool tsc_deadline;   /* the virtual APIC timer has TSC-deadline mode */
	bool arch_caps;      /* IA32_ARCH_CAPABILITIES is emulated (CPUID.7.0:EDX[29]) */
	uint32_t tsc_khz;    /* leaf 0x40000010: the TSC and APIC timer rate */
};

/* Rewrites `r` (on input the host's answer to leaf/subleaf) into the guest's:
 * cpuid_filter_static() then cpuid_apply_state(). */
void cpuid_filter(uint32_t leaf, uint32_t subleaf, struct cpuid_result *r,
		  const struct cpuid_vcpu *v);

/* The part of the answer fixed for the vCPU's life, with the state bits clear. The exit handler
 * keeps it (vmx/cpuid_cache.h) when cpuid_cacheable(leaf), and adds the state bits each time. */
void cpuid_filter_static(uint32_t leaf, uint32_t subleaf, struct cpuid_result *r,
			 const struct cpuid_vcpu *v);

/* Leaf 0xD follows XCR0 and IA32_XSS (the XSAVE area sizes, SDM Vol. 2A, CPUID, Table 3-8): the
 * host is asked each time. Every other leaf's answer is fixed but for the state bits. */
static inline bool cpuid_cacheable(uint32_t leaf)
{
	return leaf != 0xd;
}

/* Whether cpuid_apply_state() has anything to do for `leaf`: the exit handler skips it (and
 * reading the state) for the others. */
static inline bool cpuid_leaf_has_state(uint32_t leaf)
{
	return leaf == 1 || leaf == 7;
}

/* Sets the bits that follow the vCPU's state from v->apic_enabled, osxsave and ospke (the
 * others are not read). */
void cpuid_apply_state(uint32_t leaf, uint32_t subleaf, struct cpuid_result *r,
		       const struct cpuid_vcpu *v);

/* CPUID.1:ECX / EDX bits the filter touches (SDM Vol. 2A, CPUID, Table 3-10 and 3-11). */
#define CPUID1_ECX_MONITOR (1u << 3)
#define CPUID1_ECX_VMX (1u << 5)
#define CPUID1_ECX_SMX (1u << 6)
#define CPUID1_ECX_PDCM (1u << 15)
#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID1_ECX_XSAVE (1u << 26)
#define CPUID1_ECX_OSXSAVE (1u << 27)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID1_EDX_MCE (1u << 7)
#define CPUID1_EDX_APIC (1u << 9)
#define CPUID1_EDX_MCA (1u << 14)
#define CPUID1_EDX_HTT (1u << 28)
#define CPUID7_ECX_OSPKE (1u << 4)

#endif
