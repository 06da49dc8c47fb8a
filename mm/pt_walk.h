/* mm/pt_walk.h: the one 4-level page-table walker, for the hypervisor's own tables
 * (mm/pagetable.c, SDM Vol. 3A, 4.5 "4-Level Paging and 5-Level Paging") and for EPT
 * (vmx/ept_build.c, SDM Vol. 3C, 29.3.2 "EPT Translation Mechanism"). Both formats have 512
 * entries per level, the address in bits 51:12 and a page-size bit 7 in 1 GiB and 2 MiB leaves;
 * they differ in what makes an entry present, what a non-leaf entry holds and where a large
 * leaf keeps its PAT bit, which struct pt_format says. Pure: table pages come from mm/pmm.c
 * through mm/phys.h. The caller checks its ranges and serialises changes to one table set.
 * Levels are numbered 3 (PML4) down to 0 (page table). */
#ifndef MM_PT_WALK_H
#define MM_PT_WALK_H

#include <stdbool.h>
#include <stdint.h>

#define PT_WALK_ADDR_MASK 0x000ffffffffff000ull
#define PT_WALK_LEVEL_SIZE(l) (4096ull << (9 * (l)))

/* Page sizes a mapping may use besides 4 KiB. */
#define PT_SIZE_2M (1u << 0)
#define PT_SIZE_1G (1u << 1)

struct pt_format {
	uint64_t present;   /* an entry with none of these bits maps nothing (x86 P; EPT R|W|X) */
	uint64_t large;     /* the page-size bit of a 1 GiB or 2 MiB leaf */
	uint64_t leaf_set;  /* set in every leaf (x86 P: "present is implied"; EPT none) */
	uint64_t table;     /* a new non-leaf entry's bits (x86 P|W; EPT R|W|X) */
	uint64_t inherit;   /* leaf bits the non-leaf entries above it take too (x86 U) */
	uint64_t pat_large; /* a large leaf's PAT bit, and where a split 4 KiB leaf puts it */
	uint64_t pat_4k;    /* (x86 bits 12 and 7; EPT has none: 0) */
};

/* Maps one page at va: the largest that `sizes` allows, va, pa and `left` are aligned to, and no
 * table is in the way of (a large page in the way of a smaller one is split first, its other
 * parts keeping their address and flags). Returns the page's size, 0 when out of memory. */
uint64_t pt_walk_map_one(const struct pt_format *f, uint64_t root, uint64_t va, uint64_t pa,
			 uint64_t left, uint64_t flags, unsigned sizes);
/* Unmaps from va on, at most `left` bytes, within one page or one unmapped region; returns how
 * far it got, 0 when a split found no memory. */
uint64_t pt_walk_unmap_one(const struct pt_format *f, uint64_t root, uint64_t va, uint64_t left);
/* va's leaf: *pa the address of va itself, *flags the leaf's bits outside the address field
 * (the large bit set for 1 GiB and 2 MiB leaves), *page_size its size; any may be NULL. */
bool pt_walk_lookup(const struct pt_format *f, uint64_t root, uint64_t va, uint64_t *pa,
		    uint64_t *flags, uint64_t *page_size);
/* Frees every table page, the root included (not the memory mapped). */
void pt_walk_destroy(const struct pt_format *f, uint64_t root);

#endif
