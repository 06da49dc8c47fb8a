/* tests/unit/test_guest_loader.c: guest/loader.c and guest/mb_info.c on tiny multiboot and
 * multiboot2 kernels built byte by byte (ELF32, ELF64 and address-field images): the bytes in
 * guest RAM, the entry state, the boot information (the multiboot2 one also read back with the
 * hypervisor's own parser, boot/mb2.c), and every malformed kernel refused with its message.
 * Guest RAM is an exact-size heap buffer, so ASan catches a write past its end. */
#include "boot/mb2.h"
#include "guest/layout.h"
#include "guest/loader.h"
#include "lib/array.h"
#include "tests/unit/guest_ram.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"

#define MIB (1u << 20)
#define RAM (16 * MIB)
#define MB1_MAGIC 0x1badb002u
#define MB2_MAGIC 0xe85250d6u

static void w16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void w32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void w64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* A NUL-terminated string in guest RAM, or a marker that fails CHECK_STR. */
static const char *str(uint64_t gpa)
{
	const uint8_t *p = test_ram_at(gpa, 1);

	if (gpa < test_ram.size && memchr(p, 0, test_ram.size - gpa))
		return (const char *)p;
	return "<not a string in RAM>";
}

/* ---- Kernel images ---- */

#define KMAX 0x4000
#define SEG_FILE(i) (0x1000u + 0x800u * (i)) /* file offset of segment i's bytes */

struct kimg {
	uint8_t b[KMAX];
	uint32_t len;
};

struct seg {
	uint64_t paddr;
	uint32_t filesz, memsz;
};

/* An ELF executable with program headers at 0x40 and segment i's bytes (a pattern) at
 * SEG_FILE(i). The multiboot header goes on top of segment 0's first bytes. */
static void kernel(struct kimg *k, bool is64, uint64_t entry, const struct seg *s, unsigned n)
{
	uint8_t *b = k->b;

	memset(k, 0, sizeof(*k));
	memcpy(b, "\177ELF", 4);
	b[4] = is64 ? 2 : 1, b[5] = 1, b[6] = 1;
	w16(b + 16, 2), w16(b + 18, is64 ? 62 : 3), w32(b + 20, 1);
	if (is64) {
		w64(b + 24, entry), w64(b + 32, 0x40);
		w16(b + 54, 56), w16(b + 56, (uint16_t)n);
	} else {
		w32(b + 24, (uint32_t)entry), w32(b + 28, 0x40);
		w16(b + 42, 32), w16(b + 44, (uint16_t)n);
	}
	for (unsigned i = 0; i < n; i++) {
		uint8_t *ph = b + 0x40 + i * (is64 ? 56 : 32);
		w32(ph, 1);
		if (is64) {
			w64(ph + 8, SEG_FILE(i));
			w64(ph + 16, s[i].paddr), w64(ph + 24, s[i].paddr);
			w64(ph + 32, s[i].filesz), w64(ph + 40, s[i].memsz);
		} else {
			w32(ph + 4, SEG_FILE(i)), w32(ph + 8, (uint32_t)s[i].paddr);
			w32(ph + 12, (uint32_t)s[i].paddr), w32(ph + 16, s[i].filesz);
			w32(ph + 20, s[i].memsz);
		}
		for (uint32_t j = 0; j < s[i].filesz; j++)
			b[SEG_FILE(i) + j] = (uint8_t)(j * 13 + i * 64 + 1);
		k->len = SEG_FILE(i) + s[i].filesz;
	}
}

static void mb1_header(struct kimg *k, uint32_t off, uint32_t flags)
{
	w32(k->b + off, MB1_MAGIC), w32(k->b + off + 4, flags);
	w32(k->b + off + 8, -(MB1_MAGIC + flags));
}

/* A multiboot2 header at `off`: the given tags (each 8-aligned), then the end tag. */
static void mb2_header(struct kimg *k, uint32_t off, const uint8_t *tags, uint32_t tlen)
{
	uint8_t *h = k->b + off;
	uint32_t hlen = 16 + tlen + 8;

	w32(h, MB2_MAGIC), w32(h + 4, 0), w32(h + 8, hlen), w32(h + 12, -(MB2_MAGIC + hlen));
	if (tlen)
		memcpy(h + 16, tags, tlen);
	w16(h + 16 + tlen, 0), w16(h + 18 + tlen, 0), w32(h + 20 + tlen, 8);
}

/* Appends a header tag with `n` u32s of body at t + *len; returns nothing, advances *len. */
static void hdr_tag(uint8_t *t, uint32_t *len, uint16_t type, uint16_t flags, const uint32_t *body,
		    unsigned n)
{
	uint32_t size = 8 + 4 * n;

	w16(t + *len, type), w16(t + *len + 2, flags), w32(t + *len + 4, size);
	if (n)
		memcpy(t + *len + 8, body, 4 * n);
	*len += (size + 7) & ~7u;
}

/* The usual test kernel: ELF32, two segments (one with bss) at 1 MiB and 1 MiB + 8 KiB. */
static const struct seg two_segs[] = { { 0x100000, 0x300, 0x1000 }, { 0x102000, 0x100, 0x180 } };

static void mb1_kernel(struct kimg *k)
{
	kernel(k, false, 0x100040, two_segs, 2);
	mb1_header(k, SEG_FILE(0), 3);
}

static void mb2_kernel(struct kimg *k, const uint8_t *tags, uint32_t tlen)
{
	kernel(k, false, 0x100040, two_segs, 2);
	mb2_header(k, SEG_FILE(0), tags, tlen);
}

static const char initrd[] = "initrd contents";
static const struct guest_module mods[] = {
	{ initrd, sizeof(initrd), "initrd.img root=/dev/ram" },
	{ "env", 3, NULL },
};
static const uint8_t rsdp[36] = "RSD PTR \x42" "MICRHV\x02";

static struct guest_boot_params params(const struct kimg *k)
{
	return (struct guest_boot_params){ k->b, k->len, "console=ttyS0 test=all", mods, 2,
					   GUEST_ACPI_BASE, rsdp, sizeof(rsdp) };
}

static bool load(const struct kimg *k, struct guest_entry *e)
{
	struct guest_boot_params p = params(k);

	test_log_clear();
	return guest_load(test_ram_fresh(RAM), &p, e);
}

static bool refused(const struct kimg *k, const char *msg)
{
	struct guest_boot_params p = params(k);

	return test_load_refused(&p, RAM, msg);
}

static bool bss_zero(uint64_t gpa, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		if (test_ram_u8(gpa + i))
			return false;
	return true;
}

/* ---- Loading ---- */

TEST(loader_mb1_elf32_places_segments_and_entry_state)
{
	struct kimg k;
	struct guest_entry e;

	mb1_kernel(&k);
	MUST(load(&k, &e));
	CHECK_EQ(e.proto, GUEST_MULTIBOOT1);
	CHECK(!e.code64); /* ELF32: GDB's i386 layout */
	CHECK_EQ(e.eax, 0x2badb002);
	CHECK_EQ(e.eip, 0x100040);
	CHECK_EQ(e.ebx, e.info_gpa);
	CHECK_EQ(e.kernel_end, 0x102180);
	CHECK(!memcmp(test_ram_at(0x100000, 0x300), k.b + SEG_FILE(0), 0x300)); /* header included */
	CHECK(!memcmp(test_ram_at(0x102000, 0x100), k.b + SEG_FILE(1), 0x100));
	CHECK(bss_zero(0x100300, 0x1000 - 0x300));
	CHECK(bss_zero(0x102100, 0x80));
	CHECK_EQ(test_ram_u8(0x101000), 0xcc); /* the gap between the segments is untouched */
	CHECK_EQ(test_ram_u8(0x102180), 0xcc);
	CHECK_EQ(e.info_gpa & 7, 0);
	CHECK_EQ(e.info_len, 116);
}

TEST(loader_mb1_info_fields_memory_map_and_modules)
{
	struct kimg k;
	struct guest_entry e;

	mb1_kernel(&k);
	MUST(load(&k, &e));
	uint64_t i = e.info_gpa;
	CHECK_EQ(test_ram_u32(i), 0x24d); /* MEM | CMDLINE | MODS | MMAP | LOADER_NAME */
	CHECK_EQ(test_ram_u32(i + 4), 636);
	CHECK_EQ(test_ram_u32(i + 8), (RAM - MIB) / 1024);
	CHECK_EQ(test_ram_u32(i + 12), 0);
	CHECK_STR(str(test_ram_u32(i + 16)), "console=ttyS0 test=all");
	CHECK_STR(str(test_ram_u32(i + 64)), "microhypervisor");

	/* modules: page aligned, after the kernel, in order, with their strings */
	CHECK_EQ(test_ram_u32(i + 20), 2);
	uint64_t m = test_ram_u32(i + 24);
	CHECK_EQ(test_ram_u32(m), 0x103000);
	CHECK_EQ(test_ram_u32(m + 4), 0x103000 + sizeof(initrd));
	CHECK_STR(str(test_ram_u32(m + 8)), "initrd.img root=/dev/ram");
	CHECK_EQ(test_ram_u32(m + 12), 0);
	CHECK_EQ(test_ram_u32(m + 16), 0x104000);
	CHECK_EQ(test_ram_u32(m + 20), 0x104003);
	CHECK_STR(str(test_ram_u32(m + 24)), "");
	CHECK_STR(str(0x103000), initrd);
	CHECK(!memcmp(test_ram_at(0x104000, 3), "env", 3));

	/* the memory map, entry by entry: size 20, base, length, type */
	static const uint64_t want[5][3] = {
		{ 0, 0x9f000, 1 }, { 0x9f000, 0x61000, 2 }, { 0x100000, RAM - MIB, 1 },
		{ 0xfec00000, 0x1000, 2 }, { 0xfee00000, 0x1000, 2 },
	};
	CHECK_EQ(test_ram_u32(i + 44), 5 * 24);
	uint64_t mm = test_ram_u32(i + 48);
	for (unsigned n = 0; n < 5; n++, mm += 24) {
		CHECK_EQ(test_ram_u32(mm), 20);
		CHECK_EQ(test_ram_u64(mm + 4), want[n][0]);
		CHECK_EQ(test_ram_u64(mm + 12), want[n][1]);
		CHECK_EQ(test_ram_u32(mm + 20), want[n][2]);
	}
	/* everything after the modules and inside RAM; the info last */
	CHECK(test_ram_u32(i + 16) > 0x104003 && test_ram_u32(i + 24) > 0x104003 &&
	      test_ram_u32(i + 48) > 0x104003);
	CHECK(e.info_gpa + e.info_len <= RAM);
	CHECK(test_ram_u32(i + 48) + 5 * 24 <= e.info_gpa);
}

TEST(loader_mb1_without_modules_or_cmdline)
{
	struct kimg k;
	struct guest_entry e;

	mb1_kernel(&k);
	struct guest_boot_params p = { k.b, k.len, NULL, NULL, 0, 0, NULL, 0 };
	MUST(guest_load(test_ram_fresh(RAM), &p, &e));
	CHECK_EQ(test_ram_u32(e.info_gpa + 20), 0);
	CHECK_STR(str(test_ram_u32(e.info_gpa + 16)), "");
	CHECK(test_ram_u32(e.info_gpa + 16) >= 0x103000); /* no module: the strings follow the kernel */
}

TEST(loader_kernel_below_1mib_keeps_the_boot_data_above_it)
{
	struct kimg k;
	struct guest_entry e;
	const struct seg low[] = { { 0x10000, 0x200, 0x1000 } };

	kernel(&k, false, 0x10000, low, 1);
	mb1_header(&k, SEG_FILE(0), 0);
	MUST(load(&k, &e));
	CHECK_EQ(e.kernel_end, 0x11000);
	/* the first module at 1 MiB, not at 0x11000 */
	CHECK_EQ(test_ram_u32(test_ram_u32(e.info_gpa + 24)), 0x100000);
	CHECK_EQ(test_ram_u8(0x11000), 0xcc);

	const struct seg headers_below_1mib[] = { { 0xff000, 0x300, 0x2000 } };
	kernel(&k, false, 0x100000, headers_below_1mib, 1);
	mb1_header(&k, SEG_FILE(0), 0);
	/* the BIOS area is RAM in this VM: only the ACPI tables are off limits */
	MUST(load(&k, &e));
	CHECK_EQ(test_ram_u32(test_ram_u32(e.info_gpa + 24)), 0x101000);
}

/* The multiboot2 boot information, tag by tag, as the spec lays it out. */
static void check_mb2_tags(const struct guest_entry *e)
{
	static const uint32_t types[] = { 1, 2, 4, 6, 3, 3, 14, 15, 0 };
	uint64_t t = e->info_gpa + 8;

	CHECK_EQ(test_ram_u32(e->info_gpa), e->info_len);
	CHECK_EQ(test_ram_u32(e->info_gpa + 4), 0);
	for (unsigned n = 0; n < ARRAY_SIZE(types); n++) {
		uint32_t type = test_ram_u32(t), size = test_ram_u32(t + 4);
		CHECK_EQ(type, types[n]);
		if (type == 6) {
			CHECK_EQ(size, 16 + 5 * 24);
			CHECK_EQ(test_ram_u32(t + 8), 24);
			CHECK_EQ(test_ram_u32(t + 12), 0);
			CHECK_EQ(test_ram_u64(t + 16 + 2 * 24), 0x100000);
			CHECK_EQ(test_ram_u64(t + 16 + 2 * 24 + 8), RAM - MIB);
			CHECK_EQ(test_ram_u32(t + 16 + 2 * 24 + 16), 1);
			CHECK_EQ(test_ram_u64(t + 16 + 3 * 24), 0xfec00000);
			CHECK_EQ(test_ram_u64(t + 16 + 4 * 24), 0xfee00000);
		}
		if (type == 4) {
			CHECK_EQ(test_ram_u32(t + 8), 636);
			CHECK_EQ(test_ram_u32(t + 12), (RAM - MIB) / 1024);
		}
		if (type == 14) {
			CHECK_EQ(size, 8 + 20);
			CHECK(!memcmp(test_ram_at(t + 8, 20), rsdp, 20));
		}
		if (type == 15) {
			CHECK_EQ(size, 8 + 36);
			CHECK(!memcmp(test_ram_at(t + 8, 36), rsdp, 36));
		}
		if (type == 0)
			CHECK_EQ(t + 8, e->info_gpa + e->info_len);
		t += (size + 7) & ~7ull;
	}
}

static void check_mb2_parse(const struct guest_entry *e)
{
	static struct boot_info bi;
	static const struct mem_range want[] = {
		{ 0, 0x9f000, MEM_USABLE }, { 0x9f000, 0x61000, MEM_RESERVED },
		{ 0x100000, RAM - MIB, MEM_USABLE }, { 0xfec00000, 0x1000, MEM_RESERVED },
		{ 0xfee00000, 0x1000, MEM_RESERVED },
	};

	memset(&bi, 0, sizeof(bi));
	test_log_clear();
	CHECK(mb2_parse(test_ram.base + e->info_gpa, e->info_gpa, &bi));
	CHECK_EQ(bi.info_size, e->info_len);
	CHECK_STR(bi.cmdline, "console=ttyS0 test=all");
	CHECK_STR(bi.loader_name, "microhypervisor");
	CHECK_EQ(bi.mod_count, 2);
	CHECK_EQ(bi.mods[0].start, 0x103000);
	CHECK_EQ(bi.mods[0].end, 0x103000 + sizeof(initrd));
	CHECK_STR(bi.mods[0].cmdline, "initrd.img root=/dev/ram");
	CHECK_EQ(bi.mods[1].start, 0x104000);
	CHECK_EQ(bi.mods[1].end, 0x104003);
	CHECK_STR(bi.mods[1].cmdline, "");
	CHECK_EQ(bi.basic_mem_lower_kib, 636);
	CHECK_EQ(bi.basic_mem_upper_kib, (RAM - MIB) / 1024);
	CHECK_EQ(bi.mem_count, 5);
	for (unsigned i = 0; i < 5 && i < bi.mem_count; i++) {
		CHECK_EQ(bi.mem[i].base, want[i].base);
		CHECK_EQ(bi.mem[i].len, want[i].len);
		CHECK_EQ(bi.mem[i].type, want[i].type);
	}
	CHECK(bi.rsdp != NULL);
	CHECK_EQ(bi.rsdp_len, 36);
	CHECK(bi.rsdp && !memcmp(bi.rsdp, rsdp, 36));
	CHECK_EQ(bi.tags_seen, 8); /* cmdline, name, meminfo, mmap, 2 modules, 2 RSDP tags */
	CHECK_EQ(bi.tags_unknown, 0);
}

TEST(loader_mb2_elf32_info_read_back)
{
	struct kimg k;
	struct guest_entry e;

	mb2_kernel(&k, 0, 0);
	MUST(load(&k, &e));
	CHECK_EQ(e.proto, GUEST_MULTIBOOT2);
	CHECK_EQ(e.eax, 0x36d76289);
	CHECK_EQ(e.eip, 0x100040);
	CHECK_EQ(e.ebx, e.info_gpa);
	CHECK_EQ(e.info_gpa & 7, 0);
	CHECK(!memcmp(test_ram_at(0x100000, 0x300), k.b + SEG_FILE(0), 0x300));
	CHECK(bss_zero(0x100300, 0xd00));
	check_mb2_tags(&e);
	check_mb2_parse(&e);
}

TEST(loader_mb2_elf64)
{
	struct kimg k;
	struct guest_entry e;
	const struct seg segs[] = { { 0x200000, 0x400, 0x3000 }, { 0x400000, 0x20, 0x20 } };

	kernel(&k, true, 0x200080, segs, 2);
	mb2_header(&k, SEG_FILE(0), 0, 0);
	MUST(load(&k, &e));
	CHECK_EQ(e.proto, GUEST_MULTIBOOT2);
	CHECK(e.code64); /* entered in 32-bit mode, but x86-64 code: GDB's amd64 layout */
	CHECK(!e.long_mode);
	CHECK_EQ(e.eip, 0x200080);
	CHECK_EQ(e.kernel_end, 0x400020);
	CHECK(!memcmp(test_ram_at(0x200000, 0x400), k.b + SEG_FILE(0), 0x400));
	CHECK(!memcmp(test_ram_at(0x400000, 0x20), k.b + SEG_FILE(1), 0x20));
	CHECK(bss_zero(0x200400, 0x2c00));
	static struct boot_info bi;
	memset(&bi, 0, sizeof(bi));
	CHECK(mb2_parse(test_ram.base + e.info_gpa, e.info_gpa, &bi));
	CHECK_EQ(bi.mod_count, 2);
	CHECK_EQ(bi.mods[0].start, 0x401000);
	CHECK_STR(bi.cmdline, "console=ttyS0 test=all");

	/* a 64-bit entry (a higher-half kernel) cannot be entered in 32-bit mode */
	kernel(&k, true, 0xffffffff80200080ull, segs, 2);
	mb2_header(&k, SEG_FILE(0), 0, 0);
	CHECK(refused(&k, "guest: entry point 0xffffffff80200080 is above 4 GiB; multiboot enters "
			  "in 32-bit protected mode"));
	/* ... unless the header's entry address tag says where to start */
	uint8_t tags[64];
	uint32_t tlen = 0, entry = 0x200100;
	hdr_tag(tags, &tlen, 3, 0, &entry, 1);
	mb2_header(&k, SEG_FILE(0), tags, tlen);
	MUST(load(&k, &e));
	CHECK_EQ(e.eip, 0x200100);
}

TEST(loader_prefers_mb2_when_both_headers_exist)
{
	struct kimg k;
	struct guest_entry e;

	mb1_kernel(&k);
	mb2_header(&k, SEG_FILE(0) + 0x10, 0, 0);
	MUST(load(&k, &e));
	CHECK_EQ(e.proto, GUEST_MULTIBOOT2);
	CHECK_EQ(e.eax, 0x36d76289);

	/* an mb2 magic with a bad checksum is no header: the valid mb1 one is used */
	k.b[SEG_FILE(0) + 0x10 + 12] ^= 1;
	MUST(load(&k, &e));
	CHECK_EQ(e.proto, GUEST_MULTIBOOT1);
}

TEST(loader_mb1_aout_kludge)
{
	struct kimg k;
	struct guest_entry e;

	/* not ELF: 0x800 bytes loaded from file offset 0 (header at 0x40) to 0x100000, bss to
	 * 0x102000, entry 0x100080 */
	memset(&k, 0, sizeof(k));
	for (unsigned i = 0; i < 0x900; i++)
		k.b[i] = (uint8_t)(i * 7 + 3);
	k.len = 0x900;
	mb1_header(&k, 0x40, 1u << 16);
	w32(k.b + 0x4c, 0x100040), w32(k.b + 0x50, 0x100000), w32(k.b + 0x54, 0x100800);
	w32(k.b + 0x58, 0x102000), w32(k.b + 0x5c, 0x100080);
	MUST(load(&k, &e));
	CHECK_EQ(e.proto, GUEST_MULTIBOOT1);
	CHECK(!e.code64); /* no ELF header to say so */
	CHECK_EQ(e.eip, 0x100080);
	CHECK_EQ(e.kernel_end, 0x102000);
	CHECK(!memcmp(test_ram_at(0x100000, 0x800), k.b, 0x800));
	CHECK(bss_zero(0x100800, 0x1800));
	/* the first module right after the bss */
	CHECK_EQ(test_ram_u32(test_ram_u32(e.info_gpa + 24)), 0x102000);

	/* header_addr - load_addr = 0x20: loading starts at file offset 0x20; load_end_addr 0 is
	 * the rest of the file; bss_end_addr 0 is no bss */
	w32(k.b + 0x4c, 0x200020), w32(k.b + 0x50, 0x200000), w32(k.b + 0x54, 0);
	w32(k.b + 0x58, 0), w32(k.b + 0x5c, 0x200000);
	MUST(load(&k, &e));
	CHECK_EQ(e.kernel_end, 0x200000 + 0x900 - 0x20);
	CHECK(!memcmp(test_ram_at(0x200000, 0x900 - 0x20), k.b + 0x20, 0x900 - 0x20));
	CHECK_EQ(test_ram_u8(0x200000 + 0x8e0), 0xcc);

	w32(k.b + 0x50, 0x1fffa0); /* load_addr 0xa0 before the header: before the file start */
	CHECK(refused(&k, "guest: multiboot address fields: load_addr 0x1fffa0 and header_addr "
			  "0x200020 do not match the header's file offset 0x40"));
	w32(k.b + 0x50, 0x200000), w32(k.b + 0x54, 0x201000);
	CHECK(refused(&k, "guest: multiboot address fields: load 0x200000-0x201000 from file "
			  "offset 0x20 runs past the end of the 0x900-byte file (truncated "
			  "kernel?)"));
	w32(k.b + 0x54, 0x1ff000);
	CHECK(refused(&k, "guest: multiboot address fields: load_end_addr 0x1ff000 is below the "
			  "load address 0x200000"));
	w32(k.b + 0x54, 0x200100), w32(k.b + 0x58, 0x2000f0);
	CHECK(refused(&k, "guest: multiboot address fields: bss_end_addr 0x2000f0 is below the end "
			  "of the loaded bytes 0x200100"));
	mb1_header(&k, 0x40, 1u << 16);
	k.len = 0x58; /* the address fields run past the end of the file */
	CHECK(refused(&k, "guest: the multiboot header's address fields (flag 16) run past the end "
			  "of the file"));
}

TEST(loader_mb2_address_and_entry_tags)
{
	struct kimg k;
	struct guest_entry e;
	uint8_t tags[64];
	uint32_t tlen = 0;
	/* header_addr, load_addr = -1 (from the file start), load_end_addr 0, bss_end_addr */
	uint32_t addr[4] = { 0x300100, 0xffffffff, 0, 0x304000 }, entry = 0x300200;

	memset(&k, 0, sizeof(k));
	for (unsigned i = 0; i < 0x800; i++)
		k.b[i] = (uint8_t)(i * 5 + 1);
	k.len = 0x800;
	hdr_tag(tags, &tlen, 2, 0, addr, 4);
	hdr_tag(tags, &tlen, 3, 0, &entry, 1);
	mb2_header(&k, 0x100, tags, tlen);
	MUST(load(&k, &e));
	CHECK_EQ(e.proto, GUEST_MULTIBOOT2);
	CHECK_EQ(e.eip, 0x300200);
	CHECK_EQ(e.kernel_end, 0x304000);
	CHECK(!memcmp(test_ram_at(0x300000, 0x800), k.b, 0x800));
	CHECK(bss_zero(0x300800, 0x3800));

	tlen = 0;
	hdr_tag(tags, &tlen, 2, 0, addr, 4);
	mb2_header(&k, 0x100, tags, tlen);
	CHECK(refused(&k, "guest: the multiboot2 header has an address tag but no entry address "
			  "tag"));
}

/* ---- Header tags and flags ---- */

static bool mb2_tags_load(const uint8_t *tags, uint32_t tlen, const char *log)
{
	struct kimg k;
	struct guest_entry e;

	mb2_kernel(&k, tags, tlen);
	bool ok = load(&k, &e) && (!log || test_log_find(log));
	if (!ok)
		printf("    expected to load with \"%s\", log: %s\n", log ? log : "",
		       test_log_text());
	return ok;
}

static bool mb2_tags_refused(const uint8_t *tags, uint32_t tlen, const char *msg)
{
	struct kimg k;

	mb2_kernel(&k, tags, tlen);
	return refused(&k, msg);
}

TEST(loader_mb2_header_tags_honoured_or_refused)
{
	uint8_t t[256];
	uint32_t n = 0;
	uint32_t req_ok[] = { 1, 2, 3, 4, 6, 14, 15 }, req_fb = 8, fb[3] = { 1024, 768, 32 };
	uint32_t console = 3, align = 0, reloc[4] = { 0x100000, 0x1000000, 0x1000, 0 };

	hdr_tag(t, &n, 1, 0, req_ok, 7); /* everything we provide, required */
	hdr_tag(t, &n, 4, 0, &console, 1);
	hdr_tag(t, &n, 6, 0, &align, 0);
	hdr_tag(t, &n, 10, 0, reloc, 4);
	hdr_tag(t, &n, 5, 1, fb, 3);     /* optional framebuffer */
	hdr_tag(t, &n, 8, 1, &align, 1); /* optional EFI i386 entry */
	hdr_tag(t, &n, 42, 1, 0, 0);     /* optional unknown tag */
	hdr_tag(t, &n, 1, 1, &req_fb, 1); /* optional request for framebuffer info */
	CHECK(mb2_tags_load(t, n, "guest: optional multiboot2 header tag 5 (framebuffer) ignored: "
				  "the VM has no display"));
	CHECK(test_log_find("guest: optional multiboot2 header tag 42 (unknown) ignored"));
	CHECK(test_log_find("guest: the kernel would like multiboot2 information tag 8"));
	CHECK(test_log_find("guest: relocatable multiboot2 kernel"));

	n = 0;
	hdr_tag(t, &n, 5, 0, fb, 3);
	CHECK(mb2_tags_refused(t, n, "guest: the kernel requires multiboot2 header tag 5 "
				     "(framebuffer), which this loader does not provide: the VM "
				     "has no display"));
	n = 0;
	hdr_tag(t, &n, 42, 0, 0, 0);
	CHECK(mb2_tags_refused(t, n, "guest: the kernel requires multiboot2 header tag 42 "
				     "(unknown), which this loader does not provide: unknown tag "
				     "type"));
	n = 0;
	hdr_tag(t, &n, 7, 0, 0, 0);
	CHECK(mb2_tags_refused(t, n, "guest: the kernel requires multiboot2 header tag 7 (EFI boot "
				     "services), which this loader does not provide: the VM has no "
				     "EFI firmware"));
	n = 0;
	hdr_tag(t, &n, 9, 0, &align, 1);
	CHECK(mb2_tags_refused(t, n, "requires multiboot2 header tag 9 (EFI amd64 entry address)"));
	n = 0;
	hdr_tag(t, &n, 1, 0, &req_fb, 1);
	CHECK(mb2_tags_refused(t, n, "guest: the kernel requires multiboot2 information tag 8, "
				     "which this loader does not provide (it gives tags 1-4, 6, "
				     "14 and 15)"));
	uint32_t bootdev = 5;
	n = 0;
	hdr_tag(t, &n, 1, 0, &bootdev, 1);
	CHECK(mb2_tags_refused(t, n, "guest: the kernel requires multiboot2 information tag 5"));
	n = 0;
	hdr_tag(t, &n, 3, 0, 0, 0); /* an entry address tag without its address */
	CHECK(mb2_tags_refused(t, n, "guest: multiboot2 header tag 3 (entry address) is 8 bytes, "
				     "shorter than 12"));
}

TEST(loader_mb2_malformed_headers)
{
	struct kimg k;
	uint8_t *h = k.b + SEG_FILE(0);

	mb2_kernel(&k, 0, 0);
	w32(h + 4, 4), w32(h + 12, -(MB2_MAGIC + 4 + 24)); /* MIPS */
	CHECK(refused(&k, "guest: multiboot2 header at 0x1000 is for architecture 4, not i386 "
			  "(0)"));
	mb2_kernel(&k, 0, 0);
	w32(h + 8, 16), w32(h + 12, -(MB2_MAGIC + 16)); /* no room for the end tag */
	CHECK(refused(&k, "guest: multiboot2 header has no end tag within its 16 bytes"));
	mb2_kernel(&k, 0, 0);
	w32(h + 8, 0x100000), w32(h + 12, -(MB2_MAGIC + 0x100000));
	CHECK(refused(&k, "guest: multiboot2 header at 0x1000 has length 1048576: shorter than 16 "
			  "or past the end of the 0x1900-byte file"));
	mb2_kernel(&k, 0, 0);
	w32(h + 20, 0x40); /* the end tag claims more than the header holds */
	w16(h + 16, 4);
	CHECK(refused(&k, "guest: multiboot2 header tag 4 at offset 0x10 has a bad size 64"));
}

TEST(loader_mb1_flags)
{
	struct kimg k;
	struct guest_entry e;

	kernel(&k, false, 0x100040, two_segs, 2);
	mb1_header(&k, SEG_FILE(0), 1u << 2); /* video mode: ignored, said so */
	MUST(load(&k, &e));
	CHECK(test_log_find("guest: the kernel asks for a video mode (multiboot flag 2); the VM "
			    "has no display, ignored"));
	mb1_header(&k, SEG_FILE(0), 3u | (1u << 20)); /* an unknown optional bit */
	MUST(load(&k, &e));
	mb1_header(&k, SEG_FILE(0), 3u | (1u << 3));
	CHECK(refused(&k, "guest: the multiboot header requires features 0x8 (flags 0xb) this "
			  "loader does not know"));
	mb1_header(&k, SEG_FILE(0), 0x8000);
	CHECK(refused(&k, "requires features 0x8000"));
}

/* ---- Refusals ---- */

TEST(loader_refuses_bad_images)
{
	struct kimg k;

	mb1_kernel(&k);
	k.b[0] = 'X';
	CHECK(refused(&k, "guest: not ELF: the kernel does not start with the ELF magic"));
	mb1_kernel(&k);
	w16(k.b + 18, 40);
	CHECK(refused(&k, "guest: ELF32 machine 40 is not x86 (EM_386, 3)"));

	mb1_kernel(&k);
	struct guest_boot_params p = params(&k);
	p.kernel_len = SEG_FILE(1) + 0x80; /* segment 1's bytes run past the end */
	CHECK(test_load_refused(&p, RAM, "guest: ELF segment 1: 0x100 file bytes at offset 0x1800 lie "
				 "outside the 0x1880-byte file (truncated kernel?)"));
	memset(&k, 0, sizeof(k)); /* a 40-byte file: ELF magic, a multiboot header, no room */
	memcpy(k.b, "\177ELF\1\1\1", 7);
	mb1_header(&k, 0x10, 0);
	k.len = 40;
	CHECK(refused(&k, "guest: truncated ELF header: the kernel is 40 bytes, an ELF32 header is "
			  "52"));
}

TEST(loader_refuses_missing_or_bad_headers)
{
	struct kimg k;

	mb1_kernel(&k);
	w32(k.b + SEG_FILE(0), 0x12345678);
	CHECK(refused(&k, "guest: not a kernel this loader knows: no multiboot or multiboot2 header "
			  "in the first 32 KiB, no Linux bzImage header, no ELF PVH entry note"));
	mb1_kernel(&k);
	k.b[SEG_FILE(0) + 8] ^= 1;
	CHECK(refused(&k, "guest: multiboot header at 0x1000 has a bad checksum: not a usable "
			  "multiboot kernel"));
	mb2_kernel(&k, 0, 0);
	k.b[SEG_FILE(0) + 12] ^= 1;
	CHECK(refused(&k, "guest: multiboot2 header at 0x1000 has a bad checksum"));

	/* beyond the search windows: mb1 past 8 KiB, mb2 past 32 KiB */
	static const struct seg late[] = { { 0x100000, 0x10, 0x10 }, { 0x101000, 0x10, 0x10 },
					   { 0x102000, 0x10, 0x10 }, { 0x103000, 0x100, 0x100 },
					   { 0x104000, 0x100, 0x100 } };
	kernel(&k, false, 0x100000, late, 5);
	mb1_header(&k, SEG_FILE(4), 0); /* at 12 KiB */
	CHECK(refused(&k, "no multiboot or multiboot2 header"));
	mb2_header(&k, SEG_FILE(4), 0, 0); /* at 12 KiB: inside the multiboot2 window */
	struct guest_entry e;
	MUST(load(&k, &e));
}

TEST(loader_refuses_bad_placement)
{
	struct kimg k;
	const struct seg outside[] = { { RAM - 0x800, 0x300, 0x1000 } };
	const struct seg overlap[] = { { 0x100000, 0x300, 0x1000 }, { 0x100800, 0x10, 0x10 } };
	const struct seg acpi[] = { { 0xeff00, 0x300, 0x1000 } };
	const struct seg acpi_below[] = { { 0xd0000, 0x300, 0x10001 } };

	kernel(&k, false, 0x100000, outside, 1);
	mb1_header(&k, SEG_FILE(0), 0);
	CHECK(refused(&k, "guest: segment 0 at 0xfff800-0x10007ff lies outside the guest's RAM "
			  "(0-0xffffff)"));
	kernel(&k, false, 0x100000, overlap, 2);
	mb1_header(&k, SEG_FILE(0), 0);
	CHECK(refused(&k, "guest: segments 0 (0x100000-0x100fff) and 1 (0x100800-0x10080f) "
			  "overlap"));
	kernel(&k, false, 0x100000, acpi, 1);
	mb1_header(&k, SEG_FILE(0), 0);
	CHECK(refused(&k, "guest: segment 0 at 0xeff00-0xf0eff overlaps the VM's ACPI tables at "
			  "0xe0000-0xeffff"));
	kernel(&k, false, 0x100000, acpi_below, 1);
	mb1_header(&k, SEG_FILE(0), 0);
	CHECK(refused(&k, "guest: segment 0 at 0xd0000-0xe0000 overlaps the VM's ACPI tables"));
	CHECK(test_ram_u8(0xd0000) == 0xcc); /* refused before anything was written */
}

TEST(loader_refuses_what_does_not_fit)
{
	struct kimg k;
	static uint8_t big[MIB];
	struct guest_module two[] = { { "a", 1, "small" }, { big, sizeof(big), "big" } };

	mb1_kernel(&k);
	struct guest_boot_params p = params(&k);
	p.mods = two;
	CHECK(test_load_refused(&p, 2 * MIB, "guest: module 1 (0x100000 bytes) does not fit in the guest's "
				     "0x200000 bytes of RAM after 0x103001 (raise vm.mem=)"));
	/* the modules fit exactly; the boot information then does not */
	two[1].len = 2 * MIB - 0x104000;
	CHECK(test_load_refused(&p, 2 * MIB, "guest: the boot information does not fit in the guest's "
				     "0x200000 bytes of RAM after the kernel and modules (raise "
				     "vm.mem=)"));
	two[1].len = 2 * MIB - 0x105000; /* a page left: enough */
	struct guest_entry e;
	test_log_clear();
	MUST(guest_load(test_ram_fresh(2 * MIB), &p, &e));
	CHECK(e.info_gpa + e.info_len <= 2 * MIB);
	mb2_kernel(&k, 0, 0);
	p = params(&k);
	p.mods = two;
	two[1].len = 2 * MIB - 0x104000 - 0x20;
	CHECK(test_load_refused(&p, 2 * MIB, "guest: the boot information does not fit"));

	struct guest_module many[GUEST_MAX_MODULES + 1];
	for (unsigned i = 0; i <= GUEST_MAX_MODULES; i++)
		many[i] = (struct guest_module){ "m", 1, "" };
	p.mods = many;
	p.nmods = GUEST_MAX_MODULES + 1;
	CHECK(test_load_refused(&p, RAM, "guest: 17 modules for the guest; at most 16"));
	p.nmods = GUEST_MAX_MODULES;
	test_log_clear();
	MUST(guest_load(test_ram_fresh(RAM), &p, &e));
}

TEST(loader_refuses_ram_it_cannot_describe)
{
	struct kimg k;
	struct guest_entry e;

	mb1_kernel(&k);
	struct guest_boot_params p = params(&k);
	struct gmem huge = { NULL, (3ull << 30) + 4096 }; /* never touched: refused first */
	test_log_clear();
	CHECK(!guest_load(&huge, &p, &e));
	CHECK(test_log_find("guest: guest RAM of 0xc0001000 bytes is outside what the loader "
			    "handles (above 1 MiB, at most 0xc0000000: the MMIO hole starts at 3 "
			    "GiB)"));
	CHECK(test_load_refused(&p, MIB, "guest: guest RAM of 0x100000 bytes is outside"));
}

static bool range_is(const struct mem_range *r, uint64_t base, uint64_t len, uint32_t type)
{
	return r->base == base && r->len == len && r->type == type;
}

TEST(loader_guest_memmap)
{
	struct mem_range r[GUEST_MEMMAP_MAX];

	CHECK_EQ(guest_memmap(64 * MIB, r, GUEST_MEMMAP_MAX), 5);
	CHECK(range_is(&r[0], 0, 0x9f000, MEM_USABLE));
	CHECK(range_is(&r[1], 0x9f000, 0x61000, MEM_RESERVED));
	CHECK(range_is(&r[2], 0x100000, 63 * MIB, MEM_USABLE));
	CHECK(range_is(&r[3], 0xfec00000, 0x1000, MEM_RESERVED)); /* the I/O APIC */
	CHECK(range_is(&r[4], 0xfee00000, 0x1000, MEM_RESERVED)); /* the local APIC */
	CHECK_EQ(guest_memmap(3ull << 30, r, GUEST_MEMMAP_MAX), 5);
	CHECK(range_is(&r[2], 0x100000, (3ull << 30) - MIB, MEM_USABLE));
	CHECK_EQ(guest_memmap(64 * MIB, r, 2), 2); /* never more than asked for */
	CHECK(range_is(&r[1], 0x9f000, 0x61000, MEM_RESERVED));
	CHECK_EQ(guest_memmap(0x80000, r, GUEST_MEMMAP_MAX), 4); /* no RAM above 1 MiB */
	CHECK(range_is(&r[0], 0, 0x80000, MEM_USABLE));
	CHECK(range_is(&r[2], 0xfec00000, 0x1000, MEM_RESERVED));
	CHECK(range_is(&r[3], 0xfee00000, 0x1000, MEM_RESERVED));
}
