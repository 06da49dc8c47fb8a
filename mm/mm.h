/* mm/mm.h: the hypervisor's memory set-up: the page allocator fed from the boot memory map, and
 * the hypervisor's own page tables (identity map; WB for RAM, UC for everything else). BSP at
 * boot; the allocation helpers are for any CPU but not yet concurrent (only the BSP allocates). */
#ifndef MM_MM_H
#define MM_MM_H

#include <stdint.h>

#include "lib/bootinfo.h"

/* Feeds the allocator and builds the page tables; the caller loads them (CR3 = mm_kernel_cr3()).
 * NULL, or why it failed: the hypervisor cannot run then, and the caller panics with it. */
const char *mm_init(const struct boot_info *bi);
uint64_t mm_kernel_cr3(void);

/* A zeroed kernel stack of `bytes` with an unmapped guard page below it; returns its lowest usable
 * address and sets *top. 0 when memory is short. */
uint64_t mm_alloc_stack(uint64_t bytes, uint64_t *top);
/* Zeroed pages for a structure; physical == virtual. 0 when memory is short. */
void *mm_alloc(uint64_t bytes);

#endif
