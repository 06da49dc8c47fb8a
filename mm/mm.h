/* mm/mm.h: the hypervisor's memory set-up: the page allocator fed from the boot memory map, and
 * the hypervisor's own page tables (identity map; WB for RAM, UC for everything else). BSP at
 * boot; the allocation helpers are for any CPU but not yet concurrent (only the BSP allocates). */
#ifndef MM_MM_H
#define MM_MM_H

#include <stdint.h>

#include "mm/mem_map.h"

#define MM_MAX_LOADED 32 /* ranges the loader filled for us (its information, the modules) */

/* What mm_init() is handed (boot/main.c translates the boot information into it): the memory
 * map, normalised (mem_map_normalize()), and what the loader put in memory, never handed out. */
struct mm_boot_map {
	const struct mem_range *ranges;
	unsigned count;
	const char *source; /* where the map came from, for the log: "e820" or "EFI" */
	struct mem_range loaded[MM_MAX_LOADED];
	unsigned loaded_count;
	unsigned modules; /* of them, how many are modules (for the log) */
};

/* Feeds the allocator and builds the page tables; the caller loads them (CR3 = mm_kernel_cr3()).
 * NULL, or why it failed: the hypervisor cannot run then, and the caller panics with it. */
const char *mm_init(const struct mm_boot_map *m);
uint64_t mm_kernel_cr3(void);

/* A zeroed kernel stack of `bytes` with an unmapped guard page below it; returns its lowest usable
 * address and sets *top. 0 when memory is short. */
uint64_t mm_alloc_stack(uint64_t bytes, uint64_t *top);
/* The image's bytes in memory (code, data, bss), which the allocator never hands out. */
uint64_t mm_image_bytes(void);
/* Zeroed pages for a structure; physical == virtual. 0 when memory is short. */
void *mm_alloc(uint64_t bytes);

#endif
