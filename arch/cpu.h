/* arch/cpu.h: thin wrappers for x86 instructions (ports, MSRs, CPUID, control registers, TSC).
 * Any CPU, any context. No policy here: just the instructions, so the rest of the code reads as C. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

/* Architectural MSRs (Intel SDM Vol. 4, chapter 2). */
#define MSR_IA32_APIC_BASE 0x1b
#define MSR_IA32_FEATURE_CONTROL 0x3a
#define MSR_IA32_EFER 0xc0000080
#define MSR_IA32_FS_BASE 0xc0000100
#define MSR_IA32_GS_BASE 0xc0000101
#define MSR_IA32_KERNEL_GS_BASE 0xc0000102

#define EFER_LME (1u << 8)
#define EFER_NXE (1u << 11)

#define CR0_PE (1ul << 0)
#define CR0_WP (1ul << 16)
#define CR0_PG (1ul << 31)
#define CR4_PAE (1ul << 5)
#define CR4_PGE (1ul << 7)
#define CR4_VMXE (1ul << 13)
#define CR4_OSXSAVE (1ul << 18)
#define CR4_PKE (1ul << 22)

#define RFLAGS_IF (1ul << 9)

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

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_CR_ACCESSORS(n)                                          \
	static inline uint64_t read_cr##n(void)                         \
	{                                                               \
		uint64_t v;                                             \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));       \
		return v;                                               \
	}                                                               \
	static inline void write_cr##n(uint64_t v)                      \
	{                                                               \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
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

/* Enable interrupts and halt in one step: STI's one-instruction shadow means no interrupt can
 * slip in between and be missed before the HLT (Intel SDM Vol. 2B, STI). */
static inline void irq_enable_and_halt(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}

static inline void halt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline bool cpu_has_long_mode_nx(void)
{
	return cpuid(0x80000001, 0).edx & (1u << 20);
}

/* Halts this CPU for good with interrupts off; only NMI/SMI/INIT can still reach it. */
__attribute__((noreturn)) void cpu_halt_forever(void);

/* Whether we run under a hypervisor whose CPUID leaf 0x40000000 signature starts with
 * `signature` ("TCGTCGTCGTCG" for QEMU's TCG, "KVMKVMKVM" for KVM). */
bool cpu_hypervisor_is(const char *signature);

/* CPUID vendor string ("GenuineIntel", ...) into buf[13]. */
void cpu_vendor(char buf[13]);

#endif
