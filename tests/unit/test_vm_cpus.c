/* tests/unit/test_vm_cpus.c: vCPUs go only to CPUs in VMX root operation. */
#include "tests/unit/test.h"
#include "vmx/vm_cpus.h"

TEST(vm_cpus_all_in_root_one_each)
{
	const bool in_root[4] = { true, true, true, true };
	unsigned cpu_of[4] = { 99, 99, 99, 99 };

	CHECK_EQ(vm_assign_cpus(in_root, 4, 4, cpu_of), 4);
	for (unsigned k = 0; k < 4; k++)
		CHECK_EQ(cpu_of[k], k);
}

TEST(vm_cpus_skip_a_cpu_that_failed_vmxon)
{
	const bool in_root[4] = { true, false, true, true };
	unsigned cpu_of[4] = { 99, 99, 99, 99 };

	CHECK_EQ(vm_assign_cpus(in_root, 4, 4, cpu_of), 3);
	CHECK_EQ(cpu_of[0], 0);
	CHECK_EQ(cpu_of[1], 2);
	CHECK_EQ(cpu_of[2], 3);
	CHECK_EQ(cpu_of[3], 99); /* untouched: there is no fourth vCPU */
}

TEST(vm_cpus_fewer_wanted_than_in_root)
{
	const bool in_root[4] = { true, true, false, true };
	unsigned cpu_of[4] = { 99, 99, 99, 99 };

	CHECK_EQ(vm_assign_cpus(in_root, 4, 2, cpu_of), 2);
	CHECK_EQ(cpu_of[0], 0);
	CHECK_EQ(cpu_of[1], 1);
	CHECK_EQ(vm_assign_cpus(in_root, 4, 3, cpu_of), 3);
	CHECK_EQ(cpu_of[2], 3);
}

TEST(vm_cpus_none_without_the_boot_cpu)
{
	const bool in_root[2] = { false, true };
	unsigned cpu_of[2] = { 99, 99 };

	CHECK_EQ(vm_assign_cpus(in_root, 2, 2, cpu_of), 0);
	CHECK_EQ(vm_assign_cpus(in_root, 0, 2, cpu_of), 0);
	CHECK_EQ(cpu_of[0], 99);
}
