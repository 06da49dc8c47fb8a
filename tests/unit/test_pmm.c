/* tests/unit/test_pmm.c: the page allocator over an e820-like map with reserved holes. */
#include "mm/phys.h"
#include "mm/pmm.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/phys_arena.h"
#include "tests/unit/test.h"

#define MIB (1ull << 20)
#define ARENA_END (PHYS_ARENA_BASE + PHYS_ARENA_SIZE)

/* The arena as one usable range after a low-memory range the allocator must ignore. */
static void init_plain(void)
{
	struct mem_range map[] = {
		{ 0, 0x9fc00, MEM_USABLE },
		{ 0x9fc00, 0x400, MEM_RESERVED },
		{ PHYS_ARENA_BASE, PHYS_ARENA_SIZE, MEM_USABLE },
	};
	pmm_init(map, 3, NULL, 0);
}

TEST(pmm_ignores_low_memory_and_counts_exactly)
{
	init_plain();
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE);
	CHECK_EQ(pmm_total_bytes(), PHYS_ARENA_SIZE);
	CHECK_EQ(pmm_alloc_page(), PHYS_ARENA_BASE); /* lowest first, never below 1 MiB */
}

TEST(pmm_carves_reserved_ranges)
{
	struct mem_range map[] = {
		{ PHYS_ARENA_BASE + 0x123, PHYS_ARENA_SIZE - 0x123, MEM_USABLE }, /* unaligned base */
		{ ARENA_END, 4 * MIB, MEM_ACPI_NVS },                               /* not usable */
	};
	struct mem_range res[] = {
		{ PHYS_ARENA_BASE + MIB, 0x1800, MEM_RESERVED },     /* middle, 1.5 pages -> 2 */
		{ PHYS_ARENA_BASE + MIB + 0x1000, 0x3000, 0 },       /* overlaps the one before */
		{ ARENA_END - 2 * MIB, 4 * MIB, MEM_RESERVED },      /* runs off the end */
		{ 0, PHYS_ARENA_BASE + 0x2000, MEM_RESERVED },        /* covers the start */
	};
	pmm_init(map, 2, res, 4);
	/* usable: [base+0x2000, base+16M-2M) minus [base+1M, base+1M+0x4000) */
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE - 2 * MIB - 0x2000 - 0x4000);
	CHECK_EQ(pmm_alloc_page(), PHYS_ARENA_BASE + 0x2000);
	/* a run that would cross the hole goes after it */
	uint64_t run = pmm_alloc_pages(256, 4096);
	CHECK_EQ(run, PHYS_ARENA_BASE + MIB + 0x4000);
}

TEST(pmm_pages_are_zeroed_and_aligned)
{
	memset(phys_arena(), 0xa5, PHYS_ARENA_SIZE);
	init_plain();
	uint64_t p = pmm_alloc_pages(3, 2 * MIB);
	CHECK_EQ(p & (2 * MIB - 1), 0);
	const uint8_t *b = phys_to_virt(p);
	int dirty = 0;
	for (unsigned i = 0; i < 3 * 4096; i++)
		dirty |= b[i];
	CHECK_EQ(dirty, 0);
	/* the memory skipped for alignment is still free */
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE - 3 * 4096);
	CHECK_EQ(pmm_alloc_page(), PHYS_ARENA_BASE);
}

TEST(pmm_alloc_below_and_exhaustion)
{
	init_plain();
	test_log_clear();
	CHECK_EQ(pmm_alloc_below(1, PHYS_ARENA_BASE + 4096), PHYS_ARENA_BASE);
	CHECK_EQ(pmm_alloc_below(1, PHYS_ARENA_BASE + 4096), 0);
	CHECK(test_log_find("pmm: out of memory") != NULL);
	CHECK_EQ(pmm_alloc_pages(PHYS_ARENA_SIZE / 4096, 4096), 0);
	CHECK_EQ(pmm_alloc_pages(0, 4096), 0);
	CHECK_EQ(pmm_alloc_pages(1, 3000), 0); /* not a power of two >= 4096 */
}

TEST(pmm_free_merges_and_detects_double_free)
{
	init_plain();
	uint64_t a = pmm_alloc_pages(4, 4096), b = pmm_alloc_pages(4, 4096);
	CHECK_EQ(b, a + 4 * 4096);
	pmm_free_pages(a, 4);
	pmm_free_pages(b, 4);
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE);
	/* merged back into one extent: the whole arena is one run again */
	CHECK_EQ(pmm_alloc_pages(PHYS_ARENA_SIZE / 4096, 4096), PHYS_ARENA_BASE);
	pmm_free_pages(PHYS_ARENA_BASE, PHYS_ARENA_SIZE / 4096);
	test_log_clear();
	pmm_free_pages(PHYS_ARENA_BASE + 4096, 1);
	CHECK(test_log_find("pmm: double free") != NULL);
	CHECK_EQ(pmm_free_bytes(), PHYS_ARENA_SIZE);
}

TEST(pmm_no_usable_memory_is_reported)
{
	struct mem_range map[] = { { 0, 0x9f000, MEM_USABLE }, { 0x100000, 0x1000, MEM_RESERVED } };

	test_log_clear();
	pmm_init(map, 2, NULL, 0);
	CHECK(test_log_find("pmm: no usable memory above 1 MiB") != NULL);
	CHECK_EQ(pmm_alloc_page(), 0);
	pmm_init(NULL, 0, NULL, 0);
	CHECK_EQ(pmm_free_bytes(), 0);
}
