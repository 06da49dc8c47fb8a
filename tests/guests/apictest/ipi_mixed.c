/* tests/guests/apictest/ipi_mixed.c: vCPUs changing mode while IPIs reach them. vCPU 0 stays in
 * xAPIC mode and keeps sending fixed IPIs to every other vCPU (physical, destination = id);
 * meanwhile vCPU 1 and, later, vCPU 3 switch to x2APIC mode, which keeps the APIC's state (Intel
 * SDM Vol. 3A, 11.12.5.1). Every IPI must still arrive exactly once; then an xAPIC broadcast (0xff)
 * reaches all. The SDM leaves mixed modes undefined in general: these two forms are what the
 * hypervisor promises. vCPUs 1 and 3 stay in x2APIC mode (ipi.c's x2APIC part follows). */
#include "lib/array.h"
#include "tests/guests/apictest/ap.h"
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/ipi.h"
#include "tests/guests/apictest/irq.h"
#include "tests/guests/lib/check.h"

#define ROUNDS 12

/* Who switches, and in which round. */
static const struct {
	unsigned vcpu, round;
} switchers[] = { { 1, 3 }, { 3, 7 } };

#define NSWITCHERS (ARRAY_SIZE(switchers))

static uint32_t switched[APICTEST_MAX_VCPUS];

static void to_x2apic(unsigned self)
{
	switched[self] = apic_enter(APIC_MODE_X2APIC, "ipi.mixed", self);
}

static void start_switches(unsigned round)
{
	for (unsigned i = 0; i < NSWITCHERS; i++)
		if (switchers[i].round == round && switchers[i].vcpu < apictest_nvcpus)
			ap_post(switchers[i].vcpu, to_x2apic);
}

/* False at the first IPI that does not arrive. */
static bool one_round(unsigned round)
{
	for (unsigned t = 1; t < apictest_nvcpus; t++) {
		apic_send_ipi(t, ICR_FIXED | VEC_MIXED);
		if (!ipi_wait(&irq_count[t][VEC_MIXED], round + 1)) {
			check_fail("ipi.mixed.round", "IPI %u to vCPU %u (got nothing, want taken)",
				   round, t);
			return false;
		}
	}
	return true;
}

static void check_switched(void)
{
	char n[CHECK_NAME_MAX];

	for (unsigned i = 0; i < NSWITCHERS; i++) {
		unsigned k = switchers[i].vcpu;

		if (k >= apictest_nvcpus)
			continue;
		check_hex(check_name(n, "ipi.mixed.switched.vcpu%u", k),
			  "xAPIC to x2APIC under IPIs", ap_wait(k) && switched[k], 1);
	}
}

static void check_counts(void)
{
	uint32_t got[APICTEST_MAX_VCPUS], want[APICTEST_MAX_VCPUS];

	for (unsigned t = 0; t < apictest_nvcpus; t++) {
		got[t] = irq_count[t][VEC_MIXED];
		want[t] = t ? ROUNDS : 0;
	}
	ipi_check_row("ipi.mixed.directed", "IPIs taken across the mode switches", got, want);
	for (unsigned t = 0; t < apictest_nvcpus; t++) {
		got[t] = irq_count[t][VEC_MIXED_BCAST];
		want[t] = 1;
	}
	ipi_check_row("ipi.mixed.broadcast", "xAPIC broadcast 0xff taken", got, want);
}

void ipi_mixed(void)
{
	for (unsigned r = 0; r < ROUNDS; r++) {
		start_switches(r);
		if (!one_round(r))
			break;
	}
	check_switched();
	apic_send_ipi(APIC_BROADCAST_XAPIC, ICR_FIXED | VEC_MIXED_BCAST);
	for (unsigned t = 0; t < apictest_nvcpus; t++)
		ipi_wait(&irq_count[t][VEC_MIXED_BCAST], 1);
	ipi_settle();
	check_counts();
}
