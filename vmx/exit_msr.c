/* vmx/exit_msr.c: RDMSR/WRMSR exits, as the policy table in vmx/msr_policy.c says: emulate the
 * MSRs marked so, raise #GP for the rest (with one log line per vCPU and MSR kind, so a guest
 * probing MSRs does not flood the console). MSRs marked pass-through never exit. */
#include "arch/cpu.h"
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/msr_policy.h"
#include "vmx/vapic.h"
#include "vmx/vm_options.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

static unsigned gp_logged;

static void gp(struct vcpu *v, uint32_t msr, bool write)
{
	if (gp_logged++ < 32)
		log_info("%s: vCPU %u: %s of MSR 0x%x (%s) -> #GP", v->vm->name, v->id,
			 write ? "WRMSR" : "RDMSR", msr, msr_policy_find(msr)->name);
	vcpu_inject_gp(v);
}

static bool emulate_read(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	switch (msr) {
	case 0x17: /* IA32_PLATFORM_ID */
	case 0x8b: /* IA32_BIOS_SIGN_ID: no microcode to report */
	case 0xfe: /* IA32_MTRRCAP: no variable or fixed MTRRs */
		*value = 0;
		return true;
	case 0x10a: /* IA32_ARCH_CAPABILITIES: only XAPIC_DISABLE_STATUS (bit 21), with
		     * vm.apic=x2apic-locked */
		*value = vm_options.apic == VM_APIC_X2APIC_LOCKED ? 1ull << 21 : 0;
		return true;
	case 0xbd: /* IA32_XAPIC_DISABLE_STATUS: LEGACY_XAPIC_DISABLED */
		*value = vm_options.apic == VM_APIC_X2APIC_LOCKED;
		return true;
	case 0x3a: /* IA32_FEATURE_CONTROL: locked, VMX off (no nested VMX) */
		*value = 1;
		return true;
	case 0x3b: /* IA32_TSC_ADJUST */
		*value = v->tsc.adjust;
		return true;
	case 0x179: /* IA32_MCG_CAP: no banks, no MCG_CTL, as KVM without MCA (CPUID hides MCA) */
	case 0x17a: /* IA32_MCG_STATUS: no machine check in progress */
		*value = 0;
		return true;
	case 0x1a0: /* IA32_MISC_ENABLE */
		*value = v->misc_enable;
		return true;
	case 0x2ff: /* IA32_MTRR_DEF_TYPE */
		*value = v->mtrr_def_type;
		return true;
	}
	return false;
}

static bool emulate_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
	uint64_t old;

	switch (msr) {
	case 0x10: /* IA32_TIME_STAMP_COUNTER: moves this vCPU's TSC and its TSC_ADJUST */
		old = v->tsc.offset;
		msr_tsc_write_tsc(&v->tsc, rdtsc(), value);
		vcpu_tsc_offset_changed(v, old);
		return true;
	case 0x3b: /* IA32_TSC_ADJUST */
		old = v->tsc.offset;
		msr_tsc_write_adjust(&v->tsc, value);
		vcpu_tsc_offset_changed(v, old);
		return true;
	case 0x8b: /* IA32_BIOS_SIGN_ID: written as 0 before CPUID to read the microcode level */
		return true;
	case 0x17a: /* IA32_MCG_STATUS: only 0 (no machine check to clear) */
		return value == 0;
	case 0x1a0: /* IA32_MISC_ENABLE */
		return msr_misc_enable_write(v->misc_enable, value, &v->misc_enable);
	case 0x2ff: /* IA32_MTRR_DEF_TYPE: E, FE and a valid type only (SDM Vol. 3A, 12.11.2.1) */
		if (value & ~0xcffull)
			return false;
		v->mtrr_def_type = value;
		return true;
	}
	return false;
}

void exit_rdmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t value;
	bool apic_gp;

	if (vapic_rdmsr(v, msr, &value, &apic_gp)) {
		if (apic_gp) {
			vcpu_inject_gp(v);
			return;
		}
	} else if (msr_policy_find(msr)->read != MSR_EMULATE || !emulate_read(v, msr, &value)) {
		gp(v, msr, false);
		return;
	}
	v->regs.rax = (uint32_t)value;
	v->regs.rdx = value >> 32;
	vcpu_skip_instruction(v);
}

void exit_wrmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t value = ((v->regs.rdx & 0xffffffff) << 32) | (v->regs.rax & 0xffffffff);
	bool apic_gp;

	if (vapic_wrmsr(v, msr, value, &apic_gp)) {
		if (apic_gp) {
			vcpu_inject_gp(v);
			return;
		}
	} else if (msr_policy_find(msr)->write != MSR_EMULATE || !emulate_write(v, msr, value)) {
		gp(v, msr, true);
		return;
	}
	vcpu_skip_instruction(v);
}
