/* tests/guests/apictest/apictest.h: the APIC test guest's suites (one file each, README "Tests")
 * and what they share. vCPU 0 runs the suites one after another (main.c); a suite may give jobs to
 * the other vCPUs (ap.h), which it started itself with INIT-SIPI-SIPI (sipi.c). */
#ifndef GUEST_APICTEST_APICTEST_H
#define GUEST_APICTEST_APICTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/guests/lib/apic.h"

/* The vCPUs this guest tests: xAPIC logical flat mode names at most 8 (SDM Vol. 3A, 11.6.2.2). */
#define APICTEST_MAX_VCPUS 8

/* Interrupt vectors, each test its own (irq.c counts per vector per vCPU). A directed-IPI test
 * uses its base + the sender's index, so a count also says who sent it. */
#define VEC_KICK 0x21       /* wakes a halted vCPU that a test gave up on */
#define VEC_TIMER 0x40
#define VEC_LATENCY 0x41
#define VEC_EXITS 0x42
#define VEC_MIXED 0x50
#define VEC_MIXED_BCAST 0x51
#define VEC_X2APIC_SELF 0x52
#define VEC_DIRECT 0x60     /* + sender */
#define VEC_SHORT_SELF 0x70 /* + sender */
#define VEC_ALL_INCL 0x80   /* + sender */
#define VEC_ALL_EXCL 0x90   /* + sender */
#define VEC_BROADCAST 0xa0  /* + sender */
#define VEC_LOWEST 0xb0     /* + sender */
#define VEC_NOBODY 0xc0

/* IA32_TSC_DEADLINE (SDM Vol. 3A, 11.5.4.1) and CPUID.1:ECX/EDX bits (Vol. 2A, CPUID). */
#define MSR_TSC_DEADLINE 0x6e0u
#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID1_EDX_APIC (1u << 9)

/* The vCPUs under test: the VM's count (HC_VCPU_INFO, else the MADT), at most
 * APICTEST_MAX_VCPUS. */
extern uint32_t apictest_nvcpus;
/* True when VMCALL works (HC_VERSION answered): exit counts can be read. */
extern bool apictest_hv;

/* True when there are at least n vCPUs; else prints "skip NAME (needs n vCPUs)". */
bool need_vcpus(const char *name, unsigned n);

/* Puts this vCPU back the way every test starts: xAPIC mode (from x2APIC through disabled, SDM
 * 11.12.5), software-enabled, TPR 0, the timer stopped and masked. Interrupts as they were. */
void apic_restore_xapic(void);
/* Puts this vCPU in mode m (xAPIC, or x2APIC from xAPIC); false after a FAIL line NAME.mode.vcpuK
 * when its APIC is in neither (say, disabled for good). */
bool apic_enter(enum apic_mode m, const char *name, unsigned self);

/* The suites, in the order `test=all` runs them. sipi_start runs first whatever was asked. */
void suite_sipi(void);
void suite_base(void);
void suite_x2apic(void);
void suite_ipi(void);
void suite_timer(void);
void suite_exits(void);
void suite_init(void);

/* Parts of the IPI suite (ipi_*.c). */
void ipi_directed(void);
void ipi_shorthands(void);
void ipi_lowest_priority(void);
void ipi_nmi(void);
void ipi_mixed(void);

/* Parts of the timer suite (timer_*.c). */
void timer_modes(enum apic_mode m);
void timer_halt(void);

/* Part of the exits suite (latency.c). */
void exits_latency(void);

#endif
