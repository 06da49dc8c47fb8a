/* mm/mem_map.h: a physical memory map as plain ranges, whatever told us of it (the multiboot2
 * memory-map or EFI tag, boot/mb2.c), and its canonical form. Knows nothing of multiboot. */
#ifndef MM_MEM_MAP_H
#define MM_MEM_MAP_H

#include <stdint.h>

#define MEM_MAP_MAX_RANGES 128

/* Memory types as in the multiboot2 memory-map tag (which uses the ACPI/e820 numbering). EFI
 * memory maps are translated into these. */
enum mem_type {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIMABLE = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

struct mem_range {
	uint64_t base;
	uint64_t len;
	uint32_t type; /* enum mem_type */
};

/* Puts a memory map into canonical form, in place: zero-length entries dropped, ranges running
 * past 2^64 clamped, overlaps resolved (the more restrictive type wins: bad > reserved (and any
 * unknown type) > ACPI NVS > ACPI reclaimable > usable), sorted by base, adjacent ranges of one
 * type merged, at most MEM_MAP_MAX_RANGES kept. `r` must have room for MEM_MAP_MAX_RANGES
 * entries; *count is at most that on entry. Boot only (uses a static scratch buffer). */
void mem_map_normalize(struct mem_range *r, unsigned *count);

/* "usable", "reserved", "ACPI reclaimable", "ACPI NVS", "bad" or "unknown". */
const char *mem_type_name(uint32_t type);

#endif
