/* vmx/posted_intr.c: posting to and draining a posted-interrupt descriptor (see
 * vmx/posted_intr.h). ON is cleared before PIR is read so that a vector posted meanwhile either is
 * taken now or sets ON again and gets its own notification. Pure. */
#include "vmx/posted_intr.h"

bool pi_post(struct pi_desc *d, uint8_t vector)
{
	__atomic_or_fetch(&d->pir[vector / 64], 1ull << (vector % 64), __ATOMIC_SEQ_CST);
	return !(__atomic_fetch_or(&d->control, PI_ON, __ATOMIC_SEQ_CST) & PI_ON);
}

unsigned pi_take(struct pi_desc *d, uint64_t out[4])
{
	unsigned words = 0;

	__atomic_and_fetch(&d->control, ~PI_ON, __ATOMIC_SEQ_CST);
	for (unsigned w = 0; w < 4; w++) {
		uint64_t bits = __atomic_exchange_n(&d->pir[w], 0, __ATOMIC_SEQ_CST);
		if (bits) {
			out[w] |= bits;
			words++;
		}
	}
	return words;
}
