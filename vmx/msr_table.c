/* vmx/msr_table.c: the one MSR table: for every MSR a guest may touch, whether it reads or writes
 * it without a VM exit (PASS), the hypervisor emulates it (EMU, with the handler right here), or
 * the access raises #GP; every other MSR raises #GP. The MSR bitmap is built from it
 * (vmx/msr_policy.c) and the RDMSR/WRMSR exits dispatch through it (vmx/exit_msr.c). Handlers run
 * in those exits, on the vCPU's own CPU; the host unit tests run them against the fake VMCS.
 * Pass-through is chosen only where it is safe with vCPUs pinned to CPUs: the MSR is switched by
 * the VMCS on entry and exit (SYSENTER_*, FS/GS base, EFER and PAT with the load/save controls), or
 * the hypervisor never uses it in root mode (KERNEL_GS_BASE: no SWAPGS; STAR/LSTAR/CSTAR/SFMASK:
 * no SYSCALL; TSC_AUX: no RDTSCP). TSC reads pass; writes are emulated. */
#include "lib/msr.h"
#include "lib/x86.h"
#include "vmx/msr_policy.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"
#include "vmx/vm_config.h"

/* ---- The handlers, in the table's order ---- */

static enum msr_result read_zero(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	*value = 0;
	return MSR_DONE;
}

/* IA32_TIME_STAMP_COUNTER: moves this vCPU's TSC and its TSC_ADJUST (SDM Vol. 3B, 17.17.3). */
static enum msr_result write_tsc(struct vcpu *v, uint32_t msr, uint64_t value)
{
	uint64_t old = v->tsc.offset;

	msr_tsc_write_tsc(&v->tsc, rdtsc(), value);
	vcpu_tsc_offset_changed(v, old);
	return MSR_DONE;
}

/* IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC registers: the virtual APIC's (vmx/vapic_msr.c),
 * which says itself why it refuses. */
static enum msr_result read_apic(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	bool gp;

	vapic_rdmsr(v, msr, value, &gp);
	return gp ? MSR_FAULT_SAID : MSR_DONE;
}

static enum msr_result write_apic(struct vcpu *v, uint32_t msr, uint64_t value)
{
	bool gp;

	vapic_wrmsr(v, msr, value, &gp);
	return gp ? MSR_FAULT_SAID : MSR_DONE;
}

/* IA32_FEATURE_CONTROL: locked, VMX off (no nested VMX). */
static enum msr_result read_feature_control(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	*value = 1;
	return MSR_DONE;
}

static enum msr_result read_tsc_adjust(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	*value = v->tsc.adjust;
	return MSR_DONE;
}

static enum msr_result write_tsc_adjust(struct vcpu *v, uint32_t msr, uint64_t value)
{
	uint64_t old = v->tsc.offset;

	msr_tsc_write_adjust(&v->tsc, value);
	vcpu_tsc_offset_changed(v, old);
	return MSR_DONE;
}

/* IA32_BIOS_SIGN_ID: written as 0 before CPUID to read the microcode level; reads 0 (none). */
static enum msr_result write_ignored(struct vcpu *v, uint32_t msr, uint64_t value)
{
	return MSR_DONE;
}

/* IA32_XAPIC_DISABLE_STATUS: LEGACY_XAPIC_DISABLED (bit 0), with vm.apic=x2apic-locked. */
static enum msr_result read_xapic_disable_status(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	*value = v->vm->conf->apic == VM_APIC_X2APIC_LOCKED;
	return MSR_DONE;
}

/* IA32_ARCH_CAPABILITIES: only XAPIC_DISABLE_STATUS (bit 21), with vm.apic=x2apic-locked. */
static enum msr_result read_arch_capabilities(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	*value = v->vm->conf->apic == VM_APIC_X2APIC_LOCKED ? 1ull << 21 : 0;
	return MSR_DONE;
}

/* IA32_MCG_STATUS: only 0 (no machine check to clear), as KVM without MCA. */
static enum msr_result write_mcg_status(struct vcpu *v, uint32_t msr, uint64_t value)
{
	return value == 0 ? MSR_DONE : MSR_FAULT;
}

static enum msr_result read_misc_enable(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	*value = v->misc_enable;
	return MSR_DONE;
}

static enum msr_result write_misc_enable(struct vcpu *v, uint32_t msr, uint64_t value)
{
	return msr_misc_enable_write(v->misc_enable, value, &v->misc_enable) ? MSR_DONE : MSR_FAULT;
}

static enum msr_result read_mtrr_def_type(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	*value = v->mtrr_def_type;
	return MSR_DONE;
}

/* E, FE and a valid type only (SDM Vol. 3A, 12.11.2.1 "IA32_MTRR_DEF_TYPE MSR"). */
static enum msr_result write_mtrr_def_type(struct vcpu *v, uint32_t msr, uint64_t value)
{
	if (value & ~0xcffull)
		return MSR_FAULT;
	v->mtrr_def_type = value;
	return MSR_DONE;
}

/* ---- The table ---- */

/* Each access is PASS, GP or EMU(handler): an emulated access names its handler, so an entry
 * cannot say "emulate" without one (and a host test checks no handler is NULL). */
#define PASS MSR_PASS, 0
#define GP MSR_GP, 0
#define EMU(fn) MSR_EMULATE, fn
/* rd and wr each expand to two initializers (action, handler), put in the struct's order. */
#define R(first, last, name, rd, wr) ENTRY(first, last, name, rd, wr)
#define ENTRY(first, last, name, ra, rf, wa, wf) { first, last, name, ra, wa, rf, wf }
#define ONE(msr, name, rd, wr) ENTRY(msr, msr, name, rd, wr)

/* In MSR order, ranges apart (a host test checks): msr_policy_find() bisects it on every MSR
 * exit but the x2APIC registers', the most frequent, whose entry it takes by its index (placed
 * there by a designator: a table that grew before it no longer builds, or fails that test). */
#define X2APIC_ENTRY 22
static const struct msr_policy_entry policy[] = {
	ONE(MSR_IA32_TIME_STAMP_COUNTER, "IA32_TIME_STAMP_COUNTER", PASS, EMU(write_tsc)),
	ONE(MSR_IA32_PLATFORM_ID, "IA32_PLATFORM_ID", EMU(read_zero), GP),
	ONE(MSR_IA32_APIC_BASE, "IA32_APIC_BASE", EMU(read_apic), EMU(write_apic)),
	ONE(MSR_IA32_FEATURE_CONTROL, "IA32_FEATURE_CONTROL", EMU(read_feature_control), GP),
	ONE(MSR_IA32_TSC_ADJUST, "IA32_TSC_ADJUST", EMU(read_tsc_adjust), EMU(write_tsc_adjust)),
	ONE(MSR_IA32_BIOS_SIGN_ID, "IA32_BIOS_SIGN_ID", EMU(read_zero), EMU(write_ignored)),
	ONE(MSR_IA32_XAPIC_DISABLE_STATUS, "IA32_XAPIC_DISABLE_STATUS",
	    EMU(read_xapic_disable_status), GP),
	R(MSR_IA32_PMC0, MSR_IA32_PMC0 + 7, "IA32_PMCx (no PMU)", GP, GP),
	ONE(MSR_IA32_MTRRCAP, "IA32_MTRRCAP", EMU(read_zero), GP), /* no variable or fixed MTRRs */
	ONE(MSR_IA32_ARCH_CAPABILITIES, "IA32_ARCH_CAPABILITIES", EMU(read_arch_capabilities), GP),
	ONE(MSR_IA32_SYSENTER_CS, "IA32_SYSENTER_CS", PASS, PASS),
	ONE(MSR_IA32_SYSENTER_ESP, "IA32_SYSENTER_ESP", PASS, PASS),
	ONE(MSR_IA32_SYSENTER_EIP, "IA32_SYSENTER_EIP", PASS, PASS),
	/* No banks, no MCG_CTL, as KVM without MCA (CPUID hides MCA); no machine check pending. */
	ONE(MSR_IA32_MCG_CAP, "IA32_MCG_CAP (0 banks)", EMU(read_zero), GP),
	ONE(MSR_IA32_MCG_STATUS, "IA32_MCG_STATUS", EMU(read_zero), EMU(write_mcg_status)),
	R(MSR_IA32_PERFEVTSEL0, MSR_IA32_PERFEVTSEL0 + 7, "IA32_PERFEVTSELx (no PMU)", GP, GP),
	ONE(MSR_IA32_MISC_ENABLE, "IA32_MISC_ENABLE", EMU(read_misc_enable), EMU(write_misc_enable)),
	ONE(MSR_IA32_PAT, "IA32_PAT", PASS, PASS),
	ONE(MSR_IA32_MTRR_DEF_TYPE, "IA32_MTRR_DEF_TYPE", EMU(read_mtrr_def_type),
	    EMU(write_mtrr_def_type)),
	R(MSR_IA32_FIXED_CTR0, MSR_IA32_FIXED_CTR0 + 2, "IA32_FIXED_CTRx (no PMU)", GP, GP),
	R(MSR_IA32_FIXED_CTR_CTRL, MSR_IA32_FIXED_CTR_CTRL + 3, "IA32_PERF_GLOBAL_* (no PMU)", GP, GP),
	ONE(MSR_IA32_TSC_DEADLINE, "IA32_TSC_DEADLINE", EMU(read_apic), EMU(write_apic)),
	/* The x2APIC registers: emulated by the virtual APIC; while a vCPU is in x2APIC mode its
	 * own bitmap opens what the CPU virtualizes (msr_bitmap_x2apic()). */
	[X2APIC_ENTRY] = R(X2APIC_MSR_FIRST, X2APIC_MSR_LAST, "x2APIC registers", EMU(read_apic),
			   EMU(write_apic)),
	ONE(MSR_IA32_EFER, "IA32_EFER", PASS, PASS),
	ONE(MSR_IA32_STAR, "IA32_STAR", PASS, PASS),
	ONE(MSR_IA32_LSTAR, "IA32_LSTAR", PASS, PASS),
	ONE(MSR_IA32_CSTAR, "IA32_CSTAR", PASS, PASS),
	ONE(MSR_IA32_FMASK, "IA32_FMASK", PASS, PASS),
	ONE(MSR_IA32_FS_BASE, "IA32_FS_BASE", PASS, PASS),
	ONE(MSR_IA32_GS_BASE, "IA32_GS_BASE", PASS, PASS),
	ONE(MSR_IA32_KERNEL_GS_BASE, "IA32_KERNEL_GS_BASE", PASS, PASS),
	ONE(MSR_IA32_TSC_AUX, "IA32_TSC_AUX", PASS, PASS),
};

static const struct msr_policy_entry unknown = { 0, 0, "unknown", MSR_GP, MSR_GP, 0, 0 };

const struct msr_policy_entry *msr_policy_find(uint32_t msr)
{
	unsigned lo = 0, hi = sizeof(policy) / sizeof(policy[0]);

	if (msr - X2APIC_MSR_FIRST <= X2APIC_MSR_LAST - X2APIC_MSR_FIRST)
		return &policy[X2APIC_ENTRY];
	while (lo < hi) { /* the entry holding msr is in [lo, hi) if any */
		unsigned mid = (lo + hi) / 2;
		if (msr < policy[mid].first)
			hi = mid;
		else if (msr > policy[mid].last)
			lo = mid + 1;
		else
			return &policy[mid];
	}
	return &unknown;
}

const struct msr_policy_entry *msr_policy_table(unsigned *count)
{
	*count = sizeof(policy) / sizeof(policy[0]);
	return policy;
}
