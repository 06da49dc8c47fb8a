/* boot/bootinfo.h: what the boot loader told us, in a form that knows nothing of multiboot2.
 * Filled once by mb2_parse() on the BSP before anything else runs; read-only afterwards. */
#ifndef BOOT_BOOTINFO_H
#define BOOT_BOOTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/mem_map.h"

#define BOOT_MAX_MEM_RANGES MEM_MAP_MAX_RANGES
#define BOOT_MAX_MODULES 16

struct boot_module {
	uint64_t start; /* physical, first byte */
	uint64_t end;   /* physical, one past the last byte */
	const char *cmdline; /* NUL-terminated, inside the multiboot2 information; never NULL */
};

struct boot_framebuffer {
	bool present;
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp;
	uint8_t type; /* 0 indexed, 1 direct RGB, 2 EGA text */
	/* Type 1: each color's lowest bit and bit count (zero when the tag did not say). */
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct boot_info {
	uint64_t info_phys; /* where the multiboot2 information itself lies (to reserve it) */
	uint32_t info_size;

	const char *cmdline;     /* never NULL: "" when the loader gave none */
	const char *loader_name; /* never NULL */

	struct mem_range mem[BOOT_MAX_MEM_RANGES];
	unsigned mem_count;
	bool mem_from_efi; /* the map came from the EFI memory-map tag */

	struct boot_module mods[BOOT_MAX_MODULES];
	unsigned mod_count;

	/* A copy of the RSDP as the loader found it (new tag preferred over old), or NULL. */
	const void *rsdp;
	uint32_t rsdp_len;

	struct boot_framebuffer fb;

	uint32_t basic_mem_lower_kib, basic_mem_upper_kib; /* from the basic meminfo tag, 0 if absent */
	bool efi_boot_services_not_exited; /* never expected; reported if seen */
	bool efi64; /* the loader reported an EFI 64-bit system table */
	unsigned tags_seen, tags_unknown;
};

#endif
