/* tests/guests/bench/main.c: the benchmark guest's order of work: exit round trips, exits per 1,000
 * APIC accesses, IPI latency, then power-off. */
#include "tests/guests/bench/bench.h"
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/lib/power.h"
#include "tests/guests/lib/smp.h"

const char guest_name[] = "bench";

void bench_result(const char *key, uint64_t value)
{
	con_printf("%s: %llu", key, (unsigned long long)value);
}

uint32_t bench_exits(void)
{
	return (uint32_t)hc_exit_count(HC_SELF, HC_EXIT_ALL);
}

void guest_ap_main(unsigned index)
{
	if (index == 1)
		bench_ipi_target();
	halt_forever();
}

void guest_main(void)
{
	uint32_t n = 0;

	hc_vcpu_info(&n);
	bench_round_trips();
	bench_apic_exits();
	if (n >= 2 && smp_start_vcpu(1) == 0)
		bench_ipi();
	else
		con_printf("bench: one vCPU: no IPI measurements");
	con_printf("bench: done");
	power_off();
	halt_forever();
}
