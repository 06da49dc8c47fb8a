/* vmx/exit_cpuid.c: CPUID exits (unconditional in VMX non-root operation, SDM Vol. 3C, 26.1.2):
 * the host's answer, filtered by vmx/cpuid_filter.c for this vCPU. */
#include "arch/cpu.h"
#include "arch/time.h"
#include "vmx/cpuid_filter.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

void exit_cpuid(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)v->regs.rax, subleaf = (uint32_t)v->regs.rcx;
	struct cpuid_regs h = cpuid(leaf, subleaf);
	struct cpuid_result r = { h.eax, h.ebx, h.ecx, h.edx };
	struct cpuid_vcpu who = {
		.apic_id = v->id,
		.nvcpus = v->vm->nvcpus,
		.apic_enabled = vlapic_mode(&v->apic) != APIC_MODE_DISABLED,
		.osxsave = v->cr4_shadow & (1ull << 18),
		.x2apic_offered = true, /* virtualized or emulated (vmx/vapic.c) */
		.tsc_deadline = true,
		.arch_caps = true,
		.tsc_khz = (uint32_t)(time_tsc_hz() / 1000),
	};

	cpuid_filter(leaf, subleaf, &r, &who);
	v->regs.rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
	vcpu_skip_instruction(v);
}
