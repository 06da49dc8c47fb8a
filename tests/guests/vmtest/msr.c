/* tests/guests/vmtest/msr.c: the MSR policy as the guest sees it (vmx/msr_policy.c): emulated MSRs
 * read what the hypervisor says, pass-through MSRs keep what the guest writes, and the rest raise
 * #GP, which is caught (tests/guests/lib/msr.h) and checked. vCPU 0. */
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/msr.h"
#include "tests/guests/vmtest/vmtest.h"

/* Intel SDM Vol. 4, "Model-Specific Registers", Table 2-2 "IA-32 Architectural MSRs". */
#define MSR_TSC 0x10
#define MSR_APIC_BASE 0x1b
#define MSR_FEATURE_CONTROL 0x3a
#define MSR_TSC_ADJUST 0x3b
#define MSR_MCG_CAP 0x179
#define MSR_MCG_STATUS 0x17a
#define MSR_MISC_ENABLE 0x1a0
#define MSR_PMC0 0xc1
#define MSR_SYSENTER_CS 0x174
#define MSR_FS_BASE 0xc0000100

#define FEATURE_CONTROL_LOCK (1u << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1u << 2)
/* The BSP's APIC: base 0xfee00000, enabled (bit 11), BSP (bit 8); SDM Vol. 3A, 11.4.4. */
#define APIC_BASE_BSP 0xfee00900ull

/* Reads `msr`; a #GP is a FAIL of `name`. */
static bool read_or_fail(const char *name, uint32_t msr, uint64_t *v)
{
	if (msr_read_safe(msr, v))
		return true;
	check_fail(name, "RDMSR 0x%x (got #GP, want a value)", msr);
	return false;
}

/* Locked (so a guest cannot turn VMX on), VMX off: no nested virtualization. */
static void feature_control(void)
{
	uint64_t v = FEATURE_CONTROL_LOCK;

	if (read_or_fail("msr.feature_control", MSR_FEATURE_CONTROL, &v)) {
		check_hex("msr.feature_control.lock", "IA32_FEATURE_CONTROL bit 0 (lock)",
			  (uint32_t)v & FEATURE_CONTROL_LOCK, FEATURE_CONTROL_LOCK);
		check_hex("msr.feature_control.vmx", "IA32_FEATURE_CONTROL bit 2 (VMX outside SMX)",
			  (uint32_t)v & FEATURE_CONTROL_VMX_OUTSIDE_SMX, 0);
	}
	/* Writing back what was read changes nothing, yet a locked MSR refuses any write. */
	if (msr_write_safe(MSR_FEATURE_CONTROL, v))
		check_fail("msr.feature_control.write", "WRMSR 0x3a (got no fault, want #GP)");
	else
		check_pass("msr.feature_control.write");
}

static void apic_base(void)
{
	uint64_t v;

	if (read_or_fail("msr.apic_base", MSR_APIC_BASE, &v))
		check_hex64("msr.apic_base", "IA32_APIC_BASE on vCPU 0", v, APIC_BASE_BSP);
}

/* Writes `value`, reads it back, then puts the old value back. */
static void round_trip(const char *name, uint32_t msr, uint64_t value)
{
	uint64_t old, got;

	if (!read_or_fail(name, msr, &old))
		return;
	if (!msr_write_safe(msr, value)) {
		check_fail(name, "WRMSR 0x%x (got #GP, want the write to take)", msr);
		return;
	}
	if (read_or_fail(name, msr, &got))
		check_hex64(name, "value read back after WRMSR", got, value);
	msr_write_safe(msr, old);
}

static void tsc(void)
{
	uint64_t t1, t2;

	if (!read_or_fail("msr.tsc", MSR_TSC, &t1) || !read_or_fail("msr.tsc", MSR_TSC, &t2))
		return;
	if (t2 > t1)
		check_pass("msr.tsc");
	else
		check_fail("msr.tsc", "second RDMSR 0x10 (got 0x%llx, want > 0x%llx)", t2, t1);
}

/* SDM Vol. 3B, 17.17.3: a TSC_ADJUST write moves the TSC by what it changes (and a TSC write
 * moves TSC_ADJUST). 1 << 40 ticks is far more than the few instructions in between. */
static void tsc_adjust(void)
{
	uint64_t adj, t1, t2;
	const uint64_t step = 1ull << 40;

	if (!read_or_fail("msr.tsc_adjust", MSR_TSC_ADJUST, &adj) ||
	    !read_or_fail("msr.tsc_adjust", MSR_TSC, &t1))
		return;
	if (!msr_write_safe(MSR_TSC_ADJUST, adj + step)) {
		check_fail("msr.tsc_adjust", "WRMSR 0x3b (got #GP, want the write to take)");
		return;
	}
	if (!read_or_fail("msr.tsc_adjust", MSR_TSC, &t2))
		return;
	if (t2 - t1 >= step && t2 - t1 < step + (1ull << 32))
		check_pass("msr.tsc_adjust");
	else
		check_fail("msr.tsc_adjust", "TSC moved by 0x%llx after TSC_ADJUST += 0x%llx",
			   t2 - t1, step);
	msr_write_safe(MSR_TSC_ADJUST, adj);
	round_trip("msr.tsc_adjust.read_back", MSR_TSC_ADJUST, adj + 5);
}

/* Machine-check MSRs as KVM without MCA gives them: no banks, nothing in progress. */
static void mcg(void)
{
	uint64_t v;

	if (read_or_fail("msr.mcg_cap", MSR_MCG_CAP, &v))
		check_hex64("msr.mcg_cap", "IA32_MCG_CAP", v, 0);
	if (read_or_fail("msr.mcg_status", MSR_MCG_STATUS, &v))
		check_hex64("msr.mcg_status", "IA32_MCG_STATUS", v, 0);
}

/* IA32_MISC_ENABLE keeps the bits a guest may write (kvm-unit-tests msr.flat's value, with the
 * read-only bits 7, 11, 12 as they were). */
static void misc_enable(void)
{
	uint64_t old;

	if (read_or_fail("msr.misc_enable", MSR_MISC_ENABLE, &old))
		round_trip("msr.misc_enable", MSR_MISC_ENABLE,
			   (0x400c50809ull & ~0x1880ull) | (old & 0x1880));
}

static void expect_gp(const char *name, uint32_t msr)
{
	uint64_t v;

	if (msr_read_safe(msr, &v))
		check_fail(name, "RDMSR 0x%x (got 0x%llx, want #GP)", msr, v);
	else
		check_pass(name);
}

void suite_msr(void)
{
	feature_control();
	apic_base();
	round_trip("msr.sysenter_cs", MSR_SYSENTER_CS, 0x10);
	round_trip("msr.fs_base", MSR_FS_BASE, 0x12345000);
	tsc();
	tsc_adjust();
	mcg();
	misc_enable();
	expect_gp("msr.unknown_4e", 0x4e);
	expect_gp("msr.unknown_40001234", 0x40001234);
	expect_gp("msr.pmc0", MSR_PMC0); /* no PMU is given */
}
