/* apic/vlapic_timer.c: the virtual APIC timer (Intel SDM Vol. 3A, 11.5.4 "APIC Timer"): one-shot
 * and periodic modes count the initial count down at the TSC rate divided by the divide
 * configuration; TSC-deadline mode fires when the TSC reaches IA32_TSC_DEADLINE (11.5.4.1). Pure:
 * the caller passes the TSC and arms its own host timer at vlapic_timer_next(). */
#include "apic/vlapic.h"
#include "apic/vlapic_priv.h"

/* DCR bits 3,1,0 (SDM Vol. 3A, Figure 11-10): 000 -> 2 ... 110 -> 128, 111 -> 1. */
uint64_t vlapic_timer_divisor(const struct vlapic *vl)
{
	uint32_t dcr = vlapic_reg(vl, APIC_TIMER_DIVIDE);
	uint32_t code = (dcr & 3) | ((dcr >> 1) & 4);

	return code == 7 ? 1 : 2ull << code;
}

static unsigned timer_mode(const struct vlapic *vl)
{
	return VLAPIC_TIMER_MODE(vlapic_reg(vl, APIC_LVT_TIMER));
}

void vlapic_timer_stop(struct vlapic *vl)
{
	vl->timer_fire = vl->timer_period = 0;
	vl->tsc_deadline = 0;
}

/* A write of the initial count (re)starts one-shot and periodic counting; 0 stops it. Ignored in
 * TSC-deadline mode. */
void vlapic_timer_load(struct vlapic *vl, uint32_t count, uint64_t now)
{
	if (timer_mode(vl) == TIMER_MODE_DEADLINE)
		return;
	vlapic_set_reg(vl, APIC_TIMER_INITIAL, count);
	vl->timer_period = (uint64_t)count * vlapic_timer_divisor(vl);
	vl->timer_fire = count ? now + vl->timer_period : 0;
}

/* A past-due expiry that has not been processed yet reads as processed: 0 for one-shot, and for
 * periodic the count of the period running now (the counter reloads at zero, SDM 11.5.4). */
uint32_t vlapic_timer_current(const struct vlapic *vl, uint64_t now)
{
	uint64_t left;

	if (timer_mode(vl) == TIMER_MODE_DEADLINE || !vl->timer_fire)
		return 0;
	if (now < vl->timer_fire)
		left = vl->timer_fire - now;
	else if (timer_mode(vl) == TIMER_MODE_PERIODIC && vl->timer_period)
		left = vl->timer_period - (now - vl->timer_fire) % vl->timer_period;
	else
		return 0;
	return (uint32_t)(left / vlapic_timer_divisor(vl));
}

/* The LVT timer changed: moving into or out of TSC-deadline mode disarms the timer (SDM
 * 11.5.4.1); one-shot <-> periodic keeps the count running. */
void vlapic_timer_lvt_written(struct vlapic *vl)
{
	bool was = vl->timer_mode == TIMER_MODE_DEADLINE;
	bool is = timer_mode(vl) == TIMER_MODE_DEADLINE;

	vl->timer_mode = (uint8_t)timer_mode(vl);
	if (was != is) {
		vlapic_timer_stop(vl);
		vlapic_set_reg(vl, APIC_TIMER_INITIAL, 0);
	}
}

/* The TSC the timer runs on moved by `delta` (a TSC write): one-shot and periodic counts go on
 * from where they were, as the APIC's own clock did not move; a TSC deadline stays the TSC value
 * it names (SDM Vol. 3A, 11.5.4.1). */
void vlapic_timer_clock_moved(struct vlapic *vl, uint64_t delta)
{
	if (vl->timer_fire && timer_mode(vl) != TIMER_MODE_DEADLINE)
		vl->timer_fire += delta;
}

uint64_t vlapic_tsc_deadline_read(const struct vlapic *vl)
{
	return timer_mode(vl) == TIMER_MODE_DEADLINE ? vl->tsc_deadline : 0;
}

void vlapic_tsc_deadline_write(struct vlapic *vl, uint64_t value, uint64_t now)
{
	if (timer_mode(vl) != TIMER_MODE_DEADLINE)
		return; /* SDM 11.5.4.1: ignored in the other modes */
	vl->tsc_deadline = value;
	vl->timer_fire = value;
}

bool vlapic_timer_due(struct vlapic *vl, uint64_t now)
{
	if (!vl->timer_fire || now < vl->timer_fire)
		return false;
	uint32_t lvt = vlapic_reg(vl, APIC_LVT_TIMER);
	if (!(lvt & APIC_LVT_MASKED))
		vlapic_accept(vl, (uint8_t)lvt, false);
	if (timer_mode(vl) == TIMER_MODE_PERIODIC && vl->timer_period) {
		vl->timer_fire += vl->timer_period;
		if (vl->timer_fire <= now) /* missed periods are one interrupt, as a busy APIC's */
			vl->timer_fire = now + vl->timer_period;
	} else {
		vl->timer_fire = 0;
		vl->tsc_deadline = 0;
	}
	return true;
}
