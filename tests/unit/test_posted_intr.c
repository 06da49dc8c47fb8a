/* tests/unit/test_posted_intr.c: the posted-interrupt descriptor: the layout the SDM fixes, one
 * notification per burst of posts, and draining that leaves nothing behind. */
#include <stddef.h>

#include "vmx/posted_intr.h"
#include "tests/unit/test.h"

TEST(pi_desc_layout)
{
	/* SDM Vol. 3C, Table 30-1: PIR in bits 255:0, ON is bit 256; 64 bytes, 64-byte aligned. */
	CHECK_EQ(offsetof(struct pi_desc, control), 32);
	CHECK_EQ(sizeof(struct pi_desc), 64);
	CHECK_EQ(_Alignof(struct pi_desc), 64);
}

TEST(pi_post_notifies_once_until_taken)
{
	static struct pi_desc d;
	uint64_t irr[4] = { 0, 0, 0, 0 };

	CHECK(!pi_pending(&d));
	CHECK(pi_post(&d, 0x31));  /* first post: notify */
	CHECK(!pi_post(&d, 0xf5)); /* ON already set: no second notification */
	CHECK(!pi_post(&d, 0x31)); /* the same vector again is one request */
	CHECK(pi_pending(&d));
	CHECK_EQ(pi_take(&d, irr), 2);
	CHECK_EQ(irr[0], 1ull << 0x31);
	CHECK_EQ(irr[1] | irr[2], 0);
	CHECK_EQ(irr[3], 1ull << (0xf5 % 64));
	CHECK(!pi_pending(&d));
	CHECK_EQ(d.pir[0] | d.pir[1] | d.pir[2] | d.pir[3], 0);
	CHECK(pi_post(&d, 0x40)); /* after taking, the next post notifies again */
	irr[0] = irr[1] = irr[2] = irr[3] = 0;
	CHECK_EQ(pi_take(&d, irr), 1);
	CHECK_EQ(irr[1], 1ull);
}
