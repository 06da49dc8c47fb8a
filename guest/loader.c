/* guest/loader.c: finding the kernel's multiboot2 or multiboot header and what it asks for,
 * placing the kernel's segments, then handing over to guest/mb_info.c for the modules and the
 * boot information (see guest/loader.h). Header formats: Multiboot 0.6.96, 3.1 "OS image
 * format"; Multiboot2 1.0, 3.1 "OS image format". Pure; BSP while the VM is built. */
#include "guest/bzimage.h"
#include "guest/elf.h"
#include "guest/layout.h"
#include "guest/linux_boot.h"
#include "guest/loader_priv.h"
#include "lib/log.h"
#include "lib/multiboot.h"
#include "lib/unaligned.h"

#define MB1_SEARCH 8192              /* the header lies in the image's first 8 KiB, 4-aligned */
#define MB1_FLAG_VIDEO (1u << 2)
#define MB1_FLAG_ADDRESS (1u << 16)  /* the address fields are valid: load by them, not ELF */
#define MB1_FLAGS_REQUIRED 0xffffu   /* bits 0-15: refuse any we do not know */
#define MB1_FLAGS_KNOWN 0x7u         /* 0 page-aligned modules, 1 memory info, 2 video mode */

#define MB2_SEARCH 32768             /* the header lies in the image's first 32 KiB, 8-aligned */
#define MB2_ARCH_I386 0
#define MB2_TAG_OPTIONAL 1u
#define MB2_LOAD_FROM_START 0xffffffffu /* address tag load_addr: the file from its start */

/* What the kernel's multiboot header asks of the loader. */
struct mb_request {
	enum guest_proto proto;
	uint64_t hdr_off; /* where the header lies in the image */
	bool has_addr;    /* load by the address fields (mb1 flag 16, mb2 address tag), not ELF */
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
	bool has_entry;   /* mb1 flag 16 entry_addr, mb2 entry address tag */
	uint32_t entry;
};

/* ---- Multiboot2 header (Multiboot2 1.0, 3.1.1-3.1.13) ---- */

static const char *const mb2_tag_names[] = {
	[1] = "information request", [2] = "address", [3] = "entry address",
	[4] = "console flags", [5] = "framebuffer", [6] = "module alignment",
	[7] = "EFI boot services", [8] = "EFI i386 entry address",
	[9] = "EFI amd64 entry address", [10] = "relocatable",
};

static const uint8_t mb2_tag_min_size[] = {
	[1] = 8, [2] = 24, [3] = 12, [4] = 12, [5] = 20, [6] = 8, [7] = 8, [8] = 12, [9] = 12,
	[10] = 24,
};

static const char *mb2_tag_name(uint16_t type)
{
	return type < 11 && mb2_tag_names[type] ? mb2_tag_names[type] : "unknown";
}

/* The boot information tags guest/mb_info.c writes: end, command line, loader name, modules,
 * basic memory information, memory map, old and new RSDP (3.6.2-3.6.17). */
static bool mb2_info_provided(uint32_t type)
{
	return type <= 4 || type == 6 || type == 14 || type == 15;
}

/* 3.1.4: each u32 after the tag header is a boot information tag type the kernel asks for. */
static bool mb2_info_request(const uint8_t *t, uint32_t size, bool optional)
{
	for (uint32_t i = 8; i + 4 <= size; i += 4) {
		uint32_t want = get_u32(t + i);
		if (mb2_info_provided(want))
			continue;
		if (!optional) {
			log_error("guest: the kernel requires multiboot2 information tag %u, which "
				  "this loader does not provide (it gives tags 1-4, 6, 14 and 15)",
				  want);
			return false;
		}
		log_info("guest: the kernel would like multiboot2 information tag %u; not provided",
			 want);
	}
	return true;
}

/* A tag the VM cannot honour: ignored when optional (the spec lets a loader skip those), refused
 * when required. */
static bool mb2_unsupported(uint16_t type, bool optional, const char *why)
{
	if (optional) {
		log_info("guest: optional multiboot2 header tag %u (%s) ignored: %s", type,
			 mb2_tag_name(type), why);
		return true;
	}
	log_error("guest: the kernel requires multiboot2 header tag %u (%s), which this loader "
		  "does not provide: %s", type, mb2_tag_name(type), why);
	return false;
}

static bool mb2_tag(const uint8_t *t, uint16_t type, bool optional, uint32_t size,
		    struct mb_request *r)
{
	if (type < sizeof(mb2_tag_min_size) && size < mb2_tag_min_size[type]) {
		log_error("guest: multiboot2 header tag %u (%s) is %u bytes, shorter than %u", type,
			  mb2_tag_name(type), size, mb2_tag_min_size[type]);
		return false;
	}
	switch (type) {
	case 1:
		return mb2_info_request(t, size, optional);
	case 2:
		r->has_addr = true;
		r->header_addr = get_u32(t + 8), r->load_addr = get_u32(t + 12);
		r->load_end_addr = get_u32(t + 16), r->bss_end_addr = get_u32(t + 20);
		return true;
	case 3:
		r->has_entry = true;
		r->entry = get_u32(t + 8);
		return true;
	case 4: /* console flags: the VM's console is COM1 whatever they say */
	case 6: /* module alignment: modules are always page aligned */
		return true;
	case 10:
		log_info("guest: relocatable multiboot2 kernel: loaded at its preferred (link) "
			 "addresses");
		return true;
	case 5:
		return mb2_unsupported(type, optional, "the VM has no display");
	case 7:
	case 8:
	case 9:
		return mb2_unsupported(type, optional, "the VM has no EFI firmware");
	default:
		return mb2_unsupported(type, optional, "unknown tag type");
	}
}

/* The tags from offset 16 up to the end tag, each 8-aligned (3.1.3). */
static bool mb2_tags(const uint8_t *h, uint32_t hlen, struct mb_request *r)
{
	for (uint64_t off = 16;; ) {
		if (off + 8 > hlen) {
			log_error("guest: multiboot2 header has no end tag within its %u bytes",
				  hlen);
			return false;
		}
		uint16_t type = get_u16(h + off), flags = get_u16(h + off + 2);
		uint32_t size = get_u32(h + off + 4);
		if (type == 0)
			return true;
		if (size < 8 || size > hlen - off) {
			log_error("guest: multiboot2 header tag %u at offset 0x%lx has a bad size "
				  "%u", type, off, size);
			return false;
		}
		if (!mb2_tag(h + off, type, flags & MB2_TAG_OPTIONAL, size, r))
			return false;
		off += ((uint64_t)size + 7) & ~7ull;
	}
}

/* 1: a valid header, filled in *r; 0: none (*bad = 1 + offset of one with a bad checksum);
 * -1: a header the loader refuses (reported). */
static int mb2_find(const uint8_t *k, uint64_t len, struct mb_request *r, uint64_t *bad)
{
	uint64_t end = len < MB2_SEARCH ? len : MB2_SEARCH;

	for (uint64_t off = 0; off + 16 <= end; off += 8) {
		uint32_t magic = get_u32(k + off), arch = get_u32(k + off + 4);
		uint32_t hlen = get_u32(k + off + 8), sum = get_u32(k + off + 12);
		if (magic != MB2_HEADER_MAGIC)
			continue;
		if (magic + arch + hlen + sum) {
			if (!*bad)
				*bad = off + 1;
			continue;
		}
		r->proto = GUEST_MULTIBOOT2;
		r->hdr_off = off;
		if (arch != MB2_ARCH_I386) {
			log_error("guest: multiboot2 header at 0x%lx is for architecture %u, not "
				  "i386 (0)", off, arch);
			return -1;
		}
		if (hlen < 16 || hlen > len - off) {
			log_error("guest: multiboot2 header at 0x%lx has length %u: shorter than "
				  "16 or past the end of the 0x%lx-byte file", off, hlen, len);
			return -1;
		}
		return mb2_tags(k + off, hlen, r) ? 1 : -1;
	}
	return 0;
}

/* ---- Multiboot (v1) header (Multiboot 0.6.96, 3.1.1-3.1.3) ---- */

static bool mb1_flags(const uint8_t *h, uint64_t room, uint32_t flags, struct mb_request *r)
{
	uint32_t unknown = flags & MB1_FLAGS_REQUIRED & ~MB1_FLAGS_KNOWN;

	if (unknown) {
		log_error("guest: the multiboot header requires features 0x%x (flags 0x%x) this "
			  "loader does not know", unknown, flags);
		return false;
	}
	if (flags & MB1_FLAG_VIDEO)
		log_info("guest: the kernel asks for a video mode (multiboot flag 2); the VM has "
			 "no display, ignored");
	if (!(flags & MB1_FLAG_ADDRESS))
		return true;
	if (room < 32) {
		log_error("guest: the multiboot header's address fields (flag 16) run past the end "
			  "of the file");
		return false;
	}
	r->has_addr = r->has_entry = true;
	r->header_addr = get_u32(h + 12), r->load_addr = get_u32(h + 16);
	r->load_end_addr = get_u32(h + 20), r->bss_end_addr = get_u32(h + 24);
	r->entry = get_u32(h + 28);
	return true;
}

/* As mb2_find(), for the multiboot (v1) header. */
static int mb1_find(const uint8_t *k, uint64_t len, struct mb_request *r, uint64_t *bad)
{
	uint64_t end = len < MB1_SEARCH ? len : MB1_SEARCH;

	for (uint64_t off = 0; off + 12 <= end; off += 4) {
		uint32_t magic = get_u32(k + off), flags = get_u32(k + off + 4);
		if (magic != MB1_HEADER_MAGIC)
			continue;
		if (magic + flags + get_u32(k + off + 8)) {
			if (!*bad)
				*bad = off + 1;
			continue;
		}
		r->proto = GUEST_MULTIBOOT1;
		r->hdr_off = off;
		return mb1_flags(k + off, len - off, flags, r) ? 1 : -1;
	}
	return 0;
}

/* Multiboot2 first when the kernel has both (it is the newer protocol, and GRUB's multiboot2
 * command would pick it). A magic with a bad checksum is not a header, but it is what gets
 * reported when no valid header follows. 1: found; 0: none (nothing logged); -1: refused or a
 * bad checksum, reported. */
static int find_header(const uint8_t *k, uint64_t len, struct mb_request *r)
{
	uint64_t bad2 = 0, bad1 = 0;
	int found;

	memset(r, 0, sizeof(*r));
	found = mb2_find(k, len, r, &bad2);
	if (!found)
		found = mb1_find(k, len, r, &bad1);
	if (found)
		return found;
	if (bad2 || bad1) {
		log_error("guest: %s header at 0x%lx has a bad checksum: not a usable multiboot "
			  "kernel", bad2 ? "multiboot2" : "multiboot", (bad2 ? bad2 : bad1) - 1);
		return -1;
	}
	return 0;
}

/* ---- The kernel's bytes ---- */

/* Multiboot 0.6.96, 3.1.3; Multiboot2 1.0, 3.1.5: the file from offset hdr_off - (header_addr -
 * load_addr) goes to load_addr, up to load_end_addr (0: the rest of the file), zeroed up to
 * bss_end_addr (0: no bss). One segment. */
static bool addr_image(uint64_t len, const struct mb_request *r, struct elf_image *e)
{
	uint64_t load = r->load_addr, off;

	if (r->proto == GUEST_MULTIBOOT2 && r->load_addr == MB2_LOAD_FROM_START &&
	    r->header_addr >= r->hdr_off) {
		load = r->header_addr - r->hdr_off, off = 0;
	} else if (r->load_addr <= r->header_addr && r->header_addr - r->load_addr <= r->hdr_off) {
		off = r->hdr_off - (r->header_addr - r->load_addr);
	} else {
		log_error("guest: multiboot address fields: load_addr 0x%x and header_addr 0x%x do "
			  "not match the header's file offset 0x%lx", r->load_addr, r->header_addr,
			  r->hdr_off);
		return false;
	}
	uint64_t filesz = len - off, memsz;
	if (r->load_end_addr && r->load_end_addr < load) {
		log_error("guest: multiboot address fields: load_end_addr 0x%x is below the load "
			  "address 0x%lx", r->load_end_addr, load);
		return false;
	}
	if (r->load_end_addr && r->load_end_addr - load > filesz) {
		log_error("guest: multiboot address fields: load 0x%lx-0x%x from file offset 0x%lx "
			  "runs past the end of the 0x%lx-byte file (truncated kernel?)", load,
			  r->load_end_addr, off, len);
		return false;
	}
	if (r->load_end_addr)
		filesz = r->load_end_addr - load;
	memsz = filesz;
	if (r->bss_end_addr && r->bss_end_addr < load + filesz) {
		log_error("guest: multiboot address fields: bss_end_addr 0x%x is below the end of "
			  "the loaded bytes 0x%lx", r->bss_end_addr, load + filesz);
		return false;
	}
	if (r->bss_end_addr)
		memsz = r->bss_end_addr - load;
	e->is64 = false;
	e->entry = r->entry;
	e->nseg = 1;
	e->seg[0] = (struct elf_segment){ load, off, filesz, memsz };
	return true;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Inside RAM, clear of the VM's ACPI tables, apart from every other segment. The rest of the
 * BIOS area below 1 MiB is RAM in this VM, so a kernel linked at 1 MiB whose first segment
 * starts with its ELF headers a page lower still loads. */
static bool segment_ok(const struct gmem *gm, const struct elf_image *e, unsigned i)
{
	const struct elf_segment *s = &e->seg[i];

	if (!gmem_ptr(gm, s->paddr, s->memsz)) {
		log_error("guest: segment %u at 0x%lx-0x%lx lies outside the guest's RAM "
			  "(0-0x%lx)", i, s->paddr, s->paddr + s->memsz - 1, gm->size - 1);
		return false;
	}
	if (overlaps(s->paddr, s->memsz, GUEST_ACPI_BASE, GUEST_ACPI_END - GUEST_ACPI_BASE)) {
		log_error("guest: segment %u at 0x%lx-0x%lx overlaps the VM's ACPI tables at "
			  "0x%lx-0x%lx", i, s->paddr, s->paddr + s->memsz - 1, GUEST_ACPI_BASE,
			  GUEST_ACPI_END - 1);
		return false;
	}
	for (unsigned j = 0; j < i; j++) {
		const struct elf_segment *o = &e->seg[j];
		if (o->memsz && overlaps(s->paddr, s->memsz, o->paddr, o->memsz)) {
			log_error("guest: segments %u (0x%lx-0x%lx) and %u (0x%lx-0x%lx) overlap",
				  j, o->paddr, o->paddr + o->memsz - 1, i, s->paddr,
				  s->paddr + s->memsz - 1);
			return false;
		}
	}
	return true;
}

/* Checks every segment first, then copies the file bytes and zeroes the bss. */
static bool place_segments(struct gmem *gm, const uint8_t *k, const struct elf_image *e,
			   uint64_t *end)
{
	*end = 0;
	for (unsigned i = 0; i < e->nseg; i++)
		if (e->seg[i].memsz && !segment_ok(gm, e, i))
			return false;
	for (unsigned i = 0; i < e->nseg; i++) {
		const struct elf_segment *s = &e->seg[i];
		gmem_write(gm, s->paddr, k + s->offset, s->filesz);
		gmem_zero(gm, s->paddr + s->filesz, s->memsz - s->filesz);
		if (s->memsz && s->paddr + s->memsz > *end)
			*end = s->paddr + s->memsz;
	}
	if (!*end) {
		log_error("guest: the kernel's loadable segments are all empty");
		return false;
	}
	return true;
}

/* The header's entry (mb1 flag 16, mb2 entry address tag) over the ELF one; below 4 GiB, since
 * both protocols enter in 32-bit protected mode. */
static bool entry_point(const struct mb_request *r, const struct elf_image *e, uint32_t *eip)
{
	if (r->has_addr && !r->has_entry) {
		log_error("guest: the multiboot2 header has an address tag but no entry address "
			  "tag");
		return false;
	}
	uint64_t entry = r->has_entry ? r->entry : e->entry;
	if (entry >> 32) {
		log_error("guest: entry point 0x%lx is above 4 GiB; multiboot enters in 32-bit "
			  "protected mode", entry);
		return false;
	}
	*eip = (uint32_t)entry;
	return true;
}

static bool ram_ok(const struct gmem *gm, const struct guest_boot_params *p)
{
	if (gm->size > GUEST_RAM_MAX || gm->size <= GUEST_HIGH_RAM_START) {
		log_error("guest: guest RAM of 0x%lx bytes is outside what the loader handles "
			  "(above 1 MiB, at most 0x%llx: the MMIO hole starts at 3 GiB)", gm->size,
			  GUEST_RAM_MAX);
		return false;
	}
	if (p->nmods > GUEST_MAX_MODULES) {
		log_error("guest: %u modules for the guest; at most %u", p->nmods,
			  GUEST_MAX_MODULES);
		return false;
	}
	return true;
}

/* Modules, strings and boot information go after the kernel, and never below 1 MiB, where the
 * BIOS area and the ACPI tables are. */
static bool build_info(struct gmem *gm, const struct guest_boot_params *p, struct guest_entry *out)
{
	uint32_t mod_gpa[GUEST_MAX_MODULES];
	uint64_t start = (out->kernel_end + 4095) & ~4095ull;
	struct guest_cursor c = { gm, start > GUEST_HIGH_RAM_START ? start : GUEST_HIGH_RAM_START,
				  true };

	if (!guest_place_modules(&c, p, mod_gpa))
		return false;
	if (out->proto == GUEST_MULTIBOOT2)
		return guest_mb2_info(&c, p, mod_gpa, &out->info_gpa, &out->info_len);
	return guest_mb1_info(&c, p, mod_gpa, &out->info_gpa, &out->info_len);
}

static bool load_multiboot(struct gmem *gm, const struct guest_boot_params *p,
			   const struct mb_request *r, struct guest_entry *out)
{
	const uint8_t *k = p->kernel;
	struct elf_image e;

	if (r->has_addr ? !addr_image(p->kernel_len, r, &e) : !elf_parse(k, p->kernel_len, &e))
		return false;
	if (!entry_point(r, &e, &out->eip) || !place_segments(gm, k, &e, &out->kernel_end))
		return false;
	out->proto = r->proto;
	out->code64 = e.is64;
	if (!build_info(gm, p, out))
		return false;
	out->eax = r->proto == GUEST_MULTIBOOT2 ? MB2_BOOTLOADER_MAGIC : MB1_BOOTLOADER_MAGIC;
	out->ebx = (uint32_t)out->info_gpa;
	return true;
}

/* An ELF whose XEN_ELFNOTE_PHYS32_ENTRY note gives its 32-bit entry (the note's descriptor is
 * 4 or 8 bytes; the entry is in the low 32 bits, Xen's public elfnote.h). */
static bool pvh_entry(const uint8_t *k, uint64_t len, uint32_t *eip)
{
	const uint8_t *desc;
	uint32_t desc_len;

	if (len < 4 || memcmp(k, "\177ELF", 4) || len < 64 ||
	    !elf_find_note(k, len, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &desc, &desc_len))
		return false;
	if (desc_len < 4) {
		log_error("guest: the ELF's PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) has %u bytes, "
			  "fewer than 4", desc_len);
		*eip = 0;
		return true;
	}
	*eip = get_u32(desc);
	return true;
}

static bool load_pvh(struct gmem *gm, const struct guest_boot_params *p, uint32_t eip,
		     struct guest_entry *out)
{
	const uint8_t *k = p->kernel;
	struct elf_image e;

	if (!eip || !elf_parse(k, p->kernel_len, &e) ||
	    !place_segments(gm, k, &e, &out->kernel_end))
		return false;
	out->eip = eip;
	out->code64 = e.is64;
	if (!linux_pvh_info(gm, p, out))
		return false;
	log_info("guest: PVH kernel (ELF with XEN_ELFNOTE_PHYS32_ENTRY), entry 0x%x, %u modules",
		 eip, p->nmods);
	return true;
}

/* A bzImage by its own header; else a multiboot header; else an ELF with a PVH note. */
bool guest_load(struct gmem *gm, const struct guest_boot_params *p, struct guest_entry *out)
{
	const uint8_t *k = p->kernel;
	struct mb_request r;
	uint32_t eip;
	int found;

	memset(out, 0, sizeof(*out));
	if (!ram_ok(gm, p))
		return false;
	if (bz_is_bzimage(k, p->kernel_len))
		return linux_load_bzimage(gm, p, out);
	found = find_header(k, p->kernel_len, &r);
	if (found)
		return found > 0 && load_multiboot(gm, p, &r, out);
	if (pvh_entry(k, p->kernel_len, &eip))
		return load_pvh(gm, p, eip, out);
	log_error("guest: not a kernel this loader knows: no multiboot or multiboot2 header in "
		  "the first 32 KiB, no Linux bzImage header, no ELF PVH entry note");
	return false;
}
