/* guest/elf.c: ELF parsing for the guest loader (see guest/elf.h). Fields are read with memcpy:
 * the image is a GRUB module with no alignment promise. */
#include "guest/elf.h"
#include "lib/log.h"
#include "lib/string.h"

#define PT_LOAD 1

static uint64_t rd(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, p, size);
	return v;
}

static bool check_header(const uint8_t *b, uint64_t len, bool *is64)
{
	if (len < 52 || memcmp(b, "\177ELF", 4)) {
		log_error("guest: not ELF (no \\177ELF magic at the start of the kernel module)");
		return false;
	}
	*is64 = b[4] == 2;
	if ((b[4] != 1 && b[4] != 2) || (*is64 && len < 64)) {
		log_error("guest: ELF class %u is not 32- or 64-bit, or the header is truncated", b[4]);
		return false;
	}
	uint16_t machine = (uint16_t)rd(b + 18, 2), type = (uint16_t)rd(b + 16, 2);
	if (b[5] != 1 || machine != (*is64 ? 62 : 3)) {
		log_error("guest: ELF for machine %u (%s-endian), not x86 (3) / x86-64 (62)", machine,
			  b[5] == 1 ? "little" : "big");
		return false;
	}
	if (type != 2) {
		log_error("guest: ELF type %u is not an executable (ET_EXEC)", type);
		return false;
	}
	return true;
}

static bool read_segment(const uint8_t *ph, bool is64, uint64_t len, struct elf_segment *s)
{
	s->offset = is64 ? rd(ph + 8, 8) : rd(ph + 4, 4);
	s->paddr = is64 ? rd(ph + 24, 8) : rd(ph + 12, 4);
	s->filesz = is64 ? rd(ph + 32, 8) : rd(ph + 16, 4);
	s->memsz = is64 ? rd(ph + 40, 8) : rd(ph + 20, 4);
	if (s->filesz > s->memsz) {
		log_error("guest: a segment's file size 0x%lx exceeds its memory size 0x%lx", s->filesz,
			  s->memsz);
		return false;
	}
	if (s->offset > len || s->filesz > len - s->offset) {
		log_error("guest: a segment's bytes (offset 0x%lx, 0x%lx bytes) lie outside the "
			  "0x%lx-byte file: truncated?", s->offset, s->filesz, len);
		return false;
	}
	if (s->paddr + s->memsz < s->paddr) {
		log_error("guest: a segment's address range overflows");
		return false;
	}
	return true;
}

bool elf_parse(const void *img, uint64_t len, struct elf_image *out)
{
	const uint8_t *b = img;
	bool is64;

	if (!check_header(b, len, &is64))
		return false;
	uint64_t phoff = is64 ? rd(b + 32, 8) : rd(b + 28, 4);
	unsigned phentsize = (unsigned)rd(b + (is64 ? 54 : 42), 2);
	unsigned phnum = (unsigned)rd(b + (is64 ? 56 : 44), 2);
	if (phentsize < (is64 ? 56u : 32u) || phoff > len || (uint64_t)phnum * phentsize > len - phoff) {
		log_error("guest: the ELF program headers lie outside the file");
		return false;
	}
	out->is64 = is64;
	out->entry = is64 ? rd(b + 24, 8) : rd(b + 24, 4);
	out->nseg = 0;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = b + phoff + (uint64_t)i * phentsize;
		if (rd(ph, 4) != PT_LOAD)
			continue;
		if (out->nseg == ELF_MAX_SEGMENTS) {
			log_error("guest: more than %u loadable segments", ELF_MAX_SEGMENTS);
			return false;
		}
		if (!read_segment(ph, is64, len, &out->seg[out->nseg]))
			return false;
		if (out->seg[out->nseg].memsz)
			out->nseg++;
	}
	if (!out->nseg) {
		log_error("guest: the ELF file has no loadable segment");
		return false;
	}
	return true;
}
