/* tests/unit/test_elf.c: guest/elf.c on ELF32 and ELF64 images built byte by byte: the PT_LOAD
 * segments and entry it reads, each malformed header refused with its own message, and no read
 * past the image (the parser always gets an exact-size heap copy, so ASan sees any overrun). */
#include <stdlib.h>

#include "guest/elf.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"

#define PT_LOAD 1
#define PT_NOTE 4

struct img {
	uint8_t b[2048];
	size_t len;
	bool is64;
};

static void w16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void w32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void w64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

#define PHOFF 0x40

static uint8_t *phdr(struct img *m, unsigned i)
{
	return m->b + PHOFF + i * (m->is64 ? 56 : 32);
}

/* Program header i: type, file offset, physical (and virtual) address, sizes. */
static void set_ph(struct img *m, unsigned i, uint32_t type, uint64_t off, uint64_t paddr,
		   uint64_t filesz, uint64_t memsz)
{
	uint8_t *ph = phdr(m, i);

	w32(ph, type);
	if (m->is64) {
		w32(ph + 4, 7);
		w64(ph + 8, off), w64(ph + 16, paddr), w64(ph + 24, paddr);
		w64(ph + 32, filesz), w64(ph + 40, memsz);
	} else {
		w32(ph + 4, (uint32_t)off), w32(ph + 8, (uint32_t)paddr);
		w32(ph + 12, (uint32_t)paddr);
		w32(ph + 16, (uint32_t)filesz), w32(ph + 20, (uint32_t)memsz), w32(ph + 24, 7);
	}
}

/* An executable with `phnum` program headers at 0x40: PT_LOAD 0 (0x100 bytes at file 0x400,
 * 0x300 in memory at 0x100000), a PT_NOTE, PT_LOAD 2 (0x80 bytes at file 0x600, at 0x200000). */
static void build(struct img *m, bool is64, uint64_t entry)
{
	uint8_t *b = m->b;

	memset(m, 0, sizeof(*m));
	m->is64 = is64;
	memcpy(b, "\177ELF", 4);
	b[4] = is64 ? 2 : 1, b[5] = 1, b[6] = 1;
	w16(b + 16, 2), w16(b + 18, is64 ? 62 : 3), w32(b + 20, 1);
	if (is64) {
		w64(b + 24, entry), w64(b + 32, PHOFF);
		w16(b + 52, 64), w16(b + 54, 56), w16(b + 56, 3);
	} else {
		w32(b + 24, (uint32_t)entry), w32(b + 28, PHOFF);
		w16(b + 40, 52), w16(b + 42, 32), w16(b + 44, 3);
	}
	set_ph(m, 0, PT_LOAD, 0x400, 0x100000, 0x100, 0x300);
	set_ph(m, 1, PT_NOTE, 0x500, 0, 0x10, 0x10);
	set_ph(m, 2, PT_LOAD, 0x600, 0x200000, 0x80, 0x80);
	m->len = 0x680;
}

static void set_phnum(struct img *m, uint16_t n)
{
	w16(m->b + (m->is64 ? 56 : 44), n);
}

/* elf_parse() on an exact-size heap copy of the first len bytes. */
static bool parse_len(const struct img *m, size_t len, struct elf_image *e)
{
	uint8_t *copy = malloc(len ? len : 1);
	bool ok;

	memcpy(copy, m->b, len);
	test_log_clear();
	ok = elf_parse(copy, len, e);
	free(copy);
	return ok;
}

static bool parse(const struct img *m, struct elf_image *e)
{
	return parse_len(m, m->len, e);
}

/* The image is refused with exactly this message. */
static bool refused(const struct img *m, const char *msg)
{
	struct elf_image e;
	bool ok = !parse(m, &e) && test_log_find(msg);

	if (!ok)
		printf("    expected \"%s\", log: %s\n", msg, test_log_text());
	return ok;
}

TEST(elf32_reads_load_segments_and_entry)
{
	struct img m;
	struct elf_image e;

	build(&m, false, 0x100010);
	CHECK(parse(&m, &e));
	CHECK(!e.is64);
	CHECK_EQ(e.entry, 0x100010);
	CHECK_EQ(e.nseg, 2); /* the PT_NOTE is skipped */
	CHECK_EQ(e.seg[0].paddr, 0x100000);
	CHECK_EQ(e.seg[0].offset, 0x400);
	CHECK_EQ(e.seg[0].filesz, 0x100);
	CHECK_EQ(e.seg[0].memsz, 0x300);
	CHECK_EQ(e.seg[1].paddr, 0x200000);
	CHECK_EQ(e.seg[1].offset, 0x600);
	CHECK_EQ(e.seg[1].filesz, 0x80);
	CHECK_EQ(e.seg[1].memsz, 0x80);
	CHECK_STR(test_log_text(), "");
}

TEST(elf64_reads_64_bit_fields)
{
	struct img m;
	struct elf_image e;

	build(&m, true, 0xffffffff80100000ull);
	set_ph(&m, 2, PT_LOAD, 0x600, 0x123456789000ull, 0x80, 0x100000000ull);
	CHECK(parse(&m, &e));
	CHECK(e.is64);
	CHECK_EQ(e.entry, 0xffffffff80100000ull);
	CHECK_EQ(e.nseg, 2);
	CHECK_EQ(e.seg[0].paddr, 0x100000);
	CHECK_EQ(e.seg[0].memsz, 0x300);
	CHECK_EQ(e.seg[1].paddr, 0x123456789000ull);
	CHECK_EQ(e.seg[1].memsz, 0x100000000ull);
}

TEST(elf_segment_may_end_exactly_at_4gib)
{
	struct img m;
	struct elf_image e;

	build(&m, false, 0);
	set_ph(&m, 2, PT_LOAD, 0x600, 0xfffff000u, 0x80, 0x1000);
	CHECK(parse(&m, &e));
	CHECK_EQ(e.seg[1].paddr + e.seg[1].memsz, 0x100000000ull);
}

TEST(elf_refuses_bad_identification)
{
	struct img m;

	build(&m, false, 0);
	m.b[1] = 'e';
	CHECK(refused(&m, "guest: not ELF: the kernel does not start with the ELF magic \\177ELF"));
	build(&m, false, 0);
	m.len = 3;
	CHECK(refused(&m, "guest: not ELF: the kernel does not start with the ELF magic"));
	build(&m, false, 0);
	m.len = 5;
	CHECK(refused(&m, "guest: truncated ELF header: the kernel is only 5 bytes"));
	build(&m, false, 0);
	m.len = 51;
	CHECK(refused(&m, "guest: truncated ELF header: the kernel is 51 bytes, an ELF32 header is "
			  "52"));
	build(&m, true, 0);
	m.len = 60;
	CHECK(refused(&m, "guest: truncated ELF header: the kernel is 60 bytes, an ELF64 header is "
			  "64"));
	build(&m, false, 0);
	m.b[4] = 3;
	CHECK(refused(&m, "guest: ELF class 3 is neither 32-bit (1) nor 64-bit (2)"));
	build(&m, false, 0);
	m.b[5] = 2;
	CHECK(refused(&m, "guest: ELF data encoding 2 is not little-endian (1)"));
}

TEST(elf_refuses_wrong_machine_or_type)
{
	struct img m;

	build(&m, false, 0);
	w16(m.b + 18, 62); /* x86-64 machine in a 32-bit file */
	CHECK(refused(&m, "guest: ELF32 machine 62 is not x86 (EM_386, 3)"));
	build(&m, true, 0);
	w16(m.b + 18, 3);
	CHECK(refused(&m, "guest: ELF64 machine 3 is not x86-64 (EM_X86_64, 62)"));
	build(&m, false, 0);
	w16(m.b + 18, 40); /* ARM */
	CHECK(refused(&m, "guest: ELF32 machine 40 is not x86 (EM_386, 3)"));
	build(&m, false, 0);
	w16(m.b + 16, 3); /* ET_DYN */
	CHECK(refused(&m, "guest: ELF type 3 is not an executable (ET_EXEC, 2)"));
	build(&m, true, 0);
	w16(m.b + 16, 1); /* ET_REL */
	CHECK(refused(&m, "guest: ELF type 1 is not an executable (ET_EXEC, 2)"));
}

TEST(elf_refuses_program_headers_outside_the_file)
{
	struct img m;

	build(&m, false, 0);
	w32(m.b + 28, 0x660); /* 3 x 32 bytes from 0x660 end past 0x680 */
	CHECK(refused(&m, "guest: ELF program headers (3 of 32 bytes at offset 0x660) lie outside "
			  "the 0x680-byte file"));
	build(&m, true, 0);
	w64(m.b + 32, 0xffffffffffffffc0ull); /* phoff + size would wrap */
	CHECK(refused(&m, "guest: ELF program headers (3 of 56 bytes at offset "
			  "0xffffffffffffffc0) lie outside the 0x680-byte file"));
	build(&m, false, 0);
	set_phnum(&m, 0xffff);
	CHECK(refused(&m, "lie outside the 0x680-byte file"));
	build(&m, false, 0);
	w16(m.b + 42, 16);
	CHECK(refused(&m, "guest: ELF program header entry size 16 is smaller than 32"));
	build(&m, true, 0);
	w16(m.b + 54, 32);
	CHECK(refused(&m, "guest: ELF program header entry size 32 is smaller than 56"));
}

TEST(elf_refuses_bad_segments)
{
	struct img m;

	build(&m, false, 0);
	set_ph(&m, 2, PT_LOAD, 0x600, 0x200000, 0x100, 0x100); /* file ends at 0x680 */
	CHECK(refused(&m, "guest: ELF segment 1: 0x100 file bytes at offset 0x600 lie outside the "
			  "0x680-byte file (truncated kernel?)"));
	build(&m, true, 0);
	set_ph(&m, 0, PT_LOAD, 0xfffffffffffffff0ull, 0x100000, 0x20, 0x20); /* offset wraps */
	CHECK(refused(&m, "guest: ELF segment 0: 0x20 file bytes at offset 0xfffffffffffffff0 lie "
			  "outside the 0x680-byte file"));
	build(&m, false, 0);
	set_ph(&m, 0, PT_LOAD, 0x400, 0x100000, 0x200, 0x100);
	CHECK(refused(&m, "guest: ELF segment 0: file size 0x200 exceeds its memory size 0x100"));
	build(&m, false, 0);
	set_ph(&m, 2, PT_LOAD, 0x600, 0xfffff000u, 0x80, 0x2000);
	CHECK(refused(&m, "guest: ELF segment 1: address 0xfffff000 + size 0x2000 overflows the "
			  "32-bit address space"));
	build(&m, true, 0);
	set_ph(&m, 0, PT_LOAD, 0x400, 0xfffffffffffff000ull, 0x80, 0x2000);
	CHECK(refused(&m, "guest: ELF segment 0: address 0xfffffffffffff000 + size 0x2000 "
			  "overflows the 64-bit address space"));
}

TEST(elf_refuses_no_or_too_many_load_segments)
{
	struct img m;

	build(&m, false, 0);
	set_ph(&m, 0, PT_NOTE, 0x400, 0, 0x10, 0x10);
	set_ph(&m, 2, PT_NOTE, 0x600, 0, 0x10, 0x10);
	CHECK(refused(&m, "guest: ELF has no loadable (PT_LOAD) segment"));
	build(&m, true, 0);
	set_phnum(&m, 0);
	CHECK(refused(&m, "guest: ELF has no loadable (PT_LOAD) segment"));
	build(&m, false, 0);
	set_phnum(&m, 17);
	for (unsigned i = 0; i < 17; i++)
		set_ph(&m, i, PT_LOAD, 0x400, 0x100000 + i * 0x1000, 0x10, 0x10);
	CHECK(refused(&m, "guest: ELF has more than 16 loadable (PT_LOAD) segments"));
	set_phnum(&m, 16);
	struct elf_image e;
	CHECK(parse(&m, &e));
	CHECK_EQ(e.nseg, 16);
	CHECK_EQ(e.seg[15].paddr, 0x10f000);
}

/* Every prefix of a valid image, and images with one byte of the headers changed, under ASan:
 * refused or parsed, never a read past the end. */
TEST(elf_never_reads_past_the_image)
{
	struct img m;
	struct elf_image e;
	unsigned accepted = 0;

	for (int is64 = 0; is64 < 2; is64++) {
		build(&m, is64, 0x100000);
		for (size_t len = 0; len <= m.len; len++)
			accepted += parse_len(&m, len, &e);
	}
	CHECK_EQ(accepted, 2); /* only the whole images: the last segment ends the file */

	uint32_t seed = 12345;
	for (unsigned round = 0; round < 4000; round++) {
		build(&m, round & 1, 0x100000);
		for (int k = 0; k < 3; k++) {
			seed = seed * 1103515245u + 12345u;
			m.b[(seed >> 8) % 0x100] = (uint8_t)(seed >> 20);
		}
		if (parse(&m, &e)) {
			for (unsigned i = 0; i < e.nseg; i++) {
				CHECK(e.seg[i].filesz <= e.seg[i].memsz);
				CHECK(e.seg[i].offset + e.seg[i].filesz <= m.len);
			}
		} else {
			CHECK(test_log_find("guest: ") != NULL);
		}
	}
}
