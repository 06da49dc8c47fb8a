/* tests/unit/test_pagetable.c: 4-level page tables built in the test arena and walked back. */
#include "mm/pagetable.h"
#include "mm/phys.h"
#include "mm/pmm.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/phys_arena.h"
#include "tests/unit/test.h"

#define GIB (1ull << 30)
#define MIB (1ull << 20)

static uint64_t fresh(void)
{
	struct mem_range map[] = { { PHYS_ARENA_BASE, PHYS_ARENA_SIZE, MEM_USABLE } };

	pmm_init(map, 1, NULL, 0);
	return pt_create();
}

static uint64_t size_of(uint64_t root, uint64_t va)
{
	uint64_t pa, fl, sz;

	return pt_lookup(root, va, &pa, &fl, &sz) ? sz : 0;
}

TEST(pt_picks_the_largest_pages)
{
	uint64_t root = fresh(), pa, fl, sz;

	CHECK(pt_map(root, 0, 0, 4 * GIB, PT_PRESENT | PT_WRITE, PT_SIZE_1G | PT_SIZE_2M));
	CHECK_EQ(size_of(root, 0x12345678), GIB);
	CHECK(pt_map(root, 5 * GIB + 0x1000, 0x7000, 2 * MIB + 0x1000, PT_PRESENT, PT_SIZE_2M));
	CHECK_EQ(size_of(root, 5 * GIB + 0x1000), 4096); /* not 2 MiB aligned */
	CHECK(pt_lookup(root, 5 * GIB + 0x3004, &pa, &fl, &sz));
	CHECK_EQ(pa, 0x9004);
	CHECK(pt_map(root, 6 * GIB, 8 * MIB, 4 * MIB, PT_PRESENT, PT_SIZE_2M));
	CHECK_EQ(size_of(root, 6 * GIB + 3 * MIB), 2 * MIB);
	CHECK(pt_lookup(root, 6 * GIB + 3 * MIB + 5, &pa, &fl, &sz));
	CHECK_EQ(pa, 11 * MIB + 5);
	CHECK(!pt_lookup(root, 7 * GIB, &pa, &fl, &sz));
}

TEST(pt_uc_flags_and_intermediate_entries)
{
	uint64_t root = fresh(), pa, fl, sz;

	CHECK(pt_map(root, 0xfee00000, 0xfee00000, 4096, PT_PRESENT | PT_WRITE | PT_CACHE_UC | PT_NX, 0));
	CHECK(pt_lookup(root, 0xfee00000, &pa, &fl, &sz));
	CHECK_EQ(fl & (PT_PCD | PT_PWT), PT_PCD | PT_PWT);
	CHECK(fl & PT_NX);
	/* intermediate entries: present, writable, no PS, no NX */
	const uint64_t *l4 = phys_to_virt(root);
	uint64_t e = l4[0];
	CHECK((e & (PT_PRESENT | PT_WRITE)) == (PT_PRESENT | PT_WRITE));
	CHECK(!(e & (PT_LARGE | PT_NX)));
	const uint64_t *l3 = phys_to_virt(e & PT_ADDR_MASK);
	CHECK(!(l3[3] & (PT_LARGE | PT_NX)));
	/* the 4 KiB leaf itself must not carry PS (bit 7 is PAT there) */
	const uint64_t *l2 = phys_to_virt(l3[3] & PT_ADDR_MASK);
	const uint64_t *l1 = phys_to_virt(l2[0x1f7] & PT_ADDR_MASK);
	CHECK(!(l1[0] & PT_LARGE));
}

TEST(pt_partial_remap_splits_and_keeps_the_rest)
{
	uint64_t root = fresh(), pa, fl, sz;

	CHECK(pt_map(root, 0, 0, GIB, PT_PRESENT | PT_WRITE, PT_SIZE_1G | PT_SIZE_2M));
	CHECK(pt_map(root, 0xa0000, 0xa0000, 0x20000, PT_PRESENT | PT_WRITE | PT_CACHE_UC,
		     PT_SIZE_1G | PT_SIZE_2M));
	CHECK(pt_lookup(root, 0xa5000, &pa, &fl, &sz));
	CHECK_EQ(sz, 4096);
	CHECK(fl & PT_PCD);
	CHECK(pt_lookup(root, 0x9f000, &pa, &fl, &sz));
	CHECK_EQ(pa, 0x9f000);
	CHECK(!(fl & PT_PCD));
	CHECK_EQ(size_of(root, 0x200000), 2 * MIB); /* the rest of the old 1 GiB page */
	CHECK(pt_lookup(root, GIB - 1, &pa, &fl, &sz));
	CHECK_EQ(pa, GIB - 1);
}

TEST(pt_unmap_leaves_a_hole)
{
	uint64_t root = fresh(), pa, fl, sz;

	CHECK(pt_map(root, 0, 0, 4 * MIB, PT_PRESENT | PT_WRITE, PT_SIZE_2M));
	CHECK(pt_unmap(root, 0x201000, 4096)); /* a guard page inside a 2 MiB page */
	CHECK(!pt_lookup(root, 0x201000, &pa, &fl, &sz));
	CHECK(pt_lookup(root, 0x200000, &pa, &fl, &sz) && pa == 0x200000);
	CHECK(pt_lookup(root, 0x202000, &pa, &fl, &sz) && pa == 0x202000);
	CHECK(pt_unmap(root, 0, 2 * MIB));
	CHECK(!pt_lookup(root, 0x1000, &pa, &fl, &sz));
	CHECK(pt_unmap(root, 16 * MIB, 2 * MIB)); /* never mapped: fine */
}

TEST(pt_rejects_bad_ranges)
{
	uint64_t root = fresh();

	test_log_clear();
	CHECK(!pt_map(root, 0x1001, 0, 4096, PT_PRESENT, 0));
	CHECK(!pt_map(root, 0, 0, 0, PT_PRESENT, 0));
	CHECK(!pt_map(root, 0x0000800000000000ull, 0, 4096, PT_PRESENT, 0)); /* non-canonical */
	CHECK(test_log_find("pt: bad range") != NULL);
}

TEST(pt_destroy_gives_the_tables_back)
{
	uint64_t root = fresh();
	uint64_t before = pmm_free_bytes() + 4096; /* the root itself */

	CHECK(pt_map(root, 0, 0, 8 * MIB, PT_PRESENT, 0)); /* 4 KiB pages: several tables */
	CHECK(pmm_free_bytes() < before - 4 * 4096);
	pt_destroy(root);
	CHECK_EQ(pmm_free_bytes(), before);
}
