/* tests/guests/vmtest/apic.c: a quick pass over the virtual local APIC (the thorough suite is
 * tests/guests/apictest): IA32_APIC_BASE, a self-IPI through xAPIC MMIO, the switch to x2APIC and a
 * self-IPI through its MSRs, an IPI to vCPU 1 in each mode, and a one-shot timer (Intel SDM Vol.
 * 3A, chapter 11). Ends back in xAPIC mode with the APIC software-disabled, as it started. */
#include "lib/guest_abi.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/msr.h"
#include "tests/guests/lib/spinlock.h"
#include "tests/guests/lib/trap.h"
#include "tests/guests/vmtest/ap.h"
#include "tests/guests/vmtest/vmtest.h"

#define APIC_MMIO 0xfee00000u
#define MSR_APIC_BASE 0x1b
#define VEC_TEST 0x50
#define VEC_TIMER 0x51
#define POLLS 20000000u

static uint32_t hits[2]; /* VEC_TEST, VEC_TIMER taken (any vCPU) */

static volatile uint32_t *mmio(uint32_t off)
{
	return (volatile uint32_t *)(APIC_MMIO + off);
}

static bool x2apic_on(void)
{
	uint64_t b = 0;

	msr_read_safe(MSR_APIC_BASE, &b);
	return b & (1u << 10);
}

static void eoi(void)
{
	if (x2apic_on())
		msr_write_safe(X2APIC_MSR(APIC_EOI), 0);
	else
		*mmio(APIC_EOI) = 0;
}

static bool on_test(struct trap_frame *f)
{
	atomic_inc(&hits[0]);
	eoi();
	return true;
}

static bool on_timer(struct trap_frame *f)
{
	atomic_inc(&hits[1]);
	eoi();
	return true;
}

static bool wait_hits(unsigned i, uint32_t want)
{
	for (uint32_t n = 0; n < POLLS; n++) {
		if (atomic_load(&hits[i]) >= want)
			return true;
		cpu_relax();
	}
	return false;
}

static void enable_sw(void)
{
	if (x2apic_on())
		msr_write_safe(X2APIC_MSR(APIC_SVR), 0x1ff);
	else
		*mmio(APIC_SVR) = 0x1ff;
}

static void apic_on_job(unsigned self)
{
	enable_sw();
	irq_enable();
}

static void x2apic_job(unsigned self)
{
	uint64_t b = 0;

	msr_read_safe(MSR_APIC_BASE, &b);
	msr_write_safe(MSR_APIC_BASE, b | (1u << 10));
}

static void reset_job(unsigned self)
{
	uint64_t b = 0;

	irq_disable();
	msr_read_safe(MSR_APIC_BASE, &b);
	msr_write_safe(MSR_APIC_BASE, b & ~((1ull << 10) | (1ull << 11)));
	msr_write_safe(MSR_APIC_BASE, (b & ~(1ull << 10)) | (1ull << 11));
}

static void xapic_checks(void)
{
	uint64_t b = 0;

	check_int("apic.base.read", "RDMSR IA32_APIC_BASE", msr_read_safe(MSR_APIC_BASE, &b), 1);
	check_hex64("apic.base", "IA32_APIC_BASE on vCPU 0", b, 0xfee00900ull);
	check_hex("apic.id", "xAPIC ID register", *mmio(APIC_ID), 0);
	check_hex("apic.version", "xAPIC version register", *mmio(APIC_VERSION) & 0xff, 0x14);
	enable_sw();
	irq_enable();
	*mmio(APIC_ICR_HI) = 0;
	*mmio(APIC_ICR_LO) = (1u << 18) | VEC_TEST; /* self shorthand, fixed */
	check_int("apic.xapic.selfipi", "self-IPI taken", wait_hits(0, 1), 1);
	if (vmtest_nvcpus > 1 && ap_post(1, apic_on_job) && ap_wait(1)) {
		*mmio(APIC_ICR_HI) = 1u << 24;
		*mmio(APIC_ICR_LO) = VEC_TEST; /* physical destination 1 */
		check_int("apic.xapic.ipi", "IPI to vCPU 1 taken", wait_hits(0, 2), 1);
	}
}

static void x2apic_checks(void)
{
	uint64_t v = 0;

	x2apic_job(0);
	check_int("apic.x2apic.mode", "EXTD after the switch", x2apic_on(), 1);
	check_int("apic.x2apic.id", "RDMSR 0x802", msr_read_safe(X2APIC_MSR(APIC_ID), &v) && v == 0, 1);
	check_int("apic.x2apic.eoi.read", "RDMSR 0x80b raises #GP",
		  msr_read_safe(X2APIC_MSR(APIC_EOI), &v), 0);
	check_int("apic.x2apic.back", "x2APIC -> xAPIC raises #GP",
		  msr_write_safe(MSR_APIC_BASE, 0xfee00900ull), 0);
	msr_write_safe(X2APIC_MSR(APIC_SELF_IPI), VEC_TEST);
	check_int("apic.x2apic.selfipi", "SELF IPI taken", wait_hits(0, 3), 1);
	if (vmtest_nvcpus > 1 && ap_post(1, x2apic_job) && ap_wait(1)) {
		msr_write_safe(X2APIC_MSR(APIC_ICR_LO), (1ull << 32) | VEC_TEST);
		check_int("apic.x2apic.ipi", "x2APIC IPI to vCPU 1 taken", wait_hits(0, 4), 1);
	}
	msr_write_safe(X2APIC_MSR(APIC_TIMER_DIVIDE), 0xb);               /* divide by 1 */
	msr_write_safe(X2APIC_MSR(APIC_LVT_TIMER), VEC_TIMER);         /* one-shot */
	msr_write_safe(X2APIC_MSR(APIC_TIMER_INITIAL), 100000);
	check_int("apic.timer", "one-shot timer fired", wait_hits(1, 1), 1);
	msr_read_safe(X2APIC_MSR(APIC_TIMER_CURRENT), &v);
	check_hex("apic.timer.ccr", "current count after firing", (uint32_t)v, 0);
}

void suite_apic(void)
{
	trap_set_hook(VEC_TEST, on_test);
	trap_set_hook(VEC_TIMER, on_timer);
	xapic_checks();
	x2apic_checks();
	reset_job(0);
	if (vmtest_nvcpus > 1 && ap_post(1, reset_job))
		ap_wait(1);
	check_int("apic.reset", "back in xAPIC mode", x2apic_on(), 0);
	trap_set_hook(VEC_TEST, 0);
	trap_set_hook(VEC_TIMER, 0);
}
