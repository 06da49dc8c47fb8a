/* tests/unit/phys_arena.h: the host tests' stand-in for physical memory (see phys_arena.c). */
#ifndef TESTS_UNIT_PHYS_ARENA_H
#define TESTS_UNIT_PHYS_ARENA_H

#include <stdint.h>

#define PHYS_ARENA_BASE 0x100000ull      /* 1 MiB: where the allocator starts managing */
#define PHYS_ARENA_SIZE (16ull << 20)    /* 16 MiB */

uint8_t *phys_arena(void);

#endif
