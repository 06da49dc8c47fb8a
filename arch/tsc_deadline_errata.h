/* arch/tsc_deadline_errata.h: the Intel CPUs whose TSC-deadline timer can fire at the wrong time
 * unless their microcode is new enough (the errata behind "APIC timer interrupt may not be
 * generated at the correct time in TSC-deadline mode", for instance after IA32_TSC_ADJUST was
 * written, which a firmware may do to line up the TSCs). Linux and Xen check the same list before
 * they use TSC-deadline mode. Pure (host-tested); the BSP asks once (arch/host_timer.c). */
#ifndef ARCH_TSC_DEADLINE_ERRATA_H
#define ARCH_TSC_DEADLINE_ERRATA_H

#include <stdint.h>

/* The lowest microcode revision that makes TSC-deadline mode reliable on the CPU with this
 * signature (CPUID.01H:EAX), or 0 when the CPU needs none. */
uint32_t tsc_deadline_min_microcode(uint32_t signature);

#endif
