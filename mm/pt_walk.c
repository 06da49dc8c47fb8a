/* mm/pt_walk.c: the 4-level walker (see mm/pt_walk.h). Pure; the caller serialises. Non-leaf
 * entries get the format's table bits (and the inherited leaf bits), so the leaf alone decides
 * access (SDM Vol. 3A, 4.6 "Access Rights"; Vol. 3C, 29.3.3 "EPT-Induced VM Exits"). */
#include "mm/phys.h"
#include "mm/pmm.h"
#include "mm/pt_walk.h"

#define FLAG_MASK (~PT_WALK_ADDR_MASK)

static unsigned index_at(uint64_t va, unsigned level)
{
	return (va >> (12 + 9 * level)) & 511;
}

static uint64_t *table(uint64_t entry)
{
	return phys_to_virt(entry & PT_WALK_ADDR_MASK);
}

/* A present entry that points at a table of the next level down (not a leaf). */
static bool is_table(const struct pt_format *f, uint64_t e, unsigned level)
{
	return level > 0 && (e & f->present) && !(e & f->large);
}

/* May the piece at va/pa with `left` bytes to go be one page of this level? */
static bool fits(unsigned level, uint64_t va, uint64_t pa, uint64_t left, unsigned sizes)
{
	if (level == 0)
		return true;
	if (level == 1 && !(sizes & PT_SIZE_2M))
		return false;
	if (level == 2 && !(sizes & PT_SIZE_1G))
		return false;
	if (level > 2)
		return false;
	uint64_t size = PT_WALK_LEVEL_SIZE(level);
	return !((va | pa) & (size - 1)) && left >= size;
}

static uint64_t leaf(const struct pt_format *f, uint64_t pa, uint64_t flags, unsigned level)
{
	return pa | (flags & FLAG_MASK & ~f->large) | f->leaf_set | (level ? f->large : 0);
}

/* Replaces the large-page entry *e (level 2 or 1) by a table of 512 next-smaller pages mapping
 * the same memory with the same flags and memory type. The table is filled before it is linked
 * in, so a live mapping never changes under a CPU walking it. */
static bool split(const struct pt_format *f, uint64_t *e, unsigned level)
{
	uint64_t pa = pmm_alloc_page();

	if (!pa)
		return false;
	uint64_t old = *e, child = PT_WALK_LEVEL_SIZE(level - 1);
	uint64_t base = old & PT_WALK_ADDR_MASK & ~f->pat_large;
	uint64_t flags = old & FLAG_MASK & ~f->large;
	if (level - 1 > 0)
		flags |= f->large | (old & f->pat_large);
	else if (old & f->pat_large)
		flags |= f->pat_4k;
	uint64_t *t = phys_to_virt(pa);
	for (unsigned i = 0; i < 512; i++)
		t[i] = (base + i * child) | flags;
	*e = pa | f->table | (old & f->inherit);
	return true;
}

/* The table below the level `level` entry *e, created (or split out of a large page) when
 * needed; NULL when out of memory. */
static uint64_t *descend(const struct pt_format *f, uint64_t *e, unsigned level,
			 uint64_t leaf_flags)
{
	if (!(*e & f->present)) {
		uint64_t pa = pmm_alloc_page();
		if (!pa)
			return 0;
		*e = pa | f->table;
	} else if (*e & f->large) {
		if (!split(f, e, level))
			return 0;
	}
	*e |= leaf_flags & f->inherit;
	return table(*e);
}

uint64_t pt_walk_map_one(const struct pt_format *f, uint64_t root, uint64_t va, uint64_t pa,
			 uint64_t left, uint64_t flags, unsigned sizes)
{
	uint64_t *t = phys_to_virt(root);

	for (unsigned level = 3;; level--) {
		uint64_t *e = &t[index_at(va, level)];
		if (fits(level, va, pa, left, sizes) && !is_table(f, *e, level)) {
			*e = leaf(f, pa, flags, level);
			return PT_WALK_LEVEL_SIZE(level);
		}
		t = descend(f, e, level, flags);
		if (!t)
			return 0;
	}
}

uint64_t pt_walk_unmap_one(const struct pt_format *f, uint64_t root, uint64_t va, uint64_t left)
{
	uint64_t *t = phys_to_virt(root);

	for (unsigned level = 3;; level--) {
		uint64_t *e = &t[index_at(va, level)];
		uint64_t span = PT_WALK_LEVEL_SIZE(level), into = va & (span - 1);
		if (!(*e & f->present))
			return span - into < left ? span - into : left;
		if (!is_table(f, *e, level)) {
			if (into == 0 && left >= span) {
				*e = 0;
				return span;
			}
			if (!split(f, e, level))
				return 0;
		}
		t = table(*e);
	}
}

bool pt_walk_lookup(const struct pt_format *f, uint64_t root, uint64_t va, uint64_t *pa,
		    uint64_t *flags, uint64_t *page_size)
{
	const uint64_t *t = phys_to_virt(root);

	for (unsigned level = 3;; level--) {
		uint64_t e = t[index_at(va, level)];
		if (!(e & f->present))
			return false;
		if (!is_table(f, e, level)) {
			uint64_t size = PT_WALK_LEVEL_SIZE(level);
			uint64_t base = e & PT_WALK_ADDR_MASK & ~(size - 1);
			if (pa)
				*pa = base | (va & (size - 1));
			if (flags)
				*flags = e & FLAG_MASK;
			if (page_size)
				*page_size = size;
			return true;
		}
		t = table(e);
	}
}

static void destroy_level(const struct pt_format *f, uint64_t pa, unsigned level)
{
	const uint64_t *t = phys_to_virt(pa);

	for (unsigned i = 0; level > 0 && i < 512; i++)
		if (is_table(f, t[i], level))
			destroy_level(f, t[i] & PT_WALK_ADDR_MASK, level - 1);
	pmm_free_pages(pa, 1);
}

void pt_walk_destroy(const struct pt_format *f, uint64_t root)
{
	destroy_level(f, root, 3);
}
