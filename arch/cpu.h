/* arch/cpu.h: thin wrappers for x86 instructions: lib/x86.h's (ports, MSRs, CPUID, TSC,
 * interrupts, INVLPG) and the 64-bit ones (control registers, RFLAGS). Any CPU, any context. No
 * policy here: just the instructions, so the rest of the code reads as C. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/msr.h"
#include "lib/x86.h"


#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define EFER_NXE (1u << 11)

#define CR0_PE (1ul << 0)
#define CR0_EM (1ul << 2)
#define CR0_TS (1ul << 3)
#define CR0_WP (1ul << 16)
#define CR0_NW (1ul << 29)
#define CR0_CD (1ul << 30)
#define CR0_PG (1ul << 31)
#define CR4_PSE (1ul << 4)
#define CR4_PAE (1ul << 5)
#define CR4_PGE (1ul << 7)
#define CR4_OSFXSR (1ul << 9)
#define CR4_LA57 (1ul << 12)
#define CR4_PCIDE (1ul << 17)
#define CR4_VMXE (1ul << 13)
#define CR4_OSXSAVE (1ul << 18)
#define CR4_SMEP (1ul << 20)
#define CR4_SMAP (1ul << 21)
#define CR4_PKE (1ul << 22)
#define CR4_CET (1ul << 23)

#define RFLAGS_IF (1ul << 9)

X86_DEFINE_CR_ACCESSORS(0, uint64_t)
X86_DEFINE_CR_ACCESSORS(2, uint64_t)
X86_DEFINE_CR_ACCESSORS(3, uint64_t)
X86_DEFINE_CR_ACCESSORS(4, uint64_t)

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

/* XSETBV (SDM Vol. 2C): needs CR4.OSXSAVE; a value or index the CPU refuses is #GP. */
#ifndef HOST_TEST
static inline void xsetbv(uint32_t index, uint64_t value)
{
	__asm__ volatile("xsetbv" : : "c"(index), "a"((uint32_t)value),
			 "d"((uint32_t)(value >> 32)));
}
#else
void xsetbv(uint32_t index, uint64_t value); /* tests/unit/fake_hw.c records it */
#endif

static inline void halt(void)
{
	__asm__ volatile("hlt" ::: "memory");
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
