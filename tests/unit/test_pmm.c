/* tests/unit/test_pmm.c: the page allocator over e820-like maps with reserved holes, in the test
 * arena (tests/unit/phys_arena.c: "physical" [1 MiB, 17 MiB)). Host unit test. */
#include <stdbool.h>

#include "mm/phys.h"
#include "mm/pmm.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/phys_arena.h"
#include "tests/unit/test.h"

#define KIB 1024ull
#define MIB (1ull << 20)
#define PG 4096ull
#define B PHYS_ARENA_BASE
#define ARENA_END (PHYS_ARENA_BASE + PHYS_ARENA_SIZE)
#define ARENA_PAGES (PHYS_ARENA_SIZE / PG)

/* The arena as one usable range, after low-memory ranges the allocator must ignore. */
static void init_plain(void)
{
	struct mem_range map[] = {
		{ 0, 0x9fc00, MEM_USABLE },
		{ 0x9fc00, 0x400, MEM_RESERVED },
		{ 0xf0000, 0x10000, MEM_RESERVED },
		{ B, PHYS_ARENA_SIZE, MEM_USABLE },
	};
	pmm_init(map, 4, NULL, 0);
}

static bool all_zero(uint64_t pa, uint64_t bytes)
{
	const uint8_t *p = phys_to_virt(pa);

	for (uint64_t i = 0; i < bytes; i++)
		if (p[i])
			return false;
	return true;
}

TEST(pmm_ignores_low_memory_and_counts_exactly)
{
	init_plain();
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE);
	CHECK_EQ(pmm_total_bytes(), PHYS_ARENA_SIZE);
	CHECK_EQ(pmm_alloc_page(), B); /* lowest first, never below 1 MiB */
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE - PG);
	CHECK_EQ(pmm_total_bytes(), PHYS_ARENA_SIZE); /* total is what init managed */
}

/* An e820-like map (physical addresses; the arena is [0x100000, 0x1100000)):
 *   [0x80000, 0x200000) usable, straddling 1 MiB     -> [0x100000, 0x200000)
 *   [0x180000, +64K) usable again (a duplicate entry) -> counted once
 *   [0x200800, 0x2ff800) usable, unaligned both ends  -> [0x201000, 0x2ff000)
 *   [0x300000, 0x400000) usable, all of it reserved (from 0x2ff800, which touches the end of
 *                        the range before but takes none of it) -> nothing
 *   [0x400000, 0x800000) usable: reserved at its start (up to 0x410000), in its middle (one
 *                        byte at 0x600000 and an overlapping [0x5ff000, 0x601000)) and at its
 *                        end (from 0x7ff800)
 *                        -> [0x410000, 0x5ff000) + [0x601000, 0x7ff000)
 *   [0x800000, 0x900000) ACPI reclaimable             -> not managed
 *   a zero-length usable entry                         -> nothing */
static void init_e820(void)
{
	struct mem_range map[] = {
		{ 0, 0x80000, MEM_USABLE },
		{ 0x80000, 0x180000, MEM_USABLE },
		{ 0x180000, 0x10000, MEM_USABLE },
		{ 0x200800, 0xff000, MEM_USABLE },
		{ 0x300000, 0x100000, MEM_USABLE },
		{ 0x400000, 0x400000, MEM_USABLE },
		{ 0x800000, 0x100000, MEM_ACPI_RECLAIMABLE },
		{ 0xa00000, 0, MEM_USABLE },
	};
	struct mem_range res[] = {
		{ 0x2ff800, 0x110800, MEM_RESERVED }, /* the image: 0x2ff000-0x410000 */
		{ 0x600000, 1, MEM_RESERVED },        /* one byte: the whole page goes */
		{ 0x5ff000, 0x2000, MEM_RESERVED },   /* overlaps the one before */
		{ 0x7ff800, 0x101000, MEM_RESERVED }, /* the end, and past it */
		{ 0x90000, 0x1000, MEM_RESERVED },    /* below 1 MiB: no effect */
		{ 0xc00000, 0, MEM_RESERVED },        /* empty: no effect */
	};
	pmm_init(map, 8, res, 6);
}

#define E820_FREE (0x100000 + 0xfe000 + (0x5ff000 - 0x410000) + (0x7ff000 - 0x601000))

TEST(pmm_carves_reserved_ranges_exactly)
{
	init_e820();
	CHECK_EQ(pmm_free_bytes(), E820_FREE);
	CHECK_EQ(pmm_total_bytes(), E820_FREE);
	CHECK_EQ(pmm_alloc_page(), 0x100000);
	/* 1 MiB fits neither in the rest of the first extent nor in the second */
	CHECK_EQ(pmm_alloc_pages(256, PG), 0x410000);
	/* 1 MiB aligned: 0x200000-0x600000 are taken, reserved or not free any more */
	CHECK_EQ(pmm_alloc_pages(1, MIB), 0x700000);
	/* the rest of the first extent exactly, then the second exactly */
	CHECK_EQ(pmm_alloc_pages(255, PG), 0x101000);
	CHECK_EQ(pmm_alloc_pages(254, PG), 0x201000);
	CHECK_EQ(pmm_free_bytes(), E820_FREE - (1 + 256 + 1 + 255 + 254) * PG);
	CHECK_EQ(pmm_alloc_pages(1, PG), 0x510000);
}

TEST(pmm_reserved_all_or_nothing_left)
{
	struct mem_range map[] = { { B, 4 * MIB, MEM_USABLE } };
	struct mem_range all[] = { { B - 0x800, 4 * MIB + 0x1000, MEM_RESERVED } };
	/* usable memory at the top of the address space, with a reserved range whose end, rounded
	 * up to a page, would wrap to 0 */
	struct mem_range top[] = { { B, 4 * MIB, MEM_USABLE },
				   { 0xffffffff00000000ull, 0x100000000ull, MEM_USABLE } };
	struct mem_range edge[] = { { 0xfffffffffff00000ull, 0xff801, MEM_RESERVED } };

	test_log_clear();
	pmm_init(map, 1, all, 1);
	CHECK_EQ(pmm_free_bytes(), 0);
	CHECK(test_log_find("pmm: no usable memory above 1 MiB") != NULL);
	CHECK_EQ(pmm_alloc_page(), 0);
	pmm_init(top, 2, NULL, 0);
	/* the top page is left out: an extent end of 2^64 is not representable */
	CHECK_EQ(pmm_free_bytes(), 4 * MIB + 0xfffff000ull);
	pmm_init(top, 2, edge, 1);
	CHECK_EQ(pmm_free_bytes(), 4 * MIB + 0xfff00000ull);
}

TEST(pmm_huge_usable_range_is_clipped_not_wrapped)
{
	/* a usable range running off the end of the address space, reserved above the arena */
	struct mem_range map[] = { { B + 0x10, UINT64_MAX, MEM_USABLE } };
	struct mem_range res[] = { { ARENA_END, UINT64_MAX - ARENA_END, MEM_RESERVED } };

	pmm_init(map, 1, res, 1);
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE - PG);
	CHECK_EQ(pmm_alloc_page(), B + PG);
}

TEST(pmm_pages_are_zeroed_and_aligned)
{
	init_plain();
	memset(phys_arena(), 0xa5, PHYS_ARENA_SIZE); /* dirty "RAM" */
	uint64_t p = pmm_alloc_pages(3, 2 * MIB);
	CHECK_EQ(p, 2 * MIB); /* the first 2 MiB boundary in [1 MiB, 17 MiB) */
	CHECK(all_zero(p, 3 * PG));
	CHECK_EQ(*(const uint8_t *)phys_to_virt(p + 3 * PG), 0xa5); /* no more than asked */
	/* the memory skipped for alignment is still free, and handed out next, zeroed */
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE - 3 * PG);
	uint64_t q = pmm_alloc_page();
	CHECK_EQ(q, B);
	CHECK(all_zero(q, PG));
	CHECK_EQ(pmm_alloc_pages(2, 8 * MIB), 8 * MIB);
	CHECK_EQ(pmm_alloc_pages(1, 16 * MIB), 16 * MIB);
	CHECK_EQ(pmm_alloc_pages(1, 32 * MIB), 0); /* no 32 MiB boundary in the arena */
}

TEST(pmm_lowest_first_and_reuse)
{
	init_plain();
	uint64_t a = pmm_alloc_page(), b = pmm_alloc_page(), c = pmm_alloc_page();
	CHECK_EQ(a, B);
	CHECK_EQ(b, B + PG);
	CHECK_EQ(c, B + 2 * PG);
	pmm_free_pages(b, 1);
	CHECK_EQ(pmm_alloc_page(), b); /* the hole is the lowest free page */
	CHECK_EQ(pmm_alloc_page(), B + 3 * PG);
}

TEST(pmm_alloc_below_a_limit)
{
	test_log_clear();
	init_e820();
	/* 1 MiB + 4 KiB below 4 MiB: no extent that low is big enough */
	CHECK_EQ(pmm_alloc_below(257, 0x400000), 0);
	CHECK(test_log_find("pmm: out of memory") != NULL);
	CHECK_EQ(pmm_alloc_below(257, 0x511000), 0x410000); /* ends exactly at the limit */
	CHECK_EQ(pmm_alloc_below(0x20, 0x300000), 0x100000);
	CHECK_EQ(pmm_alloc_below(1, 0x100000), 0); /* nothing below 1 MiB, ever */
}

TEST(pmm_exhaustion_returns_0_and_logs_once)
{
	init_plain();
	test_log_clear();
	for (uint64_t i = 0; i < ARENA_PAGES; i++)
		if (pmm_alloc_page() != B + i * PG) {
			CHECK(!"pages handed out in order");
			break;
		}
	CHECK_EQ(pmm_free_bytes(), 0);
	CHECK_STR(test_log_text(), "");
	CHECK_EQ(pmm_alloc_page(), 0);
	CHECK(test_log_find("pmm: out of memory") != NULL);
	test_log_clear();
	CHECK_EQ(pmm_alloc_pages(1, PG), 0);
	CHECK(test_log_find("pmm: out of memory") == NULL); /* said once is enough */
	pmm_free_pages(B, ARENA_PAGES);
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE);
	/* too big a run is out of memory too */
	CHECK_EQ(pmm_alloc_pages(ARENA_PAGES + 1, PG), 0);
}

TEST(pmm_bad_requests_are_refused)
{
	init_plain();
	test_log_clear();
	CHECK_EQ(pmm_alloc_pages(0, PG), 0);
	CHECK(test_log_find("pmm: bad request for 0 pages") != NULL);
	CHECK_EQ(pmm_alloc_pages(1, 3000), 0);   /* not a power of two */
	CHECK_EQ(pmm_alloc_pages(1, 2048), 0);   /* less than a page */
	CHECK_EQ(pmm_alloc_pages(1, 0x3000), 0); /* not a power of two */
	CHECK_EQ(pmm_alloc_pages(UINT64_MAX / 2, PG), 0);
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE);
}

TEST(pmm_free_merges_with_both_neighbours)
{
	init_plain();
	uint64_t a = pmm_alloc_pages(4, PG), b = pmm_alloc_pages(4, PG), c = pmm_alloc_pages(4, PG);
	CHECK_EQ(b, a + 4 * PG);
	CHECK_EQ(c, b + 4 * PG);
	pmm_free_pages(a, 4);
	pmm_free_pages(c, 4);
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE - 4 * PG);
	pmm_free_pages(b, 4); /* joins the free run below and the one above */
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE);
	/* merged back into one extent: the whole arena is one run again */
	CHECK_EQ(pmm_alloc_pages(ARENA_PAGES, PG), B);
	CHECK_EQ(pmm_free_bytes(), 0);
	pmm_free_pages(B, ARENA_PAGES);
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE);
}

TEST(pmm_double_and_bad_frees_change_nothing)
{
	init_plain();
	uint64_t a = pmm_alloc_pages(8, PG);
	CHECK_EQ(a, B);
	uint64_t before = pmm_free_bytes();

	test_log_clear();
	pmm_free_pages(a + 8 * PG, 1); /* never allocated: free already */
	CHECK(test_log_find("pmm: double free") != NULL);
	test_log_clear();
	pmm_free_pages(a + 6 * PG, 4); /* half allocated, half free */
	CHECK(test_log_find("pmm: double free") != NULL);
	pmm_free_pages(a, 2);
	test_log_clear();
	pmm_free_pages(a, 2); /* the same run twice */
	CHECK(test_log_find("pmm: double free") != NULL);
	CHECK_EQ(pmm_free_bytes(), before + 2 * PG);

	test_log_clear();
	pmm_free_pages(0x9f000, 1); /* below 1 MiB: never managed */
	CHECK(test_log_find("pmm: bad free: 0x9f000-0x9ffff is not memory the allocator manages") !=
	      NULL);
	test_log_clear();
	pmm_free_pages(ARENA_END - PG, 2); /* runs past the end of managed memory */
	CHECK(test_log_find("pmm: bad free") != NULL);
	test_log_clear();
	pmm_free_pages(a + 2 * PG + 1, 1); /* not page aligned */
	CHECK(test_log_find("pmm: bad free of 1 pages") != NULL);
	test_log_clear();
	pmm_free_pages(a + 2 * PG, 0);
	CHECK(test_log_find("pmm: bad free of 0 pages") != NULL);
	test_log_clear();
	pmm_free_pages(a + 2 * PG, UINT64_MAX / 4096); /* the end would wrap */
	CHECK(test_log_find("pmm: bad free of") != NULL);
	CHECK_EQ(pmm_free_bytes(), before + 2 * PG);
	/* the rest of the run comes back fine, and everything is one run again */
	test_log_clear();
	pmm_free_pages(a + 2 * PG, 6);
	CHECK_STR(test_log_text(), "");
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE);
	CHECK_EQ(pmm_alloc_pages(ARENA_PAGES, PG), B);

	/* a reserved hole inside a usable range is not the allocator's either */
	init_e820();
	test_log_clear();
	pmm_free_pages(0x600000, 1);
	CHECK(test_log_find("pmm: bad free") != NULL);
	CHECK_EQ(pmm_free_bytes(), E820_FREE);
}

TEST(pmm_too_many_extents_drops_the_smallest)
{
	struct mem_range map[] = { { B, PHYS_ARENA_SIZE, MEM_USABLE } };
	struct mem_range res[300];

	/* every other page of the first 600 reserved: 300 one-page extents and one big one */
	for (unsigned i = 0; i < 300; i++)
		res[i] = (struct mem_range){ B + (2 * i + 1) * PG, PG, MEM_RESERVED };
	test_log_clear();
	pmm_init(map, 1, res, 300);
	CHECK(test_log_find("pmm: more than 256 free extents") != NULL);
	/* 255 single pages and the big extent kept; the 45 highest single pages dropped */
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE - 300 * PG - 45 * PG);
	CHECK_EQ(pmm_alloc_page(), B);                      /* low memory kept */
	CHECK_EQ(pmm_alloc_pages(2, PG), B + 600 * PG);     /* the big one is intact */
	CHECK_EQ(pmm_alloc_pages(3000, PG), B + 602 * PG);
	/* a dropped page is not managed any more: freeing it is refused */
	test_log_clear();
	pmm_free_pages(B + 598 * PG, 1);
	CHECK(test_log_find("pmm: bad free") != NULL);
}

TEST(pmm_no_usable_memory_is_reported)
{
	struct mem_range map[] = {
		{ 0, 0x9f000, MEM_USABLE },
		{ 0x100000, 0x1000, MEM_RESERVED },
		{ 0x100000, 0x800, MEM_USABLE }, /* less than a page */
	};

	test_log_clear();
	pmm_init(map, 3, NULL, 0);
	CHECK(test_log_find("pmm: no usable memory above 1 MiB") != NULL);
	CHECK_EQ(pmm_alloc_page(), 0);
	CHECK_EQ(pmm_alloc_below(1, UINT64_MAX), 0);
	CHECK_EQ(pmm_total_bytes(), 0);
	test_log_clear();
	pmm_init(NULL, 0, NULL, 0);
	CHECK(test_log_find("pmm: no usable memory above 1 MiB") != NULL);
	CHECK_EQ(pmm_free_bytes(), 0);
	test_log_clear();
	pmm_free_pages(B, 1); /* nothing is managed */
	CHECK(test_log_find("pmm: bad free") != NULL);
}

TEST(pmm_dump_lists_the_extents)
{
	init_e820();
	test_log_clear();
	pmm_dump();
	CHECK(test_log_find("pmm: 4 free extents") != NULL);
	CHECK(test_log_find("pmm: free 0x0000000000100000-0x00000000001fffff") != NULL);
	CHECK(test_log_find("pmm: free 0x0000000000601000-0x00000000007fefff") != NULL);
}
