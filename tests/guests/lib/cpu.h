/* tests/guests/lib/cpu.h: thin wrappers for the x86 instructions the guest kernels use: lib/x86.h's
 * (ports, MSRs, CPUID, TSC, interrupts) and the 32-bit ones (CR4, EFLAGS, halt). 32-bit protected
 * mode, ring 0, any vCPU. The raw MSR accessors fault (#GP) on an MSR the machine refuses: use
 * the msr_*_safe() of tests/guests/lib/msr.h for those. */
#ifndef GUEST_LIB_CPU_H
#define GUEST_LIB_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/x86.h"

#define EFLAGS_IF (1u << 9)

X86_DEFINE_CR_ACCESSORS(0, uint32_t)
X86_DEFINE_CR_ACCESSORS(3, uint32_t)
X86_DEFINE_CR_ACCESSORS(4, uint32_t)

static inline uint32_t read_eflags(void)
{
	uint32_t f;

	__asm__ volatile("pushfl; popl %0" : "=r"(f));
	return f;
}

/* Stops this vCPU for good: interrupts off, then HLT (again, should anything wake it). */
static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" : : : "memory");
}

/* This vCPU's initial APIC id: CPUID.1:EBX[31:24] (Intel SDM Vol. 2A, CPUID). */
static inline unsigned cpu_apic_id(void)
{
	return cpuid(1, 0).ebx >> 24;
}

#endif
