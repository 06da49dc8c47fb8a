/* vmx/cpuid_filter.c: the CPUID policy (see vmx/cpuid_filter.h). Features are hidden when the
 * hypervisor does not virtualize them, so a guest never finds a feature that then faults or, worse,
 * reaches the host: VMX (no nested virtualization), SMX, the PMU (leaf 0xA and PDCM: no PMU is
 * virtualized), MONITOR/MWAIT (they exit and raise #UD), machine-check reporting, SGX, Intel PT. */
#include "lib/string.h"
#include "vmx/cpuid_filter.h"
#include "lib/guest_abi.h"

static void zero(struct cpuid_result *r)
{
	r->eax = r->ebx = r->ecx = r->edx = 0;
}

static void filter_leaf1(struct cpuid_result *r, const struct cpuid_vcpu *v)
{
	r->ecx &= ~(CPUID1_ECX_MONITOR | CPUID1_ECX_VMX | CPUID1_ECX_SMX | CPUID1_ECX_PDCM |
		    CPUID1_ECX_TSC_DEADLINE | CPUID1_ECX_OSXSAVE | CPUID1_ECX_X2APIC);
	r->ecx |= CPUID1_ECX_HYPERVISOR;
	if (v->x2apic_offered)
		r->ecx |= CPUID1_ECX_X2APIC;
	if (v->tsc_deadline)
		r->ecx |= CPUID1_ECX_TSC_DEADLINE;
	r->edx &= ~(CPUID1_EDX_MCE | CPUID1_EDX_MCA | CPUID1_EDX_APIC | CPUID1_EDX_HTT);
	if (v->nvcpus > 1)
		r->edx |= CPUID1_EDX_HTT;
	/* EBX: initial APIC id in 31:24, addressable logical processors in 23:16. */
	r->ebx = (r->ebx & 0xffff) | (v->apic_id << 24) |
		 ((v->nvcpus > 255 ? 255 : v->nvcpus) << 16);
}

/* Leaf 7 subleaf 0 (SDM Vol. 2A, CPUID, Table 3-8). */
static void filter_leaf7(uint32_t subleaf, struct cpuid_result *r, const struct cpuid_vcpu *v)
{
	if (subleaf != 0) {
		zero(r);
		return;
	}
	r->ebx &= ~((1u << 2) |  /* SGX */
		    (1u << 12) | /* RDT monitoring */
		    (1u << 15) | /* RDT allocation */
		    (1u << 25)); /* Intel PT */
	r->ecx &= ~((1u << 5) |  /* WAITPKG: UMWAIT would sleep the host CPU */
		    CPUID7_ECX_OSPKE | /* the host's CR4.PKE: the guest's is set by state */
		    (1u << 16) | /* LA57 */
		    (1u << 30)); /* SGX launch control */
	r->edx &= ~(1u << 29); /* IA32_ARCH_CAPABILITIES: only when emulated */
	if (v->arch_caps)
		r->edx |= 1u << 29;
}

static unsigned bits_for(unsigned n)
{
	unsigned b = 0;

	while ((1u << b) < n)
		b++;
	return b;
}

/* Extended topology (leaf 0xB): one thread per core, nvcpus cores in one package, so the x2APIC
 * id is the vCPU's APIC id (SDM Vol. 3A, 10.9 "Programming Considerations for Hardware
 * Multi-threading Capable Processors"). */
static void topology_leaf(uint32_t subleaf, struct cpuid_result *r, const struct cpuid_vcpu *v)
{
	r->edx = v->apic_id;
	if (subleaf == 0) {
		r->eax = 0;
		r->ebx = 1;
		r->ecx = (1u << 8) | subleaf; /* SMT level */
	} else if (subleaf == 1) {
		r->eax = bits_for(v->nvcpus);
		r->ebx = v->nvcpus;
		r->ecx = (2u << 8) | subleaf; /* core level */
	} else {
		r->eax = r->ebx = 0;
		r->ecx = subleaf; /* invalid level */
	}
}

static void hypervisor_leaf(uint32_t leaf, struct cpuid_result *r, const struct cpuid_vcpu *v)
{
	char sig[12] = { 0 };

	zero(r);
	if (leaf == CPUID_HV_BASE) {
		memcpy(sig, HV_CPUID_SIGNATURE, sizeof(HV_CPUID_SIGNATURE) - 1);
		r->eax = CPUID_HV_MAX;
		memcpy(&r->ebx, sig, 4);
		memcpy(&r->ecx, sig + 4, 4);
		memcpy(&r->edx, sig + 8, 4);
	} else if (leaf == CPUID_HV_VERSION) {
		r->eax = HC_ABI_VERSION;
	} else if (leaf == CPUID_HV_TIMING) {
		r->eax = v->tsc_khz;
		r->ebx = v->tsc_khz;
	}
}

void cpuid_filter_static(uint32_t leaf, uint32_t subleaf, struct cpuid_result *r,
			 const struct cpuid_vcpu *v)
{
	if (leaf >= CPUID_HV_BASE && leaf <= CPUID_HV_BASE + 0xff) {
		hypervisor_leaf(leaf, r, v);
		return;
	}
	switch (leaf) {
	case 1:
		filter_leaf1(r, v);
		break;
	case 5:    /* MONITOR/MWAIT */
	case 6:    /* thermal and power management: not virtualized */
	case 0xa:  /* architectural performance monitoring */
	case 0x12: /* SGX */
	case 0x14: /* Intel PT */
		zero(r);
		break;
	case 7:
		filter_leaf7(subleaf, r, v);
		break;
	case 0xb:
	case 0x1f:
		topology_leaf(subleaf, r, v);
		break;
	default:
		break;
	}
}

void cpuid_apply_state(uint32_t leaf, uint32_t subleaf, struct cpuid_result *r,
		       const struct cpuid_vcpu *v)
{
	if (leaf == 1) {
		if (v->osxsave)
			r->ecx |= CPUID1_ECX_OSXSAVE;
		if (v->apic_enabled)
			r->edx |= CPUID1_EDX_APIC;
	} else if (leaf == 7 && subleaf == 0 && v->ospke) {
		r->ecx |= CPUID7_ECX_OSPKE;
	}
}

void cpuid_filter(uint32_t leaf, uint32_t subleaf, struct cpuid_result *r,
		  const struct cpuid_vcpu *v)
{
	cpuid_filter_static(leaf, subleaf, r, v);
	cpuid_apply_state(leaf, subleaf, r, v);
}
