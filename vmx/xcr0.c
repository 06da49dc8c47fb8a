/* vmx/xcr0.c: the XCR0 rules of vmx/xcr0.h, one per line as SDM Vol. 2C (XSETBV, Operation and
 * Protected Mode Exceptions) lists them. */
#include "vmx/xcr0.h"

/* The bits of `group` are all set or all clear. */
static bool together(uint64_t value, uint64_t group)
{
	return (value & group) == 0 || (value & group) == group;
}

const char *xcr0_refusal(uint64_t value, uint64_t supported)
{
	if (!(value & XCR0_X87))
		return "x87 clear";
	if ((value & XCR0_AVX) && !(value & XCR0_SSE))
		return "AVX without SSE";
	if (!together(value, XCR0_AVX512) || ((value & XCR0_AVX512) && !(value & XCR0_AVX)))
		return "AVX-512 bits not all equal, or without AVX";
	if (!together(value, XCR0_MPX) || !together(value, XCR0_AMX))
		return "MPX or AMX bits not equal";
	if (value & XCR0_SUPERVISOR)
		return "a supervisor component";
	if (value & ~supported)
		return "a component CPUID.(0DH,0) does not show";
	return 0;
}

bool xcr0_valid(uint64_t value, uint64_t supported)
{
	return !xcr0_refusal(value, supported);
}
