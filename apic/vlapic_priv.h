/* apic/vlapic_priv.h: what the files of the virtual APIC share and nobody else needs. */
#ifndef APIC_VLAPIC_PRIV_H
#define APIC_VLAPIC_PRIV_H

#include "apic/vlapic.h"

#define TIMER_MODE_PERIODIC 1
#define TIMER_MODE_DEADLINE 2

/* ESR bits (SDM Vol. 3A, 11.5.3, Figure 11-9). */
#define ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define ESR_RECV_ILLEGAL_VECTOR (1u << 6)
#define ESR_ILLEGAL_REGISTER (1u << 7)

/* The seven LVT registers (the version register says 7 entries). */
#define VLAPIC_NLVT 7
extern const uint32_t vlapic_lvts[VLAPIC_NLVT];

void vlapic_set_error(struct vlapic *vl, uint32_t bit);

uint64_t vlapic_timer_divisor(const struct vlapic *vl);
void vlapic_timer_stop(struct vlapic *vl);
void vlapic_timer_load(struct vlapic *vl, uint32_t count, uint64_t now);
uint32_t vlapic_timer_current(const struct vlapic *vl, uint64_t now);
void vlapic_timer_lvt_written(struct vlapic *vl);

#endif
