/* mm/phys.h: from a physical address to a pointer and back. The hypervisor identity-maps
 * physical memory, so on the image these are casts; the host unit tests back "physical memory"
 * with an arena (tests/unit/phys_arena.c) and translate. */
#ifndef MM_PHYS_H
#define MM_PHYS_H

#include <stdint.h>

#ifdef HOST_TEST
void *phys_to_virt(uint64_t pa);
uint64_t virt_to_phys(const void *va);
#else
static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)pa;
}

static inline uint64_t virt_to_phys(const void *va)
{
	return (uint64_t)va;
}
#endif

#endif
