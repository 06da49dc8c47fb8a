/* tests/guests/apictest/ipi.c: suite `ipi`, and the addressing models its parts use (Intel SDM Vol.
 * 3A, 11.6.2.1 physical, 11.6.2.2 logical flat and cluster, 11.12.10 x2APIC logical). xAPIC models
 * first, then mixed modes, then x2APIC: no vCPU goes through a global disable (the only way back
 * from x2APIC to xAPIC) before the end, which keeps the suite useful on bare Bochs, whose APIC
 * stays dead after one. vCPU 0 drives; every vCPU sends in turn. */
#include "tests/guests/apictest/ap.h"
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/ipi.h"
#include "tests/guests/apictest/irq.h"
#include "tests/guests/apictest/timing.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/msr.h"

#define IPI_TIMEOUT_MS 50
#define SETTLE_MS 2

const struct ipi_model *ipi_model;
static uint32_t ldr[APICTEST_MAX_VCPUS]; /* x2APIC: each vCPU's LDR as it read it */
static uint32_t ready[APICTEST_MAX_VCPUS];

/* xAPIC cluster model (11.6.2.2): LDR[31:28] the cluster, LDR[27:24] one bit per member; four
 * vCPUs to a cluster, clusters counted from 1 so the cluster field is never 0. */
static uint32_t cluster_ldr(unsigned k)
{
	return ((1u + (k >> 2)) << 28) | (1u << (24 + (k & 3)));
}

static void setup_job(unsigned self)
{
	char name[CHECK_NAME_MAX];

	check_name(name, "ipi.%s", ipi_model->name);
	ready[self] = 0;
	if (ipi_model->mode == APIC_MODE_X2APIC) {
		uint64_t v;

		if (!apic_enter(APIC_MODE_X2APIC, name, self))
			return;
		if (!msr_read_safe(X2APIC_MSR(APIC_LDR), &v))
			return;
		ldr[self] = (uint32_t)v;
	} else {
		apic_restore_xapic();
		if (!apic_enter(APIC_MODE_XAPIC, name, self))
			return;
		/* DFR first: the LDR's meaning follows it (11.6.2.2). */
		apic_write(APIC_DFR, ipi_model->kind == IPI_CLUSTER ? 0x0fffffffu : 0xffffffffu);
		apic_write(APIC_LDR, ipi_model->kind == IPI_CLUSTER ? cluster_ldr(self) :
				     ipi_model->kind == IPI_FLAT ? 1u << (24 + self) : 0);
	}
	apic_sw_enable();
	apic_write(APIC_TPR, 0);
	ready[self] = 1;
}

bool ipi_setup(const struct ipi_model *m)
{
	char n[CHECK_NAME_MAX];
	bool ok = true;

	ipi_model = m;
	run_on_all("ipi.setup", setup_job);
	for (unsigned k = 0; k < apictest_nvcpus && k < APICTEST_MAX_VCPUS; k++)
		if (!ready[k]) {
			check_fail(check_name(n, "ipi.%s.setup.vcpu%u", m->name, k),
				   "vCPU %u set up for the model (got no, want yes)", k);
			ok = false;
		}
	irq_reset();
	return ok;
}

uint32_t ipi_dest(unsigned target)
{
	if (ipi_model->kind == IPI_PHYSICAL)
		return target; /* the APIC id, which is the vCPU index */
	if (ipi_model->mode == APIC_MODE_X2APIC)
		return ldr[target];
	if (ipi_model->kind == IPI_CLUSTER)
		return cluster_ldr(target) >> 24;
	return ipi_flat_dest(1u << target);
}

uint32_t ipi_flat_dest(uint32_t mask)
{
	return mask & 0xff;
}

uint32_t ipi_dest_mode(void)
{
	return ipi_model->kind == IPI_PHYSICAL ? 0 : ICR_LOGICAL;
}

bool ipi_wait(const uint32_t *count, uint32_t want)
{
	return wait_count(count, want, ms_to_ticks(IPI_TIMEOUT_MS));
}

void ipi_settle(void)
{
	delay_ticks(ms_to_ticks(SETTLE_MS));
}

void ipi_check_row(const char *name, const char *what, const uint32_t *got, const uint32_t *want)
{
	for (unsigned t = 0; t < apictest_nvcpus; t++)
		if (got[t] != want[t]) {
			check_fail(name, "%s on vCPU %u (got %u, want %u)", what, t, got[t], want[t]);
			return;
		}
	check_pass(name);
}

static const struct ipi_model xapic_physical = { "xapic_physical", APIC_MODE_XAPIC, IPI_PHYSICAL };
static const struct ipi_model xapic_flat = { "xapic_flat", APIC_MODE_XAPIC, IPI_FLAT };
static const struct ipi_model xapic_cluster = { "xapic_cluster", APIC_MODE_XAPIC, IPI_CLUSTER };
static const struct ipi_model x2apic_physical = { "x2apic_physical", APIC_MODE_X2APIC,
						  IPI_PHYSICAL };
static const struct ipi_model x2apic_cluster = { "x2apic_cluster", APIC_MODE_X2APIC,
						 IPI_CLUSTER };

static void back_to_xapic(unsigned self)
{
	apic_restore_xapic();
}

void suite_ipi(void)
{
	if (!need_vcpus("ipi", 2))
		return;
	if (ipi_setup(&xapic_physical)) {
		ipi_directed();
		ipi_shorthands();
		ipi_nmi();
	}
	if (ipi_setup(&xapic_flat)) {
		ipi_directed();
		ipi_lowest_priority();
	}
	if (ipi_setup(&xapic_cluster))
		ipi_directed();
	/* Leaves vCPUs 1 and 3 in x2APIC mode; the x2APIC models' set-up takes it from there. */
	if (ipi_setup(&xapic_physical))
		ipi_mixed();
	if (ipi_setup(&x2apic_physical)) {
		ipi_directed();
		ipi_shorthands();
		ipi_nmi();
	}
	if (ipi_setup(&x2apic_cluster))
		ipi_directed();
	run_on_all("ipi.restore", back_to_xapic);
}
