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
	uint32_t tsc_khz;    /* leaves 0x15, 0x16, 0x40000010: the TSC and APIC timer rate */
	uint32_t host_max_leaf; /* the host's CPUID.0:EAX: leaves above it up to 0x16 are the
				 * filter's own (0x15, 0x16) or zero */
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
#define CPUID1_ECX_TM2 (1u << 8)
#define CPUID1_EDX_MCE (1u << 7)
#define CPUID1_EDX_APIC (1u << 9)
#define CPUID1_EDX_MCA (1u << 14)
#define CPUID1_EDX_ACPI (1u << 22) /* thermal monitor MSRs and clock control */
#define CPUID1_EDX_HTT (1u << 28)
#define CPUID1_EDX_TM (1u << 29)
#define CPUID7_ECX_OSPKE (1u << 4)
#define CPUIDD1_EAX_XSAVES (1u << 3) /* CPUID.(0xD,1):EAX: XSAVES/XRSTORS and IA32_XSS */

/* The time leaves (SDM Vol. 2A, CPUID, Table 3-8): 0x15 TSC/crystal ratio and crystal Hz, 0x16
 * base/maximum/bus MHz. The guest's basic range reaches at least CPUID_TIME_MAX_LEAF. */
#define CPUID_TSC_LEAF 0x15u
#define CPUID_FREQ_LEAF 0x16u
#define CPUID_TIME_MAX_LEAF 0x16u
#define CPUID6_EAX_ARAT (1u << 2) /* the APIC timer always runs, also in deep C-states */

/* A second signature, KVM's ("KVMKVMKVM\0\0\0" with no feature bits in the next leaf), one
 * block of 0x100 leaves above this hypervisor's own: Linux's hypervisor_cpuid_base() scans
 * 0x40000000-0x4000ff00 in steps of 0x100 for it, and with KVM detected (and no paravirtual
 * feature) Linux switches its APICs to x2APIC without interrupt remapping (README, "x2APIC"). */
#define CPUID_KVM_BASE 0x40000100u
#define CPUID_KVM_SIGNATURE "KVMKVMKVM\0\0\0"

#endif
