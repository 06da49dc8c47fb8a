/* lib/multiboot.h: the numbers of the two boot protocols, in one place for the side that reads
 * them (boot/mb2.c parses what GRUB gives the hypervisor; arch/main.c checks its magic) and the
 * side that writes them (guest/loader.c, guest/mb_info.c boot a guest kernel as a loader would).
 * Multiboot 0.6.96 ("MB1") and Multiboot2 1.0 ("MB2"). Constants only. (boot/entry.asm, nasm,
 * spells its own header's magic.) */
#ifndef LIB_MULTIBOOT_H
#define LIB_MULTIBOOT_H

/* The header magic a kernel carries (MB1 3.1.1; MB2 3.1.1) and the magic a loader leaves in EAX
 * at entry (MB1 3.2 "Machine state"; MB2 3.3 "I386 machine state"). */
#define MB1_HEADER_MAGIC 0x1badb002u
#define MB1_BOOTLOADER_MAGIC 0x2badb002u
#define MB2_HEADER_MAGIC 0xe85250d6u
#define MB2_BOOTLOADER_MAGIC 0x36d76289u

/* Multiboot2 boot information tag types (MB2 3.6.2 to 3.6.13), those this project reads or
 * writes. */
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

#define MB2_INFO_FIXED_PART 8 /* total_size u32, reserved u32 (MB2 3.6.1) */
#define MB2_TAG_HEADER 8      /* type u32, size u32 */
#define MB2_MMAP_ENTRY_SIZE 24 /* base_addr u64, length u64, type u32, reserved u32 (MB2 3.6.8) */

#endif
