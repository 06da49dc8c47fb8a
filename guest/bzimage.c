/* guest/bzimage.c: the bzImage setup header (see guest/bzimage.h). Fields are read with get_u*():
 * the image is a GRUB module with no alignment promise. Pure. */
#include "guest/bzimage.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/unaligned.h"

#define BZ_BOOT_FLAG_VALUE 0xaa55u
#define BZ_DEFAULT_SETUP_SECTS 4 /* "if this field is 0, the real value is 4" (boot.rst) */
#define BZ_HEADER_MIN_END (BZ_INIT_SIZE + 4) /* protocol 2.10+ headers reach init_size */

bool bz_is_bzimage(const void *img, size_t len)
{
	const uint8_t *b = img;

	return len >= BZ_HEADER + 4 && get_u16(b + BZ_BOOT_FLAG) == BZ_BOOT_FLAG_VALUE &&
	       !memcmp(b + BZ_HEADER, "HdrS", 4);
}

static bool check_version(const uint8_t *b, size_t len, struct bz_header *h)
{
	h->version = get_u16(b + BZ_VERSION);
	if (h->version < BZ_MIN_VERSION) {
		log_error("guest: Linux boot protocol %u.%02u is older than 2.12: this loader boots "
			  "only 64-bit kernels with xloadflags (Linux 3.8 or later)", h->version >> 8,
			  h->version & 0xff);
		return false;
	}
	h->header_end = BZ_HEADER + b[BZ_JUMP + 1];
	if (b[BZ_JUMP] != 0xeb || h->header_end < BZ_HEADER_MIN_END || h->header_end > len) {
		log_error("guest: bzImage setup header ends at 0x%x (jump 0x%02x 0x%02x at 0x200): "
			  "before init_size (0x%x) or past the 0x%zx-byte file", h->header_end,
			  b[BZ_JUMP], b[BZ_JUMP + 1], BZ_HEADER_MIN_END, len);
		return false;
	}
	return true;
}

static bool check_size(size_t len, struct bz_header *h, const uint8_t *b)
{
	h->setup_sects = b[BZ_SETUP_SECTS] ? b[BZ_SETUP_SECTS] : BZ_DEFAULT_SETUP_SECTS;
	h->setup_len = ((uint64_t)h->setup_sects + 1) * 512;
	h->kernel_len = (uint64_t)get_u32(b + BZ_SYSSIZE) * 16;
	if (h->setup_len > len || h->kernel_len > len - h->setup_len || !h->kernel_len) {
		log_error("guest: truncated bzImage: %u setup sectors and 0x%lx bytes of kernel "
			  "need 0x%lx bytes, the file has 0x%zx", h->setup_sects, h->kernel_len,
			  h->setup_len + h->kernel_len, len);
		return false;
	}
	return true;
}

static bool check_flags(struct bz_header *h)
{
	if (!(h->loadflags & BZ_LOADED_HIGH)) {
		log_error("guest: the bzImage is not loaded high (loadflags 0x%02x, bit 0 clear): a "
			  "zImage for below 1 MiB, not supported", h->loadflags);
		return false;
	}
	if (!(h->xloadflags & BZ_XLF_KERNEL_64)) {
		log_error("guest: the bzImage has no 64-bit entry point (xloadflags 0x%04x, "
			  "XLF_KERNEL_64 clear): a 32-bit kernel, not supported", h->xloadflags);
		return false;
	}
	if (!h->kernel_alignment || (h->kernel_alignment & (h->kernel_alignment - 1))) {
		log_error("guest: bzImage kernel_alignment 0x%x is not a power of two",
			  h->kernel_alignment);
		return false;
	}
	return true;
}

bool bz_parse(const void *img, size_t len, struct bz_header *out)
{
	const uint8_t *b = img;
	struct bz_header h = { 0 };

	if (!bz_is_bzimage(img, len)) {
		log_error("guest: not a bzImage: no boot flag 0xaa55 and \"HdrS\" at 0x202");
		return false;
	}
	if (!check_version(b, len, &h) || !check_size(len, &h, b))
		return false;
	h.loadflags = b[BZ_LOADFLAGS];
	h.xloadflags = get_u16(b + BZ_XLOADFLAGS);
	h.relocatable = b[BZ_RELOCATABLE] != 0;
	h.kernel_alignment = get_u32(b + BZ_KERNEL_ALIGNMENT);
	h.initrd_addr_max = get_u32(b + BZ_INITRD_ADDR_MAX);
	h.cmdline_size = get_u32(b + BZ_CMDLINE_SIZE);
	h.pref_address = get_u64(b + BZ_PREF_ADDRESS);
	h.init_size = get_u32(b + BZ_INIT_SIZE);
	if (!check_flags(&h))
		return false;
	*out = h;
	return true;
}
