/* guest/layout.h: the guest-physical layout every VM gets (README, "The guest's machine"). */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

#include <stdint.h>

#include "boot/bootinfo.h"

#define GUEST_LOW_RAM_END 0x9f000ull    /* usable below, EBDA/VGA/BIOS area above */
#define GUEST_HIGH_RAM_START 0x100000ull
#define GUEST_ACPI_BASE 0xe0000ul       /* where an OS scans for the RSDP */
#define GUEST_ACPI_END 0xf0000ul
#define GUEST_APIC_BASE 0xfee00000ull
#define GUEST_RAM_MAX (3072ull << 20)   /* the MMIO hole starts at 3 GiB */

/* The memory map the guest is told about; returns the number of ranges written. */
unsigned guest_memmap(uint64_t ram_size, struct mem_range *out, unsigned max);

#endif
