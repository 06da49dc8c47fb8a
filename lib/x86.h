/* lib/x86.h: the x86 instructions that read the same in 64-bit and in 32-bit code (port I/O,
 * CPUID, RDTSC, RDMSR/WRMSR, PAUSE, CLI/STI/HLT), shared by the hypervisor (arch/cpu.h) and the
 * test guests (tests/guests/lib/cpu.h), which add what depends on the width. Ring 0. */
#ifndef LIB_X86_H
#define LIB_X86_H

#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* Raw: a refused MSR faults (#GP). The "memory" clobbers keep MSR accesses in order with memory
 * accesses, which x2APIC registers (ICR, EOI) need. */
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

#ifndef HOST_TEST
static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}
#else
/* The host unit tests' CPU (tests/unit/fake_hw.c): code under test sees the CPU a test sets up,
 * never the machine the tests run on. */
struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf);
#endif

/* The physical-address width, MAXPHYADDR: CPUID.80000008H:EAX[7:0], or 36 where the leaf is
 * missing (SDM Vol. 3A, 4.1.4 "Enumeration of Paging Features by CPUID"). */
static inline unsigned cpuid_maxphyaddr(void)
{
	if (cpuid(0x80000000u, 0).eax >= 0x80000008u)
		return cpuid(0x80000008u, 0).eax & 0xff;
	return 36;
}

#ifndef HOST_TEST
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
#else
uint64_t rdtsc(void); /* tests/unit/fake_hw.c */
#endif

/* read_crN() and write_crN() in the caller's register width: uint64_t in the hypervisor
 * (arch/cpu.h), uint32_t in the 32-bit test guests (tests/guests/lib/cpu.h). */
#define X86_DEFINE_CR_ACCESSORS(n, type)                                  \
	static inline type read_cr##n(void)                               \
	{                                                                 \
		type v;                                                   \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));         \
		return v;                                                 \
	}                                                                 \
	static inline void write_cr##n(type v)                            \
	{                                                                 \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

/* STI's one-instruction interrupt shadow (Intel SDM Vol. 2B, STI) covers the HLT, so an
 * interrupt that is already pending wakes the HLT instead of slipping in before it. */
static inline void irq_enable_and_halt(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}

#endif
