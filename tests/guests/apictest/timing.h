/* tests/guests/apictest/timing.h: time in TSC ticks. The hypervisor says its rates in CPUID leaf
 * 0x40000010 (EAX the TSC in kHz, EBX the APIC timer's base rate in kHz); without it (bare metal)
 * the TSC rate is assumed and the timer rate measured (timer_modes). Any vCPU after
 * timing_init() on vCPU 0. */
#ifndef GUEST_APICTEST_TIMING_H
#define GUEST_APICTEST_TIMING_H

#include <stdbool.h>
#include <stdint.h>

/* vCPU 0, once: reads the hypervisor's leaves. */
void timing_init(void);

/* True when the rates came from CPUID 0x40000010. */
bool timing_from_hypervisor(void);
uint32_t timing_tsc_khz(void);
uint32_t timing_apic_khz(void);
/* The APIC timer's rate as measured (bare metal). */
void timing_set_apic_khz(uint32_t khz);

uint64_t ms_to_ticks(uint32_t ms);
uint64_t us_to_ticks(uint32_t us);
/* APIC timer counts (divide by 1) in `ticks` TSC ticks, and back. */
uint32_t ticks_to_counts(uint64_t ticks);
uint64_t counts_to_ticks(uint32_t counts);

/* Spins until `ticks` have passed: no VM exits on the way. */
void delay_ticks(uint64_t ticks);
/* Spins until *p >= want or `ticks` have passed; true when *p got there. */
bool wait_count(const uint32_t *p, uint32_t want, uint64_t ticks);

#endif
