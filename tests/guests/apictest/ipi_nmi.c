/* tests/guests/apictest/ipi_nmi.c: NMI delivery mode (Intel SDM Vol. 3A, 11.6.1, ICR delivery mode
 * 100; the vector field is ignored and should be 0): the target's NMI handler (vector 2) runs once
 * per IPI. From each vCPU to each other one, physical destination. */
#include "tests/guests/apictest/ap.h"
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/ipi.h"
#include "tests/guests/apictest/irq.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/spinlock.h"

static uint32_t start[APICTEST_MAX_VCPUS][APICTEST_MAX_VCPUS]; /* [sender][target] */
static uint32_t end[APICTEST_MAX_VCPUS][APICTEST_MAX_VCPUS];

static void send_job(unsigned self)
{
	for (unsigned t = 0; t < apictest_nvcpus; t++)
		start[self][t] = atomic_load(&nmi_count[t]);
	for (unsigned t = 0; t < apictest_nvcpus; t++) {
		if (t == self)
			continue;
		apic_send_ipi(t, ICR_NMI);
		if (!ipi_wait(&nmi_count[t], start[self][t] + 1))
			break;
	}
	ipi_settle();
	for (unsigned t = 0; t < apictest_nvcpus; t++)
		end[self][t] = atomic_load(&nmi_count[t]);
}

void ipi_nmi(void)
{
	char n[CHECK_NAME_MAX];
	uint32_t got[APICTEST_MAX_VCPUS], want[APICTEST_MAX_VCPUS];

	run_on_each("ipi.nmi", send_job);
	for (unsigned s = 0; s < apictest_nvcpus; s++) {
		for (unsigned t = 0; t < apictest_nvcpus; t++) {
			got[t] = end[s][t] - start[s][t];
			want[t] = t != s;
		}
		ipi_check_row(check_name(n, "ipi.%s.nmi.from_vcpu%u", ipi_model->name, s),
			      "NMI handler runs", got, want);
	}
}
