/* tests/unit/test_msr_policy.c: the MSR bitmap built from the policy table, byte by byte, and
 * the policy's answers for the MSRs the design names. */
#include <stdio.h>

#include "lib/array.h"
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

/* msr_policy_find() bisects: the table must be in order with ranges apart, and the search must
 * agree with a scan at every range's edges and between them. */
TEST(msr_policy_table_is_sorted_and_found_by_bisection)
{
	unsigned count;
	const struct msr_policy_entry *t = msr_policy_table(&count);

	for (unsigned i = 0; i < count; i++) {
		CHECK(t[i].first <= t[i].last);
		if (i)
			CHECK(t[i - 1].last < t[i].first);
		const uint32_t probe[] = { t[i].first - 1, t[i].first, t[i].last, t[i].last + 1,
					   (t[i].first + t[i].last) / 2 };
		for (unsigned p = 0; p < 5; p++) {
			const struct msr_policy_entry *want = 0;
			for (unsigned j = 0; j < count; j++)
				if (probe[p] >= t[j].first && probe[p] <= t[j].last)
					want = &t[j];
			const struct msr_policy_entry *got = msr_policy_find(probe[p]);
			if (want)
				CHECK(got == want);
			else
				CHECK_STR(got->name, "unknown");
		}
	}
}

TEST(msr_bitmap_every_byte_matches_the_table)
{
	static uint8_t bm[MSR_BITMAP_SIZE];
	static const uint32_t base[4] = { 0, 0xc0000000, 0, 0xc0000000 };

	unsigned wrong = 0;

	msr_bitmap_build(bm);
	for (unsigned byte = 0; byte < MSR_BITMAP_SIZE; byte++) {
		unsigned quarter = byte / 1024;
		uint8_t want = 0;
		for (unsigned bit = 0; bit < 8; bit++) {
			uint32_t msr = base[quarter] + (byte % 1024) * 8 + bit;
			want |= (uint8_t)(expected_bit(msr, quarter >= 2) << bit);
		}
		if (bm[byte] != want && wrong++ == 0)
			printf("    byte 0x%x: 0x%02x, want 0x%02x (the first wrong one)\n", byte,
			       bm[byte], want);
	}
	CHECK_EQ(wrong, 0);
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
	for (unsigned i = 0; i < ARRAY_SIZE(rw); i++) {
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

/* The x2APIC range per mode (SDM Vol. 3C, 30.5): with every feature, reads of the registers pass
 * except the current count (0x839) and MSRs that are not registers; TPR, EOI and SELF IPI writes
 * pass; nothing else outside the range changes. */
TEST(msr_bitmap_x2apic_full_apicv)
{
	static uint8_t bm[MSR_BITMAP_SIZE], before[MSR_BITMAP_SIZE];
	const struct msr_x2apic_open all = { true, true, true, true };

	msr_bitmap_build(bm);
	memcpy(before, bm, sizeof(bm));
	msr_bitmap_x2apic(bm, &all);
	static const uint32_t readable[] = { 0x802, 0x803, 0x808, 0x80a, 0x80d, 0x80f, 0x810, 0x817,
					     0x818, 0x81f, 0x820, 0x827, 0x828, 0x82f, 0x830, 0x832,
					     0x837, 0x838, 0x83e };
	for (unsigned i = 0; i < ARRAY_SIZE(readable); i++)
		CHECK(!msr_bitmap_exits(bm, readable[i], false));
	static const uint32_t closed_reads[] = { 0x800, 0x801, 0x804, 0x809, 0x80b, 0x80c, 0x80e,
						 0x831, 0x839, 0x83a, 0x83f, 0x840, 0x8ff };
	for (unsigned i = 0; i < ARRAY_SIZE(closed_reads); i++)
		CHECK(msr_bitmap_exits(bm, closed_reads[i], false));
	for (uint32_t m = 0x800; m <= 0x8ff; m++)
		CHECK(msr_bitmap_exits(bm, m, true) == !(m == 0x808 || m == 0x80b || m == 0x83f));
	for (uint32_t m = 0; m < 0x800; m++)
		CHECK(msr_bitmap_exits(bm, m, false) == msr_bitmap_exits(before, m, false));
	msr_bitmap_x2apic(bm, 0); /* back to xAPIC: the whole range exits again */
	CHECK(memcmp(bm, before, sizeof(bm)) == 0);
}

/* Without APIC-register virtualization only TPR reads pass; without virtual-interrupt delivery
 * EOI and SELF IPI writes exit; without "virtualize x2APIC mode" nothing passes (an open bit would
 * reach the real x2APIC). */
TEST(msr_bitmap_x2apic_fallbacks)
{
	static uint8_t bm[MSR_BITMAP_SIZE];
	const struct msr_x2apic_open noreg = { true, false, true, true };
	const struct msr_x2apic_open novid = { true, true, true, false };
	const struct msr_x2apic_open nox2v = { false, true, true, true };

	msr_bitmap_build(bm);
	msr_bitmap_x2apic(bm, &noreg);
	for (uint32_t m = 0x800; m <= 0x8ff; m++)
		CHECK(msr_bitmap_exits(bm, m, false) == (m != 0x808));
	msr_bitmap_x2apic(bm, &novid);
	CHECK(!msr_bitmap_exits(bm, 0x808, true));
	CHECK(msr_bitmap_exits(bm, 0x80b, true));
	CHECK(msr_bitmap_exits(bm, 0x83f, true));
	CHECK(msr_bitmap_exits(bm, 0x830, true));
	msr_bitmap_x2apic(bm, &nox2v);
	for (uint32_t m = 0x800; m <= 0x8ff; m++) {
		CHECK(msr_bitmap_exits(bm, m, false));
		CHECK(msr_bitmap_exits(bm, m, true));
	}
}

/* What msr.flat (kvm-unit-tests) checks: the machine-check MSRs read as "no banks" (0x179 used to
 * raise #GP), TSC_ADJUST is emulated (it is in CPUID.(7,0):EBX[1]). */
TEST(msr_policy_mca_and_tsc_adjust)
{
	CHECK_EQ(msr_policy_find(0x179)->read, MSR_EMULATE);
	CHECK_EQ(msr_policy_find(0x179)->write, MSR_GP);
	CHECK_EQ(msr_policy_find(0x17a)->read, MSR_EMULATE);
	CHECK_EQ(msr_policy_find(0x3b)->read, MSR_EMULATE);
	CHECK_EQ(msr_policy_find(0x3b)->write, MSR_EMULATE);
}

/* IA32_MISC_ENABLE keeps what the guest writes (0x400c50809 is msr.flat's value), bits 11 and
 * 12 cannot change, bit 7 stays as it was. */
TEST(msr_misc_enable_keeps_writable_bits)
{
	uint64_t v = MISC_ENABLE_RESET, out = 0;

	CHECK(msr_misc_enable_write(v, (0x400c50809ull & ~0x1880ull) | (v & 0x1880), &out));
	CHECK_EQ(out, 0x400c51809ull);
	CHECK(msr_misc_enable_write(out, out | MISC_ENABLE_EMON, &out));
	CHECK_EQ(out, 0x400c51809ull);
	CHECK(!msr_misc_enable_write(out, out & ~MISC_ENABLE_PEBS_UNAVAIL, &v));
	CHECK(!msr_misc_enable_write(out, 0, &v));
	CHECK(msr_misc_enable_write(out, MISC_ENABLE_READ_ONLY, &out));
	CHECK_EQ(out, MISC_ENABLE_READ_ONLY);
}

/* SDM Vol. 3B, 17.17.3: TSC_ADJUST writes move the TSC by what they change; TSC writes move
 * TSC_ADJUST by what they change. */
TEST(msr_tsc_adjust_and_tsc_writes)
{
	struct msr_tsc t = { 0, 0 };

	msr_tsc_write_adjust(&t, 1000);
	CHECK_EQ(t.offset, 1000);
	CHECK_EQ(t.adjust, 1000);
	msr_tsc_write_adjust(&t, (uint64_t)-500);
	CHECK_EQ(t.offset, (uint64_t)-500);
	CHECK_EQ(t.adjust, (uint64_t)-500);
	/* host 10000, guest 9500: a write of 20000 moves both by 10500 */
	msr_tsc_write_tsc(&t, 10000, 20000);
	CHECK_EQ(10000 + t.offset, 20000);
	CHECK_EQ(t.adjust, 10000);
	msr_tsc_write_tsc(&t, 30000, 0);
	CHECK_EQ(30000 + t.offset, 0);
	CHECK_EQ(t.adjust, (uint64_t)-30000);
}
