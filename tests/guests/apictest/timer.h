/* tests/guests/apictest/timer.h: what the parts of suite `timer` share. The timer interrupt is
 * VEC_TIMER; irq.c counts it and notes the TSC. Each vCPU for its own timer. */
#ifndef GUEST_APICTEST_TIMER_H
#define GUEST_APICTEST_TIMER_H

#include <stdbool.h>
#include <stdint.h>

/* The length of a one-shot count or a period, in TSC ticks: short, but many exits long. */
#define TIMER_PERIOD_MS 2
/* How much longer than due a timer may be and still pass: the only timing bound checked. */
#define TIMER_BOUND_FACTOR 100

/* Arms one-shot mode, divide by 1, `counts` counts; returns the TSC just before the start. */
uint64_t timer_oneshot_start(uint32_t counts);
/* Arms TSC-deadline mode (SDM 11.5.4.1) for TSC `deadline`. */
void timer_deadline_start(uint64_t deadline);
/* Masks the timer and stops it in every mode. */
void timer_stop(void);
/* CPUID.1:ECX.TSC_DEADLINE. */
bool timer_has_deadline(void);
/* Timer interrupts this vCPU has taken so far. */
uint32_t timer_fires(unsigned self);

#endif
