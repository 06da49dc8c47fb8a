/* mm/pagetable.h: 4-level page tables for the hypervisor itself (Intel SDM Vol. 3A, 4.5 "4-Level
 * Paging and 5-Level Paging"). Pure: table pages come from mm/pmm.c through mm/phys.h. BSP at
 * boot (mm/mm.c); mappings of one table set are not changed concurrently. */
#ifndef MM_PAGETABLE_H
#define MM_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>

#define PT_PRESENT (1ull << 0)
#define PT_WRITE (1ull << 1)
#define PT_USER (1ull << 2)
#define PT_PWT (1ull << 3)
#define PT_PCD (1ull << 4)
#define PT_ACCESSED (1ull << 5)
#define PT_DIRTY (1ull << 6)
#define PT_LARGE (1ull << 7) /* PS in a PDPTE or PDE */
#define PT_GLOBAL (1ull << 8)
#define PT_NX (1ull << 63)
#define PT_ADDR_MASK 0x000ffffffffff000ull

/* With the power-on PAT, PCD|PWT selects UC and neither selects WB (SDM Vol. 3A, 12.12.3). */
#define PT_CACHE_WB 0ull
#define PT_CACHE_UC (PT_PCD | PT_PWT)

/* Page sizes pt_map() may use besides 4 KiB. */
#define PT_SIZE_2M (1u << 0)
#define PT_SIZE_1G (1u << 1)

uint64_t pt_create(void);
/* Map [va, va+size) to pa with `flags`, in the largest pages alignment and `page_sizes` allow.
 * Remapping part of a large page splits it and keeps the rest as it was. */
bool pt_map(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags,
	    unsigned page_sizes);
bool pt_unmap(uint64_t pml4, uint64_t va, uint64_t size);
bool pt_lookup(uint64_t pml4, uint64_t va, uint64_t *pa, uint64_t *flags, uint64_t *page_size);
/* Free every table page (not the memory mapped). */
void pt_destroy(uint64_t pml4);

#endif
