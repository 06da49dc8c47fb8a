/* tests/unit/test_tsc_deadline_errata.c: the CPUs that need new microcode before their
 * TSC-deadline timer is used are found from their CPUID signature, stepping by stepping where the
 * revision depends on it, and no other CPU is held back. */
#include "arch/tsc_deadline_errata.h"
#include "tests/unit/test.h"

/* CPUID.01H:EAX from family 6, display model and stepping. */
static uint32_t sig(uint32_t model, uint32_t stepping)
{
	return (model >> 4) << 16 | 6u << 8 | (model & 0xf) << 4 | stepping;
}

TEST(tsc_deadline_errata_by_model)
{
	CHECK_EQ(tsc_deadline_min_microcode(sig(0x3c, 3)), 0x22);       /* Haswell */
	CHECK_EQ(tsc_deadline_min_microcode(sig(0x5e, 3)), 0xb2);       /* Skylake */
	CHECK_EQ(tsc_deadline_min_microcode(sig(0x9e, 9)), 0x52);       /* Kaby Lake */
	CHECK_EQ(tsc_deadline_min_microcode(sig(0x4f, 1)), 0x0b000020); /* Broadwell-EP */
}

TEST(tsc_deadline_errata_by_stepping)
{
	CHECK_EQ(tsc_deadline_min_microcode(sig(0x55, 3)), 0x01000136);
	CHECK_EQ(tsc_deadline_min_microcode(sig(0x55, 4)), 0x02000014);
	CHECK_EQ(tsc_deadline_min_microcode(sig(0x55, 7)), 0); /* Cascade Lake */
	CHECK_EQ(tsc_deadline_min_microcode(sig(0x3f, 2)), 0x3a);
	CHECK_EQ(tsc_deadline_min_microcode(sig(0x3f, 4)), 0x0f);
	CHECK_EQ(tsc_deadline_min_microcode(sig(0x56, 5)), 0x0e000003);
}

TEST(tsc_deadline_errata_leave_other_cpus_alone)
{
	CHECK_EQ(tsc_deadline_min_microcode(sig(0x2a, 7)), 0); /* Sandy Bridge */
	CHECK_EQ(tsc_deadline_min_microcode(sig(0x3a, 9)), 0); /* Ivy Bridge */
	CHECK_EQ(tsc_deadline_min_microcode(sig(0x8c, 1)), 0); /* Tiger Lake */
	/* Haswell's model number in another family is not Haswell. */
	CHECK_EQ(tsc_deadline_min_microcode(sig(0x3c, 3) | 0xf00), 0);
}
