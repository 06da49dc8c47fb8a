/* boot/mb2.c: parses the multiboot2 boot information (Multiboot2 spec 1.0, 3.6 "Boot information
 * format") into struct boot_info, its memory map normalised by mm/mem_map.c. Pure: BSP, once, at
 * boot, before anything else runs; also built for the host unit tests. Never reads outside
 * total_size. */
#include "boot/mb2.h"
#include "mm/mem_map.h"
#include "lib/acpi_rsdp.h"
#include "lib/log.h"
#include "lib/unaligned.h"
#include "lib/string.h"

#define EFI_DESC_MIN 40   /* UEFI 2.10, 7.2 EFI_MEMORY_DESCRIPTOR, without padding */
#define EFI_PAGE_SHIFT 12

/* One tag as found: where it starts in the information, and its header. */
struct mb2_tag {
	const uint8_t *p;
	uint32_t off, type, size;
};

struct mb2_parser {
	struct boot_info *bi;
	struct mb2_tag efi_mmap; /* the EFI memory-map tag, used only without a tag-6 map */
	bool have_efi_mmap;
	bool have_new_rsdp;
	bool mem_full;       /* normalising no longer frees room: further ranges are dropped */
	unsigned mem_dropped;
	unsigned mods_dropped;
};

static bool has_nul(const char *s, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (!s[i])
			return true;
	return false;
}

/* ---- Tags ---- */

/* Ranges go straight into bi->mem; when it fills up, normalising merges what it can to make
 * room (EFI maps often have more descriptors than the array, most of them adjacent). */
static void add_range(struct mb2_parser *ps, uint64_t base, uint64_t len, uint32_t type)
{
	struct boot_info *bi = ps->bi;

	if (bi->mem_count == BOOT_MAX_MEM_RANGES && !ps->mem_full) {
		mem_map_normalize(bi->mem, &bi->mem_count);
		ps->mem_full = bi->mem_count == BOOT_MAX_MEM_RANGES;
	}
	if (bi->mem_count == BOOT_MAX_MEM_RANGES) {
		ps->mem_dropped++;
		return;
	}
	bi->mem[bi->mem_count++] = (struct mem_range){ base, len, type };
}

static bool tag_fits(const struct mb2_tag *t, uint32_t need, const char *what)
{
	if (t->size >= need)
		return true;
	log_warn("mb2: %s tag (type %u) at offset %u has size %u, needs %u; ignored", what, t->type,
		 t->off, t->size, need);
	return false;
}

/* A string that must end inside its tag; "" (with a warning) when it does not. */
static const char *tag_string(const struct mb2_tag *t, uint32_t at, const char *what)
{
	const char *s = (const char *)t->p + at;

	if (at < t->size && has_nul(s, t->size - at))
		return s;
	log_warn("mb2: %s in tag type %u at offset %u is not NUL-terminated; using \"\"", what,
		 t->type, t->off);
	return "";
}

static void tag_module(struct mb2_parser *ps, const struct mb2_tag *t)
{
	struct boot_info *bi = ps->bi;

	if (!tag_fits(t, 16, "module"))
		return;
	uint32_t start = get_u32(t->p + 8), end = get_u32(t->p + 12);
	if (end < start) {
		log_warn("mb2: module at offset %u ends (0x%x) before it starts (0x%x); skipped",
			 t->off, end, start);
		return;
	}
	if (bi->mod_count == BOOT_MAX_MODULES) {
		if (!ps->mods_dropped++)
			log_warn("mb2: more than %u modules; the module at offset %u and later "
				 "ones are dropped", BOOT_MAX_MODULES, t->off);
		return;
	}
	bi->mods[bi->mod_count++] = (struct boot_module){ start, end,
		tag_string(t, 16, "module string") };
}

static uint32_t mmap_type(uint32_t type)
{
	if (type >= MEM_USABLE && type <= MEM_BAD)
		return type;
	log_debug("mb2: memory map type %u taken as reserved", type);
	return MEM_RESERVED;
}

static void tag_mmap(struct mb2_parser *ps, const struct mb2_tag *t)
{
	if (!tag_fits(t, 16, "memory map"))
		return;
	uint32_t esize = get_u32(t->p + 8), n;
	if (esize < MB2_MMAP_ENTRY_SIZE || esize % 8) {
		log_warn("mb2: memory map tag at offset %u has entry_size %u (need a multiple "
			 "of 8, >= %u); ignored", t->off, esize, MB2_MMAP_ENTRY_SIZE);
		return;
	}
	n = (t->size - 16) / esize;
	if ((t->size - 16) % esize)
		log_warn("mb2: memory map tag at offset %u ends with a partial entry; ignored it",
			 t->off);
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = t->p + 16 + i * esize;
		add_range(ps, get_u64(e), get_u64(e + 8), mmap_type(get_u32(e + 16)));
	}
}

/* UEFI 2.10, 7.2 EFI_MEMORY_TYPE. Boot-services and loader memory is free once GRUB has exited
 * boot services; the caller reserves our image and modules (which GRUB put in LoaderData). */
static uint32_t efi_mem_type(uint32_t efi)
{
	switch (efi) {
	case 1: /* EfiLoaderCode */
	case 2: /* EfiLoaderData */
	case 3: /* EfiBootServicesCode */
	case 4: /* EfiBootServicesData */
	case 7: /* EfiConventionalMemory */
		return MEM_USABLE;
	case 8: /* EfiUnusableMemory */
		return MEM_BAD;
	case 9: /* EfiACPIReclaimMemory */
		return MEM_ACPI_RECLAIMABLE;
	case 10: /* EfiACPIMemoryNVS */
		return MEM_ACPI_NVS;
	default:
		return MEM_RESERVED;
	}
}

static void tag_efi_mmap(struct mb2_parser *ps, const struct mb2_tag *t)
{
	uint32_t dsize = get_u32(t->p + 8), n = (t->size - 16) / dsize;

	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *d = t->p + 16 + i * dsize;
		uint64_t base = get_u64(d + 8), pages = get_u64(d + 24), len = pages << EFI_PAGE_SHIFT;

		if (pages > UINT64_MAX >> EFI_PAGE_SHIFT) {
			log_warn("mb2: EFI memory descriptor at 0x%lx has %lu pages; clamped", base,
				 pages);
			len = UINT64_MAX - base;
		}
		add_range(ps, base, len, efi_mem_type(get_u32(d)));
	}
	ps->bi->mem_from_efi = true;
}

/* Checked when seen, used after the walk: only without a tag-6 map. */
static void note_efi_mmap(struct mb2_parser *ps, const struct mb2_tag *t)
{
	if (!tag_fits(t, 16, "EFI memory map"))
		return;
	uint32_t dsize = get_u32(t->p + 8);
	if (dsize < EFI_DESC_MIN) {
		log_warn("mb2: EFI memory map tag at offset %u has descriptor_size %u (< %u); "
			 "ignored", t->off, dsize, EFI_DESC_MIN);
		return;
	}
	ps->efi_mmap = *t;
	ps->have_efi_mmap = true;
}

static void tag_framebuffer(struct mb2_parser *ps, const struct mb2_tag *t)
{
	struct boot_framebuffer *fb = &ps->bi->fb;

	if (!tag_fits(t, 30, "framebuffer"))
		return;
	fb->present = true;
	fb->addr = get_u64(t->p + 8);
	fb->pitch = get_u32(t->p + 16);
	fb->width = get_u32(t->p + 20);
	fb->height = get_u32(t->p + 24);
	fb->bpp = t->p[28];
	fb->type = t->p[29];
	/* The color information follows framebuffer_type and a 16-bit reserved field: offset 32 in
	 * GRUB's struct multiboot_tag_framebuffer (the spec's prose says 31). */
	if (fb->type == 1 && t->size >= 38) {
		fb->red_pos = t->p[32];
		fb->red_size = t->p[33];
		fb->green_pos = t->p[34];
		fb->green_size = t->p[35];
		fb->blue_pos = t->p[36];
		fb->blue_size = t->p[37];
	}
}

/* The tags carry a copy of the RSDP (ACPI 6.5, 5.2.5.3): RSDP_V1_LEN bytes for ACPI 1.0,
 * RSDP_V2_LEN after. */
static void tag_rsdp(struct mb2_parser *ps, const struct mb2_tag *t)
{
	bool is_new = t->type == MB2_TAG_ACPI_NEW;

	if (!tag_fits(t, MB2_TAG_HEADER + (is_new ? RSDP_V2_LEN : RSDP_V1_LEN),
		      is_new ? "ACPI new RSDP" : "ACPI old RSDP"))
		return;
	if (!is_new && ps->have_new_rsdp)
		return;
	ps->bi->rsdp = t->p + MB2_TAG_HEADER;
	ps->bi->rsdp_len = t->size - MB2_TAG_HEADER;
	ps->have_new_rsdp |= is_new;
}

static void tag_simple(struct mb2_parser *ps, const struct mb2_tag *t)
{
	struct boot_info *bi = ps->bi;

	switch (t->type) {
	case MB2_TAG_CMDLINE:
		bi->cmdline = tag_string(t, MB2_TAG_HEADER, "command line");
		break;
	case MB2_TAG_LOADER_NAME:
		bi->loader_name = tag_string(t, MB2_TAG_HEADER, "boot loader name");
		break;
	case MB2_TAG_BASIC_MEMINFO:
		if (!tag_fits(t, 16, "basic meminfo"))
			break;
		bi->basic_mem_lower_kib = get_u32(t->p + 8);
		bi->basic_mem_upper_kib = get_u32(t->p + 12);
		break;
	case MB2_TAG_EFI64:
		bi->efi64 = tag_fits(t, 16, "EFI64 system table");
		break;
	case MB2_TAG_EFI_BS:
		bi->efi_boot_services_not_exited = true;
		log_warn("mb2: the boot loader left EFI boot services running; firmware memory "
			 "may still be in use");
		break;
	default:
		bi->tags_unknown++;
		log_debug("mb2: tag type %u at offset %u (size %u) not used", t->type, t->off,
			  t->size);
		break;
	}
}

static void parse_tag(struct mb2_parser *ps, const struct mb2_tag *t)
{
	switch (t->type) {
	case MB2_TAG_MODULE:
		tag_module(ps, t);
		break;
	case MB2_TAG_MMAP:
		tag_mmap(ps, t);
		break;
	case MB2_TAG_FRAMEBUFFER:
		tag_framebuffer(ps, t);
		break;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		tag_rsdp(ps, t);
		break;
	case MB2_TAG_EFI_MMAP:
		note_efi_mmap(ps, t);
		break;
	default:
		tag_simple(ps, t);
		break;
	}
}

/* Walks the tags (each 8-aligned, Multiboot2 spec 1.0, 3.6.1) up to the end tag. A tag that does
 * not fit stops the walk: past it nothing can be trusted to be a tag header. */
static void walk_tags(struct mb2_parser *ps, const uint8_t *base, uint32_t total)
{
	uint32_t off = MB2_INFO_FIXED_PART;

	while (off + MB2_TAG_HEADER <= total) {
		struct mb2_tag t = { base + off, off, get_u32(base + off), get_u32(base + off + 4) };

		if (t.size < MB2_TAG_HEADER) {
			log_warn("mb2: tag type %u at offset %u has size %u (< 8); parsing stopped",
				 t.type, off, t.size);
			return;
		}
		if (t.size > total - off) {
			log_warn("mb2: tag type %u at offset %u (size %u) runs past total_size %u; "
				 "parsing stopped", t.type, off, t.size, total);
			return;
		}
		if (t.type == MB2_TAG_END)
			return;
		ps->bi->tags_seen++;
		parse_tag(ps, &t);
		off += (t.size + 7) & ~7u;
	}
	log_warn("mb2: no end tag within total_size %u; using the tags before it", total);
}

static void finish_mem(struct mb2_parser *ps)
{
	struct boot_info *bi = ps->bi;

	if (!bi->mem_count && ps->have_efi_mmap)
		tag_efi_mmap(ps, &ps->efi_mmap);
	if (ps->mem_dropped)
		log_warn("mb2: memory map has more than %u distinct ranges; %u entries dropped",
			 BOOT_MAX_MEM_RANGES, ps->mem_dropped);
	mem_map_normalize(bi->mem, &bi->mem_count);
	if (!bi->mem_count)
		log_warn("mb2: the memory map is empty: no valid memory-map tag (6) or EFI "
			 "memory-map tag (17)");
}

bool mb2_parse(const void *info, uint64_t info_phys, struct boot_info *out)
{
	struct mb2_parser ps = { .bi = out };
	uint32_t total;

	memset(out, 0, sizeof(*out));
	out->cmdline = "";
	out->loader_name = "";
	if (!info) {
		log_error("mb2: no boot information (NULL pointer)");
		return false;
	}
	total = get_u32(info);
	if (total < MB2_INFO_FIXED_PART + MB2_TAG_HEADER || total > MB2_INFO_MAX_SIZE) {
		log_error("mb2: boot information total_size %u is invalid (must be 16..%u)", total,
			  MB2_INFO_MAX_SIZE);
		return false;
	}
	out->info_phys = info_phys;
	out->info_size = total;
	walk_tags(&ps, info, total);
	finish_mem(&ps);
	log_debug("mb2: %u tags (%u not used), %u memory ranges, %u modules", out->tags_seen,
		  out->tags_unknown, out->mem_count, out->mod_count);
	return true;
}
