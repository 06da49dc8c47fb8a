/* tests/guests/apictest/ipi_lowest.c: lowest-priority delivery (Intel SDM Vol. 3A, 11.6.2.4): an
 * IPI to a set of vCPUs reaches exactly one of them. xAPIC flat model only: in x2APIC mode the
 * delivery mode 001 is reserved (11.12.9, Figure 11-28). Each vCPU sends a few to all the others.
 * */
#include "tests/guests/apictest/ap.h"
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/ipi.h"
#include "tests/guests/apictest/irq.h"
#include "tests/guests/apictest/timing.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"

#define SENDS 4
#define WAIT_MS 50

static uint32_t total(uint32_t v)
{
	uint32_t sum = 0;

	for (unsigned t = 0; t < apictest_nvcpus; t++)
		sum += __atomic_load_n(&irq_count[t][v], __ATOMIC_ACQUIRE);
	return sum;
}

static void send_job(unsigned self)
{
	uint32_t v = VEC_LOWEST + self, others = ((1u << apictest_nvcpus) - 1) & ~(1u << self);

	for (unsigned i = 0; i < SENDS; i++) {
		uint64_t t0 = rdtsc();

		apic_send_ipi(ipi_flat_dest(others), ICR_LOGICAL | ICR_LOWEST | v);
		/* Any one of them may take it: wait for the sum to move. */
		while (total(v) < i + 1 && rdtsc() - t0 < ms_to_ticks(WAIT_MS))
			cpu_relax();
		if (total(v) < i + 1)
			return;
	}
}

void ipi_lowest_priority(void)
{
	char n[CHECK_NAME_MAX];

	run_on_each("ipi.lowest", send_job);
	ipi_settle();
	for (unsigned s = 0; s < apictest_nvcpus; s++) {
		uint32_t v = VEC_LOWEST + s;

		check_name(n, "ipi.xapic_flat.lowest.from_vcpu%u", s);
		if (irq_count[s][v])
			check_fail(n, "lowest-priority IPIs taken by the sender, not in the set (got "
				   "%u, want 0)", irq_count[s][v]);
		else
			check_int(n, "lowest-priority IPIs taken, each by one vCPU", (int32_t)total(v),
				  SENDS);
	}
}
