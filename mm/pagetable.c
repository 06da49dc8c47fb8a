/* mm/pagetable.c: the hypervisor's own 4-level page tables (see mm/pagetable.h): the x86 format
 * for the one walker in mm/pt_walk.c, and the checks of what callers ask. Pure; the caller
 * serialises. */
#include "lib/log.h"
#include "mm/pagetable.h"
#include "mm/pmm.h"
#include "mm/pt_walk.h"

/* MAXPHYADDR is at most 52 (SDM Vol. 3A, 4.1.4 "Enumeration of Paging Features by CPUID"). */
#define PHYS_LIMIT (1ull << 52)

/* PAT selects the memory type with PCD and PWT: bit 7 in a PTE, bit 12 in a 1 GiB or 2 MiB leaf,
 * where it sits below the address (SDM Vol. 3A, 4.5, "Format of a Page-Directory Entry that Maps a
 * 2-MByte Page"). pt_map() never sets it, but a split keeps it. Non-leaf entries are P|W, and U
 * when a leaf below is U. */
static const struct pt_format x86_format = {
	.present = PT_PRESENT,
	.large = PT_LARGE,
	.leaf_set = PT_PRESENT,
	.table = PT_PRESENT | PT_WRITE,
	.inherit = PT_USER,
	.pat_large = 1ull << 12,
	.pat_4k = 1ull << 7,
};

/* Bits 63:47 all equal (SDM Vol. 3A, 4.5: 48-bit linear addresses). */
static bool canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1ffff;
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

bool pt_map(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags,
	    unsigned page_sizes)
{
	if (!check_root(pml4) || !check_range("map", va, pa, size))
		return false;
	for (uint64_t off = 0; off < size;) {
		uint64_t step = pt_walk_map_one(&x86_format, pml4, va + off, pa + off, size - off, flags,
						page_sizes);
		if (!step) {
			log_error("pt: out of memory for page tables mapping va 0x%lx", va + off);
			return false;
		}
		off += step;
	}
	return true;
}

bool pt_unmap(uint64_t pml4, uint64_t va, uint64_t size)
{
	if (!check_root(pml4) || !check_range("unmap", va, 0, size))
		return false;
	for (uint64_t off = 0; off < size;) {
		uint64_t step = pt_walk_unmap_one(&x86_format, pml4, va + off, size - off);
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
	return pt_walk_lookup(&x86_format, pml4, va, pa, flags, page_size);
}

void pt_destroy(uint64_t pml4)
{
	if (check_root(pml4))
		pt_walk_destroy(&x86_format, pml4);
}
