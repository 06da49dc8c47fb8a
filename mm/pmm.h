/* mm/pmm.h: the physical page allocator. It manages usable RAM at or above 1 MiB as a sorted list
 * of free extents, hands out zeroed 4 KiB pages and contiguous aligned runs, lowest address first
 * (so boots are reproducible). Pure and single-threaded: callers serialise (today only the BSP
 * allocates, at boot and while building the VM). */
#ifndef MM_PMM_H
#define MM_PMM_H

#include <stdint.h>

#include "boot/bootinfo.h"

#define PMM_MAX_EXTENTS 256
#define PMM_LOW_LIMIT 0x100000ull /* below 1 MiB stays with the firmware and the AP trampoline */

/* `usable`: only MEM_USABLE entries count; `reserved`: carved out whatever their type. */
void pmm_init(const struct mem_range *usable, unsigned n_usable, const struct mem_range *reserved,
	      unsigned n_reserved);
/* One zeroed page, or 0 when memory is exhausted. */
uint64_t pmm_alloc_page(void);
/* `count` contiguous zeroed pages aligned to `align` (a power of two >= 4096), or 0. */
uint64_t pmm_alloc_pages(uint64_t count, uint64_t align);
/* `count` contiguous zeroed pages ending at or below `limit`, or 0. */
uint64_t pmm_alloc_below(uint64_t count, uint64_t limit);
void pmm_free_pages(uint64_t pa, uint64_t count);
uint64_t pmm_free_bytes(void);
uint64_t pmm_total_bytes(void);
void pmm_dump(void);

#endif
