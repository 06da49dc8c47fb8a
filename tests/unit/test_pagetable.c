/* tests/unit/test_pagetable.c: 4-level page tables built in the test arena (tests/unit/
 * phys_arena.c) and checked through pt_lookup() and by reading the raw entries. Host unit test. */
#include "mm/pagetable.h"
#include "mm/phys.h"
#include "mm/pmm.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/phys_arena.h"
#include "tests/unit/test.h"

#define GIB (1ull << 30)
#define MIB (1ull << 20)
#define PG 4096ull
#define RW (PT_PRESENT | PT_WRITE)
#define BOTH (PT_SIZE_1G | PT_SIZE_2M)
#define PAT_LARGE (1ull << 12)
#define PAT_4K (1ull << 7)

static uint64_t fresh(void)
{
	struct mem_range map[] = { { PHYS_ARENA_BASE, PHYS_ARENA_SIZE, MEM_USABLE } };

	pmm_init(map, 1, NULL, 0);
	return pt_create();
}

static uint64_t size_of(uint64_t root, uint64_t va)
{
	uint64_t sz;

	return pt_lookup(root, va, NULL, NULL, &sz) ? sz : 0;
}

static uint64_t pa_of(uint64_t root, uint64_t va)
{
	uint64_t pa;

	return pt_lookup(root, va, &pa, NULL, NULL) ? pa : ~0ull;
}

static uint64_t flags_of(uint64_t root, uint64_t va)
{
	uint64_t fl;

	return pt_lookup(root, va, NULL, &fl, NULL) ? fl : ~0ull;
}

/* The raw entry for va at `level` (3 = PML4 ... 0 = PT), following tables; 0 if the walk ends
 * above that level. */
static uint64_t raw(uint64_t root, uint64_t va, unsigned level)
{
	uint64_t table = root;

	for (unsigned l = 3;; l--) {
		uint64_t e = ((const uint64_t *)phys_to_virt(table))[(va >> (12 + 9 * l)) & 511];
		if (l == level)
			return e;
		if (!(e & PT_PRESENT) || (e & PT_LARGE))
			return 0;
		table = e & PT_ADDR_MASK;
	}
}

static bool in_arena(uint64_t pa)
{
	return pa >= PHYS_ARENA_BASE && pa < PHYS_ARENA_BASE + PHYS_ARENA_SIZE;
}

TEST(pt_create_takes_a_zeroed_page_from_pmm)
{
	uint64_t root = fresh();

	CHECK_EQ(root, PHYS_ARENA_BASE);
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE - PG);
	const uint64_t *t = phys_to_virt(root);
	uint64_t any = 0;
	for (unsigned i = 0; i < 512; i++)
		any |= t[i];
	CHECK_EQ(any, 0);
}

TEST(pt_picks_the_largest_pages)
{
	uint64_t root = fresh(), pa, fl, sz;

	CHECK(pt_map(root, 0, 0, 4 * GIB, RW, BOTH));
	CHECK_EQ(size_of(root, 0x12345678), GIB);
	CHECK_EQ(pa_of(root, 3 * GIB + 0x1234), 3 * GIB + 0x1234);
	/* 2 MiB aligned but not 1 GiB: 2 MiB pages */
	CHECK(pt_map(root, 6 * GIB, 8 * MIB, 4 * MIB, RW, BOTH));
	CHECK_EQ(size_of(root, 6 * GIB + 3 * MIB), 2 * MIB);
	CHECK_EQ(pa_of(root, 6 * GIB + 3 * MIB + 5), 11 * MIB + 5);
	/* va 1 GiB aligned, pa only 2 MiB aligned: 2 MiB pages */
	CHECK(pt_map(root, 8 * GIB, 2 * MIB, GIB, RW, BOTH));
	CHECK_EQ(size_of(root, 8 * GIB), 2 * MIB);
	CHECK_EQ(pa_of(root, 9 * GIB - 1), GIB + 2 * MIB - 1);
	/* not 2 MiB aligned: 4 KiB pages */
	CHECK(pt_map(root, 5 * GIB + 0x1000, 0x7000, 2 * MIB + 0x1000, PT_PRESENT, PT_SIZE_2M));
	CHECK_EQ(size_of(root, 5 * GIB + 0x1000), PG);
	CHECK(pt_lookup(root, 5 * GIB + 0x3004, &pa, &fl, &sz));
	CHECK_EQ(pa, 0x9004);
	CHECK_EQ(sz, PG);
	CHECK_EQ(fl & (PT_WRITE | PT_LARGE), 0);
	/* a tail too short for a large page falls back to smaller ones */
	CHECK(pt_map(root, 10 * GIB, 0, GIB + 2 * MIB + PG, RW, BOTH));
	CHECK_EQ(size_of(root, 10 * GIB), GIB);
	CHECK_EQ(size_of(root, 11 * GIB), 2 * MIB);
	CHECK_EQ(size_of(root, 11 * GIB + 2 * MIB), PG);
	CHECK_EQ(size_of(root, 11 * GIB + 2 * MIB + PG), 0);
	/* what was never mapped */
	CHECK(!pt_lookup(root, 7 * GIB, &pa, &fl, &sz));
	CHECK(!pt_lookup(root, 4 * GIB, &pa, &fl, &sz));
}

TEST(pt_page_sizes_limit_the_choice)
{
	uint64_t root = fresh();

	CHECK(pt_map(root, 0, 0, GIB, RW, PT_SIZE_2M)); /* no 1 GiB pages allowed */
	CHECK_EQ(size_of(root, 0), 2 * MIB);
	CHECK(pt_map(root, GIB, GIB, 4 * MIB, RW, 0)); /* 4 KiB only */
	CHECK_EQ(size_of(root, GIB + 2 * MIB), PG);
	CHECK(pt_map(root, 2 * GIB, 2 * GIB, GIB + 2 * MIB, RW, PT_SIZE_1G)); /* 1 GiB, else 4K */
	CHECK_EQ(size_of(root, 2 * GIB), GIB);
	CHECK_EQ(size_of(root, 3 * GIB), PG);
}

TEST(pt_leaf_and_intermediate_bits)
{
	uint64_t root = fresh();

	CHECK(pt_map(root, 0xfee00000, 0xfee00000, PG, RW | PT_CACHE_UC | PT_NX | PT_GLOBAL, BOTH));
	uint64_t fl = flags_of(root, 0xfee00000);
	CHECK_EQ(fl & (PT_PCD | PT_PWT), PT_PCD | PT_PWT);
	CHECK_EQ(fl & (PT_NX | PT_GLOBAL | PT_WRITE | PT_PRESENT),
		 PT_NX | PT_GLOBAL | PT_WRITE | PT_PRESENT);
	/* intermediate entries: present and writable only, never PS, NX, U, PCD or G */
	for (unsigned level = 3; level >= 1; level--) {
		uint64_t e = raw(root, 0xfee00000, level);
		CHECK_EQ(e & ~PT_ADDR_MASK, PT_PRESENT | PT_WRITE);
		CHECK(in_arena(e & PT_ADDR_MASK)); /* table pages come from pmm */
	}
	/* the 4 KiB leaf: no PS (bit 7 is PAT in a PTE), the address, the flags as given */
	uint64_t pte = raw(root, 0xfee00000, 0);
	CHECK_EQ(pte, 0xfee00000 | RW | PT_CACHE_UC | PT_NX | PT_GLOBAL);
	/* large leaves carry PS; PT_LARGE in the flags does not make a 4 KiB leaf large */
	CHECK(pt_map(root, 2 * GIB, 2 * GIB, GIB, RW | PT_NX, BOTH));
	CHECK_EQ(raw(root, 2 * GIB, 2), 2 * GIB | RW | PT_NX | PT_LARGE);
	CHECK(pt_map(root, 4 * MIB, 4 * MIB, 2 * MIB, RW, BOTH));
	CHECK_EQ(raw(root, 4 * MIB, 1), 4 * MIB | RW | PT_LARGE);
	CHECK(pt_map(root, 0x1000, 0x1000, PG, RW | PT_LARGE, BOTH));
	CHECK_EQ(raw(root, 0x1000, 0), 0x1000 | RW);
	/* address bits in the flags do not leak into the address */
	CHECK(pt_map(root, 0x2000, 0x3000, PG, RW | 0xabc000ull, 0));
	CHECK_EQ(raw(root, 0x2000, 0), 0x3000 | RW);
}

TEST(pt_user_leaves_make_user_paths)
{
	uint64_t root = fresh();

	CHECK(pt_map(root, 0x400000, 0x400000, PG, RW, 0));
	CHECK_EQ(raw(root, 0x400000, 3) & PT_USER, 0);
	CHECK(pt_map(root, 0x401000, 0x800000, PG, RW | PT_USER, 0));
	for (unsigned level = 3; level >= 1; level--)
		CHECK(raw(root, 0x401000, level) & PT_USER);
	CHECK_EQ(flags_of(root, 0x400000) & PT_USER, 0); /* the other leaf is still supervisor */
	CHECK(flags_of(root, 0x401000) & PT_USER);
}

TEST(pt_remap_replaces_the_mapping)
{
	uint64_t root = fresh();

	CHECK(pt_map(root, 0, 0, 4 * MIB, RW, PT_SIZE_2M));
	CHECK(pt_map(root, 0, 64 * MIB, 4 * MIB, PT_PRESENT | PT_NX, PT_SIZE_2M));
	CHECK_EQ(pa_of(root, 3 * MIB), 67 * MIB);
	CHECK_EQ(flags_of(root, 3 * MIB), PT_PRESENT | PT_NX | PT_LARGE);
	/* a 1 GiB map over a region that already has a table below: goes through the table */
	CHECK(pt_map(root, 0, GIB, GIB, RW, BOTH));
	CHECK_EQ(size_of(root, 0), 2 * MIB);
	CHECK_EQ(pa_of(root, 0x123456), GIB + 0x123456);
	CHECK_EQ(pa_of(root, GIB - PG), 2 * GIB - PG);
	CHECK_EQ(flags_of(root, GIB - PG), RW | PT_LARGE);
	/* a 2 MiB map where a page table is: 4 KiB pages through it */
	CHECK(pt_map(root, 16 * MIB, 0, PG, RW, 0));
	CHECK(pt_map(root, 16 * MIB, 32 * MIB, 2 * MIB, RW | PT_CACHE_UC, BOTH));
	CHECK_EQ(size_of(root, 16 * MIB), PG);
	CHECK_EQ(pa_of(root, 16 * MIB), 32 * MIB);
	CHECK_EQ(flags_of(root, 18 * MIB - PG), RW | PT_CACHE_UC);
}

TEST(pt_partial_remap_splits_and_keeps_the_rest)
{
	uint64_t root = fresh();

	CHECK(pt_map(root, 0, 0, GIB, RW | PT_NX, BOTH));
	CHECK_EQ(size_of(root, 0), GIB);
	CHECK(pt_map(root, 0xa0000, 0x7fa0000, 0x20000, RW | PT_CACHE_UC, BOTH));
	/* the new part */
	CHECK_EQ(size_of(root, 0xa5000), PG);
	CHECK_EQ(pa_of(root, 0xa5004), 0x7fa5004);
	CHECK_EQ(flags_of(root, 0xa5000), RW | PT_CACHE_UC);
	/* the rest of its 2 MiB page: 4 KiB pages with the old address and flags */
	CHECK_EQ(size_of(root, 0x9f000), PG);
	CHECK_EQ(pa_of(root, 0x9f000), 0x9f000);
	CHECK_EQ(flags_of(root, 0x9f000), RW | PT_NX);
	CHECK_EQ(pa_of(root, 0xc0000), 0xc0000);
	CHECK_EQ(pa_of(root, 0x1ff000), 0x1ff000);
	/* the rest of the old 1 GiB page: 2 MiB pages */
	CHECK_EQ(size_of(root, 0x200000), 2 * MIB);
	CHECK_EQ(flags_of(root, GIB - 1), RW | PT_NX | PT_LARGE);
	CHECK_EQ(pa_of(root, GIB - 1), GIB - 1);
	/* raw: PDPTE a table now (no PS), PDEs large except the first, PTEs without PS */
	CHECK_EQ(raw(root, 0, 2) & (PT_LARGE | PT_NX), 0);
	CHECK_EQ(raw(root, 0, 1) & PT_LARGE, 0);
	CHECK(raw(root, 2 * MIB, 1) & PT_LARGE);
	for (uint64_t va = 0; va < 2 * MIB; va += PG)
		if (raw(root, va, 0) & PT_LARGE) {
			CHECK(!"PS set in a PTE");
			break;
		}
}

TEST(pt_split_keeps_the_pat_bit)
{
	uint64_t root = fresh();

	CHECK(pt_map(root, 0, 0, 2 * GIB, RW, BOTH));
	/* set PAT by hand in the 1 GiB leaves (pt_map never does) */
	uint64_t *pdpt = phys_to_virt(raw(root, 0, 3) & PT_ADDR_MASK);
	pdpt[0] |= PAT_LARGE;
	pdpt[1] |= PAT_LARGE;
	CHECK_EQ(pa_of(root, 0x12345), 0x12345); /* PAT is not part of the address */
	CHECK(pt_unmap(root, 0x201000, PG)); /* 1 GiB -> 2 MiB -> 4 KiB */
	CHECK_EQ(raw(root, 0x400000, 1), 0x400000 | RW | PT_LARGE | PAT_LARGE);
	CHECK_EQ(raw(root, 0x200000, 0), 0x200000 | RW | PAT_4K);
	CHECK_EQ(raw(root, 0x3ff000, 0), 0x3ff000 | RW | PAT_4K);
	CHECK_EQ(pa_of(root, 0x3ff000), 0x3ff000);
	/* a 2 MiB split straight to 4 KiB */
	CHECK(pt_unmap(root, GIB, 2 * MIB));
	CHECK(pt_unmap(root, GIB + 2 * MIB, PG));
	CHECK_EQ(raw(root, GIB + 2 * MIB + PG, 0), (GIB + 2 * MIB + PG) | RW | PAT_4K);
}

TEST(pt_unmap_leaves_a_hole)
{
	uint64_t root = fresh(), pa, fl, sz;

	CHECK(pt_map(root, 0, 0, 4 * MIB, RW, PT_SIZE_2M));
	CHECK(pt_unmap(root, 0x201000, PG)); /* a guard page inside a 2 MiB page */
	CHECK(!pt_lookup(root, 0x201000, &pa, &fl, &sz));
	CHECK_EQ(pa_of(root, 0x200000), 0x200000);
	CHECK_EQ(pa_of(root, 0x202000), 0x202000);
	CHECK_EQ(size_of(root, 0x202000), PG);
	CHECK(pt_unmap(root, 0, 2 * MIB)); /* a whole large page */
	CHECK_EQ(raw(root, 0, 1), 0);
	CHECK(!pt_lookup(root, 0x1000, &pa, &fl, &sz));
	CHECK(pt_unmap(root, 16 * MIB, 2 * MIB));       /* never mapped: fine */
	CHECK(pt_unmap(root, 0x300000, 0x200000));      /* half mapped, half not */
	CHECK(!pt_lookup(root, 0x300000, &pa, &fl, &sz));
	CHECK_EQ(pa_of(root, 0x2ff000), 0x2ff000);
	/* unmapping all of a 1 GiB page, and a big never-mapped range, is quick and exact */
	CHECK(pt_map(root, GIB, GIB, GIB, RW, BOTH));
	CHECK(pt_unmap(root, GIB - 2 * MIB, GIB + 4 * MIB));
	CHECK(!pt_lookup(root, GIB + GIB / 2, &pa, &fl, &sz));
	CHECK(pt_unmap(root, 0x100000000000ull, 512 * GIB));
}

TEST(pt_canonical_high_half)
{
	uint64_t root = fresh();
	const uint64_t high = 0xffff800000000000ull;

	CHECK(pt_map(root, high, 0, 4 * MIB, RW, BOTH));
	CHECK_EQ(pa_of(root, high + 0x234567), 0x234567);
	CHECK_EQ(size_of(root, high), 2 * MIB);
	CHECK_EQ(((const uint64_t *)phys_to_virt(root))[256] & PT_PRESENT, PT_PRESENT);
	CHECK(pt_map(root, 0xffffffffc0000000ull, 0, GIB, RW, BOTH)); /* the very top */
	CHECK_EQ(size_of(root, 0xfffffffffffff000ull), GIB);
}

TEST(pt_rejects_bad_ranges)
{
	uint64_t root = fresh(), pa = 1, fl = 1, sz = 1;
	uint64_t free_before = pmm_free_bytes();

	test_log_clear();
	CHECK(!pt_map(root, 0x1001, 0, PG, PT_PRESENT, 0));
	CHECK(test_log_find("pt: map va 0x1001 pa 0x0 size 0x1000: not a non-empty run of 4 KiB "
			    "pages") != NULL);
	CHECK(!pt_map(root, 0, 0x800, PG, PT_PRESENT, 0)); /* unaligned pa */
	CHECK(!pt_map(root, 0, 0, 0x1800, PT_PRESENT, 0)); /* unaligned size */
	CHECK(!pt_map(root, 0, 0, 0, PT_PRESENT, 0));      /* empty */
	test_log_clear();
	CHECK(!pt_map(root, 0x0000800000000000ull, 0, PG, PT_PRESENT, 0));
	CHECK(test_log_find("pt: map va 0x800000000000-0x800000000fff is not canonical") != NULL);
	/* runs off the end of the lower half */
	CHECK(!pt_map(root, 0x00007ffffffff000ull, 0, 2 * PG, PT_PRESENT, 0));
	/* both ends canonical, the middle not */
	CHECK(!pt_map(root, 0x00007ffffffff000ull, 0, 0xffff800000001000ull - 0x00007ffffffff000ull,
		      PT_PRESENT, 0));
	CHECK(!pt_map(root, 0xfffffffffffff000ull, 0, 2 * PG, PT_PRESENT, 0)); /* wraps */
	test_log_clear();
	CHECK(!pt_map(root, 0, 1ull << 52, PG, PT_PRESENT, 0));
	CHECK(test_log_find("beyond the 52-bit physical address limit") != NULL);
	CHECK(!pt_map(root, 0, (1ull << 52) - PG, 2 * PG, PT_PRESENT, 0));
	CHECK(!pt_unmap(root, 0x1800, PG));
	CHECK(!pt_unmap(root, 0x0000800000000000ull, PG));
	test_log_clear();
	CHECK(!pt_lookup(root, 0x0000800000000000ull, &pa, &fl, &sz));
	CHECK(test_log_find("pt: lookup of non-canonical va 0x800000000000") != NULL);
	CHECK_EQ(pa, 1); /* outputs untouched on failure */
	test_log_clear();
	CHECK(!pt_map(0, 0, 0, PG, PT_PRESENT, 0));
	CHECK(!pt_lookup(0, 0, &pa, &fl, &sz));
	CHECK(test_log_find("pt: 0x0 is not a page-table root") != NULL);
	pt_destroy(0);
	/* nothing was mapped, nothing allocated */
	CHECK_EQ(pmm_free_bytes(), free_before);
	CHECK_EQ(((const uint64_t *)phys_to_virt(root))[0], 0);
}

TEST(pt_tables_come_from_pmm_and_destroy_returns_them)
{
	struct mem_range map[] = { { PHYS_ARENA_BASE, PHYS_ARENA_SIZE, MEM_USABLE } };

	pmm_init(map, 1, NULL, 0);
	uint64_t start = pmm_free_bytes();
	uint64_t root = pt_create();
	CHECK_EQ(pmm_free_bytes(), start - PG);
	CHECK(pt_map(root, 0, 0, GIB, RW, BOTH)); /* one PDPT */
	CHECK_EQ(pmm_free_bytes(), start - 2 * PG);
	CHECK(pt_map(root, 2 * GIB, 0, 2 * MIB, RW, BOTH)); /* one PD */
	CHECK_EQ(pmm_free_bytes(), start - 3 * PG);
	CHECK(pt_map(root, 3 * GIB, 0, 8 * MIB, RW, 0)); /* one PD and four PTs */
	CHECK_EQ(pmm_free_bytes(), start - 8 * PG);
	CHECK(pt_map(root, 0xffff800000000000ull, 0, PG, RW, 0)); /* PDPT, PD, PT */
	CHECK_EQ(pmm_free_bytes(), start - 11 * PG);
	CHECK(pt_unmap(root, 0x201000, PG)); /* splits: one PD, one PT */
	CHECK_EQ(pmm_free_bytes(), start - 13 * PG);
	CHECK(in_arena(raw(root, 3 * GIB, 1) & PT_ADDR_MASK));
	test_log_clear();
	pt_destroy(root);
	CHECK_EQ(pmm_free_bytes(), start);
	CHECK_STR(test_log_text(), ""); /* no double free along the way */
}

TEST(pt_out_of_memory_fails_cleanly)
{
	struct mem_range map[] = { { PHYS_ARENA_BASE, 3 * PG, MEM_USABLE } };

	pmm_init(map, 1, NULL, 0);
	uint64_t root = pt_create();
	test_log_clear();
	CHECK(pt_map(root, 0, 0, 2 * GIB, RW, BOTH)); /* PDPT only */
	CHECK(!pt_map(root, 0, 0, PG, RW, 0));        /* a split needs a PD and a PT: one left */
	CHECK(test_log_find("pt: out of memory for page tables mapping va 0x0") != NULL);
	CHECK(!pt_unmap(root, GIB + PG, PG)); /* no page left to split */
	CHECK(test_log_find("pt: out of memory splitting a large page") != NULL);
	/* what was there is still mapped, and still walks */
	CHECK_EQ(pa_of(root, GIB + PG), GIB + PG);
	CHECK_EQ(size_of(root, GIB), GIB);
	CHECK_EQ(pa_of(root, 0x1000), 0x1000);
	pt_destroy(root);
	CHECK_EQ(pmm_free_bytes(), 3 * PG);
	/* no memory at all: no root */
	pmm_init(map, 0, NULL, 0);
	CHECK_EQ(pt_create(), 0);
}
