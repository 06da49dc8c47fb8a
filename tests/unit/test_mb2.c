/* tests/unit/test_mb2.c: boot/mb2.c on multiboot2 information built byte by byte. The parser
 * gets an exact-size heap copy of total_size bytes, so ASan catches any read past the end. */
#include <stdlib.h>

#include "boot/mb2.h"
#include "lib/array.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"

#define INFO_PHYS 0x10000

struct mb {
	_Alignas(8) uint8_t buf[32768];
	uint32_t len;
};

static struct mb b;
static struct boot_info bi;
static uint8_t *info_copy; /* what the parser saw; boot_info strings point into it */

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static void mb_begin(void)
{
	memset(&b, 0, sizeof(b));
	b.len = 8;
	test_log_clear();
}

/* Appends a tag header claiming `size` bytes and returns the tag; the next tag goes at the next
 * 8-byte boundary (Multiboot2 spec 1.0, 3.6.1). */
static uint8_t *mb_tag(uint32_t type, uint32_t size)
{
	uint8_t *t = b.buf + b.len;

	put32(t, type);
	put32(t + 4, size);
	b.len += (size + 7) & ~7u;
	return t;
}

static void mb_string(uint32_t type, const char *s)
{
	uint32_t n = (uint32_t)strlen(s) + 1;

	memcpy(mb_tag(type, 8 + n) + 8, s, n);
}

static void mb_module(uint32_t start, uint32_t end, const char *s)
{
	uint32_t n = (uint32_t)strlen(s) + 1;
	uint8_t *t = mb_tag(MB2_TAG_MODULE, 16 + n);

	put32(t + 8, start);
	put32(t + 12, end);
	memcpy(t + 16, s, n);
}

static void mb_mmap(const struct mem_range *r, unsigned n, uint32_t entry_size)
{
	uint8_t *t = mb_tag(MB2_TAG_MMAP, 16 + n * entry_size);

	put32(t + 8, entry_size);
	for (unsigned i = 0; i < n; i++) {
		uint8_t *e = t + 16 + i * entry_size;
		put64(e, r[i].base);
		put64(e + 8, r[i].len);
		put32(e + 16, r[i].type);
	}
}

struct efi_desc {
	uint32_t type;
	uint64_t base, pages;
};

static void mb_efi_mmap(const struct efi_desc *d, unsigned n)
{
	const uint32_t dsize = 48; /* what firmware commonly reports: 40 bytes plus padding */
	uint8_t *t = mb_tag(MB2_TAG_EFI_MMAP, 16 + n * dsize);

	put32(t + 8, dsize);
	put32(t + 12, 1);
	for (unsigned i = 0; i < n; i++) {
		uint8_t *e = t + 16 + i * dsize;
		put32(e, d[i].type);
		put64(e + 8, d[i].base);
		put64(e + 16, 0);
		put64(e + 24, d[i].pages);
		put64(e + 32, 0xf);
	}
}

static uint8_t *mb_rsdp(uint32_t type, uint32_t len, uint8_t rev)
{
	uint8_t *t = mb_tag(type, 8 + len);

	memcpy(t + 8, "RSD PTR ", 8);
	t[8 + 15] = rev;
	return t;
}

static void mb_end(void)
{
	mb_tag(MB2_TAG_END, 8);
	put32(b.buf, b.len);
}

/* Parses a copy of exactly total_size bytes (or of what was built, when total_size is absurd). */
static bool parse(void)
{
	uint32_t total = get32(b.buf), n = total >= 4 && total <= b.len ? total : b.len;

	free(info_copy);
	info_copy = malloc(n);
	memcpy(info_copy, b.buf, n);
	return mb2_parse(info_copy, INFO_PHYS, &bi);
}

/* Where a tag built in b.buf lies in the parsed copy. */
static const uint8_t *in_copy(const uint8_t *tag)
{
	return info_copy + (tag - b.buf);
}

static void check_range(unsigned i, uint64_t base, uint64_t len, uint32_t type)
{
	CHECK(i < bi.mem_count);
	if (i >= bi.mem_count)
		return;
	CHECK_EQ(bi.mem[i].base, base);
	CHECK_EQ(bi.mem[i].len, len);
	CHECK_EQ(bi.mem[i].type, type);
}

TEST(mb2_grub_bios_info)
{
	const struct mem_range map[] = {
		{ 0, 0x9fc00, MEM_USABLE },
		{ 0x9fc00, 0x400, MEM_RESERVED },
		{ 0xf0000, 0x10000, MEM_RESERVED },
		{ 0x100000, 0x7ee0000, MEM_USABLE },
		{ 0x7fe0000, 0x20000, MEM_RESERVED },
		{ 0xfffc0000, 0x40000, MEM_RESERVED },
	};

	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "loglevel=debug vm.cpus=2");
	mb_string(MB2_TAG_LOADER_NAME, "GRUB 2.06");
	uint8_t *meminfo = mb_tag(MB2_TAG_BASIC_MEMINFO, 16);
	put32(meminfo + 8, 639);
	put32(meminfo + 12, 130944);
	put32(mb_tag(5, 20) + 8, 0x80); /* BIOS boot device: not used */
	mb_mmap(map, 6, 24);
	mb_module(0x200000, 0x212345, "guest.elf console=ttyS0");
	mb_module(0x213000, 0x214000, "");
	uint8_t *rsdp = mb_rsdp(MB2_TAG_ACPI_OLD, 20, 0);
	put32(mb_tag(21, 12) + 8, 0x100000); /* image load base: not used */
	mb_end();

	CHECK(parse());
	CHECK_EQ(bi.info_phys, INFO_PHYS);
	CHECK_EQ(bi.info_size, b.len);
	CHECK_STR(bi.cmdline, "loglevel=debug vm.cpus=2");
	CHECK_STR(bi.loader_name, "GRUB 2.06");
	CHECK_EQ(bi.basic_mem_lower_kib, 639);
	CHECK_EQ(bi.basic_mem_upper_kib, 130944);
	CHECK_EQ(bi.mem_count, 6);
	for (unsigned i = 0; i < 6; i++)
		check_range(i, map[i].base, map[i].len, map[i].type);
	CHECK(!bi.mem_from_efi);
	CHECK_EQ(bi.mod_count, 2);
	CHECK_EQ(bi.mods[0].start, 0x200000);
	CHECK_EQ(bi.mods[0].end, 0x212345);
	CHECK_STR(bi.mods[0].cmdline, "guest.elf console=ttyS0");
	CHECK_EQ(bi.mods[1].start, 0x213000);
	CHECK_STR(bi.mods[1].cmdline, "");
	CHECK(bi.rsdp == in_copy(rsdp) + 8);
	CHECK_EQ(bi.rsdp_len, 20);
	CHECK_EQ(bi.tags_seen, 9);
	CHECK_EQ(bi.tags_unknown, 2);
	CHECK(!bi.efi64);
	CHECK(!bi.fb.present);
	CHECK(!bi.efi_boot_services_not_exited);
	CHECK(test_log_find("mb2: tag type 5 at offset"));
	CHECK(!test_log_find("NUL"));
	CHECK(!test_log_find("overlapping"));
	CHECK(!test_log_find("end tag"));
}

/* A UEFI boot: the EFI memory map only, with every type translated, and both RSDP tags. */
TEST(mb2_uefi_info)
{
	const struct efi_desc d[] = {
		{ 7, 0x0, 0xa0 },              /* conventional */
		{ 0, 0xa0000, 0x60 },          /* reserved */
		{ 7, 0x100000, 0x700 },
		{ 10, 0x800000, 0x8 },         /* ACPI NVS */
		{ 7, 0x808000, 0x8 },
		{ 2, 0x810000, 0x10 },         /* loader data: free after boot services */
		{ 4, 0x820000, 0x100 },        /* boot services data */
		{ 3, 0x920000, 0x10 },         /* boot services code */
		{ 1, 0x930000, 0x10 },         /* loader code */
		{ 9, 0x940000, 0x10 },         /* ACPI reclaim */
		{ 5, 0x950000, 0x10 },         /* runtime code */
		{ 6, 0x960000, 0x10 },         /* runtime data */
		{ 8, 0x970000, 0x1 },          /* unusable */
		{ 11, 0xffc00000, 0x400 },     /* MMIO */
		{ 14, 0x100000000, 0x1000 },   /* persistent */
	};

	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "");
	mb_string(MB2_TAG_LOADER_NAME, "GRUB 2.12");
	put64(mb_tag(MB2_TAG_EFI64, 16) + 8, 0x7f9ee018);
	mb_efi_mmap(d, ARRAY_SIZE(d));
	uint8_t *old_rsdp = mb_rsdp(MB2_TAG_ACPI_OLD, 20, 0);
	uint8_t *new_rsdp = mb_rsdp(MB2_TAG_ACPI_NEW, 36, 2);
	mb_end();

	CHECK(parse());
	CHECK(bi.efi64);
	CHECK(bi.mem_from_efi);
	CHECK(bi.rsdp == in_copy(new_rsdp) + 8);
	CHECK(bi.rsdp != in_copy(old_rsdp) + 8);
	CHECK_EQ(bi.rsdp_len, 36);
	CHECK_EQ(bi.mem_count, 9);
	check_range(0, 0, 0xa0000, MEM_USABLE);
	check_range(1, 0xa0000, 0x60000, MEM_RESERVED);
	check_range(2, 0x100000, 0x700000, MEM_USABLE);
	check_range(3, 0x800000, 0x8000, MEM_ACPI_NVS);
	check_range(4, 0x808000, 0x138000, MEM_USABLE);
	check_range(5, 0x940000, 0x10000, MEM_ACPI_RECLAIMABLE);
	check_range(6, 0x950000, 0x20000, MEM_RESERVED);
	check_range(7, 0x970000, 0x1000, MEM_BAD);
	check_range(8, 0xffc00000, 0x101000000 - 0xffc00000, MEM_RESERVED);
	CHECK_STR(bi.cmdline, "");
}

TEST(mb2_new_rsdp_preferred_in_any_order)
{
	mb_begin();
	uint8_t *new_rsdp = mb_rsdp(MB2_TAG_ACPI_NEW, 36, 2);
	mb_rsdp(MB2_TAG_ACPI_OLD, 20, 0);
	mb_end();
	CHECK(parse());
	CHECK(bi.rsdp == in_copy(new_rsdp) + 8);
	CHECK_EQ(bi.rsdp_len, 36);

	/* Too short to hold an RSDP: reported, not used. */
	mb_begin();
	mb_rsdp(MB2_TAG_ACPI_NEW, 20, 2);
	mb_end();
	CHECK(parse());
	CHECK(bi.rsdp == NULL);
	CHECK(test_log_find("mb2: ACPI new RSDP tag (type 15) at offset 8 has size 28, needs 44"));
}

TEST(mb2_tag6_map_preferred_over_efi)
{
	const struct mem_range map[] = { { 0, 0x9f000, MEM_USABLE } };
	const struct efi_desc d[] = { { 7, 0x0, 0x10 } };

	mb_begin();
	mb_efi_mmap(d, 1);
	mb_mmap(map, 1, 24);
	mb_end();
	CHECK(parse());
	CHECK(!bi.mem_from_efi);
	CHECK_EQ(bi.mem_count, 1);
	check_range(0, 0, 0x9f000, MEM_USABLE);
}

TEST(mb2_bad_total_size)
{
	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "x");
	mb_end();
	put32(b.buf, 12);
	CHECK(!parse());
	CHECK(test_log_find("mb2: boot information total_size 12 is invalid"));
	CHECK_STR(bi.cmdline, "");
	CHECK_STR(bi.loader_name, "");

	put32(b.buf, 3u << 20);
	CHECK(!parse());
	CHECK(test_log_find("total_size 3145728 is invalid"));

	CHECK(!mb2_parse(NULL, 0, &bi));
	CHECK(test_log_find("mb2: no boot information"));
}

TEST(mb2_tag_past_total_size)
{
	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "keep=me");
	uint32_t mod_off = b.len;
	mb_module(0x200000, 0x300000, "guest");
	mb_end();
	put32(b.buf, mod_off + 16); /* the module tag is 22 bytes: it runs past the end */
	CHECK(parse());
	CHECK_STR(bi.cmdline, "keep=me");
	CHECK_EQ(bi.mod_count, 0);
	CHECK_EQ(bi.info_size, mod_off + 16);
	CHECK(test_log_find("mb2: tag type 3 at offset 24 (size 22) runs past total_size 40; "
			    "parsing stopped"));
}

TEST(mb2_tag_size_below_8)
{
	mb_begin();
	mb_string(MB2_TAG_LOADER_NAME, "GRUB");
	mb_tag(MB2_TAG_CMDLINE, 4);
	mb_end();
	CHECK(parse());
	CHECK_STR(bi.loader_name, "GRUB");
	CHECK_STR(bi.cmdline, "");
	CHECK(test_log_find("mb2: tag type 1 at offset 24 has size 4 (< 8); parsing stopped"));

	/* Size 0 must not loop forever. */
	mb_begin();
	mb_tag(7, 0);
	b.len += 8;
	mb_end();
	CHECK(parse());
	CHECK(test_log_find("tag type 7 at offset 8 has size 0 (< 8)"));
}

TEST(mb2_unknown_tags_counted)
{
	mb_begin();
	mb_tag(5, 20);
	mb_tag(9, 20);
	mb_tag(10, 28);
	mb_string(MB2_TAG_CMDLINE, "a");
	mb_tag(21, 12);
	mb_tag(99, 8);
	mb_end();
	CHECK(parse());
	CHECK_EQ(bi.tags_seen, 6);
	CHECK_EQ(bi.tags_unknown, 5);
	CHECK_STR(bi.cmdline, "a");
	CHECK(test_log_find("mb2: tag type 99 at offset"));
}

TEST(mb2_no_end_tag)
{
	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "a=b");
	mb_string(MB2_TAG_LOADER_NAME, "L");
	put32(b.buf, b.len + 4); /* a few stray bytes, no room for another tag */
	b.len += 4;
	CHECK(parse());
	CHECK_STR(bi.cmdline, "a=b");
	CHECK_STR(bi.loader_name, "L");
	CHECK(test_log_find("mb2: no end tag within total_size 44"));
}

TEST(mb2_unterminated_strings)
{
	mb_begin();
	memcpy(mb_tag(MB2_TAG_CMDLINE, 11) + 8, "abc", 3);
	mb_tag(MB2_TAG_LOADER_NAME, 8); /* no room even for the NUL */
	uint8_t *m = mb_tag(MB2_TAG_MODULE, 20);
	put32(m + 8, 0x1000);
	put32(m + 12, 0x2000);
	memcpy(m + 16, "abcd", 4);
	mb_end();
	CHECK(parse());
	CHECK_STR(bi.cmdline, "");
	CHECK_STR(bi.loader_name, "");
	CHECK_EQ(bi.mod_count, 1);
	CHECK_STR(bi.mods[0].cmdline, "");
	CHECK(test_log_find("mb2: command line in tag type 1 at offset 8 is not NUL-terminated"));
	CHECK(test_log_find("mb2: boot loader name in tag type 2 at offset 24"));
	CHECK(test_log_find("mb2: module string in tag type 3 at offset 32"));
}

TEST(mb2_too_many_modules)
{
	mb_begin();
	for (uint32_t i = 0; i < BOOT_MAX_MODULES + 2; i++)
		mb_module(0x100000 * (i + 1), 0x100000 * (i + 1) + 0x1000, "m");
	mb_end();
	CHECK(parse());
	CHECK_EQ(bi.mod_count, BOOT_MAX_MODULES);
	CHECK_EQ(bi.mods[15].start, 0x1000000);
	CHECK(test_log_find("mb2: more than 16 modules; the module at offset 392 and later ones "
			    "are dropped"));
}

TEST(mb2_bad_modules_skipped)
{
	mb_begin();
	mb_module(0x300000, 0x200000, "backwards");
	mb_tag(MB2_TAG_MODULE, 12);
	mb_module(0x400000, 0x400000, "empty is fine");
	mb_end();
	CHECK(parse());
	CHECK_EQ(bi.mod_count, 1);
	CHECK_EQ(bi.mods[0].start, 0x400000);
	CHECK_STR(bi.mods[0].cmdline, "empty is fine");
	CHECK(test_log_find("mb2: module at offset 8 ends (0x200000) before it starts (0x300000); "
			    "skipped"));
	CHECK(test_log_find("mb2: module tag (type 3) at offset 40 has size 12, needs 16"));
}

TEST(mb2_mmap_bad_entry_size)
{
	const struct mem_range map[] = { { 0, 0x9f000, MEM_USABLE }, { 0x100000, 0x1000, 1 } };

	mb_begin();
	mb_mmap(map, 2, 16);
	mb_end();
	CHECK(parse());
	CHECK_EQ(bi.mem_count, 0);
	CHECK(test_log_find("mb2: memory map tag at offset 8 has entry_size 16"));
	CHECK(test_log_find("mb2: the memory map is empty"));

	mb_begin();
	mb_mmap(map, 2, 28);
	mb_end();
	CHECK(parse());
	CHECK_EQ(bi.mem_count, 0);
	CHECK(test_log_find("has entry_size 28"));

	/* A larger entry (a future version) is fine: the stride is entry_size. */
	mb_begin();
	mb_mmap(map, 2, 32);
	mb_end();
	CHECK(parse());
	CHECK_EQ(bi.mem_count, 2);
	check_range(1, 0x100000, 0x1000, MEM_USABLE);

	/* A partial entry at the end is reported and left out; type 7 is taken as reserved. */
	const struct mem_range odd[] = { { 0, 0x1000, 7 } };
	mb_begin();
	uint8_t *t = b.buf + b.len;
	mb_mmap(odd, 1, 24);
	put32(t + 4, 16 + 24 + 8);
	b.len += 8;
	mb_end();
	CHECK(parse());
	CHECK_EQ(bi.mem_count, 1);
	check_range(0, 0, 0x1000, MEM_RESERVED);
	CHECK(test_log_find("ends with a partial entry"));
}

TEST(mb2_mmap_normalised_in_parse)
{
	/* Unsorted, overlapping, a zero-length entry: what a sloppy BIOS might give. */
	const struct mem_range map[] = {
		{ 0x100000, 0x3ff00000, MEM_USABLE },
		{ 0, 0xa0000, MEM_USABLE },
		{ 0x3fff0000, 0x10000, MEM_ACPI_RECLAIMABLE },
		{ 0x500000, 0, MEM_RESERVED },
		{ 0x9f000, 0x1000, MEM_RESERVED },
	};

	mb_begin();
	mb_mmap(map, 5, 24);
	mb_end();
	CHECK(parse());
	CHECK_EQ(bi.mem_count, 4);
	check_range(0, 0, 0x9f000, MEM_USABLE);
	check_range(1, 0x9f000, 0x1000, MEM_RESERVED);
	check_range(2, 0x100000, 0x3fef0000, MEM_USABLE);
	check_range(3, 0x3fff0000, 0x10000, MEM_ACPI_RECLAIMABLE);
	CHECK(test_log_find("mem: memory map has overlapping entries"));
	CHECK(test_log_find("mem: memory map has 1 zero-length entries; dropped"));
}

TEST(mb2_efi_map_larger_than_the_array)
{
	struct efi_desc d[300];

	/* Adjacent conventional and boot-services pages: all usable, they merge into one. */
	for (unsigned i = 0; i < 300; i++)
		d[i] = (struct efi_desc){ i % 2 ? 4 : 7, 0x100000 + i * 0x1000ull, 1 };
	mb_begin();
	mb_efi_mmap(d, 300);
	mb_end();
	CHECK(parse());
	CHECK_EQ(bi.mem_count, 1);
	check_range(0, 0x100000, 300 * 0x1000, MEM_USABLE);
	CHECK(!test_log_find("dropped"));

	/* Alternating usable and reserved pages cannot merge: the array keeps 128. */
	for (unsigned i = 0; i < 300; i++)
		d[i].type = i % 2 ? 0 : 7;
	mb_begin();
	mb_efi_mmap(d, 300);
	mb_end();
	CHECK(parse());
	CHECK_EQ(bi.mem_count, BOOT_MAX_MEM_RANGES);
	check_range(127, 0x100000 + 127 * 0x1000, 0x1000, MEM_RESERVED);
	CHECK(test_log_find("mb2: memory map has more than 128 distinct ranges; 172 entries "
			    "dropped"));
}

TEST(mb2_efi_bad_descriptors)
{
	const struct efi_desc d[] = { { 7, 0x1000, 1ull << 60 } };

	mb_begin();
	mb_efi_mmap(d, 1);
	mb_end();
	CHECK(parse());
	CHECK_EQ(bi.mem_count, 1);
	check_range(0, 0x1000, UINT64_MAX - 0x1000, MEM_USABLE);
	CHECK(test_log_find("mb2: EFI memory descriptor at 0x1000 has 1152921504606846976 pages; "
			    "clamped"));

	mb_begin();
	mb_efi_mmap(d, 1);
	put32(b.buf + 8 + 8, 32); /* descriptor_size below the 40 bytes of a descriptor */
	mb_end();
	CHECK(parse());
	CHECK_EQ(bi.mem_count, 0);
	CHECK(!bi.mem_from_efi);
	CHECK(test_log_find("mb2: EFI memory map tag at offset 8 has descriptor_size 32"));
}

TEST(mb2_framebuffer_and_efi_flags)
{
	mb_begin();
	uint8_t *fb = mb_tag(MB2_TAG_FRAMEBUFFER, 38);
	put64(fb + 8, 0xfd000000);
	put32(fb + 16, 4096);
	put32(fb + 20, 1024);
	put32(fb + 24, 768);
	fb[28] = 32;
	fb[29] = 1;
	fb[32] = 16; /* red 23:16, green 15:8, blue 7:0, as GRUB lays the color fields out */
	fb[33] = 8;
	fb[34] = 8;
	fb[35] = 8;
	fb[36] = 0;
	fb[37] = 8;
	mb_tag(MB2_TAG_EFI_BS, 8);
	mb_tag(MB2_TAG_EFI64, 12); /* too short for the pointer */
	mb_end();
	CHECK(parse());
	CHECK(bi.fb.present);
	CHECK_EQ(bi.fb.addr, 0xfd000000);
	CHECK_EQ(bi.fb.pitch, 4096);
	CHECK_EQ(bi.fb.width, 1024);
	CHECK_EQ(bi.fb.height, 768);
	CHECK_EQ(bi.fb.bpp, 32);
	CHECK_EQ(bi.fb.type, 1);
	CHECK_EQ(bi.fb.red_pos, 16);
	CHECK_EQ(bi.fb.green_pos, 8);
	CHECK_EQ(bi.fb.blue_pos, 0);
	CHECK_EQ(bi.fb.red_size + bi.fb.green_size + bi.fb.blue_size, 24);
	CHECK(bi.efi_boot_services_not_exited);
	CHECK(!bi.efi64);
	CHECK(test_log_find("mb2: the boot loader left EFI boot services running"));
	CHECK(test_log_find("mb2: EFI64 system table tag (type 12) at offset 56 has size 12"));
}

/* ---- mem_map_normalize on its own ---- */

static struct mem_range nr[BOOT_MAX_MEM_RANGES];
static unsigned nn;

static void norm(const struct mem_range *in, unsigned n)
{
	test_log_clear();
	memset(nr, 0xa5, sizeof(nr));
	memcpy(nr, in, n * sizeof(*in));
	nn = n;
	mem_map_normalize(nr, &nn);
}

static void check_norm(unsigned i, uint64_t base, uint64_t len, uint32_t type)
{
	CHECK(i < nn);
	if (i >= nn)
		return;
	CHECK_EQ(nr[i].base, base);
	CHECK_EQ(nr[i].len, len);
	CHECK_EQ(nr[i].type, type);
}

TEST(mb2_normalize_sorts_and_merges)
{
	const struct mem_range in[] = {
		{ 0x100000, 0x1000, MEM_USABLE },
		{ 0, 0x1000, MEM_USABLE },
		{ 0x5000, 0x1000, MEM_RESERVED },
		{ 0x101000, 0x1000, MEM_USABLE },    /* touches the first: merged */
		{ 0x6000, 0x1000, MEM_ACPI_NVS },    /* touches, other type: kept apart */
	};

	norm(in, 5);
	CHECK_EQ(nn, 4);
	check_norm(0, 0, 0x1000, MEM_USABLE);
	check_norm(1, 0x5000, 0x1000, MEM_RESERVED);
	check_norm(2, 0x6000, 0x1000, MEM_ACPI_NVS);
	check_norm(3, 0x100000, 0x2000, MEM_USABLE);
	CHECK(!test_log_find("overlapping"));

	norm(in, 0);
	CHECK_EQ(nn, 0);
	CHECK(!test_log_find("mb2"));
}

TEST(mb2_normalize_overlaps)
{
	const struct mem_range hole[] = {
		{ 0, 0x10000, MEM_USABLE },
		{ 0x8000, 0x1000, MEM_RESERVED },
	};
	const struct mem_range layers[] = {
		{ 0x0, 0x10000, MEM_USABLE },
		{ 0x4000, 0x4000, MEM_ACPI_RECLAIMABLE },
		{ 0x6000, 0x1000, MEM_ACPI_NVS },
		{ 0x8000, 0x10000, MEM_RESERVED },
		{ 0xf000, 0x2000, MEM_BAD },
		{ 0x22000, 0x1000, MEM_USABLE },
		{ 0x20000, 0x1000, MEM_USABLE },
		{ 0x21000, 0x1000, MEM_USABLE },
		{ 0x22000, 0x1000, MEM_USABLE },     /* an exact duplicate */
	};

	norm(hole, 2);
	CHECK_EQ(nn, 3);
	check_norm(0, 0, 0x8000, MEM_USABLE);
	check_norm(1, 0x8000, 0x1000, MEM_RESERVED);
	check_norm(2, 0x9000, 0x7000, MEM_USABLE);
	CHECK(test_log_find("mem: memory map has overlapping entries"));

	norm(layers, 9);
	CHECK_EQ(nn, 8);
	check_norm(0, 0, 0x4000, MEM_USABLE);
	check_norm(1, 0x4000, 0x2000, MEM_ACPI_RECLAIMABLE);
	check_norm(2, 0x6000, 0x1000, MEM_ACPI_NVS);
	check_norm(3, 0x7000, 0x1000, MEM_ACPI_RECLAIMABLE);
	check_norm(4, 0x8000, 0x7000, MEM_RESERVED);
	check_norm(5, 0xf000, 0x2000, MEM_BAD);
	check_norm(6, 0x11000, 0x7000, MEM_RESERVED);
	check_norm(7, 0x20000, 0x3000, MEM_USABLE);

	/* Touching and duplicated usable ranges alone: one range. */
	norm(layers + 5, 4);
	CHECK_EQ(nn, 1);
	check_norm(0, 0x20000, 0x3000, MEM_USABLE);
}

TEST(mb2_normalize_drops_empty_and_clamps)
{
	const struct mem_range in[] = {
		{ 0x1000, 0, MEM_USABLE },
		{ 0x2000, 0x1000, MEM_USABLE },
		{ 0, 0, MEM_RESERVED },
		{ 0xfffffffffffff000ull, 0x2000, MEM_RESERVED },
		{ 0x3000, 0x1000, 42 },             /* unknown type: reserved */
		{ 0x3800, 0x1000, MEM_USABLE },     /* loses to it where they overlap */
	};

	norm(in, 6);
	CHECK_EQ(nn, 4);
	check_norm(0, 0x2000, 0x1000, MEM_USABLE);
	check_norm(1, 0x3000, 0x1000, MEM_RESERVED);
	check_norm(2, 0x4000, 0x800, MEM_USABLE);
	check_norm(3, 0xfffffffffffff000ull, 0xfff, MEM_RESERVED);
	CHECK(test_log_find("mem: memory map has 2 zero-length entries; dropped"));
	CHECK(test_log_find("mem: memory range at 0xfffffffffffff000 length 0x2000 runs past the "
			    "end of the address space; clamped"));
}

TEST(mb2_normalize_caps_the_count)
{
	struct mem_range in[BOOT_MAX_MEM_RANGES];

	/* One big usable range with 127 reserved holes: 255 pieces, 128 kept. */
	in[0] = (struct mem_range){ 0, 1ull << 32, MEM_USABLE };
	for (unsigned i = 1; i < BOOT_MAX_MEM_RANGES; i++)
		in[i] = (struct mem_range){ 0x10000ull * i, 0x1000, MEM_RESERVED };
	norm(in, BOOT_MAX_MEM_RANGES);
	CHECK_EQ(nn, BOOT_MAX_MEM_RANGES);
	check_norm(0, 0, 0x10000, MEM_USABLE);
	check_norm(1, 0x10000, 0x1000, MEM_RESERVED);
	check_norm(2, 0x11000, 0xf000, MEM_USABLE);
	check_norm(127, 0x400000, 0x1000, MEM_RESERVED);
	CHECK(test_log_find("mem: memory map has more than 128 ranges after merging; 127 dropped"));
}

TEST(mb2_mem_type_names)
{
	CHECK_STR(mem_type_name(MEM_USABLE), "usable");
	CHECK_STR(mem_type_name(MEM_RESERVED), "reserved");
	CHECK_STR(mem_type_name(MEM_ACPI_RECLAIMABLE), "ACPI reclaimable");
	CHECK_STR(mem_type_name(MEM_ACPI_NVS), "ACPI NVS");
	CHECK_STR(mem_type_name(MEM_BAD), "bad");
	CHECK_STR(mem_type_name(0), "unknown");
	CHECK_STR(mem_type_name(6), "unknown");
}
