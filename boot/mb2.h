/* boot/mb2.h: the multiboot2 boot information parser (Multiboot2 spec 1.0, 3.6 "Boot information
 * format") and the memory-map normalisation it shares with other map sources. Pure code: runs
 * on the BSP, once, before anything else reads struct boot_info; also built for the host unit
 * tests. */
#ifndef BOOT_MB2_H
#define BOOT_MB2_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/bootinfo.h"

/* Tag types this parser reads (Multiboot2 spec 1.0, 3.6.2 to 3.6.13). */
enum mb2_tag_type {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_BASIC_MEMINFO = 4,
	MB2_TAG_MMAP = 6,
	MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_EFI64 = 12,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
	MB2_TAG_EFI_MMAP = 17,
	MB2_TAG_EFI_BS = 18,
};

#define MB2_INFO_MAX_SIZE (1u << 20) /* a larger total_size is taken as corruption */

/* Fills *out from the information at `info` (which lies at physical `info_phys`). Malformed tags
 * are reported and skipped or end the walk, keeping what came before. Returns false (after a
 * log_error) only when nothing is usable. Strings in *out point into the information. */
bool mb2_parse(const void *info, uint64_t info_phys, struct boot_info *out);

/* Puts a memory map into canonical form, in place: zero-length entries dropped, ranges running
 * past 2^64 clamped, overlaps resolved (the more restrictive type wins: bad > reserved (and any
 * unknown type) > ACPI NVS > ACPI reclaimable > usable), sorted by base, adjacent ranges of one
 * type merged, at most BOOT_MAX_MEM_RANGES kept. `r` must have room for BOOT_MAX_MEM_RANGES
 * entries; *count is at most that on entry. Boot only (uses a static scratch buffer). */
void mb2_normalize_mem(struct mem_range *r, unsigned *count);

/* "usable", "reserved", "ACPI reclaimable", "ACPI NVS", "bad" or "unknown". */
const char *mem_type_name(uint32_t type);

#endif
