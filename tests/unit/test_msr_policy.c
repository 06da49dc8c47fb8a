/* tests/unit/test_msr_policy.c: the MSR bitmap built from the policy table, byte by byte, and
 * the policy's answers for the MSRs the design names. */
#include <stdio.h>

#include "vmx/msr_policy.h"
#include "tests/unit/test.h"

/* Independent of msr_policy.c's own bit arithmetic: the SDM layout spelled out. */
static int expected_bit(uint32_t msr, int write)
{
	unsigned count;
	const struct msr_policy_entry *t = msr_policy_table(&count);

	for (unsigned i = 0; i < count; i++)
		if (msr >= t[i].first && msr <= t[i].last)
			return (write ? t[i].write : t[i].read) != MSR_PASS;
	return 1;
}

TEST(msr_bitmap_every_byte_matches_the_table)
{
	static uint8_t bm[MSR_BITMAP_SIZE];
	static const uint32_t base[4] = { 0, 0xc0000000, 0, 0xc0000000 };

	msr_bitmap_build(bm);
	for (unsigned byte = 0; byte < MSR_BITMAP_SIZE; byte++) {
		unsigned quarter = byte / 1024;
		uint8_t want = 0;
		for (unsigned bit = 0; bit < 8; bit++) {
			uint32_t msr = base[quarter] + (byte % 1024) * 8 + bit;
			want |= (uint8_t)(expected_bit(msr, quarter >= 2) << bit);
		}
		if (bm[byte] != want) {
			printf("    byte 0x%x: 0x%02x, want 0x%02x\n", byte, bm[byte], want);
			CHECK(bm[byte] == want);
			break;
		}
	}
}

TEST(msr_bitmap_seed_bug_dump_entries)
{
	static uint8_t bm[MSR_BITMAP_SIZE];

	msr_bitmap_build(bm);
	/* TSC read-only: reads pass, writes exit. */
	CHECK(!msr_bitmap_exits(bm, 0x10, false));
	CHECK(msr_bitmap_exits(bm, 0x10, true));
	/* sysenter, syscall and fs/gs base read-write */
	static const uint32_t rw[] = { 0x174, 0x175, 0x176, 0xc0000081, 0xc0000082, 0xc0000083,
				       0xc0000084, 0xc0000100, 0xc0000101, 0xc0000102 };
	for (unsigned i = 0; i < sizeof(rw) / sizeof(rw[0]); i++) {
		CHECK(!msr_bitmap_exits(bm, rw[i], false));
		CHECK(!msr_bitmap_exits(bm, rw[i], true));
	}
	/* the APIC base, the x2APIC range and unknown MSRs exit */
	CHECK(msr_bitmap_exits(bm, 0x1b, false));
	CHECK(msr_bitmap_exits(bm, 0x1b, true));
	for (uint32_t m = 0x800; m <= 0x8ff; m++) {
		CHECK(msr_bitmap_exits(bm, m, false));
		CHECK(msr_bitmap_exits(bm, m, true));
	}
	CHECK(msr_bitmap_exits(bm, 0x4e, false));
	/* outside both ranges: always an exit */
	CHECK(msr_bitmap_exits(bm, 0x40000000, false));
	CHECK(msr_bitmap_exits(bm, 0xc0002000, true));
}

struct runs {
	unsigned n;
	char text[1024];
};

static void collect(uint32_t first, uint32_t last, const char *access, void *ctx)
{
	struct runs *r = ctx;
	size_t len = strlen(r->text);

	snprintf(r->text + len, sizeof(r->text) - len, "%x-%x:%s ", first, last, access);
	r->n++;
}

TEST(msr_bitmap_describe_lists_runs)
{
	static uint8_t bm[MSR_BITMAP_SIZE];
	struct runs r = { 0, "" };

	msr_bitmap_build(bm);
	msr_bitmap_describe(bm, collect, &r);
	CHECK_STR(r.text, "10-10:r- 174-176:rw 277-277:rw c0000080-c0000084:rw "
			  "c0000100-c0000103:rw ");
	/* a change shows up */
	msr_bitmap_set_exit(bm, 0x175, true, true);
	r = (struct runs){ 0, "" };
	msr_bitmap_describe(bm, collect, &r);
	CHECK(strstr(r.text, "174-174:rw 175-175:r- 176-176:rw") != NULL);
}

TEST(msr_policy_lookup)
{
	CHECK_STR(msr_policy_find(0x3a)->name, "IA32_FEATURE_CONTROL");
	CHECK_EQ(msr_policy_find(0x3a)->write, MSR_GP);
	CHECK_EQ(msr_policy_find(0xc3)->read, MSR_GP);
	CHECK_STR(msr_policy_find(0x12345)->name, "unknown");
	CHECK_EQ(msr_policy_find(0x12345)->read, MSR_GP);
}
