/* mm/pagetable.h: 4-level page tables for the hypervisor itself (Intel SDM Vol. 3A, 4.5 "4-Level
 * Paging and 5-Level Paging"). Pure: table pages come from mm/pmm.c through mm/phys.h. BSP at
 * boot (mm/mm.c); the caller serialises changes to one table set and flushes the TLBs after
 * changing a live one. Addresses: va must be canonical (bits 63:47 equal); va, pa and sizes are
 * 4 KiB multiples; pa stays below 2^52. */
#ifndef MM_PAGETABLE_H
#define MM_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/pt_walk.h"

/* Entry bits (SDM Vol. 3A, 4.5, tables "Format of a PML4 Entry" through "Format of a 4-Level
 * Page-Table Entry"). */
#define PT_PRESENT (1ull << 0)
#define PT_WRITE (1ull << 1)
#define PT_USER (1ull << 2)
#define PT_PWT (1ull << 3)
#define PT_PCD (1ull << 4)
#define PT_ACCESSED (1ull << 5)
#define PT_DIRTY (1ull << 6)
#define PT_LARGE (1ull << 7) /* PS in a PDPTE or PDE; in a PTE this bit is PAT instead */
#define PT_GLOBAL (1ull << 8)
#define PT_NX (1ull << 63)   /* honoured only with IA32_EFER.NXE set */
#define PT_ADDR_MASK PT_WALK_ADDR_MASK

/* With the power-on PAT, PCD|PWT selects entry 3 = UC and neither selects entry 0 = WB (SDM Vol.
 * 3A, "Programming the PAT", table "Memory Type Setting of PAT Entries Following a Power-up or
 * Reset"; the section number differs between editions). */
#define PT_CACHE_WB 0ull
#define PT_CACHE_UC (PT_PCD | PT_PWT)

/* Page sizes pt_map() may use besides 4 KiB are mm/pt_walk.h's PT_SIZE_2M and PT_SIZE_1G (1 GiB
 * pages need CPUID.80000001H:EDX.Page1GB). */

/* An empty PML4 (a zeroed page from pmm): its physical address, or 0 when out of memory. */
uint64_t pt_create(void);

/* Maps [va, va+size) to [pa, pa+size) with `flags` (PT_PRESENT is implied; PT_LARGE is ignored:
 * the size is chosen here). Each piece uses the largest page `page_sizes` allows that va, pa and
 * what is left of size are aligned to, unless a table already sits where a large page would go:
 * then the mapping goes through that table in smaller pages. Whatever was mapped there before
 * is replaced; a large page only partly remapped is split first, its other parts keeping their
 * address and flags. Intermediate entries are P|W (|U when a leaf below is U); NX only ever goes
 * into leaves. False on a bad range (logged) or when pmm runs out of table pages (what was
 * mapped before that stays mapped). */
bool pt_map(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags,
	    unsigned page_sizes);

/* Unmaps [va, va+size), splitting large pages that straddle its ends; parts not mapped are
 * fine. Table pages are freed only by pt_destroy(), so a live table set never points at a page
 * that was handed out again. False on a bad range or when a split finds no memory. */
bool pt_unmap(uint64_t pml4, uint64_t va, uint64_t size);

/* Walks to va's leaf: *pa is the physical address of va itself, *flags the leaf entry's bits
 * outside the address field (PT_LARGE set for 1 GiB and 2 MiB leaves), *page_size the size of
 * the page. Any output may be NULL. False when va is not mapped (or not canonical). */
bool pt_lookup(uint64_t pml4, uint64_t va, uint64_t *pa, uint64_t *flags, uint64_t *page_size);

/* Frees every table page, the PML4 included (not the memory mapped). */
void pt_destroy(uint64_t pml4);

#endif
