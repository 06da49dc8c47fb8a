/* vmx/posted_intr.h: the posted-interrupt descriptor (Intel SDM Vol. 3C, 30.6 "Posted-Interrupt
 * Processing", Table 30-1): 256 posted-interrupt requests (PIR), then the outstanding-notification
 * bit (ON). Another CPU posts a vector with pi_post() and, when that set ON, sends the notification
 * vector to the vCPU's CPU: in the guest, the CPU moves PIR into the virtual IRR itself, with no VM
 * exit; in root mode, the vCPU's own CPU does it with pi_take() before its next entry. These are
 * the only writes another CPU makes to anything of a vCPU's, and the SDM defines them as safe: the
 * descriptor is updated with locked read-modify-writes, as 30.6 requires. Pure (host-tested). */
#ifndef VMX_POSTED_INTR_H
#define VMX_POSTED_INTR_H

#include <stdbool.h>
#include <stdint.h>

struct pi_desc {
	uint64_t pir[4];
	uint64_t control; /* bit 0 ON, bit 1 SN, 23:16 NV, 63:32 NDST (for VT-d; unused here) */
	uint64_t reserved[3];
} __attribute__((aligned(64)));

#define PI_ON 1ull

/* Sets the vector's PIR bit, then ON; true when ON was clear (the caller sends the
 * notification). */
bool pi_post(struct pi_desc *d, uint8_t vector);
/* Whether a notification is outstanding. */
static inline bool pi_pending(const struct pi_desc *d)
{
	return __atomic_load_n(&d->control, __ATOMIC_SEQ_CST) & PI_ON;
}
/* Clears ON, then takes every PIR bit into out[] (ORed in); returns how many words had bits. */
unsigned pi_take(struct pi_desc *d, uint64_t out[4]);

#endif
