/* mm/pagetable.c: building and walking 4-level page tables (see mm/pagetable.h). Levels are
 * numbered 3 (PML4) down to 0 (page table); an entry at level 1 or 2 with PT_LARGE maps a 2 MiB or
 * 1 GiB page. Non-leaf entries are present and writable (and user if a leaf below is), so the
 * leaf alone decides access (SDM Vol. 3A, 4.6 "Access Rights"). */
#include "lib/log.h"
#include "mm/pagetable.h"
#include "mm/phys.h"
#include "mm/pmm.h"

#define LEVEL_SIZE(l) (4096ull << (9 * (l)))
/* In a large-page entry bit 12 is PAT, not part of the address (SDM Vol. 3A, Table 4-15). */
#define PT_LARGE_PAT (1ull << 12)

static unsigned index_at(uint64_t va, unsigned level)
{
	return (va >> (12 + 9 * level)) & 511;
}

static bool canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1ffff;
}

static uint64_t *table(uint64_t pa)
{
	return phys_to_virt(pa & PT_ADDR_MASK);
}

/* Replace a large-page entry by a table of the next smaller pages mapping the same memory with
 * the same flags. */
static bool split(uint64_t *entry, unsigned level)
{
	uint64_t pa = pmm_alloc_page();

	if (!pa)
		return false;
	uint64_t old = *entry, child = LEVEL_SIZE(level - 1);
	uint64_t base = old & PT_ADDR_MASK & ~PT_LARGE_PAT;
	uint64_t flags = old & ~PT_ADDR_MASK & ~(level == 1 ? PT_LARGE : 0);
	uint64_t *t = table(pa);
	for (unsigned i = 0; i < 512; i++)
		t[i] = (base + i * child) | flags;
	*entry = pa | PT_PRESENT | PT_WRITE | (old & PT_USER);
	return true;
}

/* The table below `entry`, created (or split out of a large page) when needed. */
static uint64_t *descend(uint64_t *entry, unsigned level, uint64_t leaf_flags)
{
	if (!(*entry & PT_PRESENT)) {
		uint64_t pa = pmm_alloc_page();
		if (!pa)
			return 0;
		*entry = pa | PT_PRESENT | PT_WRITE;
	} else if (*entry & PT_LARGE) {
		if (!split(entry, level))
			return 0;
	}
	*entry |= leaf_flags & PT_USER;
	return table(*entry);
}

static unsigned pick_level(uint64_t va, uint64_t pa, uint64_t left, unsigned sizes)
{
	if ((sizes & PT_SIZE_1G) && !((va | pa) & (LEVEL_SIZE(2) - 1)) && left >= LEVEL_SIZE(2))
		return 2;
	if ((sizes & PT_SIZE_2M) && !((va | pa) & (LEVEL_SIZE(1) - 1)) && left >= LEVEL_SIZE(1))
		return 1;
	return 0;
}

static bool check_range(uint64_t va, uint64_t size, uint64_t pa)
{
	if ((va | pa | size) & 0xfff || !size || va + size - 1 < va || !canonical(va) ||
	    !canonical(va + size - 1)) {
		log_error("pt: bad range va 0x%lx size 0x%lx pa 0x%lx", va, size, pa);
		return false;
	}
	return true;
}

uint64_t pt_create(void)
{
	return pmm_alloc_page();
}

bool pt_map(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags,
	    unsigned page_sizes)
{
	if (!check_range(va, size, pa))
		return false;
	for (uint64_t off = 0; off < size;) {
		uint64_t v = va + off, p = pa + off;
		unsigned leaf = pick_level(v, p, size - off, page_sizes);
		uint64_t *t = table(pml4);
		for (unsigned level = 3; level > leaf; level--) {
			t = descend(&t[index_at(v, level)], level, flags);
			if (!t)
				return false;
		}
		uint64_t *e = &t[index_at(v, leaf)];
		if (leaf && (*e & PT_PRESENT) && !(*e & PT_LARGE)) {
			/* a table is in the way: map through it at the next smaller size */
			pt_map(pml4, v, p, LEVEL_SIZE(leaf), flags, leaf == 2 ? PT_SIZE_2M : 0);
		} else {
			*e = p | (flags & ~PT_LARGE) | PT_PRESENT | (leaf ? PT_LARGE : 0);
		}
		off += LEVEL_SIZE(leaf);
	}
	return true;
}

bool pt_unmap(uint64_t pml4, uint64_t va, uint64_t size)
{
	if (!check_range(va, size, 0))
		return false;
	for (uint64_t off = 0; off < size;) {
		uint64_t v = va + off, step = LEVEL_SIZE(0);
		uint64_t *t = table(pml4);
		for (unsigned level = 3;; level--) {
			uint64_t *e = &t[index_at(v, level)];
			bool whole = !(v & (LEVEL_SIZE(level) - 1)) && size - off >= LEVEL_SIZE(level);
			if (!(*e & PT_PRESENT)) {
				step = whole ? LEVEL_SIZE(level) : LEVEL_SIZE(0);
				break;
			}
			if (level == 0 || ((*e & PT_LARGE) && whole)) {
				*e = 0;
				step = LEVEL_SIZE(level);
				break;
			}
			if ((*e & PT_LARGE) && !split(e, level))
				return false;
			t = table(*e);
		}
		off += step;
	}
	return true;
}

bool pt_lookup(uint64_t pml4, uint64_t va, uint64_t *pa, uint64_t *flags, uint64_t *page_size)
{
	const uint64_t *t = table(pml4);

	if (!canonical(va))
		return false;
	for (unsigned level = 3;; level--) {
		uint64_t e = t[index_at(va, level)];
		if (!(e & PT_PRESENT))
			return false;
		if (level == 0 || (e & PT_LARGE)) {
			uint64_t size = LEVEL_SIZE(level);
			uint64_t base = e & PT_ADDR_MASK & (level ? ~PT_LARGE_PAT : ~0ull);
			*pa = (base & ~(size - 1)) + (va & (size - 1));
			*flags = e & ~PT_ADDR_MASK;
			*page_size = size;
			return true;
		}
		t = table(e);
	}
}

static void destroy_level(uint64_t pa, unsigned level)
{
	uint64_t *t = table(pa);

	if (level > 0)
		for (unsigned i = 0; i < 512; i++)
			if ((t[i] & PT_PRESENT) && !(t[i] & PT_LARGE))
				destroy_level(t[i] & PT_ADDR_MASK, level - 1);
	pmm_free_pages(pa, 1);
}

void pt_destroy(uint64_t pml4)
{
	destroy_level(pml4, 3);
}
