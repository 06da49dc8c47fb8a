/* guest/layout.h: the guest-physical layout every VM gets (README, "The guest's machine"): where
 * RAM, the BIOS area, the VM's ACPI tables and the local APIC lie, and the memory map that says
 * so. Pure; BSP while the VM is built. */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

#include <stdint.h>

#include "lib/string.h"

#include "apic/apic_base.h"
#include "apic/vioapic.h"
#include "arch/bootinfo.h"

/* RAM is GPA [0, ram_size), all of it backed. The map calls [GUEST_LOW_RAM_END, 1 MiB) reserved
 * (EBDA, VGA, BIOS area, as on a PC) although it is RAM, so a kernel that writes the VGA text
 * buffer does not fault. */
#define GUEST_LOW_RAM_END 0x9f000ull    /* usable below: 636 KiB */
#define GUEST_HIGH_RAM_START 0x100000ull
#define GUEST_ACPI_BASE 0xe0000ul       /* RSDP first: an OS scans 0xe0000-0xfffff for it */
#define GUEST_ACPI_END 0xf0000ul        /* every ACPI table lies below */
#define GUEST_APIC_BASE APIC_BASE_DEFAULT_ADDR /* local APIC page, reserved in the map */
#define GUEST_APIC_SIZE 0x1000ull
#define GUEST_IOAPIC_BASE VIOAPIC_BASE /* the I/O APIC's page, reserved in the map */
#define GUEST_IOAPIC_SIZE VIOAPIC_SIZE
#define GUEST_RAM_MAX (3072ull << 20)   /* the MMIO hole starts at 3 GiB */

#define GUEST_MEMMAP_MAX 5 /* ranges guest_memmap() writes at most */

/* The memory map the guest is told about, sorted by base: [0, 0x9f000) usable, [0x9f000, 1 MiB)
 * reserved, [1 MiB, ram_size) usable, the I/O APIC's and the local APIC's pages reserved (the
 * VM's only MMIO devices: ACPI 6.5, 15 "System Address Map Interfaces", reports device memory
 * as reserved so an OS does not hand it out; ranges that would be empty for a tiny ram_size are
 * left out). Returns the number of ranges written, at most max. */
unsigned guest_memmap(uint64_t ram_size, struct mem_range *out, unsigned max);
/* The same map as entries of `stride` (>= 20) bytes, each base (u64), length (u64) and type
 * (u32) at offsets 0, 8 and 16, the rest of each entry left as it is: the layout e820 (stride 20), PVH's
 * hvm_memmap_table_entry and the multiboot2 mmap tag (24) share, and multiboot 1's after its
 * size field. `out` has room for GUEST_MEMMAP_MAX entries; returns how many were written. */
unsigned guest_memmap_put(uint64_t ram_size, uint8_t *out, unsigned stride);

/* Little-endian stores into boot structures (x86 byte order, at any alignment). */
static inline void guest_put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static inline void guest_put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

#endif
