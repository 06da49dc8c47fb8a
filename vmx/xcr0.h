/* vmx/xcr0.h: which values XSETBV may put in XCR0 (SDM Vol. 1, 13.3 "Enabling the XSAVE Feature
 * Set and XSAVE-Enabled Features"; Vol. 2C, XSETBV). Pure (host-tested). */
#ifndef VMX_XCR0_H
#define VMX_XCR0_H

#include <stdbool.h>
#include <stdint.h>

/* State components (SDM Vol. 1, 13.1 "XSAVE-Supported Features and State-Component Bitmaps"). */
#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define XCR0_MPX (3ull << 3)    /* BNDREGS, BNDCSR */
#define XCR0_AVX512 (7ull << 5) /* opmask, ZMM_Hi256, Hi16_ZMM */
#define XCR0_PKRU (1ull << 9)
#define XCR0_AMX (3ull << 17)   /* XTILECFG, XTILEDATA */
/* The user components a guest may enable, where the CPU has them: CPUID.(0DH,0) shows no others
 * (vmx/cpuid_filter.c), so XSETBV refuses the rest. The guest's XCR0 stays loaded on its CPU
 * while the hypervisor runs (root mode never touches extended state), so nothing is switched;
 * components this list does not know may need more (state the hypervisor would have to manage). */
#define XCR0_GUEST (XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_MPX | XCR0_AVX512 | XCR0_PKRU | XCR0_AMX)
/* Supervisor components, managed through IA32_XSS and never in XCR0: PT (8), PASID (10), CET_U
 * (11), CET_S (12), HDC (13), UINTR (14), LBR (15), HWP (16). */
#define XCR0_SUPERVISOR ((1ull << 8) | (0x7full << 10))

/* Whether XSETBV with ECX=0 may load `value`, given `supported`, the components the guest was
 * shown in CPUID.(EAX=0DH,ECX=0):EDX:EAX. False means #GP(0): x87 clear; AVX without SSE; the
 * three AVX-512 bits not all equal, or set without AVX; the two MPX bits or the two AMX bits not
 * equal; a supervisor component; anything not supported. */
bool xcr0_valid(uint64_t value, uint64_t supported);
/* Why xcr0_valid() is false, in a few words; NULL when it is true. */
const char *xcr0_refusal(uint64_t value, uint64_t supported);

#endif
