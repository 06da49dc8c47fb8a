/* apic/tsc_deadline_errata.c: see apic/tsc_deadline_errata.h. */
#include "apic/tsc_deadline_errata.h"
#include "lib/array.h"

#define ANY_STEPPING 0xff

/* Family 6 models (display model, SDM Vol. 2A, CPUID, "Processor Signature"). */
static const struct {
	uint8_t model, stepping;
	uint32_t min_microcode;
} table[] = {
	{ 0x3c, ANY_STEPPING, 0x22 },         /* Haswell */
	{ 0x45, ANY_STEPPING, 0x20 },         /* Haswell, mobile */
	{ 0x46, ANY_STEPPING, 0x17 },         /* Haswell, GT3e */
	{ 0x3f, 2, 0x3a },                    /* Haswell-EP */
	{ 0x3f, 4, 0x0f },                    /* Haswell-EX */
	{ 0x3d, ANY_STEPPING, 0x25 },         /* Broadwell */
	{ 0x47, ANY_STEPPING, 0x17 },         /* Broadwell, GT3e */
	{ 0x4f, ANY_STEPPING, 0x0b000020 },   /* Broadwell-EP/EX */
	{ 0x56, 2, 0x00000011 },              /* Broadwell-DE */
	{ 0x56, 3, 0x0700000e },
	{ 0x56, 4, 0x0f00000c },
	{ 0x56, 5, 0x0e000003 },
	{ 0x4e, ANY_STEPPING, 0xb2 },         /* Skylake, mobile */
	{ 0x5e, ANY_STEPPING, 0xb2 },         /* Skylake */
	{ 0x55, 3, 0x01000136 },              /* Skylake-SP (later steppings: Cascade Lake) */
	{ 0x55, 4, 0x02000014 },
	{ 0x8e, ANY_STEPPING, 0x52 },         /* Kaby Lake, mobile */
	{ 0x9e, ANY_STEPPING, 0x52 },         /* Kaby Lake */
};

uint32_t tsc_deadline_min_microcode(uint32_t signature)
{
	uint32_t family = (signature >> 8) & 0xf;
	uint32_t model = ((signature >> 4) & 0xf) | ((signature >> 12) & 0xf0);
	uint32_t stepping = signature & 0xf;

	if (family != 6)
		return 0;
	for (unsigned i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].model == model &&
		    (table[i].stepping == ANY_STEPPING || table[i].stepping == stepping))
			return table[i].min_microcode;
	return 0;
}
