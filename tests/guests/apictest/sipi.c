/* tests/guests/apictest/sipi.c: suites `sipi` and `init`. sipi starts every AP the way an OS does,
 * with the INIT-SIPI-SIPI sequence of Intel SDM Vol. 3A, 9.4.4.1 "Typical BSP Initialization
 * Sequence" (8.4.4.1 in editions before the chapters were renumbered), and checks that each ran the
 * trampoline exactly once (the second STARTUP finds it running and is ignored, 9.4.4.1 and 11.6.1)
 * and that it found its APIC in the INIT state (11.4.7.3). init restarts an AP that is in x2APIC
 * mode with INIT and one STARTUP: INIT keeps IA32_APIC_BASE, so it comes back still in x2APIC mode
 * (11.12.5.1), with its registers reset. vCPU 0. */
#include "tests/guests/apictest/ap.h"
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/timing.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/sipi.h"

#define TRAMP_VECTOR 0x08      /* trampoline at 0x8000 */
#define TRAMP_VECTOR_ZERO 0x00 /* and at 0: vector 0 must work too */
#define INIT_DELAY_US 10000    /* 9.4.4.1: 10 ms after INIT */
#define SIPI_DELAY_US 200      /* and 200 us after each STARTUP */
#define START_TIMEOUT_MS 1000
#define SETTLE_MS 20           /* time for a wrong second start to show */
#define LVT_INIT APIC_LVT_MASKED /* 11.4.7.1: LVTs are 0 but for the mask bit */

static void delay_us(uint32_t us)
{
	delay_ticks(us_to_ticks(us));
}

static bool wait_started(unsigned k, uint32_t entries)
{
	char n[CHECK_NAME_MAX];

	if (!wait_count(&ap_entries[k], entries, ms_to_ticks(START_TIMEOUT_MS))) {
		check_fail(check_name(n, "sipi.start.vcpu%u", k),
			   "vCPU %u after INIT-SIPI (got not started within %u ms, want in C)", k,
			   START_TIMEOUT_MS);
		return false;
	}
	check_pass(check_name(n, "sipi.start.vcpu%u", k));
	return true;
}

static void init_sipi_sipi(unsigned k, uint8_t vector)
{
	sipi_send_init(k);
	delay_us(INIT_DELAY_US);
	sipi_send_startup(k, vector);
	delay_us(SIPI_DELAY_US);
	sipi_send_startup(k, vector);
	delay_us(SIPI_DELAY_US);
}

/* The state the AP noted on entry: `mode` as IA32_APIC_BASE says, registers as after INIT. */
static void check_entry_state(const char *suite, unsigned k, enum apic_mode mode)
{
	const struct ap_entry_state *s = &ap_entry_state[k];
	char n[CHECK_NAME_MAX];

	check_hex64(check_name(n, "%s.apic_base.vcpu%u", suite, k), "IA32_APIC_BASE on entry",
		    s->apic_base, apic_base_with_mode(APIC_DEFAULT_BASE, mode));
	check_hex(check_name(n, "%s.svr.vcpu%u", suite, k), "SVR on entry", s->svr, 0xff);
	check_hex(check_name(n, "%s.tpr.vcpu%u", suite, k), "TPR on entry", s->tpr, 0);
	check_hex(check_name(n, "%s.lvt_timer.vcpu%u", suite, k), "LVT timer on entry",
		  s->lvt_timer, LVT_INIT);
	check_hex(check_name(n, "%s.lvt_lint0.vcpu%u", suite, k), "LVT LINT0 on entry",
		  s->lvt_lint0, LVT_INIT);
	check_hex(check_name(n, "%s.lvt_lint1.vcpu%u", suite, k), "LVT LINT1 on entry",
		  s->lvt_lint1, LVT_INIT);
	check_hex(check_name(n, "%s.lvt_error.vcpu%u", suite, k), "LVT error on entry",
		  s->lvt_error, LVT_INIT);
}

/* vCPU 1 starts from a copy at page 0 (vector 0), the others from 0x8000; one at a time. */
void suite_sipi(void)
{
	bool zero = sipi_install(TRAMP_VECTOR_ZERO);
	char n[CHECK_NAME_MAX];

	if (!sipi_install(TRAMP_VECTOR)) {
		check_fail("sipi.install", "trampoline at 0x8000 (got no room, want copied)");
		return;
	}
	for (unsigned k = 1; k < apictest_nvcpus; k++) {
		uint8_t vector = k == 1 && zero ? TRAMP_VECTOR_ZERO : TRAMP_VECTOR;

		init_sipi_sipi(k, vector);
		if (wait_started(k, 1))
			check_entry_state("sipi", k, APIC_MODE_XAPIC);
	}
	delay_ticks(ms_to_ticks(SETTLE_MS));
	for (unsigned k = 1; k < apictest_nvcpus; k++)
		check_hex(check_name(n, "sipi.entries.vcpu%u", k),
			  "trampoline entries after INIT-SIPI-SIPI", sipi_entries[k], 1);
	need_vcpus("sipi", 2);
}

static uint32_t prepared[APICTEST_MAX_VCPUS];

/* Leaves state that INIT must reset: TPR, an unmasked timer and error LVT. */
static void go_x2apic(unsigned self)
{
	if (!apic_enter(APIC_MODE_X2APIC, "init", self))
		return;
	apic_write(APIC_TPR, 0x20);
	apic_write(APIC_LVT_TIMER, VEC_TIMER);
	apic_write(APIC_LVT_ERROR, VEC_NOBODY);
	prepared[self] = 1;
}

static void back_to_xapic(unsigned self)
{
	apic_restore_xapic();
}

void suite_init(void)
{
	unsigned k = apictest_nvcpus - 1;
	uint32_t entries, sipis;

	if (!need_vcpus("init", 2))
		return;
	if (!ap_post(k, go_x2apic) || !ap_wait(k) || !prepared[k]) {
		check_fail("init.prepare", "vCPU %u to x2APIC mode (got no, want yes)", k);
		return;
	}
	entries = ap_entries[k];
	sipis = sipi_entries[k];
	/* One STARTUP only: it must be enough (9.4.4.1 sends two for old processors' sake). */
	sipi_send_init(k);
	delay_us(INIT_DELAY_US);
	check_hex("init.waits", "entries after INIT alone (wait-for-SIPI)",
		  ap_entries[k] - entries, 0);
	sipi_send_startup(k, TRAMP_VECTOR);
	if (!wait_count(&ap_entries[k], entries + 1, ms_to_ticks(START_TIMEOUT_MS))) {
		check_fail("init.restart", "vCPU %u after INIT and one SIPI (got not restarted, "
			   "want in C)", k);
		return;
	}
	check_pass("init.restart");
	delay_ticks(ms_to_ticks(SETTLE_MS));
	check_hex("init.entries", "trampoline entries for INIT and one SIPI",
		  sipi_entries[k] - sipis, 1);
	check_entry_state("init", k, APIC_MODE_X2APIC);
	ap_post(k, back_to_xapic);
	if (!ap_wait(k))
		check_fail("init.back", "vCPU %u back to xAPIC (got no end, want done)", k);
}
