/* guest/bzimage.h: reading a Linux bzImage's setup header (Linux x86 boot protocol,
 * Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header"), for the guest loader's 64-bit
 * boot (guest/linux_boot.c). Pure; BSP while the VM is built. Never reads past the image. */
#ifndef GUEST_BZIMAGE_H
#define GUEST_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Offsets in the image (and in struct boot_params, whose setup header is a copy), boot.rst. */
#define BZ_SETUP_SECTS 0x1f1    /* u8: 512-byte sectors of real-mode code after the boot sector */
#define BZ_SYSSIZE 0x1f4        /* u32: protected-mode code size in 16-byte paragraphs */
#define BZ_BOOT_FLAG 0x1fe      /* u16: 0xaa55 */
#define BZ_JUMP 0x200           /* 0xeb, then the header's length past 0x202 */
#define BZ_HEADER 0x202         /* "HdrS" */
#define BZ_VERSION 0x206        /* u16: protocol version, major << 8 | minor */
#define BZ_TYPE_OF_LOADER 0x210 /* u8: 0xff, "undefined" loader */
#define BZ_LOADFLAGS 0x211      /* u8 */
#define BZ_RAMDISK_IMAGE 0x218  /* u32 */
#define BZ_RAMDISK_SIZE 0x21c   /* u32 */
#define BZ_CMD_LINE_PTR 0x228   /* u32 */
#define BZ_INITRD_ADDR_MAX 0x22c /* u32: highest address the initrd may occupy */
#define BZ_KERNEL_ALIGNMENT 0x230 /* u32 */
#define BZ_RELOCATABLE 0x234    /* u8 */
#define BZ_XLOADFLAGS 0x236     /* u16 */
#define BZ_CMDLINE_SIZE 0x238   /* u32: longest command line, without its NUL */
#define BZ_PREF_ADDRESS 0x258   /* u64 */
#define BZ_INIT_SIZE 0x260      /* u32: memory the kernel needs from its load address on */

#define BZ_MIN_VERSION 0x020c   /* 2.12: xloadflags, the 64-bit entry's flag */
#define BZ_LOADED_HIGH 0x01     /* loadflags bit 0: protected-mode code at 1 MiB or above */
#define BZ_XLF_KERNEL_64 0x01   /* xloadflags bit 0: a 64-bit entry at load address + 0x200 */
#define BZ_ENTRY64_OFFSET 0x200

/* What the loader needs from the header. */
struct bz_header {
	uint16_t version;
	uint8_t setup_sects;      /* 0 in the image means 4 (boot.rst); stored as used */
	uint64_t setup_len;       /* (setup_sects + 1) * 512: where the protected-mode code starts */
	uint64_t kernel_len;      /* its bytes, syssize * 16 */
	uint32_t header_end;      /* one past the setup header: 0x202 + the byte at 0x201 */
	uint8_t loadflags;
	uint16_t xloadflags;
	bool relocatable;
	uint32_t kernel_alignment;
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;
	uint64_t pref_address;
	uint32_t init_size;
};

/* Whether the image starts like a bzImage: the boot flag 0xaa55 and "HdrS" at 0x202. */
bool bz_is_bzimage(const void *img, size_t len);

/* The header of an image bz_is_bzimage() accepted. False, after a "guest: ..." line naming the
 * problem, for a protocol older than 2.12, a kernel without a 64-bit entry or not loaded high,
 * and an image shorter than its header says (truncated). */
bool bz_parse(const void *img, size_t len, struct bz_header *out);

#endif
