/* apic/vlapic_priv.h: what the files of the virtual APIC share and nobody else needs. */
#ifndef APIC_VLAPIC_PRIV_H
#define APIC_VLAPIC_PRIV_H

#include "apic/vlapic.h"

#define TIMER_MODE_PERIODIC 1
#define TIMER_MODE_DEADLINE 2

uint64_t vlapic_timer_divisor(const struct vlapic *vl);
void vlapic_timer_stop(struct vlapic *vl);
void vlapic_timer_load(struct vlapic *vl, uint32_t count, uint64_t now);
uint32_t vlapic_timer_current(const struct vlapic *vl, uint64_t now);
void vlapic_timer_lvt_written(struct vlapic *vl);

#endif
