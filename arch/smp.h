/* arch/smp.h: starting the application processors. BSP, once, after mm and the local APIC. */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include <stdint.h>

#include "boot/bootinfo.h"

/* Start every CPU whose APIC id is listed (the BSP's own is skipped); returns how many CPUs are
 * online afterwards, the BSP included. CPUs that do not answer in time are logged and left out. */
unsigned smp_start_aps(const struct boot_info *bi, const uint32_t *apic_ids, unsigned n);

#endif
