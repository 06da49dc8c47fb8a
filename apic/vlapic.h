/* apic/vlapic.h: the virtual local APIC of one vCPU, as pure logic (host-tested). Its registers
 * live on the vCPU's virtual-APIC page at their xAPIC offsets (Intel SDM Vol. 3A, 11.4.1, Table
 * 11-1), which is where the CPU's APIC virtualization reads and writes them (SDM Vol. 3C, 30.1
 * "Virtual APIC State"), so the hardware fast paths and these emulated paths share one state.
 * vmx/ owns the page and calls in here only on the vCPU's own CPU in root mode (vmx/vcpu_owner.h);
 * interrupts from other vCPUs arrive through a separate request bitmap that vmx/ folds into IRR on
 * the owner's CPU (vlapic_accept()), so nothing here is ever written from another CPU.
 *
 * The timer counts at the TSC rate divided by the divide configuration (README, "The guest's
 * machine": the rate is in CPUID leaf 0x40000010 EBX, in kHz). Times are TSC values passed in. */
#ifndef APIC_VLAPIC_H
#define APIC_VLAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "apic/apic_base.h"
#include "lib/guest_abi.h"

#define VLAPIC_TIMER_MODE(lvt) (((lvt) >> 17) & 3) /* 0 one-shot, 1 periodic, 2 TSC-deadline */
/* Version register: version 0x14 (integrated APIC), 7 LVT entries (max LVT index 6), and
 * "suppress EOI broadcasts" not offered (bit 24 clear) (SDM Vol. 3A, 11.4.8). */
#define VLAPIC_VERSION_VALUE 0x00060014u

/* ICR fields (SDM Vol. 3A, 11.6.1, Figure 11-12). */
enum vlapic_delivery {
	VLAPIC_DM_FIXED = 0,
	VLAPIC_DM_LOWEST = 1,
	VLAPIC_DM_SMI = 2,
	VLAPIC_DM_NMI = 4,
	VLAPIC_DM_INIT = 5,
	VLAPIC_DM_SIPI = 6,
};
enum vlapic_shorthand {
	VLAPIC_SH_NONE = 0,
	VLAPIC_SH_SELF = 1,
	VLAPIC_SH_ALL = 2,      /* all including self */
	VLAPIC_SH_OTHERS = 3,   /* all excluding self */
};

/* An IPI the guest asked for by writing ICR (or SELF IPI); vmx/ delivers it to the vCPUs that
 * vlapic_match_dest() selects. */
struct vlapic_ipi {
	uint8_t vector;
	uint8_t delivery;  /* enum vlapic_delivery */
	uint8_t shorthand; /* enum vlapic_shorthand */
	bool logical;      /* destination mode */
	bool level_deassert; /* INIT level de-assert: a no-op on current CPUs (SDM 11.6.1) */
	uint32_t dest;     /* xAPIC: ICR bits 63:56; x2APIC: ICR bits 63:32 */
	bool x2apic;       /* the sender was in x2APIC mode (32-bit destination) */
};

struct vlapic {
	uint8_t *page;       /* the virtual-APIC page: 4 KiB, the register file */
	uint32_t id;         /* the APIC id (= the vCPU index in this VM) */
	uint64_t apic_base;  /* IA32_APIC_BASE */
	uint64_t tsc_deadline; /* IA32_TSC_DEADLINE as last written (0: disarmed) */
	uint64_t timer_fire;   /* TSC of the next timer interrupt; 0 when no timer runs */
	uint64_t timer_period; /* one-shot/periodic: TSC ticks of one full count */
	uint32_t esr_pending;  /* errors seen since the last ESR write, which latches them into
				* ESR (SDM Vol. 3A, 11.5.3 "Error Handling") */
	uint8_t timer_mode;    /* the LVT timer mode as last emulated: with APIC-register
				* virtualization the CPU stores a new LVT before the APIC-write
				* exit, so the old mode is only known here */
	/* Effects of the last write for vmx/ to carry out. */
	bool ipi_ready;
	struct vlapic_ipi ipi;
	/* An EOI ended a level-triggered interrupt (its TMR bit was set): vmx/ tells the I/O APIC,
	 * whose entry for that vector holds remote IRR until then. */
	bool level_eoi_ready;
	uint8_t level_eoi_vector;
};

/* Results of a register access. */
enum vlapic_access {
	VLAPIC_OK = 0,
	VLAPIC_GP,     /* raise #GP in the guest (x2APIC rules, SDM Vol. 3A, 11.12.1.2/11.12.1.3) */
	VLAPIC_IGNORED /* an xAPIC access to a reserved offset: reads 0, writes dropped (and ESR
			  reports "illegal register address") */
};

/* Power-on / RESET (SDM Vol. 3A, 11.4.7.1): IA32_APIC_BASE = 0xFEE00000 | EN | BSP (when bsp),
 * xAPIC mode, ID = id << 24, every other register in its power-up state (DFR all ones, SVR 0xFF,
 * LVTs masked, the rest 0). Clears the page. */
void vlapic_reset(struct vlapic *vl, uint8_t *page, uint32_t id, bool bsp);
/* INIT (SDM Vol. 3A, 11.4.7.3 and 11.12.5.1): like RESET, but IA32_APIC_BASE and so the mode,
 * and the APIC id are kept (in x2APIC mode the ID/LDR stay in their x2APIC form). */
void vlapic_init(struct vlapic *vl);
/* After a valid IA32_APIC_BASE write (apic_base_check() said so): record it and bring the
 * registers to the new mode: into x2APIC the ID register becomes the 32-bit x2APIC id and LDR
 * the derived logical id (SDM Vol. 3A, 11.12.5.1); to disabled, the registers return to their
 * power-up state (as vlapic_init()) and nothing is delivered until re-enabled. */
void vlapic_set_base(struct vlapic *vl, uint64_t apic_base);
enum apic_mode vlapic_mode(const struct vlapic *vl);

/* xAPIC MMIO: `offset` within the 4 KiB page, 4-byte aligned accesses to the low dword of a
 * 16-byte register (others: VLAPIC_IGNORED with ESR bit 7). Reads of the current count use `now`.
 * Writes of read-only registers are dropped (VLAPIC_OK, as hardware). */
enum vlapic_access vlapic_mmio_read(struct vlapic *vl, uint32_t offset, uint64_t now,
				    uint32_t *value);
enum vlapic_access vlapic_mmio_write(struct vlapic *vl, uint32_t offset, uint32_t value,
				     uint64_t now);

/* x2APIC MSRs 0x800-0x8ff (SDM Vol. 3A, 11.12.1.2, Table 11-6): reads of write-only or absent
 * registers, writes of read-only or absent ones, and writes with reserved bits set (ICR, SELF IPI,
 * TPR, SVR, LVTs, DCR) are VLAPIC_GP. ICR is one 64-bit register. Only in x2APIC mode (the caller
 * raises #GP for the whole range in other modes). */
enum vlapic_access vlapic_msr_read(struct vlapic *vl, uint32_t msr, uint64_t now, uint64_t *value);
enum vlapic_access vlapic_msr_write(struct vlapic *vl, uint32_t msr, uint64_t value, uint64_t now);

/* Whether RDMSR of this x2APIC MSR reads a register (not #GP). */
bool vlapic_x2apic_readable(uint32_t msr);

/* IA32_TSC_DEADLINE (SDM Vol. 3A, 11.5.4.1): armed only in TSC-deadline mode; 0 disarms. */
uint64_t vlapic_tsc_deadline_read(const struct vlapic *vl);
void vlapic_tsc_deadline_write(struct vlapic *vl, uint64_t value, uint64_t now);

/* Interrupt state. vlapic_accept() sets the vector's IRR bit (and TMR for level); vectors 0-15
 * are illegal and set ESR "receive illegal vector" instead. */
void vlapic_accept(struct vlapic *vl, uint8_t vector, bool level);
/* The highest vector in IRR, or -1. */
int vlapic_highest_irr(const struct vlapic *vl);
/* The highest vector in ISR, or -1. */
int vlapic_highest_isr(const struct vlapic *vl);
/* PPR from TPR and the highest ISR (SDM Vol. 3A, 11.8.3.1), also written to the PPR register. */
uint32_t vlapic_update_ppr(struct vlapic *vl);
/* A TPR write from any source (the register, or MOV to CR8 in a 64-bit guest), and PPR after. */
void vlapic_set_tpr(struct vlapic *vl, uint8_t tpr);
/* The vector the vCPU should take now: the highest IRR whose priority class is above PPR's,
 * if the APIC is enabled (global and software); -1 otherwise. */
int vlapic_deliverable(struct vlapic *vl);
/* The CPU took `vector` (injection): IRR -> ISR, PPR updated. */
void vlapic_ack(struct vlapic *vl, uint8_t vector);
/* EOI: clear the highest ISR bit; returns that vector or -1. A vector whose TMR bit is set (a
 * level-triggered interrupt) is left in level_eoi_vector with level_eoi_ready: the EOI the
 * I/O APIC hears of (SDM Vol. 3A, 11.8.4). TMR itself is not cleared: it changes only when the
 * next interrupt of that vector is accepted (11.8.4 "Interrupt Acceptance for Fixed
 * Interrupts"), as kvm-unit-tests' ioapic test checks. */
int vlapic_eoi(struct vlapic *vl);
/* The CPU did the EOI of `vector` itself (virtual-interrupt delivery cleared ISR and exited for
 * it, SDM Vol. 3C, 30.1.3): PPR follows. */
void vlapic_virtualized_eoi(struct vlapic *vl, uint8_t vector);

/* The timer: vlapic_timer_due() says whether it fired by `now` and, if it did, raises the LVT
 * timer vector (unless masked), re-arms a periodic timer and disarms a one-shot/deadline one. */
bool vlapic_timer_due(struct vlapic *vl, uint64_t now);
/* Its TSC moved by `delta` (the guest wrote the TSC or TSC_ADJUST). */
void vlapic_timer_clock_moved(struct vlapic *vl, uint64_t delta);
/* NMIs not yet taken after `arriving` more come to `pending`: the CPU latches one NMI while
 * another is blocked (SDM Vol. 3A, 6.7.1), so at most one waits while the guest's NMI handler
 * runs (`blocked`, NMI blocking) and two otherwise (one taken at once, one latched), as in KVM. */
static inline uint8_t vlapic_nmi_latch(uint8_t pending, uint32_t arriving, bool blocked)
{
	uint32_t n = pending + (arriving > 2 ? 2 : arriving), cap = blocked ? 1 : 2;

	return (uint8_t)(n > cap ? cap : n);
}
/* The TSC at which the timer next fires, 0 if none. */
static inline uint64_t vlapic_timer_next(const struct vlapic *vl)
{
	return vl->timer_fire;
}

/* Whether a vCPU with this APIC (in its current mode, ID, LDR and DFR) is a destination of an
 * IPI with destination `dest` (physical or logical) from a sender in x2APIC mode or not (SDM Vol.
 * 3A, 11.6.2 "Determining IPI Destination" and 11.12.10). Shorthands are the caller's, as is
 * "self". A disabled APIC matches nothing. */
bool vlapic_match_dest(const struct vlapic *target, uint32_t dest, bool logical, bool x2apic);

/* Register helpers on the page. */
static inline uint32_t vlapic_reg(const struct vlapic *vl, uint32_t offset)
{
	return *(const volatile uint32_t *)(vl->page + offset);
}
static inline void vlapic_set_reg(struct vlapic *vl, uint32_t offset, uint32_t value)
{
	*(volatile uint32_t *)(vl->page + offset) = value;
}

#endif
