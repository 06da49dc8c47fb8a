/* tests/guests/apictest/ipi_directed.c: fixed IPIs from each vCPU to each other one, named alone by
 * the current addressing model (ipi.h). The vector is VEC_DIRECT + the sender, so the receipt
 * matrix says who reached whom; each IPI waits for its receipt before the next, so none can merge
 * with another in the IRR (SDM Vol. 3A, 11.8.4: one IRR bit per vector). Also, in the flat model, a
 * logical destination that names no vCPU reaches nobody (11.6.2.2). */
#include "tests/guests/apictest/ap.h"
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/ipi.h"
#include "tests/guests/apictest/irq.h"
#include "tests/guests/lib/check.h"

static uint32_t timeouts[APICTEST_MAX_VCPUS];

/* Stops at the first IPI that does not arrive: the matrix check says which. */
static void send_job(unsigned self)
{
	uint32_t v = VEC_DIRECT + self;

	timeouts[self] = 0;
	for (unsigned t = 0; t < apictest_nvcpus; t++) {
		if (t == self)
			continue;
		apic_send_ipi(ipi_dest(t), ipi_dest_mode() | ICR_FIXED | v);
		if (!ipi_wait(&irq_count[t][v], 1)) {
			timeouts[self] = t + 1;
			return;
		}
	}
}

static void nobody(void)
{
	uint32_t total = 0;

	if (apictest_nvcpus >= 8)
		return;
	apic_send_ipi(ipi_flat_dest(0x80), ICR_LOGICAL | ICR_FIXED | VEC_NOBODY);
	ipi_settle();
	for (unsigned t = 0; t < apictest_nvcpus; t++)
		total += irq_count[t][VEC_NOBODY];
	check_int("ipi.xapic_flat.nobody", "receipts of an IPI to logical 0x80 (no such vCPU)",
		  (int32_t)total, 0);
}

void ipi_directed(void)
{
	char n[CHECK_NAME_MAX];
	uint32_t got[APICTEST_MAX_VCPUS], want[APICTEST_MAX_VCPUS];

	run_on_each("ipi.directed", send_job);
	ipi_settle();
	for (unsigned s = 0; s < apictest_nvcpus; s++) {
		for (unsigned t = 0; t < apictest_nvcpus; t++) {
			got[t] = irq_count[t][VEC_DIRECT + s];
			want[t] = t != s;
		}
		check_name(n, "ipi.%s.from_vcpu%u", ipi_model->name, s);
		if (timeouts[s])
			check_fail(n, "fixed IPI to vCPU %u (got nothing within the timeout, want it "
				   "taken)", timeouts[s] - 1);
		else
			ipi_check_row(n, "fixed IPIs taken", got, want);
	}
	if (ipi_model->kind == IPI_FLAT)
		nobody();
}
