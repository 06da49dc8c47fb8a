/* apic/apic_regs.h: the local APIC's register map, one table for the host driver (apic/lapic.c),
 * the virtual APIC (apic/vlapic*.c, vmx/) and the test guests (tests/guests/lib/apic.h): the xAPIC page
 * offsets (Intel SDM Vol. 3A, Table 11-1 "Local APIC Register Address Map") and the x2APIC MSR of
 * each (Table 11-6). Constants only: 32- and 64-bit code include it. */
#ifndef APIC_APIC_REGS_H
#define APIC_APIC_REGS_H

#include <stdint.h>

enum apic_reg {
	APIC_ID = 0x20,
	APIC_VERSION = 0x30,
	APIC_TPR = 0x80,
	APIC_APR = 0x90,
	APIC_PPR = 0xa0,
	APIC_EOI = 0xb0,
	APIC_RRD = 0xc0,
	APIC_LDR = 0xd0,
	APIC_DFR = 0xe0,
	APIC_SVR = 0xf0,
	APIC_ISR = 0x100, /* 8 registers, 0x10 apart, up to 0x170 */
	APIC_TMR = 0x180,
	APIC_IRR = 0x200,
	APIC_ESR = 0x280,
	APIC_LVT_CMCI = 0x2f0,
	APIC_ICR_LO = 0x300,
	APIC_ICR_HI = 0x310,
	APIC_LVT_TIMER = 0x320,
	APIC_LVT_THERMAL = 0x330,
	APIC_LVT_PMC = 0x340,
	APIC_LVT_LINT0 = 0x350,
	APIC_LVT_LINT1 = 0x360,
	APIC_LVT_ERROR = 0x370,
	APIC_TIMER_INITIAL = 0x380,
	APIC_TIMER_CURRENT = 0x390,
	APIC_TIMER_DIVIDE = 0x3e0,
	APIC_SELF_IPI = 0x3f0, /* x2APIC only (11.12.11) */
};

/* An x2APIC MSR is 0x800 + (offset >> 4). */
#define X2APIC_MSR(offset) (0x800u + ((uint32_t)(offset) >> 4))
#define X2APIC_MSR_FIRST 0x800u
#define X2APIC_MSR_LAST 0x8ffu

#define APIC_SVR_ENABLE (1u << 8)   /* software enable (11.9, Figure 11-23) */
#define APIC_LVT_MASKED (1u << 16)  /* LVT mask bit (11.5.1, Figure 11-8) */
/* The LVT timer's mode, bits 18:17 (11.5.1, Figure 11-8; 11.5.4). */
#define APIC_LVT_TIMER_ONESHOT (0u << 17)
#define APIC_LVT_TIMER_PERIODIC (1u << 17)
#define APIC_LVT_TIMER_TSC_DEADLINE (2u << 17)
/* Its deadline in TSC-deadline mode (11.5.4.1); 0 disarms. */
#define MSR_IA32_TSC_DEADLINE 0x6e0u

#endif
