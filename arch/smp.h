/* arch/smp.h: starting the application processors. BSP, once, after mm and the local APIC. */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/bootinfo.h"

/* Start every CPU whose APIC id is listed (the BSP's own is skipped); returns how many CPUs are
 * online afterwards, the BSP included. CPUs that do not answer in time are logged and left out. */
unsigned smp_start_aps(const struct boot_info *bi, const uint32_t *apic_ids, unsigned n);

/* Hand `fn(arg)` to the idle CPU `cpu` and wake it; false if it is offline or still busy with
 * earlier work. fn runs on that CPU with interrupts off and may run for as long as it likes. */
bool smp_run_on(unsigned cpu, void (*fn)(void *), void *arg);

/* The idle loop of a CPU with nothing to do: runs work handed to it, otherwise halts. */
__attribute__((noreturn)) void smp_idle(void);

#endif
