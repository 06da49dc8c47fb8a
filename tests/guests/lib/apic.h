/* tests/guests/lib/apic.h: the local APIC as a guest kernel drives it (Intel SDM Vol. 3A, chapter
 * 11): IA32_APIC_BASE and the three modes it selects, register access in xAPIC mode (MMIO at
 * 0xfee00000, 11.4.1) and x2APIC mode (MSR 0x800 + offset / 16, 11.12.1.2), EOI and IPIs. Each vCPU
 * remembers its own mode (apic_mode()), so register access costs no RDMSR of IA32_APIC_BASE, which
 * could exit and disturb exit counts. Any vCPU, for its own APIC; mode changes run with interrupts
 * off, so a handler's EOI always takes the right path. Linked only into the kernels that use it
 * (guest/guest.mk). */
#ifndef GUEST_LIB_APIC_H
#define GUEST_LIB_APIC_H

#include <stdbool.h>
#include <stdint.h>

#include "apic/apic_base.h"
#include "lib/guest_abi.h"

/* SDM Vol. 3A, 11.4.4 "Local APIC Status and Location", Figure 11-5. */
#define MSR_APIC_BASE 0x1bu
#define APIC_BASE_ADDR_MASK 0xfffff000u
#define APIC_DEFAULT_BASE 0xfee00000u

/* SVR (11.9, Figure 11-23): the spurious vector this library programs. */
#define APIC_SPURIOUS_VECTOR 0xffu

#define APIC_TIMER_DIVIDE_BY_1 0xbu /* 11.5.4, Figure 11-10: 1011b */

/* ICR low half (11.6.1, Figure 11-12; in x2APIC mode 11.12.9, Figure 11-28). */
#define ICR_FIXED (0u << 8)
#define ICR_LOWEST (1u << 8)
#define ICR_NMI (4u << 8)
#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)
#define ICR_LOGICAL (1u << 11)
#define ICR_BUSY (1u << 12) /* delivery status, xAPIC only */
#define ICR_ASSERT (1u << 14)
#define ICR_SELF (1u << 18)
#define ICR_ALL_INCL (2u << 18)
#define ICR_ALL_EXCL (3u << 18)

/* The xAPIC physical broadcast destination and x2APIC's (11.6.2.1, 11.12.9). */
#define APIC_BROADCAST_XAPIC 0xffu
#define APIC_BROADCAST_X2APIC 0xffffffffu

/* The IA32_APIC_BASE value for a mode: enum apic_mode counts as bits 11:10 do. */
static inline uint64_t apic_base_with_mode(uint64_t base, enum apic_mode m)
{
	return (base & ~(uint64_t)(APIC_BASE_EN | APIC_BASE_EXTD)) | ((uint64_t)m << 10);
}


/* This vCPU's mode as last set through this file (or read by apic_mode_sync()). */
enum apic_mode apic_mode(void);
/* Reads IA32_APIC_BASE into the remembered mode: at start-up, and after an INIT. */
enum apic_mode apic_mode_sync(void);

/* WRMSR IA32_APIC_BASE = v with interrupts off; true when it did not #GP (then the remembered
 * mode is read back from the MSR). */
bool apic_base_write(uint64_t v);
/* RDMSR IA32_APIC_BASE; false when it #GPs. */
bool apic_base_read(uint64_t *v);
/* Keeps the address and BSP bit, changes the mode; false on #GP. */
bool apic_set_mode(enum apic_mode m);

/* A register in the current mode: MMIO at the default base, or its x2APIC MSR (low 32 bits).
 * A register the mode does not have faults: use the MSR helpers of tests/guests/lib/msr.h to test
 * that on purpose. */
uint32_t apic_read(enum apic_reg reg);
void apic_write(enum apic_reg reg, uint32_t v);

/* MMIO access at any address: one 32-bit MOV each (SDM 11.4.1 wants aligned 32-bit accesses). */
static inline uint32_t mmio_read32(uint32_t addr)
{
	uint32_t v;

	__asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(uint32_t addr, uint32_t v)
{
	__asm__ volatile("movl %0, (%1)" : : "r"(v), "r"(addr) : "memory");
}

/* This APIC's id: ID[31:24] in xAPIC mode, the 32-bit x2APIC id in x2APIC mode. */
uint32_t apic_id(void);

/* SVR = enable | spurious vector 0xff. */
void apic_sw_enable(void);

/* End of interrupt: EOI register = 0. */
void apic_eoi(void);

/* Sends an IPI: `icr` is the ICR's low half (vector, delivery mode, destination mode, level,
 * shorthand), `dest` the destination (an 8-bit xAPIC id or logical mask, a 32-bit x2APIC one).
 * xAPIC: waits (bounded) for the delivery status to be idle, writes ICR high, then ICR low, which
 * sends (11.6.1). x2APIC: one WRMSR of the 64-bit ICR (11.12.9). */
void apic_send_ipi(uint32_t dest, uint32_t icr);
/* The same without the xAPIC delivery-status wait: one write (two in xAPIC mode with a dest). */
void apic_send_ipi_nowait(uint32_t dest, uint32_t icr);

#endif
