/* apic/vlapic.c: the virtual local APIC's registers, priorities and timer (see apic/vlapic.h).
 * Pure: no hardware access; the caller passes the TSC. */
#include "apic/vlapic.h"
#include "apic/vlapic_priv.h"
#include "lib/string.h"

const uint32_t vlapic_lvts[VLAPIC_NLVT] = { APIC_LVT_CMCI, APIC_LVT_TIMER,
					    APIC_LVT_THERMAL, APIC_LVT_PMC, APIC_LVT_LINT0,
					    APIC_LVT_LINT1, APIC_LVT_ERROR };

enum apic_mode vlapic_mode(const struct vlapic *vl)
{
	return apic_mode_of(vl->apic_base);
}

static bool x2apic_mode(const struct vlapic *vl)
{
	return vlapic_mode(vl) == APIC_MODE_X2APIC;
}

static bool sw_enabled(const struct vlapic *vl)
{
	return vlapic_reg(vl, APIC_SVR) & APIC_SVR_ENABLE;
}

/* ID and LDR in the form the mode gives them (SDM Vol. 3A, 11.4.6 and 11.12.5.1). */
static void set_identity(struct vlapic *vl)
{
	if (x2apic_mode(vl)) {
		vlapic_set_reg(vl, APIC_ID, vl->id);
		vlapic_set_reg(vl, APIC_LDR, x2apic_ldr(vl->id));
	} else {
		vlapic_set_reg(vl, APIC_ID, vl->id << 24);
	}
}

/* The power-up register state (SDM Vol. 3A, 11.4.7.1), which INIT also gives (11.4.7.3). */
static void power_up_registers(struct vlapic *vl)
{
	memset(vl->page, 0, 4096);
	vlapic_set_reg(vl, APIC_VERSION, VLAPIC_VERSION_VALUE);
	vlapic_set_reg(vl, APIC_DFR, 0xffffffffu);
	vlapic_set_reg(vl, APIC_SVR, 0xff);
	for (unsigned i = 0; i < VLAPIC_NLVT; i++)
		vlapic_set_reg(vl, vlapic_lvts[i], APIC_LVT_MASKED);
	vlapic_timer_stop(vl);
	vl->timer_mode = 0;
	vl->esr_pending = 0;
	vl->ipi_ready = false;
	vl->level_eoi_ready = false;
	set_identity(vl);
}

void vlapic_reset(struct vlapic *vl, uint8_t *page, uint32_t id, bool bsp)
{
	vl->page = page;
	vl->id = id;
	vl->apic_base = APIC_BASE_DEFAULT_ADDR | APIC_BASE_EN | (bsp ? APIC_BASE_BSP : 0);
	power_up_registers(vl);
}

void vlapic_init(struct vlapic *vl)
{
	power_up_registers(vl);
}

void vlapic_set_base(struct vlapic *vl, uint64_t apic_base)
{
	enum apic_mode from = vlapic_mode(vl);

	vl->apic_base = apic_base;
	enum apic_mode to = vlapic_mode(vl);
	if (to == from)
		return;
	if (to == APIC_MODE_DISABLED || from == APIC_MODE_DISABLED)
		power_up_registers(vl); /* SDM 11.4.3: re-enabled, it is as after power-up */
	else
		set_identity(vl); /* xAPIC -> x2APIC keeps the rest (SDM 11.12.5.1) */
}

/* Bit `v` of a 256-bit register (ISR, TMR, IRR): 8 dwords, 16 bytes apart. */
static uint32_t *vec_word(struct vlapic *vl, uint32_t base, unsigned v)
{
	return (uint32_t *)(vl->page + base + (v / 32) * 16);
}

static void vec_set(struct vlapic *vl, uint32_t base, unsigned v)
{
	*(volatile uint32_t *)vec_word(vl, base, v) |= 1u << (v % 32);
}

static void vec_clear(struct vlapic *vl, uint32_t base, unsigned v)
{
	*(volatile uint32_t *)vec_word(vl, base, v) &= ~(1u << (v % 32));
}

static bool vec_test(struct vlapic *vl, uint32_t base, unsigned v)
{
	return *(volatile uint32_t *)vec_word(vl, base, v) & (1u << (v % 32));
}

static int vec_highest(const struct vlapic *vl, uint32_t base)
{
	for (int w = 7; w >= 0; w--) {
		uint32_t bits = vlapic_reg(vl, base + (uint32_t)w * 16);
		if (bits)
			return w * 32 + 31 - __builtin_clz(bits);
	}
	return -1;
}

int vlapic_highest_irr(const struct vlapic *vl)
{
	return vec_highest(vl, APIC_IRR);
}

int vlapic_highest_isr(const struct vlapic *vl)
{
	return vec_highest(vl, APIC_ISR);
}

/* An error is logged, and shows in ESR after the next write to it (SDM Vol. 3A, 11.5.3: "This
 * write clears any previously logged errors and updates the ESR with any errors detected since
 * the last write"; Linux writes ESR before it reads it). */
void vlapic_set_error(struct vlapic *vl, uint32_t bit)
{
	vl->esr_pending |= bit;
}

void vlapic_accept(struct vlapic *vl, uint8_t vector, bool level)
{
	if (vlapic_mode(vl) == APIC_MODE_DISABLED || !sw_enabled(vl))
		return; /* SDM 11.4.7.2: a software-disabled APIC takes no fixed interrupts */
	if (vector < 16) {
		vlapic_set_error(vl, ESR_RECV_ILLEGAL_VECTOR);
		return;
	}
	vec_set(vl, APIC_IRR, vector);
	if (level)
		vec_set(vl, APIC_TMR, vector);
	else
		vec_clear(vl, APIC_TMR, vector);
}

void vlapic_virtualized_eoi(struct vlapic *vl, uint8_t vector)
{
	vlapic_update_ppr(vl);
}

uint32_t vlapic_update_ppr(struct vlapic *vl)
{
	uint32_t tpr = vlapic_reg(vl, APIC_TPR) & 0xff;
	int isrv = vlapic_highest_isr(vl);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
	uint32_t ppr = (tpr & 0xf0) >= isr_class ? tpr : isr_class;

	vlapic_set_reg(vl, APIC_PPR, ppr);
	return ppr;
}

void vlapic_set_tpr(struct vlapic *vl, uint8_t tpr)
{
	vlapic_set_reg(vl, APIC_TPR, tpr);
	vlapic_update_ppr(vl);
}

int vlapic_deliverable(struct vlapic *vl)
{
	if (vlapic_mode(vl) == APIC_MODE_DISABLED || !sw_enabled(vl))
		return -1;
	int v = vlapic_highest_irr(vl);
	if (v < 0 || ((uint32_t)v & 0xf0) <= (vlapic_update_ppr(vl) & 0xf0))
		return -1;
	return v;
}

void vlapic_ack(struct vlapic *vl, uint8_t vector)
{
	vec_clear(vl, APIC_IRR, vector);
	vec_set(vl, APIC_ISR, vector);
	vlapic_update_ppr(vl);
}

int vlapic_eoi(struct vlapic *vl)
{
	int v = vlapic_highest_isr(vl);

	if (v >= 0) {
		if (vec_test(vl, APIC_TMR, (unsigned)v)) {
			vl->level_eoi_ready = true;
			vl->level_eoi_vector = (uint8_t)v;
		}
		vec_clear(vl, APIC_ISR, (unsigned)v); /* TMR stays: the next acceptance sets it */
	}
	vlapic_update_ppr(vl);
	return v;
}
