/* tests/guests/vmtest/xsetbv.c: XSETBV as the SDM defines it (Vol. 2C, XSETBV; Vol. 1, 13.3
 * "Enabling the XSAVE Feature Set"): #UD while CR4.OSXSAVE is clear (the CPU's own check, before
 * any VM exit); with it set, XCR0 values the guest's CPUID.(EAX=0DH,ECX=0) allows are taken and
 * read back by XGETBV, and the rest are #GP(0) with XCR0 unchanged. Runs on every vCPU (as an AP
 * job). */
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/smp.h"
#include "tests/guests/lib/trap.h"
#include "tests/guests/vmtest/ap.h"
#include "tests/guests/vmtest/vmtest.h"

#define CR4_OSXSAVE (1u << 18)
#define ECX_XSAVE (1u << 26)
#define ECX_OSXSAVE (1u << 27)
#define XSETBV_LEN 3 /* 0F 01 D1 */

/* XCR0 components (SDM Vol. 1, 13.1 "XSAVE-Supported Features and State-Component Bitmaps"). */
#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define XCR0_MPX (3ull << 3)     /* BNDREGS, BNDCSR: both or neither */
#define XCR0_AVX512 (7ull << 5)  /* opmask, ZMM_Hi256, Hi16_ZMM: all or none */

static void xsetbv(uint32_t index, uint64_t v)
{
	__asm__ volatile("xsetbv" : : "c"(index), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

/* Whether XSETBV(index, v) raised `vector`. */
static bool xsetbv_faults(unsigned vector, uint32_t index, uint64_t v)
{
	trap_expect(vector, XSETBV_LEN);
	xsetbv(index, v);
	return trap_expect_end();
}

static void good(unsigned self, uint64_t v)
{
	char name[CHECK_NAME_MAX];

	check_name(name, "xsetbv.good_0x%llx.vcpu%u", v, self);
	if (xsetbv_faults(TRAP_GP, 0, v))
		check_fail(name, "XSETBV(0, 0x%llx) (got #GP, want accepted)", v);
	else
		check_hex64(name, "XGETBV(0) after XSETBV", xgetbv0(), v);
}

/* A refused value is #GP and leaves XCR0 as it was (`before`). */
static void bad(unsigned self, const char *what, uint32_t index, uint64_t v, uint64_t before)
{
	char name[CHECK_NAME_MAX];

	check_name(name, "xsetbv.bad_%s.vcpu%u", what, self);
	if (!xsetbv_faults(TRAP_GP, index, v))
		check_fail(name, "XSETBV(%u, 0x%llx) (got accepted, want #GP)", index, v);
	else
		check_hex64(name, "XCR0 after the refused XSETBV", xgetbv0(), before);
}

/* The lowest XCR0 bit the guest's CPUID does not list (bit 63 is reserved on every CPU). */
static uint64_t unsupported_bit(uint64_t supported)
{
	for (unsigned b = 2; b < 64; b++)
		if (!(supported & (1ull << b)))
			return 1ull << b;
	return 1ull << 63;
}

static void values(unsigned self, uint64_t supported)
{
	uint64_t top = XCR0_X87 | XCR0_SSE;

	good(self, XCR0_X87);
	good(self, XCR0_X87 | XCR0_SSE);
	if (supported & XCR0_AVX) {
		top |= XCR0_AVX;
		good(self, top);
	}
	xsetbv(0, top);
	bad(self, "ecx1", 1, XCR0_X87, top);
	bad(self, "no_x87", 0, XCR0_SSE, top);
	bad(self, "zero", 0, 0, top);
	bad(self, "avx_no_sse", 0, XCR0_X87 | XCR0_AVX, top);
	bad(self, "unsupported", 0, top | unsupported_bit(supported), top);
	if ((supported & XCR0_AVX512) == XCR0_AVX512)
		bad(self, "avx512_partial", 0, top | (1ull << 5), top);
	if ((supported & XCR0_MPX) == XCR0_MPX)
		bad(self, "mpx_partial", 0, top | (1ull << 3), top);
}

static void xsetbv_job(unsigned self)
{
	uint32_t cr4 = read_cr4();
	struct cpuid_regs d;
	char name[CHECK_NAME_MAX];

	check_name(name, "xsetbv.vcpu%u", self);
	if (!(cpuid(1, 0).ecx & ECX_XSAVE)) {
		check_skip(name, "the CPU shows no XSAVE");
		return;
	}
	write_cr4(cr4 & ~CR4_OSXSAVE);
	check_name(name, "xsetbv.ud_without_osxsave.vcpu%u", self);
	if (xsetbv_faults(TRAP_UD, 0, XCR0_X87))
		check_pass(name);
	else
		check_fail(name, "XSETBV with CR4.OSXSAVE clear (got no fault, want #UD)");
	write_cr4(cr4 | CR4_OSXSAVE);
	check_hex(check_name(name, "xsetbv.cpuid_osxsave.vcpu%u", self),
		  "CPUID.1:ECX.OSXSAVE with CR4.OSXSAVE set", !!(cpuid(1, 0).ecx & ECX_OSXSAVE), 1);
	d = cpuid(0xd, 0);
	values(self, ((uint64_t)d.edx << 32) | d.eax);
	xsetbv(0, XCR0_X87);
	write_cr4(cr4);
}

void suite_xsetbv(void)
{
	static uint8_t posted[GUEST_MAX_VCPUS];
	char name[CHECK_NAME_MAX];

	for (unsigned k = 1; k < vmtest_nvcpus; k++)
		posted[k] = ap_post(k, xsetbv_job);
	xsetbv_job(0);
	for (unsigned k = 1; k < vmtest_nvcpus; k++)
		if (posted[k] && !ap_wait(k))
			check_fail(check_name(name, "xsetbv.report.vcpu%u", k),
				   "vCPU %u ran no XSETBV checks (got no report, want one)", k);
}
