/* tests/guests/apictest/latency.c: how long an IPI takes from the sender's ICR write to the
 * target's handler, in TSC ticks (both read the same TSC), to vCPU 1 running (spinning in its job
 * loop) and to vCPU 1 halted. The median of a few samples is printed, not judged. xAPIC mode. */
#include "tests/guests/apictest/ap.h"
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/irq.h"
#include "tests/guests/apictest/timing.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/spinlock.h"

#define SAMPLES 15
#define TARGET 1
#define WAIT_MS 50
#define SETTLE_US 500 /* from "about to halt" to halted */

static uint32_t halts, stop;

/* Halts until told to stop; counts each HLT it is about to execute. */
static void halter(unsigned self)
{
	irq_disable();
	while (!atomic_load(&stop)) {
		atomic_inc(&halts);
		irq_enable_and_halt();
		irq_disable();
	}
	irq_enable();
}

/* One IPI; its latency, or -1 when it never arrived. */
static int64_t sample(void)
{
	uint32_t before = atomic_load(&irq_count[TARGET][VEC_LATENCY]);
	uint64_t t0 = rdtsc();

	apic_send_ipi_nowait(TARGET, ICR_FIXED | VEC_LATENCY);
	if (!wait_count(&irq_count[TARGET][VEC_LATENCY], before + 1, ms_to_ticks(WAIT_MS)))
		return -1;
	return (int64_t)(irq_tsc[TARGET] - t0);
}

static int64_t median(int64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			int64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

static void report(const char *name, const char *label, int64_t *v)
{
	for (unsigned i = 0; i < SAMPLES; i++)
		if (v[i] < 0) {
			check_fail(name, "IPI to vCPU %u (got none within %u ms, want taken)", TARGET,
				   WAIT_MS);
			return;
		}
	con_printf("ICR-to-handler ticks%s: %lld", label, median(v, SAMPLES));
}

static void running(void)
{
	int64_t v[SAMPLES];

	for (unsigned i = 0; i < SAMPLES; i++)
		v[i] = sample();
	report("exits.latency", "", v);
}

static void halted(void)
{
	int64_t v[SAMPLES];

	atomic_store(&halts, 0);
	atomic_store(&stop, 0);
	if (!ap_post(TARGET, halter))
		return;
	for (unsigned i = 0; i < SAMPLES; i++) {
		v[i] = -1;
		if (!wait_count(&halts, i + 1, ms_to_ticks(WAIT_MS)))
			break;
		delay_ticks(us_to_ticks(SETTLE_US));
		v[i] = sample();
	}
	atomic_store(&stop, 1);
	apic_send_ipi(TARGET, ICR_FIXED | VEC_KICK);
	if (!ap_wait(TARGET))
		check_fail("exits.latency_halted.end", "vCPU 1 after the last sample (got still "
			   "halted, want back)");
	report("exits.latency_halted", " (halted target)", v);
}

void exits_latency(void)
{
	if (!need_vcpus("exits.latency", 2) || !apic_enter(APIC_MODE_XAPIC, "exits.latency", 0))
		return;
	running();
	halted();
}
