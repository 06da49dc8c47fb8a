/* tests/unit/test_vcpu_owner.c: the design rule's check catches writes from the wrong CPU and
 * writes while the vCPU is in the guest, and lets the owner write in root mode. */
#include "vmx/vcpu_owner.h"
#include "tests/unit/test.h"

TEST(vcpu_owner_allows_own_cpu_in_root_mode)
{
	struct vcpu_owner o = { .cpu = 2, .in_guest = false };

	CHECK_EQ(vcpu_owner_check(&o, 2), VCPU_OWNER_OK);
}

TEST(vcpu_owner_catches_write_from_another_cpu)
{
	struct vcpu_owner o = { .cpu = 2, .in_guest = false };

	CHECK_EQ(vcpu_owner_check(&o, 0), VCPU_OWNER_WRONG_CPU);
	CHECK_EQ(vcpu_owner_check(&o, 3), VCPU_OWNER_WRONG_CPU);
	/* the bhyve 13861 case: another CPU edits while the owner runs the guest */
	o.in_guest = true;
	CHECK_EQ(vcpu_owner_check(&o, 1), VCPU_OWNER_WRONG_CPU);
}

TEST(vcpu_owner_catches_write_while_in_guest)
{
	struct vcpu_owner o = { .cpu = 1, .in_guest = true };

	CHECK_EQ(vcpu_owner_check(&o, 1), VCPU_OWNER_IN_GUEST);
	CHECK(strstr(vcpu_owner_verdict_text(VCPU_OWNER_IN_GUEST), "non-root") != NULL);
}

/* While the VM is built, the building CPU writes every vCPU's structures (its MSR bitmap, its
 * virtual APIC): through the same check, which lets only that CPU do it, and no longer once the
 * VM is handed to the vCPUs' own CPUs. */
TEST(vcpu_owner_lets_only_the_builder_write_while_the_vm_is_built)
{
	struct vcpu_owner o = { .cpu = 1, .building = true, .builder = 0 };

	CHECK_EQ(vcpu_owner_check(&o, 0), VCPU_OWNER_OK);
	CHECK_EQ(vcpu_owner_check(&o, 1), VCPU_OWNER_WRONG_CPU);
	o.building = false;
	CHECK_EQ(vcpu_owner_check(&o, 0), VCPU_OWNER_WRONG_CPU);
	CHECK_EQ(vcpu_owner_check(&o, 1), VCPU_OWNER_OK);
}
