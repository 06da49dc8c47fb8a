/* guest/mb_info.c: the boot information a multiboot or multiboot2 kernel finds in EBX: modules
 * copied after the kernel, then the strings, the memory map and the information structure, all
 * inside guest RAM and below what the memory map calls usable. Layouts: Multiboot spec 0.6.96,
 * 3.3 "Boot information format"; Multiboot2 spec 1.0, 3.6 "Boot information". */
#include "guest/layout.h"
#include "guest/loader.h"
#include "lib/log.h"

#define LOADER_NAME "microhypervisor"
#define KIB 1024ull

static bool too_small(void)
{
	log_error("guest: the kernel, its modules and the boot information do not fit in guest RAM "
		  "(raise vm.mem=)");
	return false;
}

unsigned guest_memmap(uint64_t ram_size, struct mem_range *out, unsigned max)
{
	const struct mem_range map[] = {
		{ 0, GUEST_LOW_RAM_END, MEM_USABLE },
		{ GUEST_LOW_RAM_END, GUEST_HIGH_RAM_START - GUEST_LOW_RAM_END, MEM_RESERVED },
		{ GUEST_HIGH_RAM_START, ram_size - GUEST_HIGH_RAM_START, MEM_USABLE },
		{ GUEST_APIC_BASE, 4096, MEM_RESERVED },
	};
	unsigned n = 0;

	for (; n < 4 && n < max; n++)
		out[n] = map[n];
	return n;
}

/* Copy `len` bytes to the cursor (aligned to `align`), return their GPA or 0 if they don't fit. */
static uint64_t put(struct gmem *gm, uint64_t *cursor, const void *src, uint64_t len,
		    uint64_t align)
{
	uint64_t at = (*cursor + align - 1) & ~(align - 1);

	if (!gmem_write(gm, at, src, len))
		return 0;
	*cursor = at + len;
	return at;
}

static uint64_t put_string(struct gmem *gm, uint64_t *cursor, const char *s)
{
	return put(gm, cursor, s, strlen(s) + 1, 1);
}

/* Modules, page aligned, after the kernel; their GPAs in mod_gpa[]. Returns the new cursor or 0. */
uint64_t guest_place_modules(struct gmem *gm, const struct guest_boot_params *p, uint64_t cursor,
			     uint64_t *mod_gpa)
{
	for (unsigned i = 0; i < p->nmods; i++) {
		mod_gpa[i] = put(gm, &cursor, p->mods[i].data, p->mods[i].len, 4096);
		if (!mod_gpa[i] && p->mods[i].len)
			return 0;
	}
	return cursor;
}

static uint32_t mem_upper_kib(const struct gmem *gm)
{
	return (uint32_t)((gm->size - GUEST_HIGH_RAM_START) / KIB);
}

bool mb1_build_info(struct gmem *gm, const struct guest_boot_params *p, uint64_t *cursor,
		    uint64_t *info)
{
	uint64_t mod_gpa[16] = { 0 };
	uint8_t mods[16 * 16] = { 0 }, mmap[4 * 24], mbi[128] = { 0 };
	struct mem_range map[4];
	unsigned nmap = guest_memmap(gm->size, map, 4);

	if (p->nmods > 16 || !(*cursor = guest_place_modules(gm, p, *cursor, mod_gpa)))
		return too_small();
	for (unsigned i = 0; i < p->nmods; i++) {
		uint32_t f[4] = { (uint32_t)mod_gpa[i], (uint32_t)(mod_gpa[i] + p->mods[i].len),
				  (uint32_t)put_string(gm, cursor, p->mods[i].cmdline), 0 };
		memcpy(mods + i * 16, f, 16);
	}
	for (unsigned i = 0; i < nmap; i++) {
		uint32_t size = 20, type = map[i].type;
		memcpy(mmap + i * 24, &size, 4);
		memcpy(mmap + i * 24 + 4, &map[i].base, 8);
		memcpy(mmap + i * 24 + 12, &map[i].len, 8);
		memcpy(mmap + i * 24 + 20, &type, 4);
	}
	uint32_t f[17] = {
		(1u << 0) | (1u << 2) | (1u << 3) | (1u << 6) | (1u << 9), /* mem, cmdline, mods, mmap, name */
		(uint32_t)(GUEST_LOW_RAM_END / KIB), mem_upper_kib(gm), 0,
		(uint32_t)put_string(gm, cursor, p->cmdline), p->nmods,
		(uint32_t)put(gm, cursor, mods, p->nmods * 16 + 16, 16), 0, 0, 0, 0, nmap * 24,
		(uint32_t)put(gm, cursor, mmap, nmap * 24, 8), 0, 0, 0,
		(uint32_t)put_string(gm, cursor, LOADER_NAME),
	};
	memcpy(mbi, f, sizeof(f));
	*info = put(gm, cursor, mbi, sizeof(mbi), 8);
	if (!*info || !f[4] || !f[6] || !f[12] || !f[16])
		return too_small();
	return true;
}

/* Appends one multiboot2 tag (header + payload + 8-byte padding) to buf. */
static void tag(uint8_t *buf, uint32_t *len, uint32_t type, const void *a, uint32_t alen,
		const void *b, uint32_t blen)
{
	uint32_t size = 8 + alen + blen;

	memcpy(buf + *len, &type, 4);
	memcpy(buf + *len + 4, &size, 4);
	if (alen)
		memcpy(buf + *len + 8, a, alen);
	if (blen)
		memcpy(buf + *len + 8 + alen, b, blen);
	*len = (*len + size + 7) & ~7u;
}

bool mb2_build_info(struct gmem *gm, const struct guest_boot_params *p, uint64_t *cursor,
		    uint64_t *info)
{
	static uint8_t buf[8192];
	uint64_t mod_gpa[16] = { 0 };
	struct mem_range map[4];
	unsigned nmap = guest_memmap(gm->size, map, 4);
	uint32_t len = 8;
	uint32_t meminfo[2] = { (uint32_t)(GUEST_LOW_RAM_END / KIB), mem_upper_kib(gm) };
	uint32_t mmap_hdr[2] = { 24, 0 };
	uint8_t entries[4 * 24] = { 0 };

	if (p->nmods > 16 || !(*cursor = guest_place_modules(gm, p, *cursor, mod_gpa)))
		return too_small();
	memset(buf, 0, sizeof(buf));
	tag(buf, &len, 1, p->cmdline, (uint32_t)strlen(p->cmdline) + 1, 0, 0);
	tag(buf, &len, 2, LOADER_NAME, sizeof(LOADER_NAME), 0, 0);
	tag(buf, &len, 4, meminfo, 8, 0, 0);
	for (unsigned i = 0; i < nmap; i++) {
		memcpy(entries + i * 24, &map[i].base, 8);
		memcpy(entries + i * 24 + 8, &map[i].len, 8);
		memcpy(entries + i * 24 + 16, &map[i].type, 4);
	}
	tag(buf, &len, 6, mmap_hdr, 8, entries, nmap * 24);
	for (unsigned i = 0; i < p->nmods; i++) {
		size_t slen = strlen(p->mods[i].cmdline) + 1;
		if (len + 16 + slen + 64 > sizeof(buf))
			return too_small();
		uint32_t range[2] = { (uint32_t)mod_gpa[i], (uint32_t)(mod_gpa[i] + p->mods[i].len) };
		tag(buf, &len, 3, range, 8, p->mods[i].cmdline, (uint32_t)slen);
	}
	if (p->rsdp && p->rsdp_len >= 20) {
		tag(buf, &len, 14, p->rsdp, 20, 0, 0);
		if (p->rsdp_len >= 36)
			tag(buf, &len, 15, p->rsdp, p->rsdp_len, 0, 0);
	}
	tag(buf, &len, 0, 0, 0, 0, 0);
	memcpy(buf, &len, 4);
	*info = put(gm, cursor, buf, len, 8);
	return *info ? true : too_small();
}
