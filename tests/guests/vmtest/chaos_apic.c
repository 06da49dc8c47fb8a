/* tests/guests/vmtest/chaos_apic.c: the chaos suite's local-APIC operations (Intel SDM Vol. 3A,
 * chapter 11): xAPIC MMIO of every width and alignment, the x2APIC MSRs, IA32_APIC_BASE
 * transitions, HLT on an armed timer, IPIs; the interrupt hook; and the checks that the APIC still
 * works afterwards. The APIC must stay usable: no INIT, SIPI or NMI to anyone, ICR writes only
 * through the IPI kind, and whatever register a write changes gets its old value back. Any vCPU,
 * for its own APIC. */
#include "lib/array.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/spinlock.h"
#include "tests/guests/vmtest/chaos.h"

#define MSR_EFER 0xc0000080u
#define MSR_TSC_DEADLINE 0x6e0u
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define HLT_TRIES 1000u
#define CHECK_POLLS 20000000u
#define CHECK_TIMER_COUNT 20000u

/* Every vector 32..255 lands here: count it and end it. A spurious interrupt sets no ISR bit
 * (11.9), so it gets no EOI; but a fixed IPI may carry the spurious vector too (the random IPIs
 * do), and that one is in service and needs its EOI like any other: the ISR tells them apart.
 * The remembered mode is right here: mode switches run with interrupts off
 * (chaos_op_apicbase). */
bool chaos_irq(struct trap_frame *f)
{
	struct chaos_cpu *c = chaos_self();
	uint32_t vec = f->vector & 0xff;

	c->irqs++;
	c->hits[vec]++;
	if (vec != APIC_SPURIOUS_VECTOR ||
	    (apic_read((enum apic_reg)(APIC_ISR + vec / 32 * 0x10)) & (1u << (vec % 32))))
		apic_eoi();
	return true;
}

/* From whatever state the APIC is in to the vCPU's home mode (via disabled and xAPIC, the only
 * valid path, 11.12.5), software-enabled, TPR 0, timer masked. Interrupts off meanwhile. */
void chaos_apic_setup(struct chaos_cpu *c)
{
	bool was_on = read_eflags() & EFLAGS_IF;

	irq_disable();
	if (apic_mode_sync() != c->home) {
		if (apic_mode() == APIC_MODE_X2APIC)
			apic_set_mode(APIC_MODE_DISABLED);
		if (apic_mode() == APIC_MODE_DISABLED)
			apic_set_mode(APIC_MODE_XAPIC);
		if (c->home == APIC_MODE_X2APIC)
			apic_set_mode(APIC_MODE_X2APIC);
	}
	apic_sw_enable();
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	if (was_on)
		irq_enable();
}

static bool reg_read(struct chaos_cpu *c, uint32_t reg, bool x2apic, uint32_t *v)
{
	uint64_t m = 0;

	if (!x2apic) {
		*v = mmio_read32(APIC_DEFAULT_BASE + reg);
		return true;
	}
	if (!chaos_rdmsr(c, X2APIC_MSR(reg), &m))
		return false;
	*v = (uint32_t)m;
	return true;
}

static bool reg_write(struct chaos_cpu *c, uint32_t reg, bool x2apic, uint32_t v)
{
	if (!x2apic) {
		mmio_write32(APIC_DEFAULT_BASE + reg, v);
		return true;
	}
	return chaos_wrmsr(c, X2APIC_MSR(reg), v);
}

/* The registers a write changes for good, which get their old value back: the rest are
 * read-only (ignored in xAPIC mode, #GP in x2APIC mode), write-only actions that do no harm
 * (EOI with nothing in service, ESR, SELF IPI of a random vector) or absent. */
static bool reg_keeps_value(uint32_t reg)
{
	static const uint16_t kept[] = {
		APIC_ID, APIC_TPR, APIC_LDR, APIC_DFR, APIC_SVR, APIC_LVT_CMCI, APIC_ICR_HI,
		APIC_LVT_TIMER, APIC_LVT_THERMAL, APIC_LVT_PMC, APIC_LVT_LINT0, APIC_LVT_LINT1,
		APIC_LVT_ERROR, APIC_TIMER_INITIAL, APIC_TIMER_DIVIDE,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(kept); i++)
		if (kept[i] == reg)
			return true;
	return false;
}

void chaos_apic_reg_write(struct chaos_cpu *c, uint32_t reg, bool x2apic)
{
	bool was_on = read_eflags() & EFLAGS_IF, keep = reg_keeps_value(reg);
	uint32_t old = 0;

	if (reg == APIC_ICR_LO)
		return; /* IPIs go through chaos_op_ipi, which sends no INIT, SIPI or NMI */
	irq_disable();
	if (keep && !reg_read(c, reg, x2apic, &old))
		keep = false;
	if (reg_write(c, reg, x2apic, chaos_rand(c)) && keep && !reg_write(c, reg, x2apic, old))
		c->restore_failed++;
	if (was_on)
		irq_enable();
}

/* A write the APIC ignores (11.4.1: only aligned 32-bit accesses are defined), and then the
 * register's old value back: a CPU with APIC-register virtualization may still put such bytes in
 * the virtual-APIC page and report an APIC write (Bochs does), which for the ICR would send
 * whatever the bytes say (INIT, NMI: seen here as "IPI with delivery mode 3"), so never there. */
static void odd_write(struct chaos_cpu *c, uint32_t a, uint32_t size, uint32_t v)
{
	uint32_t reg = (a - APIC_DEFAULT_BASE) & ~0xfu, old = 0;
	bool was_on = read_eflags() & EFLAGS_IF, x = apic_mode() == APIC_MODE_XAPIC;
	bool keep = x && reg_keeps_value(reg);

	if (x && (reg == APIC_ICR_LO || reg == APIC_ICR_HI))
		return;
	irq_disable();
	if (keep)
		old = mmio_read32(APIC_DEFAULT_BASE + reg);
	if (size == 1)
		__asm__ volatile("movb %b0, (%1)" : : "q"(v), "r"(a) : "memory");
	else if (size == 2)
		__asm__ volatile("movw %w0, (%1)" : : "r"(v), "r"(a) : "memory");
	else
		__asm__ volatile("movl %0, (%1)" : : "r"(v), "r"(a) : "memory");
	if (keep)
		mmio_write32(APIC_DEFAULT_BASE + reg, old);
	if (was_on)
		irq_enable();
}

/* MMIO at 0xfee00000 + any offset, 1, 2 or 4 bytes, in any mode (in x2APIC mode the page is no
 * APIC: 11.12.1.2); aligned 32-bit writes go through the register policy above, the other writes
 * (which the APIC ignores, 11.4.1) take any value. */
void chaos_op_apic(struct chaos_cpu *c)
{
	uint32_t size = 1u << chaos_below(c, 3), off = chaos_below(c, 0x1000) & ~(size - 1);
	uint32_t a = APIC_DEFAULT_BASE + (chaos_below(c, 2) ? off : (off & ~0xfu)), v = chaos_rand(c);

	if (chaos_below(c, 2)) {
		if (size == 1)
			__asm__ volatile("movb (%1), %b0" : "=q"(v) : "r"(a) : "memory");
		else if (size == 2)
			__asm__ volatile("movw (%1), %w0" : "=r"(v) : "r"(a) : "memory");
		else
			v = mmio_read32(a);
		return;
	}
	if (size == 4 && !(a & 0xf) && apic_mode() == APIC_MODE_XAPIC) {
		chaos_apic_reg_write(c, a - APIC_DEFAULT_BASE, false);
		return;
	}
	if (size == 4 && !(a & 3))
		return; /* x2APIC mode: the page is no APIC, but were it taken as one, such a write
			 * at the ICR could send INIT or NMI; reads and odd writes test that path */
	odd_write(c, a, size, v);
}

/* RDMSR/WRMSR of 0x800-0x8ff in any mode (#GP in xAPIC mode; absent or read-only registers #GP in
 * x2APIC mode, 11.12.1.2). */
void chaos_op_x2apic(struct chaos_cpu *c)
{
	uint32_t msr = X2APIC_MSR_FIRST + chaos_below(c, 0x100);
	uint64_t v;

	if (chaos_below(c, 2))
		chaos_rdmsr(c, msr, &v);
	else
		chaos_apic_reg_write(c, (msr - X2APIC_MSR_FIRST) << 4, true);
}

/* The old IA32_APIC_BASE back through the only valid path: disabled, xAPIC, x2APIC (11.12.5). */
static void apicbase_restore(struct chaos_cpu *c, uint64_t old)
{
	uint64_t now = 0;

	chaos_wrmsr(c, MSR_APIC_BASE, old & ~(uint64_t)(APIC_BASE_EN | APIC_BASE_EXTD));
	if (old & APIC_BASE_EN)
		chaos_wrmsr(c, MSR_APIC_BASE, old & ~(uint64_t)APIC_BASE_EXTD);
	if (old & APIC_BASE_EXTD)
		chaos_wrmsr(c, MSR_APIC_BASE, old);
	if (!chaos_rdmsr(c, MSR_APIC_BASE, &now) || now != old)
		c->restore_failed++;
}

/* A random transition (any of the four EN/EXTD states, sometimes another base, the BSP bit
 * flipped, a reserved bit or an address past MAXPHYADDR: the invalid ones must be #GP), then the
 * vCPU's own state back, with interrupts off throughout so no handler sees a half-switched APIC. */
void chaos_op_apicbase(struct chaos_cpu *c)
{
	bool was_on = read_eflags() & EFLAGS_IF;
	uint64_t old = 0, v;

	if (!chaos_rdmsr(c, MSR_APIC_BASE, &old))
		return;
	v = apic_base_with_mode(old, (enum apic_mode)chaos_below(c, 4));
	if (!chaos_below(c, 4))
		v = (v & 0xfff) | ((chaos_below(c, 2) ? chaos_rand64(c) : chaos_rand(c)) & ~0xfffull);
	if (!chaos_below(c, 8))
		v ^= APIC_BASE_BSP;
	if (!chaos_below(c, 8))
		v ^= 1ull << (chaos_below(c, 2) ? chaos_below(c, 8) : 63 - chaos_below(c, 16));
	irq_disable();
	if (chaos_wrmsr(c, MSR_APIC_BASE, v) && v != old) {
		apicbase_restore(c, old);
		chaos_apic_setup(c);
	}
	if (was_on)
		irq_enable();
}

/* HLT with interrupts on and the APIC timer armed (one-shot, or TSC-deadline where CPUID has
 * it): the vCPU must come back. Other interrupts may wake it first, so it halts again until its
 * timer's came (bounded: a timer that never fires shows as a hang of the whole run). */
void chaos_op_hlt(struct chaos_cpu *c)
{
	uint32_t before = atomic_load(&c->hits[CHAOS_VEC_HLT]), count = 200 + chaos_below(c, 5000);
	bool deadline = (cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE) && chaos_below(c, 3) == 0;

	irq_disable();
	apic_write(APIC_TIMER_DIVIDE, APIC_TIMER_DIVIDE_BY_1);
	if (deadline) {
		apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_TSC_DEADLINE | CHAOS_VEC_HLT);
		wrmsr(MSR_TSC_DEADLINE, rdtsc() + count);
	} else {
		apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_ONESHOT | CHAOS_VEC_HLT);
		apic_write(APIC_TIMER_INITIAL, count);
	}
	/* A timer the APIC did not take (LVT masked: the APIC software-disabled by an operation
	 * that did not restore it) would halt the vCPU for good: counted instead, a FAIL later. */
	if (apic_read(APIC_LVT_TIMER) & APIC_LVT_MASKED) {
		c->hlt_unarmed++;
		irq_enable();
		return;
	}
	for (unsigned i = 0; i < HLT_TRIES && atomic_load(&c->hits[CHAOS_VEC_HLT]) == before; i++) {
		irq_enable_and_halt();
		irq_disable();
	}
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	irq_enable();
}

/* Fixed or lowest-priority IPIs of a random vector (32..255 have handlers; 0..15 are illegal and
 * only set ESR, 11.5.3) to self, everyone, everyone else or a random APIC id. */
void chaos_op_ipi(struct chaos_cpu *c)
{
	static const uint32_t shorthand[] = { ICR_SELF, ICR_SELF, ICR_ALL_INCL, ICR_ALL_EXCL, 0 };
	uint32_t vec = chaos_below(c, 8) ? 32 + chaos_below(c, 224) : chaos_below(c, 16);
	uint32_t icr = vec | ICR_ASSERT | shorthand[chaos_below(c, 5)];
	uint32_t dest = chaos_below(c, 2) ? chaos_below(c, chaos_nvcpus) : chaos_rand(c) & 0xff;

	if (!(icr & ICR_SELF) && !chaos_below(c, 4))
		icr |= ICR_LOWEST;
	if (apic_mode() == APIC_MODE_X2APIC) {
		if (chaos_below(c, 2) && (icr & ICR_SELF))
			chaos_wrmsr(c, X2APIC_MSR(APIC_SELF_IPI), vec);
		else
			chaos_wrmsr(c, X2APIC_MSR(APIC_ICR_LO), ((uint64_t)dest << 32) | icr);
	} else if (apic_mode() == APIC_MODE_XAPIC) {
		apic_send_ipi(dest, icr);
	}
}

static bool wait_hit(struct chaos_cpu *c, unsigned vec, uint32_t before)
{
	for (uint32_t i = 0; i < CHECK_POLLS; i++) {
		if (atomic_load(&c->hits[vec]) != before)
			return true;
		cpu_relax();
	}
	return false;
}

static void check_timer_and_ipi(struct chaos_cpu *c, unsigned self)
{
	char n[CHECK_NAME_MAX];
	uint32_t before = atomic_load(&c->hits[CHAOS_VEC_TIMER]);

	apic_write(APIC_TIMER_DIVIDE, APIC_TIMER_DIVIDE_BY_1);
	apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_ONESHOT | CHAOS_VEC_TIMER);
	apic_write(APIC_TIMER_INITIAL, CHECK_TIMER_COUNT);
	check_int(check_name(n, "chaos.timer.vcpu%u", self), "one-shot APIC timer interrupt taken",
		  wait_hit(c, CHAOS_VEC_TIMER, before), 1);
	before = atomic_load(&c->hits[CHAOS_VEC_IPI]);
	apic_send_ipi(0, ICR_SELF | ICR_ASSERT | CHAOS_VEC_IPI);
	check_int(check_name(n, "chaos.selfipi.vcpu%u", self), "self-IPI taken",
		  wait_hit(c, CHAOS_VEC_IPI, before), 1);
}

/* After the run, on each vCPU with interrupts on: its APIC in its mode with the right ID, its
 * timer and a self-IPI delivered, CR0/CR4/EFER as it last set them, every restore done. */
void chaos_apic_checks(struct chaos_cpu *c, unsigned self)
{
	char n[CHECK_NAME_MAX];
	uint64_t efer = 0;

	check_int(check_name(n, "chaos.mode.vcpu%u", self), "APIC mode (0 off, 2 xAPIC, 3 x2APIC)",
		  apic_mode_sync(), c->home);
	check_hex(check_name(n, "chaos.id.vcpu%u", self), "APIC ID register", apic_id(), self);
	check_timer_and_ipi(c, self);
	check_hex(check_name(n, "chaos.cr0.vcpu%u", self), "CR0 as last set", read_cr0(), c->cr0);
	check_hex(check_name(n, "chaos.cr4.vcpu%u", self), "CR4 as last set", read_cr4(), c->cr4);
	chaos_rdmsr(c, MSR_EFER, &efer);
	check_hex64(check_name(n, "chaos.efer.vcpu%u", self), "EFER as last set", efer, c->efer);
	check_int(check_name(n, "chaos.restore.vcpu%u", self), "restoring writes that faulted",
		  (int32_t)c->restore_failed, 0);
	check_int(check_name(n, "chaos.hlt.vcpu%u", self), "HLTs skipped, the timer masked",
		  (int32_t)c->hlt_unarmed, 0);
}
