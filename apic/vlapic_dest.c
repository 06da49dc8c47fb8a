/* apic/vlapic_dest.c: which vCPUs an IPI reaches (Intel SDM Vol. 3A, 11.6.2 "Determining IPI
 * Destination": physical and logical, flat and cluster models; 11.12.10 for x2APIC, where the
 * logical destination is a 16-bit cluster and a 16-bit member mask). Pure. */
#include "apic/vlapic.h"

static bool match_x2apic(const struct vlapic *t, uint32_t dest, bool logical, bool x2apic)
{
	if (dest == 0xffffffffu || (!x2apic && dest == 0xff))
		return true; /* broadcast; an xAPIC sender's 0xFF means the same */
	if (!logical)
		return dest == t->id;
	uint32_t ldr = vlapic_reg(t, APIC_LDR);
	return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
}

static bool match_xapic(const struct vlapic *t, uint32_t dest, bool logical)
{
	uint32_t d = dest & 0xff;

	if (d == 0xff)
		return true;
	if (!logical)
		return d == (t->id & 0xff);
	uint32_t ldr = vlapic_reg(t, APIC_LDR) >> 24;
	if ((vlapic_reg(t, APIC_DFR) >> 28) == 0xf)
		return ldr & d; /* flat: one bit per APIC */
	return (ldr >> 4) == (d >> 4) && (ldr & d & 0xf); /* cluster: 4-bit cluster, 4 members */
}

bool vlapic_match_dest(const struct vlapic *target, uint32_t dest, bool logical, bool x2apic)
{
	switch (vlapic_mode(target)) {
	case APIC_MODE_X2APIC:
		return match_x2apic(target, dest, logical, x2apic);
	case APIC_MODE_XAPIC:
		return match_xapic(target, dest, logical);
	default:
		return false;
	}
}
