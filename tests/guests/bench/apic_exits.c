/* tests/guests/bench/apic_exits.c: VM exits per BENCH_N accesses the CPU can virtualize (Intel SDM
 * Vol. 3C, 30.4 and 30.5): with full APIC virtualization TPR writes, EOIs, self-IPIs and register
 * reads (of the ID register: TPR reads are virtualized even without APIC-register virtualization)
 * cost none; each missing feature (apicv=) turns some of them into exits. */
#include "tests/guests/bench/bench.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/msr.h"
#include "tests/guests/lib/spinlock.h"
#include "tests/guests/lib/trap.h"

#define VEC_SELF 0x70

static bool x2apic;
static uint32_t taken;

static void eoi(void)
{
	if (x2apic)
		__asm__ volatile("wrmsr" : : "c"(X2APIC_MSR(APIC_EOI)), "a"(0), "d"(0));
	else
		*apic_reg(APIC_EOI) = 0;
}

static bool on_self_ipi(struct trap_frame *f)
{
	taken++;
	eoi();
	return true;
}

/* Exits caused by `n` runs of `body` (the two counting VMCALLs taken out). */
static uint32_t exits_of(void (*body)(uint32_t n))
{
	uint32_t before = bench_exits();

	body(BENCH_N);
	return bench_exits() - before - 1;
}

static void x2_tpr(uint32_t n)
{
	while (n--)
		__asm__ volatile("wrmsr" : : "c"(X2APIC_MSR(APIC_TPR)), "a"(0), "d"(0));
}

static void x2_eoi(uint32_t n)
{
	while (n--)
		__asm__ volatile("wrmsr" : : "c"(X2APIC_MSR(APIC_EOI)), "a"(0), "d"(0));
}

static void x2_read(uint32_t n)
{
	uint32_t lo, hi;

	while (n--)
		__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(X2APIC_MSR(APIC_ID))); /* ID */
}

static void x2_self_ipi(uint32_t n)
{
	taken = 0;
	while (n--)
		__asm__ volatile("wrmsr" : : "c"(X2APIC_MSR(APIC_SELF_IPI)), "a"(VEC_SELF), "d"(0) : "memory");
}

static void xa_tpr(uint32_t n)
{
	while (n--)
		*apic_reg(APIC_TPR) = 0;
}

static void xa_eoi(uint32_t n)
{
	while (n--)
		*apic_reg(APIC_EOI) = 0;
}

static void xa_read(uint32_t n)
{
	while (n--)
		(void)*apic_reg(APIC_ID); /* ID */
}

static void measure_x2apic(uint64_t base)
{
	msr_write_safe(0x1b, base | (1u << 10));
	x2apic = true;
	msr_write_safe(X2APIC_MSR(APIC_SVR), 0x1ff);
	bench_result("exits per 1000 x2APIC TPR writes", exits_of(x2_tpr));
	bench_result("exits per 1000 x2APIC EOIs", exits_of(x2_eoi));
	bench_result("exits per 1000 x2APIC register reads", exits_of(x2_read));
	irq_enable();
	bench_result("exits per 1000 x2APIC self-IPIs (handled, with EOI)", exits_of(x2_self_ipi));
	irq_disable();
	bench_result("x2APIC self-IPIs handled", taken);
	msr_write_safe(0x1b, base & ~((1ull << 10) | (1ull << 11)));
	msr_write_safe(0x1b, base);
	x2apic = false;
}

void bench_apic_exits(void)
{
	uint64_t base = 0;

	trap_set_hook(VEC_SELF, on_self_ipi);
	msr_read_safe(0x1b, &base);
	*apic_reg(APIC_SVR) = 0x1ff;
	bench_result("exits per 1000 xAPIC TPR writes", exits_of(xa_tpr));
	bench_result("exits per 1000 xAPIC EOIs", exits_of(xa_eoi));
	bench_result("exits per 1000 xAPIC register reads", exits_of(xa_read));
	measure_x2apic(base);
	*apic_reg(APIC_SVR) = 0x1ff;
	trap_set_hook(VEC_SELF, 0);
}
