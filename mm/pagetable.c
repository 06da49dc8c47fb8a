/* mm/pagetable.c: building and walking 4-level page tables (see mm/pagetable.h). Pure; the caller
 * serialises. Levels are numbered 3 (PML4) down to 0 (page table); an entry at level 2 or 1 with
 * PT_LARGE maps a 1 GiB or 2 MiB page, at level 0 every entry is a 4 KiB leaf. Non-leaf entries
 * are present and writable (and user if a leaf below is), so the leaf alone decides access (SDM
 * Vol. 3A, 4.6 "Access Rights"). */
#include "lib/log.h"
#include "mm/pagetable.h"
#include "mm/phys.h"
#include "mm/pmm.h"

#define LEVEL_SIZE(l) (4096ull << (9 * (l)))
#define FLAG_MASK (~PT_ADDR_MASK)
/* PAT selects the memory type with PCD and PWT: bit 7 in a PTE, bit 12 in a 1 GiB or 2 MiB leaf,
 * where it sits below the address (SDM Vol. 3A, 4.5, "Format of a Page-Directory Entry that Maps a
 * 2-MByte Page"). pt_map() never sets it, but a split keeps it. */
#define PAT_4K (1ull << 7)
#define PAT_LARGE (1ull << 12)
/* MAXPHYADDR is at most 52 (SDM Vol. 3A, 4.1.4 "Enumeration of Paging Features by CPUID"). */
#define PHYS_LIMIT (1ull << 52)

static unsigned index_at(uint64_t va, unsigned level)
{
	return (va >> (12 + 9 * level)) & 511;
}

/* Bits 63:47 all equal (SDM Vol. 3A, 4.5: 48-bit linear addresses). */
static bool canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1ffff;
}

static uint64_t *table(uint64_t entry)
{
	return phys_to_virt(entry & PT_ADDR_MASK);
}

/* A present entry that points at a table of the next level down (not a leaf). */
static bool is_table(uint64_t e, unsigned level)
{
	return level > 0 && (e & PT_PRESENT) && !(e & PT_LARGE);
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
	return !((va | pa) & (LEVEL_SIZE(level) - 1)) && left >= LEVEL_SIZE(level);
}

static uint64_t leaf(uint64_t pa, uint64_t flags, unsigned level)
{
	return pa | (flags & FLAG_MASK & ~PT_LARGE) | PT_PRESENT | (level ? PT_LARGE : 0);
}

/* Replaces the large-page entry *e (level 2 or 1) by a table of 512 next-smaller pages mapping
 * the same memory with the same flags and memory type. The table is filled before it is linked
 * in, so a live mapping never changes under a CPU walking it. */
static bool split(uint64_t *e, unsigned level)
{
	uint64_t pa = pmm_alloc_page();

	if (!pa)
		return false;
	uint64_t old = *e, child = LEVEL_SIZE(level - 1);
	uint64_t base = old & PT_ADDR_MASK & ~PAT_LARGE;
	uint64_t flags = old & FLAG_MASK & ~PT_LARGE;
	if (level - 1 > 0)
		flags |= PT_LARGE | (old & PAT_LARGE);
	else if (old & PAT_LARGE)
		flags |= PAT_4K;
	uint64_t *t = phys_to_virt(pa);
	for (unsigned i = 0; i < 512; i++)
		t[i] = (base + i * child) | flags;
	*e = pa | PT_PRESENT | PT_WRITE | (old & PT_USER);
	return true;
}

/* The table below the level `level` entry *e, created (or split out of a large page) when
 * needed; NULL when out of memory. */
static uint64_t *descend(uint64_t *e, unsigned level, uint64_t leaf_flags)
{
	if (!(*e & PT_PRESENT)) {
		uint64_t pa = pmm_alloc_page();
		if (!pa)
			return 0;
		*e = pa | PT_PRESENT | PT_WRITE;
	} else if (*e & PT_LARGE) {
		if (!split(e, level))
			return 0;
	}
	*e |= leaf_flags & PT_USER;
	return table(*e);
}

static bool check_root(uint64_t pml4)
{
	if (!pml4 || (pml4 & ~PT_ADDR_MASK)) {
		log_error("pt: 0x%lx is not a page-table root", pml4);
		return false;
	}
	return true;
}

static bool check_range(const char *what, uint64_t va, uint64_t pa, uint64_t size)
{
	if ((va | pa | size) & 0xfff || !size) {
		log_error("pt: %s va 0x%lx pa 0x%lx size 0x%lx: not a non-empty run of 4 KiB pages",
			  what, va, pa, size);
		return false;
	}
	uint64_t last = va + size - 1;
	if (last < va || !canonical(va) || !canonical(last) || (va >> 47) != (last >> 47)) {
		log_error("pt: %s va 0x%lx-0x%lx is not canonical (bits 63:47 must all be equal)",
			  what, va, last);
		return false;
	}
	if (pa >= PHYS_LIMIT || size > PHYS_LIMIT - pa) {
		log_error("pt: %s pa 0x%lx size 0x%lx is beyond the 52-bit physical address limit",
			  what, pa, size);
		return false;
	}
	return true;
}

uint64_t pt_create(void)
{
	uint64_t pml4 = pmm_alloc_page();

	if (!pml4)
		log_error("pt: no memory for a PML4");
	return pml4;
}

/* Maps one page at v (the largest that fits where no table is in the way); returns its size,
 * 0 when out of memory. */
static uint64_t map_one(uint64_t pml4, uint64_t v, uint64_t p, uint64_t left, uint64_t flags,
			unsigned sizes)
{
	uint64_t *t = phys_to_virt(pml4);

	for (unsigned level = 3;; level--) {
		uint64_t *e = &t[index_at(v, level)];
		if (fits(level, v, p, left, sizes) && !is_table(*e, level)) {
			*e = leaf(p, flags, level);
			return LEVEL_SIZE(level);
		}
		t = descend(e, level, flags);
		if (!t)
			return 0;
	}
}

bool pt_map(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags,
	    unsigned page_sizes)
{
	if (!check_root(pml4) || !check_range("map", va, pa, size))
		return false;
	for (uint64_t off = 0; off < size;) {
		uint64_t step = map_one(pml4, va + off, pa + off, size - off, flags, page_sizes);
		if (!step) {
			log_error("pt: out of memory for page tables mapping va 0x%lx", va + off);
			return false;
		}
		off += step;
	}
	return true;
}

/* Unmaps from v on, at most `left` bytes, within one page or one unmapped region; returns how
 * far it got, 0 when a split found no memory. */
static uint64_t unmap_one(uint64_t pml4, uint64_t v, uint64_t left)
{
	uint64_t *t = phys_to_virt(pml4);

	for (unsigned level = 3;; level--) {
		uint64_t *e = &t[index_at(v, level)];
		uint64_t span = LEVEL_SIZE(level), into = v & (span - 1);
		if (!(*e & PT_PRESENT))
			return span - into < left ? span - into : left;
		if (!is_table(*e, level)) {
			if (into == 0 && left >= span) {
				*e = 0;
				return span;
			}
			if (!split(e, level))
				return 0;
		}
		t = table(*e);
	}
}

bool pt_unmap(uint64_t pml4, uint64_t va, uint64_t size)
{
	if (!check_root(pml4) || !check_range("unmap", va, 0, size))
		return false;
	for (uint64_t off = 0; off < size;) {
		uint64_t step = unmap_one(pml4, va + off, size - off);
		if (!step) {
			log_error("pt: out of memory splitting a large page to unmap va 0x%lx",
				  va + off);
			return false;
		}
		off += step;
	}
	return true;
}

bool pt_lookup(uint64_t pml4, uint64_t va, uint64_t *pa, uint64_t *flags, uint64_t *page_size)
{
	if (!check_root(pml4))
		return false;
	if (!canonical(va)) {
		log_error("pt: lookup of non-canonical va 0x%lx", va);
		return false;
	}
	const uint64_t *t = phys_to_virt(pml4);
	for (unsigned level = 3;; level--) {
		uint64_t e = t[index_at(va, level)];
		if (!(e & PT_PRESENT))
			return false;
		if (!is_table(e, level)) {
			uint64_t size = LEVEL_SIZE(level);
			uint64_t base = e & PT_ADDR_MASK & ~(size - 1);
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

static void destroy_level(uint64_t pa, unsigned level)
{
	const uint64_t *t = phys_to_virt(pa);

	for (unsigned i = 0; level > 0 && i < 512; i++)
		if (is_table(t[i], level))
			destroy_level(t[i] & PT_ADDR_MASK, level - 1);
	pmm_free_pages(pa, 1);
}

void pt_destroy(uint64_t pml4)
{
	if (check_root(pml4))
		destroy_level(pml4, 3);
}
