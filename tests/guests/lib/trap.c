/* tests/guests/lib/trap.c: the IDT (Intel SDM Vol. 3A, 6.11 "IDT Descriptors") and the dispatch of
 * every exception and interrupt. Any vCPU; dispatch runs with interrupts off (interrupt gates). */
#include "lib/array.h"
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/power.h"
#include "tests/guests/lib/smp.h"
#include "tests/guests/lib/trap.h"

#define IDT_VECTORS 256
#define SEL_CODE 0x08              /* entry.asm's GDT */
#define GATE_INTR32 0x8e00u         /* P=1, DPL=0, type 0xE: 32-bit interrupt gate (IF cleared) */

struct expectation {
	uint32_t armed, hit;
	uint32_t vector, insn_len;
};

extern const uint32_t trap_stubs[IDT_VECTORS]; /* trap_entry.asm */

static uint64_t idt[IDT_VECTORS] __attribute__((aligned(8)));
static trap_hook_fn hooks[IDT_VECTORS];
static struct expectation expect[GUEST_MAX_VCPUS];
static uint32_t in_fatal[GUEST_MAX_VCPUS];
static struct trap_catch catches[GUEST_MAX_VCPUS];

#define TRAP_NMI 2
#define TRAP_EXCEPTIONS 32 /* SDM Vol. 3A, 6.3.1: vectors 0..31 are the architecture's */

static uint64_t gate(uint32_t handler, unsigned dpl)
{
	uint32_t lo = (handler & 0xffff) | (SEL_CODE << 16);
	uint32_t hi = (handler & 0xffff0000) | GATE_INTR32 | (dpl & 3) << 13;

	return ((uint64_t)hi << 32) | lo;
}

void trap_load(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint32_t base;
	} idtr = { sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}

void trap_init(void)
{
	for (unsigned v = 0; v < IDT_VECTORS; v++)
		idt[v] = gate(trap_stubs[v], 0);
	trap_load();
}

void trap_set_gate(unsigned vector, void (*handler)(void), unsigned dpl)
{
	if (vector < IDT_VECTORS)
		idt[vector] = gate((uint32_t)(uintptr_t)handler, dpl);
}

void trap_set_hook(unsigned vector, trap_hook_fn fn)
{
	if (vector < IDT_VECTORS)
		__atomic_store_n(&hooks[vector], fn, __ATOMIC_RELEASE);
}

void trap_expect(unsigned vector, unsigned insn_len)
{
	struct expectation *e = &expect[smp_self()];

	e->vector = vector;
	e->insn_len = insn_len;
	e->hit = 0;
	/* The compiler must not move the arming past the instruction that follows. */
	__atomic_store_n(&e->armed, 1, __ATOMIC_SEQ_CST);
}

bool trap_expect_end(void)
{
	struct expectation *e = &expect[smp_self()];

	__atomic_store_n(&e->armed, 0, __ATOMIC_SEQ_CST);
	return __atomic_load_n(&e->hit, __ATOMIC_SEQ_CST);
}

static bool expected(struct trap_frame *f)
{
	struct expectation *e = &expect[smp_self()];

	if (!e->armed || e->vector != f->vector)
		return false;
	e->armed = 0;
	e->hit = 1;
	f->eip += e->insn_len;
	return true;
}

struct trap_catch *trap_catch_begin(void)
{
	struct trap_catch *c = &catches[smp_self()];

	c->at = c->to = 0;
	c->vector = TRAP_NONE;
	__atomic_store_n(&c->armed, 1, __ATOMIC_SEQ_CST);
	return c;
}

uint32_t trap_catch_end(struct trap_catch *c)
{
	__atomic_store_n(&c->armed, 0, __ATOMIC_SEQ_CST);
	return __atomic_load_n(&c->vector, __ATOMIC_SEQ_CST);
}

static bool caught(struct trap_frame *f)
{
	struct trap_catch *c = &catches[smp_self()];

	if (!c->armed || f->vector >= TRAP_EXCEPTIONS || f->vector == TRAP_NMI || f->eip != c->at)
		return false;
	c->armed = 0;
	c->vector = f->vector;
	f->eip = c->to;
	return true;
}

const char *trap_vector_name(uint32_t v)
{
	static const char *const names[] = {
		"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "vector 9",
		"#TS", "#NP", "#SS", "#GP", "#PF", "vector 15", "#MF", "#AC", "#MC", "#XM",
		"#VE", "#CP",
	};

	return v < ARRAY_SIZE(names) ? names[v] : "interrupt";
}

/* Nothing claimed the trap: say what and where, then stop this vCPU. vCPU 0 powers the VM off
 * on the way, so a crashed test ends the run instead of hanging it. A fault inside this path
 * (in_fatal) halts at once rather than recursing. */
static __attribute__((noreturn)) void trap_fatal(const struct trap_frame *f)
{
	unsigned self = smp_self();

	if (in_fatal[self]++)
		halt_forever();
	con_printf("unexpected %s (vector %u, error 0x%x) at EIP 0x%x on vCPU %u", trap_vector_name(f->vector),
		   f->vector, f->error, f->eip, self);
	con_printf("  EAX 0x%x EBX 0x%x ECX 0x%x EDX 0x%x ESI 0x%x EDI 0x%x EBP 0x%x EFLAGS 0x%x",
		   f->eax, f->ebx, f->ecx, f->edx, f->esi, f->edi, f->ebp, f->eflags);
	if (self == 0)
		power_off();
	halt_forever();
}

void trap_dispatch(struct trap_frame *f)
{
	trap_hook_fn hook;

	if (f->vector >= IDT_VECTORS)
		trap_fatal(f);
	if (expected(f) || caught(f))
		return;
	hook = __atomic_load_n(&hooks[f->vector], __ATOMIC_ACQUIRE);
	if (hook && hook(f))
		return;
	trap_fatal(f);
}
