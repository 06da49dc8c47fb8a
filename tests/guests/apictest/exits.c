/* tests/guests/apictest/exits.c: suite `exits`: how many VM exits common APIC operations cost on
 * vCPU 0, 1000 at a time, from the hypervisor's own count (HC_EXIT_COUNT, every reason): TPR
 * writes, self-IPIs with their EOIs, and register reads, in xAPIC and in x2APIC mode. The counts
 * depend on the APIC virtualization the CPU gives (Intel SDM Vol. 3C, chapter 31 "APIC
 * Virtualization and Virtual Interrupts"), so they are printed, not judged; tests/system/apic.sh
 * judges them per configuration. First the IPI latency (latency.c), in xAPIC mode; x2APIC mode
 * comes last. */
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/irq.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/lib/spinlock.h"

#define ITERATIONS 1000
#define HANDLED_POLLS 10000000u /* memory reads only: a bound that costs no exits */
#define TPR_BUSY 0x20

static uint32_t handled; /* self-IPIs the loops saw taken */

/* Waits for the self-IPI number `n` to be taken; PAUSE and loads only. */
static void wait_taken(uint32_t n)
{
	for (uint32_t i = 0; i < HANDLED_POLLS && atomic_load(&irq_count[0][VEC_EXITS]) < n; i++)
		cpu_relax();
	if (atomic_load(&irq_count[0][VEC_EXITS]) >= n)
		handled++;
}

/* Ends with TPR 0: the last write, i = 999, is odd. */
static void tpr_writes(void)
{
	for (uint32_t i = 0; i < ITERATIONS; i++)
		apic_write(APIC_TPR, i & 1 ? 0 : TPR_BUSY);
}

static void reads(void)
{
	uint32_t sink = 0;

	for (uint32_t i = 0; i < ITERATIONS; i++)
		sink += apic_read(APIC_TPR);
	__asm__ volatile("" : : "r"(sink));
}

/* x2APIC: the SELF IPI register (11.12.11); the handler's EOI is a WRMSR of 0x80b. */
static void x2apic_self_ipis(void)
{
	uint32_t base = atomic_load(&irq_count[0][VEC_EXITS]);

	for (uint32_t i = 1; i <= ITERATIONS; i++) {
		wrmsr(X2APIC_MSR(APIC_SELF_IPI), VEC_EXITS);
		wait_taken(base + i);
	}
}

/* xAPIC: the ICR with the "self" shorthand (a single write of its low half, 11.6.1). */
static void xapic_self_ipis(void)
{
	uint32_t base = atomic_load(&irq_count[0][VEC_EXITS]);

	for (uint32_t i = 1; i <= ITERATIONS; i++) {
		mmio_write32(APIC_DEFAULT_BASE + APIC_ICR_LO, ICR_SELF | ICR_FIXED | VEC_EXITS);
		wait_taken(base + i);
	}
}

/* The count moves by the loop's exits plus the second query's own VMCALL. */
static void measure(const char *what, void (*loop)(void))
{
	int32_t before, after;

	handled = 0;
	before = hc_exit_count(HC_SELF, HC_EXIT_ALL);
	loop();
	after = hc_exit_count(HC_SELF, HC_EXIT_ALL);
	if (before < 0 || after < 0)
		con_printf("exits per 1000 %s: not counted (%s)", what,
			   hc_strerror(before < 0 ? before : after));
	else
		con_printf("exits per 1000 %s: %d", what, after - before - 1);
}

static void check_handled(const char *name)
{
	check_int(name, "self-IPIs taken, each before the next was sent", (int32_t)handled,
		  ITERATIONS);
}

void suite_exits(void)
{
	exits_latency();
	if (!apictest_hv)
		con_printf("exits: not under the hypervisor (VMCALL raised #UD): no exit counts");
	irq_enable();
	if (!apic_enter(APIC_MODE_XAPIC, "exits.xapic", 0))
		return;
	measure("xAPIC TPR writes", tpr_writes);
	measure("xAPIC EOIs", xapic_self_ipis);
	check_handled("exits.xapic_self_ipis");
	measure("xAPIC register reads", reads);
	if (apic_enter(APIC_MODE_X2APIC, "exits.x2apic", 0)) {
		measure("x2APIC TPR writes", tpr_writes);
		measure("x2APIC self-IPIs", x2apic_self_ipis);
		check_handled("exits.x2apic_self_ipis");
		measure("x2APIC register reads", reads);
	}
	apic_restore_xapic();
}
