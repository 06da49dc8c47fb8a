/* tests/unit/test_cpuid_cache.c: the CPUID exit's fast path. The cached static answer must not
 * depend on the state bits added on each exit, and the cache must give back exactly what was put
 * for that (leaf, subleaf) and nothing for any other. */
#include "lib/array.h"
#include "vmx/cpuid_cache.h"
#include "tests/unit/test.h"

static bool same(const struct cpuid_result *a, const struct cpuid_result *b)
{
	return a->eax == b->eax && a->ebx == b->ebx && a->ecx == b->ecx && a->edx == b->edx;
}

/* The cache keeps the static part once and adds the state bits on each exit, which is right only
 * if the static part is the same whatever the state: for every combination of the three state
 * bits, on the leaves that have them, a leaf that has none and the topology and hypervisor
 * leaves. */
TEST(cpuid_static_part_does_not_follow_the_state)
{
	static const uint32_t leaves[] = { 0, 1, 7, 0xb, 0x40000000, 0x40000010 };
	const struct cpuid_result host = { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff };

	for (unsigned l = 0; l < ARRAY_SIZE(leaves); l++) {
		struct cpuid_vcpu v = { .apic_id = 1, .nvcpus = 2, .x2apic_offered = true,
					.host_max_leaf = 0x16,
					.tsc_deadline = true, .tsc_khz = 50000 };
		struct cpuid_result first = host;

		cpuid_filter_static(leaves[l], 0, &first, &v);
		for (unsigned bits = 1; bits < 8; bits++) {
			struct cpuid_result r = host;
			v.apic_enabled = bits & 1, v.osxsave = bits & 2, v.ospke = bits & 4;
			cpuid_filter_static(leaves[l], 0, &r, &v);
			CHECK(same(&r, &first));
		}
	}
}

/* The static part has the state bits clear whatever the host says, so a cached answer never
 * carries the host's CR4 or a stale guest state; cpuid_apply_state sets exactly the guest's. */
TEST(cpuid_state_bits_follow_the_guest_only)
{
	struct cpuid_vcpu off = { .apic_id = 0, .nvcpus = 1, .host_max_leaf = 0x16 };
	struct cpuid_vcpu on = { .apic_enabled = true, .osxsave = true, .ospke = true };
	struct cpuid_result r1 = { 0, 0, 0xffffffff, 0xffffffff }, r7 = { 0, 0, 0xffffffff, 0 };

	cpuid_filter_static(1, 0, &r1, &off);
	cpuid_filter_static(7, 0, &r7, &off);
	CHECK_EQ(r1.ecx & CPUID1_ECX_OSXSAVE, 0);
	CHECK_EQ(r1.edx & CPUID1_EDX_APIC, 0);
	CHECK_EQ(r7.ecx & CPUID7_ECX_OSPKE, 0);
	cpuid_apply_state(1, 0, &r1, &on);
	cpuid_apply_state(7, 0, &r7, &on);
	CHECK(r1.ecx & CPUID1_ECX_OSXSAVE);
	CHECK(r1.edx & CPUID1_EDX_APIC);
	CHECK(r7.ecx & CPUID7_ECX_OSPKE);
	r7 = (struct cpuid_result){ 0, 0, 0, 0 };
	cpuid_apply_state(7, 1, &r7, &on); /* OSPKE is in subleaf 0 only */
	CHECK_EQ(r7.ecx, 0);
	CHECK(cpuid_leaf_has_state(1) && cpuid_leaf_has_state(7) && !cpuid_leaf_has_state(0));
}

TEST(cpuid_xsave_leaf_is_never_cached)
{
	CHECK(!cpuid_cacheable(0xd));
	CHECK(cpuid_cacheable(0) && cpuid_cacheable(1) && cpuid_cacheable(0x80000008));
}

TEST(cpuid_cache_gives_back_what_was_put_for_that_key_only)
{
	static struct cpuid_cache c; /* zeroed, as a new vCPU's */
	struct cpuid_result a = { 1, 2, 3, 4 }, b = { 5, 6, 7, 8 };

	CHECK(!cpuid_cache_find(&c, 0, 0)); /* an empty slot does not answer leaf 0 with zeros */
	CHECK(!cpuid_cache_find_whole(&c, 0, 0));
	cpuid_cache_put(&c, 4, 1, &a);
	CHECK(cpuid_cache_find(&c, 4, 1) && same(&cpuid_cache_find(&c, 4, 1)->r, &a));
	CHECK(cpuid_cache_find_whole(&c, 4, 1) && same(cpuid_cache_find_whole(&c, 4, 1), &a));
	CHECK(!cpuid_cache_find(&c, 4, 0));
	CHECK(!cpuid_cache_find(&c, 4, 2));
	/* Two keys in one slot: the later replaces the earlier, which then misses. */
	uint32_t leaf = 4, sub = 1, other = 0;
	while (cpuid_cache_index(other, 0) != cpuid_cache_index(leaf, sub))
		other++;
	cpuid_cache_put(&c, other, 0, &b);
	CHECK(same(&cpuid_cache_find(&c, other, 0)->r, &b));
	CHECK(!cpuid_cache_find(&c, leaf, sub));
	CHECK(!cpuid_cache_find_whole(&c, leaf, sub));
}

/* A leaf with state bits is kept as its static part only: the exit's one-look answer
 * (find_whole) must miss it, or the guest would see the state bits clear. */
TEST(cpuid_cache_never_answers_a_state_leaf_whole)
{
	static struct cpuid_cache c;
	struct cpuid_result a = { 1, 2, 3, 4 };

	for (uint32_t leaf = 0; leaf < 0x20; leaf++) {
		cpuid_cache_put(&c, leaf, 0, &a);
		CHECK(cpuid_cache_find(&c, leaf, 0) && same(&cpuid_cache_find(&c, leaf, 0)->r, &a));
		CHECK_EQ(cpuid_cache_find_whole(&c, leaf, 0) != 0, !cpuid_leaf_has_state(leaf));
	}
}

/* The leaves a guest asks at boot, across the three ranges, each in a slot of its own. */
TEST(cpuid_cache_spreads_the_common_leaves)
{
	static const uint32_t leaves[] = { 0,          1,          6,          7,
					   0xb,        0x40000000, 0x40000001, 0x40000010,
					   0x80000000, 0x80000001, 0x80000007, 0x80000008 };
	bool used[CPUID_CACHE_SLOTS] = { false };

	for (unsigned i = 0; i < ARRAY_SIZE(leaves); i++) {
		unsigned s = cpuid_cache_index(leaves[i], 0);
		CHECK(!used[s]);
		used[s] = true;
	}
}
