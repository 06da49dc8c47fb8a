/* tests/unit/phys_arena.c: "physical memory" for the host tests of mm/ and the EPT builder: one
 * aligned arena that plays the physical range [PHYS_ARENA_BASE, PHYS_ARENA_BASE + PHYS_ARENA_SIZE).
 * phys_to_virt() of anything outside it is a test failure (and returns a pointer ASan traps). */
#include <stdio.h>
#include <stdlib.h>

#include "mm/phys.h"
#include "tests/unit/phys_arena.h"
#include "tests/unit/test.h"

static uint8_t *arena;

uint8_t *phys_arena(void)
{
	if (!arena) {
		arena = aligned_alloc(1 << 21, PHYS_ARENA_SIZE);
		if (!arena)
			abort();
	}
	return arena;
}

void *phys_to_virt(uint64_t pa)
{
	if (pa < PHYS_ARENA_BASE || pa >= PHYS_ARENA_BASE + PHYS_ARENA_SIZE) {
		printf("    phys_to_virt(0x%llx) is outside the test arena\n", (unsigned long long)pa);
		test_failed_checks++;
		return NULL;
	}
	return phys_arena() + (pa - PHYS_ARENA_BASE);
}

uint64_t virt_to_phys(const void *va)
{
	return (uint64_t)((const uint8_t *)va - phys_arena()) + PHYS_ARENA_BASE;
}
