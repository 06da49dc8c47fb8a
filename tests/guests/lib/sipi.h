/* tests/guests/lib/sipi.h: starting vCPUs the way an OS starts processors, with INIT and STARTUP
 * IPIs through the local APIC (Intel SDM Vol. 3A, 9.4.4 "MP Initialization Example"), instead of
 * the HC_START_VCPU hypercall of tests/guests/lib/smp.h. A STARTUP IPI with vector V starts the AP
 * in real mode at physical V * 0x1000; sipi_install() puts a trampoline there (sipi_tramp.asm) that
 * enters 32-bit protected mode and the library's AP entry with EAX = the AP's APIC id, which must
 * be its vCPU index (guest_ap_main(index) follows). vCPU 0 installs and sends; linked only into the
 * kernels that use it (guest/guest.mk). */
#ifndef GUEST_LIB_SIPI_H
#define GUEST_LIB_SIPI_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/guests/lib/smp.h"

/* How often the trampoline ran on each vCPU (by APIC id); it counts before it enters C. */
extern uint32_t sipi_entries[GUEST_MAX_VCPUS];

/* Copies the trampoline to the page of STARTUP vector `vector` (physical vector * 0x1000; page 0
 * included). False when that page is not below the 0x9f000 the guest's map calls usable. */
bool sipi_install(uint8_t vector);

/* One INIT IPI (level assert, ICR 0x4500) or one STARTUP IPI (ICR 0x4600 | vector) to the APIC
 * with physical id `apic_id`, in this vCPU's current APIC mode. The delays between them (10 ms
 * after INIT, 200 us after each STARTUP, 9.4.4.1) are the caller's. */
void sipi_send_init(uint32_t apic_id);
void sipi_send_startup(uint32_t apic_id, uint8_t vector);

#endif
