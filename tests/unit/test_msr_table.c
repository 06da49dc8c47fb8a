/* tests/unit/test_msr_table.c: the one MSR table (vmx/msr_table.c): every access it marks
 * "emulate" has its handler and no other does, and the RDMSR/WRMSR exits (vmx/exit_msr.c) answer
 * through those handlers: the emulated values, #GP named on the console for what the table or a
 * handler refuses, the virtual APIC's MSRs handed to it. */
#include "lib/msr.h"
#include "tests/unit/fake_hw.h"
#include "tests/unit/fake_vmcs.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"
#include "vmx/exit.h"
#include "vmx/msr_policy.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"

#define GP_INFO (INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | INTR_HAS_ERROR | 13)

TEST(msr_table_every_emulated_access_has_its_handler)
{
	unsigned count;
	const struct msr_policy_entry *t = msr_policy_table(&count);

	for (unsigned i = 0; i < count; i++) {
		CHECK((t[i].read == MSR_EMULATE) == (t[i].rd != 0));
		CHECK((t[i].write == MSR_EMULATE) == (t[i].wr != 0));
	}
	CHECK(!msr_policy_find(0x12345678)->rd && !msr_policy_find(0x12345678)->wr);
}

static uint64_t rdmsr_exit(struct vcpu *v, uint32_t msr)
{
	v->regs.rcx = msr;
	exit_rdmsr(v);
	return (v->regs.rdx << 32) | (uint32_t)v->regs.rax;
}

static void wrmsr_exit(struct vcpu *v, uint32_t msr, uint64_t value)
{
	v->regs.rcx = msr;
	v->regs.rax = (uint32_t)value;
	v->regs.rdx = value >> 32;
	exit_wrmsr(v);
}

static bool gp_raised(void)
{
	bool gp = fake_vmcs_get(VMCS_ENTRY_INTR_INFO) == GP_INFO;

	fake_vmcs_set(VMCS_ENTRY_INTR_INFO, 0);
	return gp;
}

TEST(msr_exits_answer_through_the_table)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);
	uint64_t rip = fake_vmcs_get(VMCS_GUEST_RIP);

	v->misc_enable = 0x1801;
	CHECK_EQ(rdmsr_exit(v, MSR_IA32_MISC_ENABLE), 0x1801);
	CHECK(!gp_raised());
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), rip + 3);
	CHECK_EQ(rdmsr_exit(v, MSR_IA32_FEATURE_CONTROL), 1);
	wrmsr_exit(v, MSR_IA32_MTRR_DEF_TYPE, 0xc06);
	CHECK(!gp_raised());
	CHECK_EQ(rdmsr_exit(v, MSR_IA32_MTRR_DEF_TYPE), 0xc06);
	fake_hw.tsc = 1000;
	wrmsr_exit(v, MSR_IA32_TSC_ADJUST, 500);
	CHECK_EQ(v->tsc.offset, 500);
	CHECK_EQ(rdmsr_exit(v, MSR_IA32_TSC_ADJUST), 500);
	CHECK(!gp_raised());
}

TEST(msr_exits_raise_gp_for_what_the_table_or_a_handler_refuses)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);
	uint64_t rip = fake_vmcs_get(VMCS_GUEST_RIP);

	test_log_clear();
	wrmsr_exit(v, MSR_IA32_MTRR_DEF_TYPE, 0x1000); /* a reserved bit: the handler refuses */
	CHECK(gp_raised());
	CHECK(test_log_find("WRMSR of MSR 0x2ff (IA32_MTRR_DEF_TYPE) -> #GP") != 0);
	wrmsr_exit(v, MSR_IA32_FEATURE_CONTROL, 1); /* the table: GP */
	CHECK(gp_raised());
	rdmsr_exit(v, 0x12345678); /* not in the table */
	CHECK(gp_raised());
	CHECK(test_log_find("RDMSR of MSR 0x12345678 (unknown) -> #GP") != 0);
	wrmsr_exit(v, MSR_IA32_MCG_STATUS, 1);
	CHECK(gp_raised());
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), rip); /* a faulting RDMSR/WRMSR is not skipped */
}

TEST(msr_exits_hand_the_apic_msrs_to_the_virtual_apic)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);
	const uint32_t apic[] = { MSR_IA32_APIC_BASE, MSR_IA32_TSC_DEADLINE, X2APIC_MSR_FIRST,
				  0x830, X2APIC_MSR_LAST };

	for (unsigned i = 0; i < sizeof(apic) / sizeof(apic[0]); i++) {
		unsigned before = fake_hw.apic_msrs;
		rdmsr_exit(v, apic[i]);
		wrmsr_exit(v, apic[i], 0);
		CHECK_EQ(fake_hw.apic_msrs, before + 2);
		CHECK_EQ(fake_hw.apic_msr, apic[i]);
		CHECK(!gp_raised());
	}
	/* Its refusal is a #GP it has explained itself: no second line. */
	test_log_clear();
	fake_hw.apic_msr_gp = true;
	wrmsr_exit(v, 0x808, 0);
	CHECK(gp_raised());
	CHECK(test_log_find("#GP") == 0);
}
