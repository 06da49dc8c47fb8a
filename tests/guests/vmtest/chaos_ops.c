/* tests/guests/vmtest/chaos_ops.c: the chaos suite's operations that do not touch the local APIC:
 * MSRs, port I/O, CPUID, VMCALL, control registers, XSETBV and the instructions the hypervisor
 * turns into #GP/#UD or emulates (cache flushes, RDPMC, VMX, MONITOR/MWAIT, RDTSC/RDTSCP). Each
 * runs one or a few instructions under the catch (chaos.h); what it changes that the guest relies
 * on is put back, except CR0/CR4/EFER, which the checks compare with what was last set. Any vCPU.
 * */
#include "lib/array.h"
#include "lib/guest_abi.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/vmtest/chaos.h"

#define MSR_APIC_BASE 0x1bu
#define MSR_EFER 0xc0000080u
#define CR0_PE (1u << 0)
#define CR0_PG (1u << 31)
#define CR4_OSXSAVE (1u << 18)

bool chaos_count(struct chaos_cpu *c, uint32_t vector)
{
	if (vector == TRAP_NONE)
		return false;
	c->faults[vector & 31]++;
	return true;
}

bool chaos_rdmsr(struct chaos_cpu *c, uint32_t msr, uint64_t *v)
{
	struct trap_catch *t = trap_catch_begin();
	uint32_t lo = 0, hi = 0;

	__asm__ volatile(CHAOS_INSN("rdmsr") : CHAOS_OUT(t), "+a"(lo), "+d"(hi) : "c"(msr)
			 : "memory");
	if (chaos_count(c, trap_catch_end(t)))
		return false;
	*v = ((uint64_t)hi << 32) | lo;
	return true;
}

bool chaos_wrmsr(struct chaos_cpu *c, uint32_t msr, uint64_t v)
{
	struct trap_catch *t = trap_catch_begin();

	__asm__ volatile(CHAOS_INSN("wrmsr") : CHAOS_OUT(t)
			 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
	return !chaos_count(c, trap_catch_end(t));
}

/* The ranges the brief names: architectural MSRs, PAT, FEATURE_CONTROL, SPEC_CTRL and friends,
 * TSC_DEADLINE, the x2APIC block, the AMD64 block from EFER on; and any 32-bit number. */
static uint32_t random_msr(struct chaos_cpu *c)
{
	switch (chaos_below(c, 8)) {
	case 0: case 1: return chaos_below(c, 0x200);
	case 2: return 0x277;
	case 3: return 0x3a;
	case 4: return 0x48 + chaos_below(c, 8);
	case 5: return chaos_below(c, 2) ? 0x6e0 : 0x800 + chaos_below(c, 0x100);
	case 6: return 0xc0000080 + chaos_below(c, 0x84);
	}
	return chaos_rand(c);
}

static uint64_t random_value(struct chaos_cpu *c, uint64_t old)
{
	switch (chaos_below(c, 4)) {
	case 0: return 0;
	case 1: return old ^ (1ull << chaos_below(c, 64));
	case 2: return chaos_rand(c);
	}
	return chaos_rand64(c);
}

/* Writes go back to the old value at once, with interrupts off in between, so no handler runs
 * with a changed MSR. Not written here: IA32_APIC_BASE (its own kind, which keeps the remembered
 * mode right) and the x2APIC block (the x2APIC kind, which keeps the APIC usable). EFER is left
 * as written: the checks compare it with what was last set. */
void chaos_op_msr(struct chaos_cpu *c)
{
	uint32_t msr = random_msr(c);
	uint64_t old = 0, v;
	bool readable = chaos_rdmsr(c, msr, &old), was_on = read_eflags() & EFLAGS_IF;

	if (chaos_below(c, 2) || msr == MSR_APIC_BASE ||
	    (msr >= X2APIC_MSR_FIRST && msr <= X2APIC_MSR_LAST))
		return;
	v = random_value(c, old);
	irq_disable();
	if (chaos_wrmsr(c, msr, v)) {
		if (msr == MSR_EFER)
			chaos_rdmsr(c, MSR_EFER, &c->efer);
		else if (readable && !chaos_wrmsr(c, msr, old))
			c->restore_failed++;
	}
	if (was_on)
		irq_enable();
}

/* Writes that would end the VM on purpose (reset at 0xcf9 and 0x64, ACPI PM1a at 0x600-0x607)
 * or garble the console (COM1) are left out; an access of `size` bytes covers port..port+size-1. */
static bool port_write_ok(uint32_t port, uint32_t size)
{
	static const uint16_t no[][2] = {
		{ 0x64, 0x64 }, { GUEST_PORT_PM1A_EVT, GUEST_PORT_PM1A_CNT + 3 },
		{ GUEST_PORT_RESET, GUEST_PORT_RESET }, { GUEST_PORT_COM1, GUEST_PORT_COM1 + 7 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(no); i++)
		if (port <= no[i][1] && no[i][0] <= port + size - 1)
			return false;
	return true;
}

static uint32_t random_port(struct chaos_cpu *c)
{
	switch (chaos_below(c, 4)) {
	case 0: return chaos_below(c, 0x100);
	case 1: return 0x3f0 + chaos_below(c, 0x20);
	case 2: return 0x600 + chaos_below(c, 0x10) + (chaos_below(c, 2) ? 0x6f0 : 0);
	}
	return chaos_rand(c) & 0xffff;
}

/* IN and OUT of each width; the string forms are not emulated (exit_io.c stops the VM with the
 * reason), so they are not sent. */
void chaos_op_io(struct chaos_cpu *c)
{
	uint32_t port = random_port(c), size = 1u << chaos_below(c, 3), v = chaos_rand(c);
	struct trap_catch *t;

	if (chaos_below(c, 2)) {
		if (!port_write_ok(port, size))
			return;
		t = trap_catch_begin();
		if (size == 1)
			__asm__ volatile(CHAOS_INSN("outb %%al, %%dx") : CHAOS_OUT(t)
					 : "a"(v), "d"(port) : "memory");
		else if (size == 2)
			__asm__ volatile(CHAOS_INSN("outw %%ax, %%dx") : CHAOS_OUT(t)
					 : "a"(v), "d"(port) : "memory");
		else
			__asm__ volatile(CHAOS_INSN("outl %%eax, %%dx") : CHAOS_OUT(t)
					 : "a"(v), "d"(port) : "memory");
	} else {
		t = trap_catch_begin();
		if (size == 1)
			__asm__ volatile(CHAOS_INSN("inb %%dx, %%al") : CHAOS_OUT(t), "+a"(v)
					 : "d"(port) : "memory");
		else if (size == 2)
			__asm__ volatile(CHAOS_INSN("inw %%dx, %%ax") : CHAOS_OUT(t), "+a"(v)
					 : "d"(port) : "memory");
		else
			__asm__ volatile(CHAOS_INSN("inl %%dx, %%eax") : CHAOS_OUT(t), "+a"(v)
					 : "d"(port) : "memory");
	}
	chaos_count(c, trap_catch_end(t));
}

void chaos_op_cpuid(struct chaos_cpu *c)
{
	static const uint32_t base[] = { 0, 0x40000000, 0x80000000 };
	uint32_t leaf = chaos_below(c, 4) ? base[chaos_below(c, 3)] + chaos_below(c, 0x20)
					  : chaos_rand(c);
	uint32_t sub = chaos_below(c, 2) ? chaos_below(c, 4) : chaos_rand(c), b, d;
	struct trap_catch *t = trap_catch_begin();

	__asm__ volatile(CHAOS_INSN("cpuid") : CHAOS_OUT(t), "+a"(leaf), "+c"(sub), "=b"(b), "=d"(d)
			 : : "memory");
	chaos_count(c, trap_catch_end(t));
}

/* Every call number the ABI has and random ones, with random arguments, except where a call could
 * derail the test itself: HC_START_VCPU only names vCPUs that already run (EBUSY) or none
 * (EINVAL), and HC_WAKE raises vectors that have handlers (any 32..255) or invalid ones. */
void chaos_op_vmcall(struct chaos_cpu *c)
{
	uint32_t nr = chaos_below(c, 4) ? chaos_below(c, 6) : chaos_rand(c);
	uint32_t a = chaos_rand(c), b = chaos_rand(c), d = chaos_rand(c);
	struct trap_catch *t;

	if (nr == HC_START_VCPU && a < 256 && a >= chaos_nvcpus)
		a = 256 + chaos_below(c, 1000);
	if (nr == HC_WAKE)
		a = chaos_below(c, 2) ? chaos_below(c, chaos_nvcpus) : a;
	if (nr == HC_WAKE && chaos_below(c, 2))
		b &= 0xff;
	t = trap_catch_begin();
	__asm__ volatile(CHAOS_INSN("vmcall") : CHAOS_OUT(t), "+a"(nr), "+b"(a), "+c"(b), "+d"(d)
			 : : "memory");
	chaos_count(c, trap_catch_end(t));
}

static bool write_cr(struct chaos_cpu *c, unsigned cr, uint32_t v)
{
	struct trap_catch *t = trap_catch_begin();

	if (cr == 0)
		__asm__ volatile(CHAOS_INSN("mov %[v], %%cr0") : CHAOS_OUT(t) : [v] "r"(v) : "memory");
	else if (cr == 3)
		__asm__ volatile(CHAOS_INSN("mov %[v], %%cr3") : CHAOS_OUT(t) : [v] "r"(v) : "memory");
	else
		__asm__ volatile(CHAOS_INSN("mov %[v], %%cr4") : CHAOS_OUT(t) : [v] "r"(v) : "memory");
	return !chaos_count(c, trap_catch_end(t));
}

/* A random CR0 flips MP, EM, TS, NE, WP, AM, NW, CD or a reserved bit and keeps PE set and PG
 * clear (the guest runs flat, without paging: real mode or paging would derail it), except for
 * PG=1 with PE=0, which must be #GP. CR4 takes any bit (VMXE, SMXE, PCIDE outside IA-32e mode,
 * reserved bits must be #GP). CR3 any value: without paging it is not used. */
void chaos_op_cr(struct chaos_cpu *c)
{
	static const uint8_t cr0_bits[] = { 1, 2, 3, 5, 16, 18, 29, 30, 6, 17, 28 };
	uint32_t v;

	switch (chaos_below(c, 3)) {
	case 0:
		v = read_cr0();
		for (unsigned i = chaos_below(c, 3) + 1; i; i--)
			v ^= 1u << cr0_bits[chaos_below(c, sizeof(cr0_bits))];
		v = (v | CR0_PE) & ~CR0_PG;
		if (!chaos_below(c, 16))
			v = (v & ~CR0_PE) | CR0_PG;
		if (write_cr(c, 0, v))
			c->cr0 = read_cr0();
		break;
	case 1:
		v = read_cr4() ^ (1u << chaos_below(c, 32));
		if (chaos_below(c, 2))
			v ^= 1u << chaos_below(c, 25);
		if (write_cr(c, 4, v))
			c->cr4 = read_cr4();
		break;
	default:
		write_cr(c, 3, chaos_rand(c));
	}
}

/* XSETBV needs CR4.OSXSAVE (else #UD): set it where the CPU has XSAVE, then a random XCR0 (valid
 * combinations of x87, SSE, AVX and the rest, invalid ones, other XCRs), then the old XCR0 back. */
void chaos_op_xsetbv(struct chaos_cpu *c)
{
	uint32_t idx = chaos_below(c, 4) ? 0 : chaos_below(c, 2) ? 1 : chaos_rand(c);
	uint64_t v = chaos_below(c, 2) ? chaos_below(c, 8) : chaos_rand64(c) >> chaos_below(c, 64);
	uint32_t lo = 1, hi = 0;
	struct trap_catch *t;

	if (c->xsave && !(read_cr4() & CR4_OSXSAVE) && write_cr(c, 4, read_cr4() | CR4_OSXSAVE))
		c->cr4 = read_cr4();
	if (read_cr4() & CR4_OSXSAVE)
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	t = trap_catch_begin();
	__asm__ volatile(CHAOS_INSN("xsetbv") : CHAOS_OUT(t)
			 : "c"(idx), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
	if (!chaos_count(c, trap_catch_end(t)) && idx == 0) {
		t = trap_catch_begin();
		__asm__ volatile(CHAOS_INSN("xsetbv") : CHAOS_OUT(t) : "c"(0), "a"(lo), "d"(hi)
				 : "memory");
		if (chaos_count(c, trap_catch_end(t)))
			c->restore_failed++;
	}
}

void chaos_op_cache(struct chaos_cpu *c)
{
	struct trap_catch *t = trap_catch_begin();

	if (chaos_below(c, 2))
		__asm__ volatile(CHAOS_INSN("invd") : CHAOS_OUT(t) : : "memory");
	else
		__asm__ volatile(CHAOS_INSN("wbinvd") : CHAOS_OUT(t) : : "memory");
	chaos_count(c, trap_catch_end(t));
}

void chaos_op_rdpmc(struct chaos_cpu *c)
{
	uint32_t idx = chaos_below(c, 2) ? chaos_below(c, 8) : chaos_rand(c), lo, hi;
	struct trap_catch *t = trap_catch_begin();

	__asm__ volatile(CHAOS_INSN("rdpmc") : CHAOS_OUT(t), "=a"(lo), "=d"(hi) : "c"(idx)
			 : "memory");
	chaos_count(c, trap_catch_end(t));
}

/* Every VMX instruction (CPUID hides VMX: each must be #UD, never run by the host), on a scratch
 * operand; VMFUNC too (no VM functions are enabled: #UD). */
void chaos_op_vmx(struct chaos_cpu *c)
{
	static uint64_t mem[2];
	uint32_t a = chaos_rand(c), b = chaos_rand(c);
	struct trap_catch *t;

	mem[0] = chaos_rand64(c);
	mem[1] = chaos_rand64(c);
	t = trap_catch_begin();
	switch (chaos_below(c, 12)) {
	case 0: __asm__ volatile(CHAOS_INSN("vmxon %[m]") : CHAOS_OUT(t) : [m] "m"(mem[0])); break;
	case 1: __asm__ volatile(CHAOS_INSN("vmxoff") : CHAOS_OUT(t)); break;
	case 2: __asm__ volatile(CHAOS_INSN("vmclear %[m]") : CHAOS_OUT(t) : [m] "m"(mem[0])); break;
	case 3: __asm__ volatile(CHAOS_INSN("vmptrld %[m]") : CHAOS_OUT(t) : [m] "m"(mem[0])); break;
	case 4: __asm__ volatile(CHAOS_INSN("vmptrst %[m]") : CHAOS_OUT(t), [m] "=m"(mem[0])); break;
	case 5: __asm__ volatile(CHAOS_INSN("vmread %[a], %[b]") : CHAOS_OUT(t), [b] "=r"(b)
				 : [a] "r"(a)); break;
	case 6: __asm__ volatile(CHAOS_INSN("vmwrite %[b], %[a]") : CHAOS_OUT(t)
				 : [a] "r"(a), [b] "r"(b)); break;
	case 7: __asm__ volatile(CHAOS_INSN("vmlaunch") : CHAOS_OUT(t)); break;
	case 8: __asm__ volatile(CHAOS_INSN("vmresume") : CHAOS_OUT(t)); break;
	case 9: __asm__ volatile(CHAOS_INSN("invept %[m], %[a]") : CHAOS_OUT(t)
				 : [m] "m"(mem), [a] "r"(a & 3)); break;
	case 10: __asm__ volatile(CHAOS_INSN("invvpid %[m], %[a]") : CHAOS_OUT(t)
				  : [m] "m"(mem), [a] "r"(a & 3)); break;
	default: __asm__ volatile(CHAOS_INSN(".byte 0x0f, 0x01, 0xd4") : CHAOS_OUT(t), "+a"(a)
				  : "c"(b)); break; /* VMFUNC */
	}
	chaos_count(c, trap_catch_end(t));
}

/* MONITOR and MWAIT are hidden in CPUID: #UD (an MWAIT that ran would put the vCPU to sleep). */
void chaos_op_monitor(struct chaos_cpu *c)
{
	static uint32_t line[16];
	struct trap_catch *t = trap_catch_begin();

	if (chaos_below(c, 2))
		__asm__ volatile(CHAOS_INSN("monitor") : CHAOS_OUT(t)
				 : "a"(line), "c"(0), "d"(0) : "memory");
	else
		__asm__ volatile(CHAOS_INSN("mwait") : CHAOS_OUT(t)
				 : "a"(chaos_rand(c) & 0xff), "c"(chaos_rand(c) & 1) : "memory");
	chaos_count(c, trap_catch_end(t));
}

void chaos_op_tsc(struct chaos_cpu *c)
{
	uint32_t lo, hi, aux;
	struct trap_catch *t = trap_catch_begin();

	if (chaos_below(c, 2))
		__asm__ volatile(CHAOS_INSN("rdtsc") : CHAOS_OUT(t), "=a"(lo), "=d"(hi) : : "memory");
	else
		__asm__ volatile(CHAOS_INSN("rdtscp") : CHAOS_OUT(t), "=a"(lo), "=d"(hi), "=c"(aux)
				 : : "memory");
	chaos_count(c, trap_catch_end(t));
}
