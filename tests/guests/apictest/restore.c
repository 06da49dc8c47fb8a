/* tests/guests/apictest/restore.c: putting a vCPU's APIC back in the state every test starts from.
 * Any vCPU, for itself. */
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/msr.h"

/* SDM Vol. 3A, 11.12.5, Figure 11-33: x2APIC cannot go straight back to xAPIC (#GP); the way is
 * through disabled, which resets the APIC to its power-up state (11.4.7.1: SVR 0xff, LVTs
 * masked), hence the set-up after it. */
void apic_restore_xapic(void)
{
	if (apic_mode() != APIC_MODE_XAPIC) {
		if (apic_mode() == APIC_MODE_X2APIC)
			apic_set_mode(APIC_MODE_DISABLED);
		apic_set_mode(APIC_MODE_XAPIC);
	}
	if (apic_mode() != APIC_MODE_XAPIC)
		return;
	apic_sw_enable();
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC_TIMER);
	apic_write(APIC_TIMER_INITIAL, 0);
	if (cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE)
		msr_write_safe(MSR_TSC_DEADLINE, 0);
}

/* The mode a test needs, from xAPIC (where every test starts) or already there. A vCPU whose APIC
 * is elsewhere (a disable that did not come back, as on bare Bochs) is reported, not used: raw
 * register accesses would fault. */
bool apic_enter(enum apic_mode m, const char *name, unsigned self)
{
	char n[CHECK_NAME_MAX];
	enum apic_mode now = apic_mode_sync();

	if (now == APIC_MODE_XAPIC && m == APIC_MODE_X2APIC) {
		apic_set_mode(APIC_MODE_X2APIC);
		now = apic_mode();
	}
	if (now == m)
		return true;
	check_fail(check_name(n, "%s.mode.vcpu%u", name, self), "APIC mode for the test (got %s, "
		   "want %s)", apic_mode_name(now), apic_mode_name(m));
	return false;
}
