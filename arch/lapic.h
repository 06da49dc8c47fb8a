/* arch/lapic.h: the host's own local APIC (Intel SDM Vol. 3A, chapter 11), in x2APIC mode when
 * the CPU has it, else xAPIC through the UC-mapped MMIO page. Each CPU calls lapic_init() on
 * itself; the BSP first, which picks the mode every CPU then uses. */
#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

void lapic_init(void);
bool lapic_ready(void);
bool lapic_x2apic(void);
uint32_t lapic_id(void);
uint64_t lapic_mmio_base(void);
void lapic_eoi(void);

/* INIT and STARTUP IPIs for AP start-up (SDM Vol. 3A, 9.4.4). */
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t page);
void lapic_send_fixed(uint32_t apic_id, uint8_t vector);
/* NMI to every other CPU (the fault path); returns nonzero when sent. */
unsigned lapic_send_nmi_others(void);
/* This CPU's timer: a periodic interrupt with `vector` at about `hz`. */
void lapic_timer_periodic(uint8_t vector, uint32_t hz);
/* TSC-deadline mode (SDM Vol. 3A, 11.5.4.1): whether this CPU has it; switching this CPU's timer
 * to it with `vector`, disarmed; and arming it for TSC value `tsc` (0 disarms). */
bool lapic_has_tsc_deadline(void);
void lapic_timer_deadline_mode(uint8_t vector);
void lapic_timer_deadline(uint64_t tsc);

#endif
