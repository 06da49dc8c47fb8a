/* tests/guests/lib/multiboot.h: what the guest keeps of the multiboot (v1) information: the command
 * line and the memory ranges. Read once on vCPU 0 at start-up (mb_init), read-only afterwards. */
#ifndef GUEST_LIB_MULTIBOOT_H
#define GUEST_LIB_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB_BOOTLOADER_MAGIC 0x2badb002u
#define MB_MAX_RANGES 32
#define MB_MEM_USABLE 1

struct mb_range {
	uint64_t base, len;
	uint32_t type; /* 1 usable RAM; 2.. reserved, ACPI, ... (Multiboot spec 0.6.96, 3.3) */
};

/* Copies what is needed out of the information at `info`; says so when `magic` shows that no
 * multiboot loader started us (then there is no command line and no memory map). */
void mb_init(uint32_t magic, uint32_t info);

const char *mb_cmdline(void);

/* The value of the first "key=value" word of the command line, copied into out (at most size - 1
 * characters); NULL when there is no such word. */
const char *mb_arg(const char *key, char *out, size_t size);

/* The memory map (or, without one, the ranges mem_lower/mem_upper describe). */
unsigned mb_ranges(const struct mb_range **out);

/* True when [base, base + len) lies inside one range of any type, or when the loader said nothing
 * about memory (then there is nothing to check against). */
bool mb_covers(uint64_t base, uint64_t len);

/* For the ACPI parser (arch/acpi.h acpi_map_fn): what of physical memory may be read. */
const void *mb_phys_map(uint64_t phys, uint64_t len);

#endif
