/* tests/guests/lib/libgcc.c: the 64-bit division helpers gcc calls in 32-bit code (lib/printf.c
 * divides uint64_t values), which libgcc would supply; there is no 32-bit libgcc here. Any context.
 * */
#include <stdint.h>

/* Called by compiler-generated code only; declared here for -Wmissing-prototypes. */
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);

/* n / d with the remainder in *rem. A 32-bit divisor (the common case: printf's 10 and 16) takes
 * two DIVs, the high half first so the second cannot overflow (its EDX, the first remainder, is
 * below d); a wider one shifts and subtracts bit by bit. Division by zero faults (#DE), as the
 * hardware DIV would. */
static uint64_t udivmod(uint64_t n, uint64_t d, uint64_t *rem)
{
	if (d >> 32 == 0) {
		uint32_t d32 = (uint32_t)d, hi = (uint32_t)(n >> 32), lo = (uint32_t)n;
		uint32_t qhi, qlo, r;

		__asm__("divl %4" : "=a"(qhi), "=d"(r) : "a"(hi), "d"(0u), "rm"(d32));
		__asm__("divl %4" : "=a"(qlo), "=d"(r) : "a"(lo), "d"(r), "rm"(d32));
		*rem = r;
		return ((uint64_t)qhi << 32) | qlo;
	}
	uint64_t q = 0, r = 0;

	for (int i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	*rem = r;
	return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
	uint64_t r;

	return udivmod(n, d, &r);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
	uint64_t r;

	udivmod(n, d, &r);
	return r;
}
