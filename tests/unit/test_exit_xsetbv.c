/* tests/unit/test_exit_xsetbv.c: XSETBV (SDM Vol. 1, 13.3; Vol. 2C, XSETBV): every class of value
 * the CPU refuses is refused by xcr0_valid, and the exit handler raises #GP(0) for it without
 * executing XSETBV; a good value is loaded and the instruction skipped. What is supported is what
 * the guest was shown in CPUID.(0xD,0), through the fake CPU. */
#include "lib/array.h"
#include "tests/unit/fake_hw.h"
#include "tests/unit/fake_vmcs.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/xcr0.h"

#define ALL_USER (XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_MPX | XCR0_AVX512 | (1ull << 9) | XCR0_AMX)
#define GP_INFO (INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | INTR_HAS_ERROR | 13)

TEST(xcr0_refuses_each_class_of_bad_value)
{
	uint64_t all = ALL_USER | XCR0_SUPERVISOR;

	CHECK(!xcr0_valid(0, all));                          /* x87 clear */
	CHECK(!xcr0_valid(XCR0_SSE, all));
	CHECK(!xcr0_valid(XCR0_X87 | XCR0_AVX, all));        /* AVX without SSE */
	for (unsigned b = 5; b <= 7; b++)                    /* AVX-512 not all three */
		CHECK(!xcr0_valid(XCR0_X87 | XCR0_SSE | XCR0_AVX | (1ull << b), all));
	CHECK(!xcr0_valid(XCR0_X87 | XCR0_SSE | XCR0_AVX | (3ull << 5), all));
	CHECK(!xcr0_valid(XCR0_X87 | XCR0_SSE | XCR0_AVX512, all)); /* AVX-512 without AVX */
	CHECK(!xcr0_valid(XCR0_X87 | (1ull << 3), all));     /* BNDREGS alone */
	CHECK(!xcr0_valid(XCR0_X87 | (1ull << 4), all));     /* BNDCSR alone */
	CHECK(!xcr0_valid(XCR0_X87 | XCR0_SSE | XCR0_AVX | (1ull << 17), all)); /* XTILECFG */
	CHECK(!xcr0_valid(XCR0_X87 | XCR0_SSE | XCR0_AVX | (1ull << 18), all)); /* XTILEDATA */
	for (unsigned b = 8; b <= 16; b++)                   /* supervisor components */
		if (b != 9)
			CHECK(!xcr0_valid(XCR0_X87 | (1ull << b), all));
	CHECK(!xcr0_valid(XCR0_X87 | XCR0_SSE | XCR0_AVX, XCR0_X87 | XCR0_SSE)); /* unsupported */
}

TEST(xcr0_accepts_good_values)
{
	CHECK(xcr0_valid(XCR0_X87, XCR0_X87));
	CHECK(xcr0_valid(XCR0_X87 | XCR0_SSE, ALL_USER));
	CHECK(xcr0_valid(XCR0_X87 | XCR0_SSE | XCR0_AVX, ALL_USER));
	CHECK(xcr0_valid(XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_AVX512, ALL_USER));
	CHECK(xcr0_valid(XCR0_X87 | XCR0_MPX, ALL_USER));
	CHECK(xcr0_valid(XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_AMX | (1ull << 9), ALL_USER));
	CHECK(xcr0_valid(ALL_USER, ALL_USER));
}

/* The guest was shown x87, SSE and AVX only. */
static struct vcpu *xsetbv_vcpu(uint32_t ecx, uint64_t value)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);

	fake_cpuid_set(0xd, 0, (struct cpuid_regs){ 7, 0x340, 0x340, 0 });
	v->regs.rcx = ecx;
	v->regs.rax = 0xffffffff00000000ull | (uint32_t)value;
	v->regs.rdx = 0xffffffff00000000ull | (uint32_t)(value >> 32);
	exit_xsetbv(v);
	return v;
}

static void check_gp(void)
{
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), GP_INFO);
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_EXCEPTION_ERROR_CODE), 0);
	CHECK_EQ(fake_hw.xsetbvs, 0);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100000); /* not skipped: a fault */
}

TEST(exit_xsetbv_loads_a_good_value_and_skips)
{
	xsetbv_vcpu(0, 7);
	CHECK_EQ(fake_hw.xsetbvs, 1);
	CHECK_EQ(fake_hw.xsetbv_index, 0);
	CHECK_EQ(fake_hw.xsetbv_value, 7); /* RDX:RAX's upper halves are ignored */
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), 0);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100003);
}

TEST(exit_xsetbv_raises_gp_for_each_bad_value)
{
	static const uint64_t bad[] = { 2, 5, 1 | (1ull << 8) | 2, 7 | (7ull << 5), 1 | (3ull << 3),
					7 | (3ull << 17), 1ull << 32 | 1 };

	xsetbv_vcpu(1, 7); /* XCR1 and up: ECX must be 0 */
	check_gp();
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		xsetbv_vcpu(0, bad[i]);
		check_gp();
	}
}

/* The guest's CPUID, not the host's: a component the CPU has but the guest was not shown. */
TEST(exit_xsetbv_follows_the_guests_cpuid)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);

	fake_cpuid_set(0xd, 0, (struct cpuid_regs){ 3, 0x240, 0x240, 0 });
	v->regs.rax = 7;
	exit_xsetbv(v);
	check_gp();
}

/* At loglevel=debug the hypervisor says why (a kernel that tries an impossible XCR0 finds it in
 * the log): the reason is the rule the value broke. */
TEST(exit_xsetbv_says_why_it_refused)
{
	CHECK_STR(xcr0_refusal(XCR0_SSE, ALL_USER), "x87 clear");
	CHECK_STR(xcr0_refusal(XCR0_X87 | XCR0_AVX, ALL_USER), "AVX without SSE");
	CHECK_STR(xcr0_refusal(XCR0_X87 | XCR0_SSE | XCR0_AVX, XCR0_X87 | XCR0_SSE),
		  "a component CPUID.(0DH,0) does not show");
	CHECK(!xcr0_refusal(XCR0_X87 | XCR0_SSE, ALL_USER));
	test_log_clear();
	xsetbv_vcpu(0, 1 | (1ull << 8));
	check_gp();
	CHECK(test_log_find("vCPU 0: XSETBV XCR0 0x101 refused (a supervisor component) -> #GP"));
	xsetbv_vcpu(1, 7);
	CHECK(test_log_find("XSETBV XCR1 0x7 refused (not XCR0) -> #GP"));
}
