/* vmx/xcr0.c: the XCR0 rules of vmx/xcr0.h, one per line as SDM Vol. 2C (XSETBV, Operation and
 * Protected Mode Exceptions) lists them. */
#include "vmx/xcr0.h"

/* The bits of `group` are all set or all clear. */
static bool together(uint64_t value, uint64_t group)
{
	return (value & group) == 0 || (value & group) == group;
}

bool xcr0_valid(uint64_t value, uint64_t supported)
{
	if (!(value & XCR0_X87))
		return false;
	if ((value & XCR0_AVX) && !(value & XCR0_SSE))
		return false;
	if (!together(value, XCR0_AVX512) || ((value & XCR0_AVX512) && !(value & XCR0_AVX)))
		return false;
	if (!together(value, XCR0_MPX) || !together(value, XCR0_AMX))
		return false;
	if (value & XCR0_SUPERVISOR)
		return false;
	return !(value & ~supported);
}
