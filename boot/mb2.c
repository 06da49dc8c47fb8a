/* boot/mb2.c: parses the multiboot2 boot information (Multiboot2 spec 1.0, 3.6 "Boot information
 * format") into struct boot_info, and normalises memory maps. Pure: BSP, once, at boot, before
 * anything else runs; also built for the host unit tests. Never reads outside total_size. */
#include "boot/mb2.h"
#include "lib/log.h"
#include "lib/unaligned.h"
#include "lib/string.h"

#define MB2_FIXED_PART 8 /* total_size u32, reserved u32 */
#define MB2_TAG_HEADER 8 /* type u32, size u32 */
#define MB2_MMAP_ENTRY 24 /* base u64, length u64, type u32, reserved u32 */
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

const char *mem_type_name(uint32_t type)
{
	switch (type) {
	case MEM_USABLE:
		return "usable";
	case MEM_RESERVED:
		return "reserved";
	case MEM_ACPI_RECLAIMABLE:
		return "ACPI reclaimable";
	case MEM_ACPI_NVS:
		return "ACPI NVS";
	case MEM_BAD:
		return "bad";
	default:
		return "unknown";
	}
}

/* ---- Memory-map normalisation ---- */

/* How strongly a type forbids using the memory; on overlap the higher rank wins. */
static unsigned mem_rank(uint32_t type)
{
	switch (type) {
	case MEM_USABLE:
		return 0;
	case MEM_ACPI_RECLAIMABLE:
		return 1;
	case MEM_ACPI_NVS:
		return 2;
	case MEM_BAD:
		return 4;
	default:
		return 3; /* reserved */
	}
}

static uint64_t range_end(const struct mem_range *r)
{
	return r->base + r->len;
}

/* Copies r into scratch, dropping zero-length ranges, clamping ranges that wrap past 2^64 and
 * turning unknown types into reserved. Returns the number kept. */
static unsigned mem_sanitize(const struct mem_range *r, unsigned n, struct mem_range *out)
{
	unsigned kept = 0, empty = 0;

	for (unsigned i = 0; i < n; i++) {
		struct mem_range x = r[i];

		if (!x.len) {
			empty++;
			continue;
		}
		if (x.base + x.len < x.base) {
			log_warn("mb2: memory range at 0x%lx length 0x%lx runs past the end of the "
				 "address space; clamped", x.base, x.len);
			x.len = UINT64_MAX - x.base;
			if (!x.len)
				continue;
		}
		if (x.type < MEM_USABLE || x.type > MEM_BAD)
			x.type = MEM_RESERVED;
		out[kept++] = x;
	}
	if (empty)
		log_warn("mb2: memory map has %u zero-length entries; dropped", empty);
	return kept;
}

/* The winning type among the ranges covering pos (0 when none covers it). */
static uint32_t mem_type_at(const struct mem_range *r, unsigned n, uint64_t pos, bool *overlap)
{
	uint32_t type = 0;
	unsigned covering = 0;

	for (unsigned i = 0; i < n; i++) {
		if (pos < r[i].base || pos >= range_end(&r[i]))
			continue;
		if (!covering++ || mem_rank(r[i].type) > mem_rank(type))
			type = r[i].type;
	}
	if (covering > 1)
		*overlap = true;
	return type;
}

/* The first range start or end above pos; false when there is none. */
static bool mem_next_boundary(const struct mem_range *r, unsigned n, uint64_t pos, uint64_t *next)
{
	bool found = false;

	for (unsigned i = 0; i < n; i++) {
		uint64_t b[2] = { r[i].base, range_end(&r[i]) };
		for (unsigned k = 0; k < 2; k++) {
			if (b[k] > pos && (!found || b[k] < *next)) {
				*next = b[k];
				found = true;
			}
		}
	}
	return found;
}

/* Appends [base, end) to the output, merging it into the previous range when they touch and
 * share a type. */
static void mem_emit(struct mem_range *out, unsigned *n, unsigned *dropped, uint64_t base,
		     uint64_t end, uint32_t type)
{
	struct mem_range *last = *n ? &out[*n - 1] : 0;

	if (last && last->type == type && range_end(last) == base) {
		last->len += end - base;
		return;
	}
	if (*n == BOOT_MAX_MEM_RANGES) {
		(*dropped)++;
		return;
	}
	out[(*n)++] = (struct mem_range){ base, end - base, type };
}

/* A sweep over every range boundary: each piece between two boundaries takes the most restrictive
 * type covering it. O(n^2) on at most BOOT_MAX_MEM_RANGES entries, which is nothing at boot. */
void mb2_normalize_mem(struct mem_range *r, unsigned *count)
{
	static struct mem_range in[BOOT_MAX_MEM_RANGES];
	unsigned n = *count, out = 0, dropped = 0;
	bool overlap = false;
	uint64_t pos = UINT64_MAX;

	if (n > BOOT_MAX_MEM_RANGES) {
		log_warn("mb2: memory map of %u entries cut to %u", n, BOOT_MAX_MEM_RANGES);
		n = BOOT_MAX_MEM_RANGES;
	}
	n = mem_sanitize(r, n, in);
	for (unsigned i = 0; i < n; i++)
		if (in[i].base < pos)
			pos = in[i].base;
	while (n) {
		uint64_t next = 0;
		uint32_t type = mem_type_at(in, n, pos, &overlap);
		bool more = mem_next_boundary(in, n, pos, &next);

		if (type)
			mem_emit(r, &out, &dropped, pos, next, type);
		if (!more)
			break;
		pos = next;
	}
	if (overlap)
		log_warn("mb2: memory map has overlapping entries; the more restrictive type wins");
	if (dropped)
		log_warn("mb2: memory map has more than %u ranges after merging; %u dropped",
			 BOOT_MAX_MEM_RANGES, dropped);
	*count = out;
}

/* ---- Tags ---- */

/* Ranges go straight into bi->mem; when it fills up, normalising merges what it can to make
 * room (EFI maps often have more descriptors than the array, most of them adjacent). */
static void add_range(struct mb2_parser *ps, uint64_t base, uint64_t len, uint32_t type)
{
	struct boot_info *bi = ps->bi;

	if (bi->mem_count == BOOT_MAX_MEM_RANGES && !ps->mem_full) {
		mb2_normalize_mem(bi->mem, &bi->mem_count);
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
	if (esize < MB2_MMAP_ENTRY || esize % 8) {
		log_warn("mb2: memory map tag at offset %u has entry_size %u (need a multiple "
			 "of 8, >= %u); ignored", t->off, esize, MB2_MMAP_ENTRY);
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

/* The tags carry a copy of the RSDP (ACPI 6.5, 5.2.5.3): 20 bytes for ACPI 1.0, 36 after. */
static void tag_rsdp(struct mb2_parser *ps, const struct mb2_tag *t)
{
	bool is_new = t->type == MB2_TAG_ACPI_NEW;

	if (!tag_fits(t, MB2_TAG_HEADER + (is_new ? 36 : 20), is_new ? "ACPI new RSDP" :
									"ACPI old RSDP"))
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
	uint32_t off = MB2_FIXED_PART;

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
	mb2_normalize_mem(bi->mem, &bi->mem_count);
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
	if (total < MB2_FIXED_PART + MB2_TAG_HEADER || total > MB2_INFO_MAX_SIZE) {
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
