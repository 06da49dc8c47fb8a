/* apic/apic_base.h: the rules for a guest's writes to IA32_APIC_BASE, as one pure function
 * (Intel SDM Vol. 3A, 11.12.5 "x2APIC State Transitions", Figure "Local x2APIC State
 * Transitions"; 11.4.4 "Local APIC Status and Location"). It decides what a write means; vmx/
 * applies the decision to that vCPU alone. Host-tested over every pair of states. */
#ifndef APIC_APIC_BASE_H
#define APIC_APIC_BASE_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_DEFAULT_ADDR 0xfee00000ull

/* The value is IA32_APIC_BASE bits 11:10 (EN, EXTD). */
enum apic_mode {
	APIC_MODE_DISABLED = 0, /* EN=0, EXTD=0 */
	APIC_MODE_INVALID,      /* EN=0, EXTD=1: never a state, always #GP */
	APIC_MODE_XAPIC,        /* EN=1, EXTD=0 */
	APIC_MODE_X2APIC,       /* EN=1, EXTD=1 */
};

struct apic_base_write {
	bool gp;               /* raise #GP and change nothing */
	const char *why;       /* for the log, when gp */
	uint64_t value;        /* the new IA32_APIC_BASE (BSP kept from the old one) */
	enum apic_mode mode;   /* the mode after the write */
	bool relocated;        /* the base address differs from the architectural default */
};

enum apic_mode apic_mode_of(uint64_t apic_base);
const char *apic_mode_name(enum apic_mode m);

/* `current` is the vCPU's IA32_APIC_BASE, `requested` what WRMSR asks for. `maxphyaddr` bounds the
 * address; `x2apic` says whether the vCPU's CPUID offers x2APIC; a base below `ram_end` would put
 * the APIC over guest RAM and is refused. */
struct apic_base_write apic_base_check(uint64_t current, uint64_t requested, unsigned maxphyaddr,
				       bool x2apic, uint64_t ram_end);

/* The x2APIC logical destination derived from the x2APIC id (SDM Vol. 3A, 11.12.10.2
 * "Deriving Logical x2APIC ID from the Local x2APIC ID"): cluster in 31:16, bit in 15:0. */
static inline uint32_t x2apic_ldr(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 15));
}

#endif
