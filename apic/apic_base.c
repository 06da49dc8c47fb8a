/* apic/apic_base.c: IA32_APIC_BASE write rules (see apic/apic_base.h). Pure. */
#include "apic/apic_base.h"

enum apic_mode apic_mode_of(uint64_t v)
{
	bool en = v & APIC_BASE_EN, extd = v & APIC_BASE_EXTD;

	return en ? (extd ? APIC_MODE_X2APIC : APIC_MODE_XAPIC)
		  : (extd ? APIC_MODE_INVALID : APIC_MODE_DISABLED);
}

const char *apic_mode_name(enum apic_mode m)
{
	static const char *const names[] = { "disabled", "invalid", "xAPIC", "x2APIC" };

	return m <= APIC_MODE_X2APIC ? names[m] : "?";
}

static struct apic_base_write refuse(const char *why)
{
	return (struct apic_base_write){ .gp = true, .why = why };
}

/* The transitions the SDM allows; everything else (x2APIC -> xAPIC, disabled -> x2APIC, into the
 * invalid state) is #GP. Staying in a mode is always allowed. */
static bool transition_ok(enum apic_mode from, enum apic_mode to)
{
	if (from == to)
		return true;
	switch (from) {
	case APIC_MODE_DISABLED:
		return to == APIC_MODE_XAPIC;
	case APIC_MODE_XAPIC:
		return to == APIC_MODE_X2APIC || to == APIC_MODE_DISABLED;
	case APIC_MODE_X2APIC:
		return to == APIC_MODE_DISABLED;
	default:
		return false;
	}
}

struct apic_base_write apic_base_check(uint64_t current, uint64_t requested, unsigned maxphyaddr,
				       bool x2apic, uint64_t ram_end)
{
	uint64_t addr_mask = (maxphyaddr >= 64 ? ~0ull : (1ull << maxphyaddr) - 1) & ~0xfffull;
	uint64_t allowed = addr_mask | APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP;
	enum apic_mode from = apic_mode_of(current), to = apic_mode_of(requested);

	if (requested & ~allowed)
		return refuse("reserved bits set");
	if ((requested & APIC_BASE_EXTD) && !x2apic)
		return refuse("x2APIC mode requested but not offered in CPUID");
	if (to == APIC_MODE_INVALID)
		return refuse("EXTD=1 with EN=0 is an invalid state");
	if (!transition_ok(from, to))
		return refuse(from == APIC_MODE_X2APIC ? "x2APIC to xAPIC directly (disable first)"
						       : "disabled to x2APIC directly (enable xAPIC first)");
	uint64_t base = requested & addr_mask;
	if (base < ram_end)
		return refuse("APIC base inside guest RAM");
	/* The BSP flag is read-only: writes keep what the vCPU had. */
	uint64_t value = (requested & ~APIC_BASE_BSP) | (current & APIC_BASE_BSP);
	return (struct apic_base_write){ .value = value, .mode = to,
					 .relocated = base != APIC_BASE_DEFAULT_ADDR };
}
