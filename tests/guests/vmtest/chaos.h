/* tests/guests/vmtest/chaos.h: the hostile-guest suite (test=chaos seed=N ops=N kinds=...): on
 * every vCPU a seeded pseudo-random stream of privileged instructions of every kind the hypervisor
 * intercepts, each fault caught and skipped (trap_catch, tests/guests/lib/trap.h), then checks that
 * the guest's own state survived. What the parts share: the per-vCPU state, the PRNG and the asm
 * wrapper that brackets one instruction for the catch. */
#ifndef GUEST_VMTEST_CHAOS_H
#define GUEST_VMTEST_CHAOS_H

#include <stdbool.h>
#include <stdint.h>

#include "apic/apic_base.h"
#include "tests/guests/lib/trap.h"

/* The operation kinds (kinds= names them, in this order: chaos.c's table). */
enum chaos_kind {
	CK_MSR, CK_IO, CK_CPUID, CK_VMCALL, CK_APIC, CK_X2APIC, CK_APICBASE, CK_CR, CK_XSETBV,
	CK_CACHE, CK_RDPMC, CK_VMX, CK_MONITOR, CK_TSC, CK_HLT, CK_IPI, CK_COUNT
};

/* Vectors the checks wait for; random traffic (HC_WAKE, random IPIs) is over by then. */
#define CHAOS_VEC_TIMER 0x41
#define CHAOS_VEC_IPI 0x42
#define CHAOS_VEC_HLT 0x43 /* the HLT op's one-shot timer */

struct chaos_cpu {
	uint64_t rng;
	uint32_t ops;
	uint32_t faults[32];          /* caught exceptions by vector */
	uint32_t irqs;                /* interrupts taken, any vector */
	uint32_t hits[256];           /* interrupts taken by vector */
	uint32_t cr0, cr4;            /* as the guest last set them (read back after the write) */
	uint64_t efer;                /* likewise */
	uint32_t restore_failed;      /* a restoring write that faulted (reported as FAIL) */
	uint32_t hlt_unarmed;         /* HLTs not done: the timer's LVT would not unmask */
	enum apic_mode home;          /* the APIC mode this vCPU runs in between operations */
	bool xsave;                   /* CPUID.1:ECX.XSAVE */
};

/* This vCPU's state (any context: the interrupt hook too). */
struct chaos_cpu *chaos_self(void);

/* xorshift64* (Vigna, "An experimental exploration of Marsaglia's xorshift generators"): small,
 * and the same seed replays the same stream. */
static inline uint64_t chaos_rand64(struct chaos_cpu *c)
{
	uint64_t x = c->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	c->rng = x;
	return x * 0x2545f4914f6cdd1dull;
}

static inline uint32_t chaos_rand(struct chaos_cpu *c)
{
	return (uint32_t)(chaos_rand64(c) >> 32);
}

/* A number in [0, n); n > 0. 32-bit division: the guest has no 64-bit one. */
static inline uint32_t chaos_below(struct chaos_cpu *c, uint32_t n)
{
	return chaos_rand(c) % n;
}

/* One instruction under the catch: `at` and `to` are its first byte and the byte after it, so a
 * fault is skipped exactly, whatever the encoding's length. Use as
 *   struct trap_catch *t = trap_catch_begin();
 *   __asm__ volatile(CHAOS_INSN("rdmsr") : CHAOS_OUT(t), "=a"(lo), ... : ... : "memory");
 *   chaos_count(c, trap_catch_end(t));  */
#define CHAOS_INSN(insn) "movl $1f, %[at]\n\tmovl $2f, %[to]\n1:\t" insn "\n2:\n"
#define CHAOS_OUT(t) [at] "=m"((t)->at), [to] "=m"((t)->to)

/* Counts the vector trap_catch_end() returned; true when the instruction faulted. */
bool chaos_count(struct chaos_cpu *c, uint32_t vector);

/* Caught RDMSR/WRMSR: false on a fault (counted). */
bool chaos_rdmsr(struct chaos_cpu *c, uint32_t msr, uint64_t *v);
bool chaos_wrmsr(struct chaos_cpu *c, uint32_t msr, uint64_t v);

/* The operations, one per kind (chaos_ops.c, chaos_apic.c). */
void chaos_op_msr(struct chaos_cpu *c);
void chaos_op_io(struct chaos_cpu *c);
void chaos_op_cpuid(struct chaos_cpu *c);
void chaos_op_vmcall(struct chaos_cpu *c);
void chaos_op_cr(struct chaos_cpu *c);
void chaos_op_xsetbv(struct chaos_cpu *c);
void chaos_op_cache(struct chaos_cpu *c);
void chaos_op_rdpmc(struct chaos_cpu *c);
void chaos_op_vmx(struct chaos_cpu *c);
void chaos_op_monitor(struct chaos_cpu *c);
void chaos_op_tsc(struct chaos_cpu *c);
void chaos_op_apic(struct chaos_cpu *c);
void chaos_op_x2apic(struct chaos_cpu *c);
void chaos_op_apicbase(struct chaos_cpu *c);
void chaos_op_hlt(struct chaos_cpu *c);
void chaos_op_ipi(struct chaos_cpu *c);

/* A random write to APIC register `reg` (MMIO offset) through `write`, then the old value back
 * where the register keeps one: shared by the MMIO and x2APIC kinds (chaos_apic.c). */
void chaos_apic_reg_write(struct chaos_cpu *c, uint32_t reg, bool x2apic);

/* chaos_apic.c: the vCPU's APIC in its home mode, software-enabled, TPR 0; the interrupt hook
 * for vectors 32..255; the checks after the run. */
void chaos_apic_setup(struct chaos_cpu *c);
bool chaos_irq(struct trap_frame *f);
void chaos_apic_checks(struct chaos_cpu *c, unsigned self);

/* The vCPU count the suite runs on (the hypercall kind keeps HC_START_VCPU harmless with it). */
extern uint32_t chaos_nvcpus;

#endif
