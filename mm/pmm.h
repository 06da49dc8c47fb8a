/* mm/pmm.h: the physical page allocator. It manages usable RAM at or above 1 MiB as a sorted array
 * of free extents, hands out zeroed 4 KiB pages and contiguous aligned runs, lowest address first
 * (so boots are reproducible). Pure and single-threaded: it takes no lock, callers serialise
 * (today only the BSP allocates, at boot and while building the VM). */
#ifndef MM_PMM_H
#define MM_PMM_H

#include <stdint.h>

#include "mm/mem_map.h"

#define PMM_PAGE_SIZE 4096ull
#define PMM_MAX_EXTENTS 256       /* free extents kept; beyond that the smallest is dropped */
#define PMM_LOW_LIMIT 0x100000ull /* below 1 MiB stays with the firmware and the AP trampoline */

/* Starts over with the MEM_USABLE entries of `usable` (others are ignored), trimmed to whole pages
 * at or above 1 MiB, minus every `reserved` range whatever its type (the image, the multiboot
 * information, the modules), widened to whole pages. Ranges may overlap each other. Logs an
 * error when nothing is left. */
void pmm_init(const struct mem_range *usable, unsigned n_usable, const struct mem_range *reserved,
	      unsigned n_reserved);

/* One zeroed page; its physical address, or 0 when memory is exhausted. */
uint64_t pmm_alloc_page(void);
/* `count` contiguous zeroed pages starting at a multiple of `align` (a power of two >= 4096),
 * or 0. */
uint64_t pmm_alloc_pages(uint64_t count, uint64_t align);
/* `count` contiguous zeroed pages that end at or below `limit` (e.g. 4 GiB), or 0. */
uint64_t pmm_alloc_below(uint64_t count, uint64_t limit);

/* Gives back `count` pages at `pa`, merged with free neighbours. Freeing memory that is already
 * free ("pmm: double free") or that the allocator does not manage ("pmm: bad free") is logged
 * and changes nothing. */
void pmm_free_pages(uint64_t pa, uint64_t count);

uint64_t pmm_free_bytes(void);
uint64_t pmm_total_bytes(void); /* what pmm_init() left to manage */
void pmm_dump(void);            /* the free extents, at debug level */

#endif
