/* guest/mb_info.c: what a multiboot or multiboot2 kernel finds in guest RAM besides itself: the
 * modules, page aligned after the kernel, then the strings, the memory map and the boot
 * information structure EBX points at, all below the end of RAM and inside what the map calls
 * usable. Layouts: Multiboot 0.6.96, 3.3 "Boot information format"; Multiboot2 1.0, 3.6 "Boot
 * information format". Pure; BSP while the VM is built. */
#include "guest/layout.h"
#include "guest/loader_priv.h"
#include "lib/acpi_rsdp.h"
#include "lib/log.h"
#include "lib/multiboot.h"

#define LOADER_NAME "microhypervisor"
#define PAGE 4096ull

#define MB1_INFO_SIZE 116 /* up to and including color_info */
#define MB1_INFO_MEM (1u << 0)
#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS (1u << 3)
#define MB1_INFO_MMAP (1u << 6)
#define MB1_INFO_LOADER_NAME (1u << 9)
#define MB1_MOD_SIZE 16   /* mod_start, mod_end, string, reserved */
#define MB1_MMAP_SIZE 24  /* size (= 20, not counting itself), base_addr, length, type */


unsigned guest_memmap(uint64_t ram_size, struct mem_range *out, unsigned max)
{
	struct mem_range map[GUEST_MEMMAP_MAX];
	uint64_t low = ram_size < GUEST_LOW_RAM_END ? ram_size : GUEST_LOW_RAM_END;
	unsigned n = 0;

	if (low)
		map[n++] = (struct mem_range){ 0, low, MEM_USABLE };
	map[n++] = (struct mem_range){ GUEST_LOW_RAM_END, GUEST_HIGH_RAM_START - GUEST_LOW_RAM_END,
				       MEM_RESERVED };
	if (ram_size > GUEST_HIGH_RAM_START)
		map[n++] = (struct mem_range){ GUEST_HIGH_RAM_START,
					       ram_size - GUEST_HIGH_RAM_START, MEM_USABLE };
	map[n++] = (struct mem_range){ GUEST_IOAPIC_BASE, GUEST_IOAPIC_SIZE, MEM_RESERVED };
	map[n++] = (struct mem_range){ GUEST_APIC_BASE, GUEST_APIC_SIZE, MEM_RESERVED };
	if (n > max)
		n = max;
	for (unsigned i = 0; i < n; i++)
		out[i] = map[i];
	return n;
}

unsigned guest_memmap_put(uint64_t ram_size, uint8_t *out, unsigned stride)
{
	struct mem_range map[GUEST_MEMMAP_MAX];
	unsigned n = guest_memmap(ram_size, map, GUEST_MEMMAP_MAX);

	for (unsigned i = 0; i < n; i++, out += stride) {
		guest_put64(out, map[i].base);
		guest_put64(out + 8, map[i].len);
		guest_put32(out + 16, map[i].type);
	}
	return n;
}

uint64_t guest_cursor_put(struct guest_cursor *c, const void *src, uint64_t len, uint64_t align)
{
	uint64_t at = (c->at + align - 1) & ~(align - 1);

	if (!c->ok || at < c->at || !gmem_write(c->gm, at, src, len)) {
		c->ok = false;
		return 0;
	}
	c->at = at + len;
	return at;
}

static uint32_t put_str(struct guest_cursor *c, const char *s)
{
	if (!s)
		s = "";
	return (uint32_t)guest_cursor_put(c, s, strlen(s) + 1, 1);
}

static bool info_too_big(const struct guest_cursor *c)
{
	log_error("guest: the boot information does not fit in the guest's 0x%lx bytes of RAM "
		  "after the kernel and modules (raise vm.mem=)", c->gm->size);
	return false;
}

bool guest_place_modules(struct guest_cursor *c, const struct guest_boot_params *p,
			 uint32_t *mod_gpa)
{
	for (unsigned i = 0; i < p->nmods; i++) {
		uint64_t from = c->at;
		mod_gpa[i] = (uint32_t)guest_cursor_put(c, p->mods[i].data, p->mods[i].len, PAGE);
		if (!c->ok) {
			log_error("guest: module %u (0x%lx bytes) does not fit in the guest's "
				  "0x%lx bytes of RAM after 0x%lx (raise vm.mem=)", i,
				  p->mods[i].len, c->gm->size, from);
			return false;
		}
	}
	return true;
}

/* KiB of RAM from 1 MiB up to the first hole: the end of RAM, below the 3 GiB MMIO hole. */
static uint32_t mem_upper_kib(const struct gmem *gm)
{
	return (uint32_t)((gm->size - GUEST_HIGH_RAM_START) / 1024);
}

/* The memory map in the multiboot (v1) layout: each entry's size field counts what follows it. */
static unsigned mb1_mmap(const struct gmem *gm, uint8_t *out)
{
	unsigned n = guest_memmap_put(gm->size, out + 4, MB1_MMAP_SIZE);

	for (unsigned i = 0; i < n; i++)
		guest_put32(out + i * MB1_MMAP_SIZE, MB1_MMAP_SIZE - 4);
	return n;
}

bool guest_mb1_info(struct guest_cursor *c, const struct guest_boot_params *p,
		    const uint32_t *mod_gpa, uint64_t *info, uint64_t *info_len)
{
	uint8_t mbi[MB1_INFO_SIZE] = { 0 }, mods[GUEST_MAX_MODULES * MB1_MOD_SIZE] = { 0 };
	uint8_t mmap[GUEST_MEMMAP_MAX * MB1_MMAP_SIZE];
	unsigned nmap = mb1_mmap(c->gm, mmap);

	for (unsigned i = 0; i < p->nmods; i++) {
		guest_put32(mods + i * MB1_MOD_SIZE, mod_gpa[i]);
		guest_put32(mods + i * MB1_MOD_SIZE + 4, (uint32_t)(mod_gpa[i] + p->mods[i].len));
		guest_put32(mods + i * MB1_MOD_SIZE + 8, put_str(c, p->mods[i].cmdline));
	}
	guest_put32(mbi, MB1_INFO_MEM | MB1_INFO_CMDLINE | MB1_INFO_MODS | MB1_INFO_MMAP |
		   MB1_INFO_LOADER_NAME);
	guest_put32(mbi + 4, (uint32_t)(GUEST_LOW_RAM_END / 1024));
	guest_put32(mbi + 8, mem_upper_kib(c->gm));
	guest_put32(mbi + 16, put_str(c, p->cmdline));
	guest_put32(mbi + 20, p->nmods);
	guest_put32(mbi + 24, (uint32_t)guest_cursor_put(c, mods, p->nmods * MB1_MOD_SIZE, 8));
	guest_put32(mbi + 44, nmap * MB1_MMAP_SIZE);
	guest_put32(mbi + 48, (uint32_t)guest_cursor_put(c, mmap, nmap * MB1_MMAP_SIZE, 8));
	guest_put32(mbi + 64, put_str(c, LOADER_NAME));
	*info = guest_cursor_put(c, mbi, sizeof(mbi), 8);
	*info_len = sizeof(mbi);
	return c->ok ? true : info_too_big(c);
}

/* One boot information tag: header, payload a then b, the next tag 8-aligned (3.6.1). */
static void mb2_tag(struct guest_cursor *c, uint32_t type, const void *a, uint32_t alen,
		    const void *b, uint32_t blen)
{
	uint32_t hdr[2] = { type, 8 + alen + blen };

	guest_cursor_put(c, hdr, sizeof(hdr), 8);
	guest_cursor_put(c, a, alen, 1);
	guest_cursor_put(c, b, blen, 1);
}

static void mb2_mmap_tag(struct guest_cursor *c)
{
	uint8_t entries[GUEST_MEMMAP_MAX * MB2_MMAP_ENTRY_SIZE] = { 0 };
	uint32_t hdr[2] = { MB2_MMAP_ENTRY_SIZE, 0 }; /* entry_size, entry_version */
	unsigned n = guest_memmap_put(c->gm->size, entries, MB2_MMAP_ENTRY_SIZE);

	mb2_tag(c, MB2_TAG_MMAP, hdr, sizeof(hdr), entries, n * MB2_MMAP_ENTRY_SIZE);
}

static void mb2_string_tag(struct guest_cursor *c, uint32_t type, const void *head,
			   uint32_t head_len, const char *s)
{
	if (!s)
		s = "";
	mb2_tag(c, type, head, head_len, s, (uint32_t)strlen(s) + 1);
}

bool guest_mb2_info(struct guest_cursor *c, const struct guest_boot_params *p,
		    const uint32_t *mod_gpa, uint64_t *info, uint64_t *info_len)
{
	uint32_t fixed[2] = { 0, 0 }; /* total_size (below), reserved */
	uint32_t meminfo[2] = { (uint32_t)(GUEST_LOW_RAM_END / 1024), mem_upper_kib(c->gm) };

	*info = guest_cursor_put(c, fixed, sizeof(fixed), 8);
	mb2_string_tag(c, MB2_TAG_CMDLINE, 0, 0, p->cmdline);
	mb2_string_tag(c, MB2_TAG_LOADER_NAME, 0, 0, LOADER_NAME);
	mb2_tag(c, MB2_TAG_BASIC_MEMINFO, meminfo, sizeof(meminfo), 0, 0);
	mb2_mmap_tag(c);
	for (unsigned i = 0; i < p->nmods; i++) {
		uint32_t range[2] = { mod_gpa[i], (uint32_t)(mod_gpa[i] + p->mods[i].len) };
		mb2_string_tag(c, MB2_TAG_MODULE, range, sizeof(range), p->mods[i].cmdline);
	}
	if (p->rsdp && p->rsdp_len >= RSDP_V1_LEN)
		mb2_tag(c, MB2_TAG_ACPI_OLD, p->rsdp, RSDP_V1_LEN, 0, 0);
	if (p->rsdp && p->rsdp_len >= RSDP_V2_LEN)
		mb2_tag(c, MB2_TAG_ACPI_NEW, p->rsdp, p->rsdp_len, 0, 0);
	mb2_tag(c, MB2_TAG_END, 0, 0, 0, 0);
	if (!c->ok)
		return info_too_big(c);
	*info_len = c->at - *info;
	uint32_t total = (uint32_t)*info_len;
	gmem_write(c->gm, *info, &total, sizeof(total));
	return true;
}
