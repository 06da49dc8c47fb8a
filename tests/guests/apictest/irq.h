/* tests/guests/apictest/irq.h: every interrupt a vCPU takes is counted per vector per vCPU, with
 * the TSC at its handler; NMIs too. Tests reset the counts while every vCPU is idle, cause
 * interrupts and check the counts exactly. Any vCPU. */
#ifndef GUEST_APICTEST_IRQ_H
#define GUEST_APICTEST_IRQ_H

#include <stdint.h>

#include "tests/guests/apictest/apictest.h"

#define IRQ_VECTORS 256

extern uint32_t irq_count[APICTEST_MAX_VCPUS][IRQ_VECTORS];
extern uint64_t irq_tsc[APICTEST_MAX_VCPUS]; /* TSC when the last handler began */
extern uint32_t nmi_count[APICTEST_MAX_VCPUS];

/* vCPU 0, once: hooks vectors 32-255 and NMI (tests/guests/lib/trap.h). */
void irq_init(void);
/* Zeroes every count (no interrupt may be in flight). */
void irq_reset(void);

#endif
