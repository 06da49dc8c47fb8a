/* tests/guests/apictest/base_reset.c: what a global disable and re-enable of the APIC must reset
 * (Intel SDM Vol. 3A, 11.4.7.1 "Local APIC State After Power-Up or Reset": IRR, ISR, TMR, ICR, LDR
 * and TPR 0; the timer's counts and divider 0; DFR all ones; every LVT 0 but its mask bit; SVR
 * 0xff; the APIC id its initial one). xAPIC mode, each vCPU for itself. */
#include "lib/array.h"
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/base.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"

void base_dirty_state(void)
{
	if (apic_mode() != APIC_MODE_XAPIC)
		return;
	apic_sw_enable();
	apic_write(APIC_TPR, 0x30);
	apic_write(APIC_DFR, 0x0fffffff);
	apic_write(APIC_LDR, 0x5u << 24);
	apic_write(APIC_TIMER_DIVIDE, APIC_TIMER_DIVIDE_BY_1);
	apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_PERIODIC | VEC_TIMER);
	apic_write(APIC_LVT_ERROR, VEC_NOBODY);
}

struct reset_value {
	const char *name;
	enum apic_reg reg;
	uint32_t want; /* 0xffffffff for DFR; the id is checked apart */
};

static const struct reset_value reset_values[] = {
	{ "svr", APIC_SVR, 0xff },
	{ "tpr", APIC_TPR, 0 },
	{ "ldr", APIC_LDR, 0 },
	{ "dfr", APIC_DFR, 0xffffffff },
	{ "lvt_timer", APIC_LVT_TIMER, APIC_LVT_MASKED },
	{ "lvt_lint0", APIC_LVT_LINT0, APIC_LVT_MASKED },
	{ "lvt_lint1", APIC_LVT_LINT1, APIC_LVT_MASKED },
	{ "lvt_error", APIC_LVT_ERROR, APIC_LVT_MASKED },
	{ "timer_initial", APIC_TIMER_INITIAL, 0 },
	{ "timer_current", APIC_TIMER_CURRENT, 0 },
	{ "timer_divide", APIC_TIMER_DIVIDE, 0 },
};

void base_check_reset_state(unsigned self, const char *when)
{
	char n[CHECK_NAME_MAX], what[40];

	if (apic_mode() != APIC_MODE_XAPIC) {
		check_fail(check_name(n, "base.reset_%s.vcpu%u", when, self),
			   "APIC mode (got %s, want xAPIC)", apic_mode_name(apic_mode()));
		return;
	}
	check_hex(check_name(n, "base.reset_%s.id.vcpu%u", when, self), "APIC ID register",
		  apic_read(APIC_ID), self << 24);
	for (unsigned i = 0; i < ARRAY_SIZE(reset_values); i++) {
		const struct reset_value *r = &reset_values[i];

		check_name(what, "%s after disable and enable", r->name);
		check_hex(check_name(n, "base.reset_%s.%s.vcpu%u", when, r->name, self), what,
			  apic_read(r->reg), r->want);
	}
}
