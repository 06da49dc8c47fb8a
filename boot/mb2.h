/* boot/mb2.h: the multiboot2 boot information parser (Multiboot2 spec 1.0, 3.6 "Boot information
 * format"). Pure code: runs
 * on the BSP, once, before anything else reads struct boot_info; also built for the host unit
 * tests. */
#ifndef BOOT_MB2_H
#define BOOT_MB2_H

#include <stdbool.h>
#include <stdint.h>

#include "boot/bootinfo.h"
#include "lib/multiboot.h"

#define MB2_INFO_MAX_SIZE (1u << 20) /* a larger total_size is taken as corruption */

/* Fills *out from the information at `info` (which lies at physical `info_phys`). Malformed tags
 * are reported and skipped or end the walk, keeping what came before. Returns false (after a
 * log_error) only when nothing is usable. Strings in *out point into the information. */
bool mb2_parse(const void *info, uint64_t info_phys, struct boot_info *out);

#endif
