/* tests/guests/apictest/timing.c: TSC rates and delays. vCPU 0 sets the rates; any vCPU reads them.
 * */
#include "tests/guests/apictest/timing.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/spinlock.h"
#include "lib/string.h"
#include "lib/guest_abi.h"

/* Bare metal: Bochs' TSC at the ips=50000000 scripts/boot gives it; only timeouts depend on it. */
#define FALLBACK_KHZ 50000u

static uint32_t tsc_khz = FALLBACK_KHZ, apic_khz = FALLBACK_KHZ;
static bool from_hv;

void timing_init(void)
{
	struct cpuid_regs r = cpuid(CPUID_HV_BASE, 0);
	char sig[12] = { 0 };

	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	if (memcmp(sig, HV_CPUID_SIGNATURE, sizeof(HV_CPUID_SIGNATURE) - 1) ||
	    r.eax < CPUID_HV_TIMING)
		return;
	r = cpuid(CPUID_HV_TIMING, 0);
	if (!r.eax || !r.ebx)
		return;
	tsc_khz = r.eax;
	apic_khz = r.ebx;
	from_hv = true;
}

bool timing_from_hypervisor(void)
{
	return from_hv;
}

uint32_t timing_tsc_khz(void)
{
	return tsc_khz;
}

uint32_t timing_apic_khz(void)
{
	return apic_khz;
}

void timing_set_apic_khz(uint32_t khz)
{
	if (khz)
		apic_khz = khz;
}

uint64_t ms_to_ticks(uint32_t ms)
{
	return (uint64_t)ms * tsc_khz;
}

uint64_t us_to_ticks(uint32_t us)
{
	return (uint64_t)us * tsc_khz / 1000;
}

uint32_t ticks_to_counts(uint64_t ticks)
{
	uint64_t c = ticks * apic_khz / tsc_khz;

	return c > 0xffffffffu ? 0xffffffffu : (uint32_t)c;
}

uint64_t counts_to_ticks(uint32_t counts)
{
	return (uint64_t)counts * tsc_khz / apic_khz;
}

void delay_ticks(uint64_t ticks)
{
	uint64_t start = rdtsc();

	while (rdtsc() - start < ticks)
		cpu_relax();
}

bool wait_count(const uint32_t *p, uint32_t want, uint64_t ticks)
{
	uint64_t start = rdtsc();

	for (;;) {
		if (atomic_load(p) >= want)
			return true;
		if (rdtsc() - start >= ticks)
			return atomic_load(p) >= want;
		cpu_relax();
	}
}
