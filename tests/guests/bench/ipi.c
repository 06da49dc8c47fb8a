/* tests/guests/bench/ipi.c: an IPI from vCPU 0 to vCPU 1 through the xAPIC ICR, timed from just
 * before the ICR write to the TSC read first thing in the target's handler, with the target running
 * and with it halted; and the target's VM exits per IPI (one, the kick, where nothing is posted).
 * */
#include "tests/guests/bench/bench.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/lib/spinlock.h"
#include "tests/guests/lib/trap.h"

#define VEC_IPI 0x60
#define ROUNDS 100u
#define POLLS 50000000u

static uint32_t phase;  /* 0 starting, 1 spin, 2 halt */
static uint32_t ready;
static uint32_t handled;
static uint32_t back;   /* `handled` as the target last saw it back in its loop */
static uint64_t handled_at;

static bool on_ipi(struct trap_frame *f)
{
	handled_at = rdtsc();
	atomic_inc(&handled);
	*apic_reg(APIC_EOI) = 0;
	return true;
}

void bench_ipi_target(void)
{
	*apic_reg(APIC_SVR) = 0x1ff;
	atomic_store(&ready, 1);
	/* Interrupts on once, then a spin without STI, whose interrupt shadow (SDM Vol. 3C,
	 * 25.4.2) would hold off some of the IPIs, each for an interrupt-window exit more. */
	irq_enable();
	for (;;) {
		atomic_store(&back, atomic_load(&handled));
		if (atomic_load(&phase) == 2)
			irq_enable_and_halt();
		else
			cpu_relax();
	}
}

/* Waits for the target to be out of its handler (IF set again, the EOI done). An IPI sent while
 * the handler still runs waits for its IRET, and without virtual-interrupt delivery that is an
 * interrupt-window exit of the target's: the exits per IPI would count how the two vCPUs' paths
 * happen to interleave, not what one IPI costs. */
static void wait_target_back(void)
{
	uint32_t h = atomic_load(&handled);

	for (uint32_t i = 0; i < POLLS && atomic_load(&back) != h; i++)
		cpu_relax();
}

static bool send_and_wait(void)
{
	uint32_t before = atomic_load(&handled);

	*apic_reg(APIC_ICR_HI) = 1u << 24;
	*apic_reg(APIC_ICR_LO) = VEC_IPI;
	for (uint32_t i = 0; i < POLLS; i++)
		if (atomic_load(&handled) != before)
			return true;
	return false;
}

static void latency(const char *key)
{
	uint64_t sum = 0;

	for (uint32_t r = 0; r < ROUNDS; r++) {
		for (uint32_t i = 0; i < 20000; i++) /* let a halting target get into HLT */
			cpu_relax();
		uint64_t t0 = rdtsc();
		if (!send_and_wait()) {
			bench_result("IPI lost (round)", r);
			return;
		}
		sum += handled_at - t0;
	}
	bench_result(key, sum / ROUNDS);
}

void bench_ipi(void)
{
	trap_set_hook(VEC_IPI, on_ipi);
	atomic_store(&phase, 1);
	for (uint32_t i = 0; i < POLLS && !atomic_load(&ready); i++)
		cpu_relax();
	latency("ticks from ICR write to handler, target running");
	wait_target_back();
	int32_t before = hc_exit_count(1, HC_EXIT_ALL);
	for (uint32_t i = 0; i < BENCH_N; i++) {
		send_and_wait();
		wait_target_back();
	}
	bench_result("target exits per 1000 IPIs, target running", hc_exit_count(1, HC_EXIT_ALL) - before);
	atomic_store(&phase, 2);
	latency("ticks from ICR write to handler, target halted");
}
