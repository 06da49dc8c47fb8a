/* tests/guests/apictest/ipi_shorthand.c: the destination shorthands (Intel SDM Vol. 3A, 11.6.1, ICR
 * bits 19:18: self, all including self, all excluding self) and the physical broadcast destination
 * (0xff in xAPIC mode, 11.6.2.1; 0xffffffff in x2APIC mode, 11.12.9), which reaches every vCPU, the
 * sender too. Each vCPU sends each kind once, with its own vector. */
#include "lib/array.h"
#include "tests/guests/apictest/ap.h"
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/ipi.h"
#include "tests/guests/apictest/irq.h"
#include "tests/guests/lib/check.h"

struct shorthand {
	const char *name;
	uint32_t icr;     /* shorthand bits, or 0 for the broadcast destination */
	uint32_t vector;  /* + sender */
	bool self, others; /* who receives */
};

static const struct shorthand kinds[] = {
	{ "self", ICR_SELF, VEC_SHORT_SELF, true, false },
	{ "all_incl", ICR_ALL_INCL, VEC_ALL_INCL, true, true },
	{ "all_excl", ICR_ALL_EXCL, VEC_ALL_EXCL, false, true },
	{ "broadcast", 0, VEC_BROADCAST, true, true },
};

#define NKINDS (ARRAY_SIZE(kinds))

static bool receives(const struct shorthand *k, unsigned sender, unsigned t)
{
	return t == sender ? k->self : k->others;
}

static uint32_t broadcast_dest(void)
{
	return ipi_model->mode == APIC_MODE_X2APIC ? APIC_BROADCAST_X2APIC : APIC_BROADCAST_XAPIC;
}

/* Sends each kind and waits for every receipt before the next. */
static void send_job(unsigned self)
{
	for (unsigned i = 0; i < NKINDS; i++) {
		const struct shorthand *k = &kinds[i];
		uint32_t v = k->vector + self;

		apic_send_ipi(k->icr ? 0 : broadcast_dest(), k->icr | ICR_FIXED | v);
		for (unsigned t = 0; t < apictest_nvcpus; t++)
			if (receives(k, self, t) && !ipi_wait(&irq_count[t][v], 1))
				break;
	}
}

void ipi_shorthands(void)
{
	char n[CHECK_NAME_MAX];
	uint32_t got[APICTEST_MAX_VCPUS], want[APICTEST_MAX_VCPUS];

	run_on_each("ipi.shorthand", send_job);
	ipi_settle();
	for (unsigned i = 0; i < NKINDS; i++)
		for (unsigned s = 0; s < apictest_nvcpus; s++) {
			for (unsigned t = 0; t < apictest_nvcpus; t++) {
				got[t] = irq_count[t][kinds[i].vector + s];
				want[t] = receives(&kinds[i], s, t);
			}
			ipi_check_row(check_name(n, "ipi.%s.%s.from_vcpu%u", ipi_model->name,
						 kinds[i].name, s), "IPIs taken", got, want);
		}
}
