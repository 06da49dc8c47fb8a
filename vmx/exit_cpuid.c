/* vmx/exit_cpuid.c: CPUID exits (unconditional in VMX non-root operation, SDM Vol. 3C, 26.1.2).
 * The answer is the host's, filtered by vmx/cpuid_filter.c for this vCPU; the part fixed for the
 * vCPU's life is kept in its cache (vmx/cpuid_cache.h) after the first time, so the common CPUID
 * exit runs neither the host's CPUID nor the filter, and the bits that follow the vCPU's state
 * (APIC enable, CR4.OSXSAVE, CR4.PKE) are added each time. */
#include "arch/cpu.h"
#include "arch/time.h"
#include "vmx/cpuid_cache.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

/* The host's answer, filtered: the part fixed for the vCPU's life, kept when cacheable. */
static struct cpuid_result answer_static(struct vcpu *v, uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs h = cpuid(leaf, subleaf);
	struct cpuid_result r = { h.eax, h.ebx, h.ecx, h.edx };
	struct cpuid_vcpu who = {
		.apic_id = v->id,
		.nvcpus = v->vm->nvcpus,
		.x2apic_offered = true, /* virtualized or emulated (vmx/vapic.c) */
		.tsc_deadline = true,
		.arch_caps = true,
		.tsc_khz = (uint32_t)(time_tsc_hz() / 1000),
		.host_max_leaf = leaf ? cpuid(0, 0).eax : h.eax,
	};

	cpuid_filter_static(leaf, subleaf, &r, &who);
	if (cpuid_cacheable(leaf))
		cpuid_cache_put(&v->cpuid, leaf, subleaf, &r);
	return r;
}

static void set_result(struct vcpu *v, const struct cpuid_result *r)
{
	v->regs.rax = r->eax;
	v->regs.rbx = r->ebx;
	v->regs.rcx = r->ecx;
	v->regs.rdx = r->edx;
}

/* A first question, or a leaf with state bits. OSXSAVE and PKE are not in the CR4 guest/host
 * mask (vmx/vmcs_setup.c): the guest sets them without an exit, so its value is the VMCS guest
 * CR4, not the read shadow. */
struct cpuid_result exit_cpuid_guest(struct vcpu *v, uint32_t leaf, uint32_t subleaf)
{
	const struct cpuid_cache_slot *kept = cpuid_cache_find(&v->cpuid, leaf, subleaf);
	struct cpuid_result r = kept ? kept->r : answer_static(v, leaf, subleaf);

	if (cpuid_leaf_has_state(leaf)) {
		uint64_t cr4 = vmcs_read_natural(VMCS_GUEST_CR4);
		struct cpuid_vcpu state = {
			.apic_enabled = vlapic_mode(&v->apic) != APIC_MODE_DISABLED,
			.osxsave = cr4 & CR4_OSXSAVE,
			.ospke = cr4 & CR4_PKE,
		};
		cpuid_apply_state(leaf, subleaf, &r, &state);
	}
	return r;
}

static __attribute__((noinline)) void answer(struct vcpu *v)
{
	struct cpuid_result r = exit_cpuid_guest(v, (uint32_t)v->regs.rax, (uint32_t)v->regs.rcx);

	set_result(v, &r);
}

void exit_cpuid(struct vcpu *v)
{
	const struct cpuid_result *whole =
		cpuid_cache_find_whole(&v->cpuid, (uint32_t)v->regs.rax, (uint32_t)v->regs.rcx);

	if (__builtin_expect(whole != 0, 1))
		set_result(v, whole);
	else
		answer(v);
	vcpu_skip_instruction(v);
}
