/* tests/guests/bench/bench.h: the benchmark guest (README, "Performance"). vCPU 0 measures; vCPU 1
 * is the IPI target. Every result is one console line `bench: KEY: VALUE`, which scripts/bench
 * turns into the table. Times are TSC ticks: in Bochs the TSC advances with executed instructions,
 * so they repeat exactly from run to run. */
#ifndef GUEST_BENCH_BENCH_H
#define GUEST_BENCH_BENCH_H

#include <stdint.h>

#include "lib/guest_abi.h"

#define BENCH_N 1000u
#define APIC_MMIO 0xfee00000u

void bench_result(const char *key, uint64_t value);

/* Exits of this vCPU so far (HC_EXIT_COUNT, every reason; the asking VMCALL counts itself). */
uint32_t bench_exits(void);

void bench_round_trips(void);  /* roundtrip.c */
void bench_apic_exits(void);   /* apic_exits.c */
void bench_ipi(void);          /* ipi.c */

/* The vCPU 1 side of bench_ipi(). */
void bench_ipi_target(void);

static inline volatile uint32_t *apic_reg(uint32_t offset)
{
	return (volatile uint32_t *)(APIC_MMIO + offset);
}

#endif
