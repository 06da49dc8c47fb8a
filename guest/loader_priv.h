/* guest/loader_priv.h: what the loader's files share (guest/loader.c finds the header and places
 * the kernel; guest/mb_info.c places the modules and writes the boot information). Not for use
 * outside guest/. Pure. */
#ifndef GUEST_LOADER_PRIV_H
#define GUEST_LOADER_PRIV_H

#include "guest/loader.h"

/* Where the loader writes next in guest RAM. A write that does not fit below the end of RAM
 * clears `ok` and every later write is dropped, so a sequence of writes is checked once. */
struct guest_cursor {
	struct gmem *gm;
	uint64_t at;
	bool ok;
};

/* Copies len bytes to the cursor rounded up to `align` (a power of two); returns their GPA, or
 * 0 when they do not fit. */
uint64_t guest_cursor_put(struct guest_cursor *c, const void *src, uint64_t len, uint64_t align);

/* The modules, each page aligned, from the cursor on; their GPAs in mod_gpa[]. */
bool guest_place_modules(struct guest_cursor *c, const struct guest_boot_params *p,
			 uint32_t *mod_gpa);

/* The boot information after the modules; *info and *info_len say where the structure the
 * kernel gets in EBX lies. */
bool guest_mb1_info(struct guest_cursor *c, const struct guest_boot_params *p,
		    const uint32_t *mod_gpa, uint64_t *info, uint64_t *info_len);
bool guest_mb2_info(struct guest_cursor *c, const struct guest_boot_params *p,
		    const uint32_t *mod_gpa, uint64_t *info, uint64_t *info_len);

#endif
