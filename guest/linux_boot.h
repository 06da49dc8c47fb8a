/* guest/linux_boot.h: placing a Linux bzImage by the 64-bit boot protocol (Documentation/arch/
 * x86/boot.rst) and a PVH kernel's struct hvm_start_info (Xen's public arch-x86/hvm/start_info.h)
 * in guest RAM: where each structure goes, and the two loaders guest_load() hands such kernels
 * to. Not for use outside guest/. Pure; BSP while the VM is built. */
#ifndef GUEST_LINUX_BOOT_H
#define GUEST_LINUX_BOOT_H

#include "guest/loader_priv.h"

/* Below 0x9f000, in what the memory map calls usable low RAM, which Linux keeps reserved (it
 * sets aside the first 1 MiB) and which the bzImage's decompressor avoids as the zero page and
 * command line. */
#define LINUX_GDT 0x5000ull       /* null, null, 0x10 64-bit code, 0x18 data */
#define LINUX_ZERO_PAGE 0x6000ull /* struct boot_params; PVH: struct hvm_start_info and lists */
#define LINUX_CMDLINE 0x7000ull   /* at most LINUX_CMDLINE_MAX bytes with the NUL */
#define LINUX_CMDLINE_MAX 0x1000u
#define LINUX_PML4 0x8000ull      /* then the PDPT and 4 page directories: 0-4 GiB in 2 MiB pages */
#define LINUX_PT_END 0xe000ull

/* struct boot_params (Documentation/arch/x86/zero-page.rst) offsets not in the setup header. */
#define ZP_ACPI_RSDP_ADDR 0x070  /* u64 */
#define ZP_E820_ENTRIES 0x1e8    /* u8 */
#define ZP_E820_TABLE 0x2d0      /* 20-byte entries: u64 addr, u64 size, u32 type */
#define ZP_E820_MAX 128
#define ZP_SIZE 0x1000

/* struct hvm_start_info, version 1 (56 bytes), its module and memory-map entries. */
#define PVH_START_MAGIC 0x336ec578u
#define PVH_START_VERSION 1
#define PVH_START_SIZE 56
#define PVH_MODLIST (LINUX_ZERO_PAGE + 0x100) /* 32-byte entries: paddr, size, cmdline, 0 */
#define PVH_MEMMAP (LINUX_ZERO_PAGE + 0x800)  /* 24-byte entries: addr, size, type, 0 */
#define PVH_MODULE_CMDLINES (LINUX_ZERO_PAGE + 0xa00)
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* The bzImage p->kernel: its protected-mode code at its load address, the initrd (the first
 * module) high in RAM, the zero page, command line, GDT and page tables low. */
bool linux_load_bzimage(struct gmem *gm, const struct guest_boot_params *p,
			struct guest_entry *out);

/* After the ELF's segments (out->kernel_end) and the modules: the start info, its module list
 * (every module, the initrd first), memory map and command lines; out->ebx points at it. */
bool linux_pvh_info(struct gmem *gm, const struct guest_boot_params *p, struct guest_entry *out);

#endif
