/* vmx/cpuid_filter.c: the CPUID policy (see vmx/cpuid_filter.h). Features are hidden when the
 * hypervisor does not virtualize them, so a guest never finds a feature that then faults or, worse,
 * reaches the host: VMX (no nested virtualization), SMX, the PMU (leaf 0xA and PDCM: no PMU is
 * virtualized), MONITOR/MWAIT (they exit and raise #UD), machine-check reporting, the thermal
 * monitor, SGX, Intel PT. */
#include "lib/string.h"
#include "vmx/cpuid_filter.h"
#include "lib/guest_abi.h"
#include "vmx/xcr0.h"

static void zero(struct cpuid_result *r)
{
	r->eax = r->ebx = r->ecx = r->edx = 0;
}

static void filter_leaf1(struct cpuid_result *r, const struct cpuid_vcpu *v)
{
	r->ecx &= ~(CPUID1_ECX_MONITOR | CPUID1_ECX_VMX | CPUID1_ECX_SMX | CPUID1_ECX_PDCM |
		    CPUID1_ECX_TSC_DEADLINE | CPUID1_ECX_OSXSAVE | CPUID1_ECX_X2APIC |
		    CPUID1_ECX_TM2);
	r->ecx |= CPUID1_ECX_HYPERVISOR;
	if (v->x2apic_offered)
		r->ecx |= CPUID1_ECX_X2APIC;
	if (v->tsc_deadline)
		r->ecx |= CPUID1_ECX_TSC_DEADLINE;
	/* The thermal monitor (ACPI, TM, TM2: IA32_THERM_* MSRs) is not virtualized, as leaf 6. */
	r->edx &= ~(CPUID1_EDX_MCE | CPUID1_EDX_MCA | CPUID1_EDX_APIC | CPUID1_EDX_HTT |
		    CPUID1_EDX_ACPI | CPUID1_EDX_TM);
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

/* Leaf 0xD (SDM Vol. 2A, CPUID, Table 3-8; Vol. 1, 13.2): only the user components of
 * XCR0_GUEST. EBX of subleaves 0 and 1 (the size for what XCR0 and IA32_XSS enable) is the CPU's:
 * the guest's XCR0 is the one loaded. IA32_XSS is not offered (its MSR is not emulated): no
 * supervisor components, no XSAVES, and no XFD (IA32_XFD is not emulated either). */
static void filter_xsave(uint32_t subleaf, struct cpuid_result *r)
{
	if (subleaf == 0) {
		r->eax &= (uint32_t)XCR0_GUEST;
		r->edx &= (uint32_t)(XCR0_GUEST >> 32);
	} else if (subleaf == 1) {
		r->eax &= ~((1u << 3) |  /* XSAVES/XRSTORS and IA32_XSS */
			    (1u << 4));  /* XFD */
		r->ecx = r->edx = 0;     /* IA32_XSS components */
	} else if (subleaf >= 64 || !(XCR0_GUEST & (1ull << subleaf))) {
		zero(r);
	}
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

/* 0x40000100: the highest KVM leaf (its features leaf) and the signature; 0x40000101: no
 * features (EAX, and EDX's hints, 0), so Linux uses no paravirtual interface. */
static void kvm_leaf(uint32_t leaf, struct cpuid_result *r)
{
	zero(r);
	if (leaf == CPUID_KVM_BASE) {
		r->eax = CPUID_KVM_BASE + 1;
		memcpy(&r->ebx, CPUID_KVM_SIGNATURE, 4);
		memcpy(&r->ecx, CPUID_KVM_SIGNATURE + 4, 4);
		memcpy(&r->edx, CPUID_KVM_SIGNATURE + 8, 4);
	}
}

/* Leaf 0x15: TSC = crystal * EBX / EAX. The virtual APIC timer counts at the TSC rate
 * (apic/vlapic_timer.c), and Linux takes the crystal as the APIC timer's input clock
 * (lapic_timer_period from the crystal, arch/x86/kernel/tsc.c), so the crystal is the TSC rate
 * with a ratio of 1/1. A rate beyond 32 bits of Hz leaves ECX 0: the guest then measures it. */
static void tsc_leaf(struct cpuid_result *r, const struct cpuid_vcpu *v)
{
	uint64_t hz = (uint64_t)v->tsc_khz * 1000;

	zero(r);
	if (!v->tsc_khz)
		return;
	r->eax = 1, r->ebx = 1;
	r->ecx = hz > UINT32_MAX ? 0 : (uint32_t)hz;
}

/* Leaf 0x16: base and maximum frequency in MHz, the bus (reference) frequency: the APIC timer's
 * input, the TSC rate here. */
static void freq_leaf(struct cpuid_result *r, const struct cpuid_vcpu *v)
{
	uint32_t mhz = v->tsc_khz / 1000;

	zero(r);
	r->eax = r->ebx = r->ecx = mhz & 0xffff;
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
	if (leaf >= CPUID_KVM_BASE && leaf <= CPUID_KVM_BASE + 0xff) {
		kvm_leaf(leaf, r);
		return;
	}
	/* Above the host's range a CPU answers with its highest basic leaf's data (SDM Vol. 2A,
	 * CPUID, "If a value entered for CPUID.EAX is higher than the maximum input value"): the
	 * range the guest sees up to 0x16 is the filter's own. */
	if (leaf > v->host_max_leaf && leaf <= CPUID_TIME_MAX_LEAF)
		zero(r);
	switch (leaf) {
	case 0:
		if (r->eax < CPUID_TIME_MAX_LEAF)
			r->eax = CPUID_TIME_MAX_LEAF;
		break;
	case 1:
		filter_leaf1(r, v);
		break;
	case 6: /* thermal and power management: not virtualized, but the APIC timer always runs */
		zero(r);
		r->eax = CPUID6_EAX_ARAT;
		break;
	case CPUID_TSC_LEAF:
		tsc_leaf(r, v);
		break;
	case CPUID_FREQ_LEAF:
		freq_leaf(r, v);
		break;
	case 5:    /* MONITOR/MWAIT */
	case 0xa:  /* architectural performance monitoring */
	case 0x12: /* SGX */
	case 0x14: /* Intel PT */
		zero(r);
		break;
	case 7:
		filter_leaf7(subleaf, r, v);
		break;
	case 0xd:
		filter_xsave(subleaf, r);
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
