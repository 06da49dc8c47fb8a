/* guest/elf.c: ELF parsing for the guest loader (see guest/elf.h). Header layouts: System V ABI
 * "ELF Header" and "Program Header" (ELF32), ELF-64 Object File Format (ELF64). Fields are read
 * with get_u*(): the image is a GRUB module with no alignment promise. Pure. */
#include "guest/elf.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/unaligned.h"

#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4

#define EHDR32_SIZE 52
#define EHDR64_SIZE 64
#define PHDR32_SIZE 32
#define PHDR64_SIZE 56

/* Identification, class, byte order, machine and type: everything before the program headers. */
static bool check_ehdr(const uint8_t *b, size_t len, bool *is64)
{
	if (len < 4 || memcmp(b, "\177ELF", 4)) {
		log_error("guest: not ELF: the kernel does not start with the ELF magic \\177ELF");
		return false;
	}
	if (len < EI_DATA + 1) {
		log_error("guest: truncated ELF header: the kernel is only %zu bytes", len);
		return false;
	}
	if (b[EI_CLASS] != ELFCLASS32 && b[EI_CLASS] != ELFCLASS64) {
		log_error("guest: ELF class %u is neither 32-bit (1) nor 64-bit (2)", b[EI_CLASS]);
		return false;
	}
	*is64 = b[EI_CLASS] == ELFCLASS64;
	unsigned need = *is64 ? EHDR64_SIZE : EHDR32_SIZE;
	if (len < need) {
		log_error("guest: truncated ELF header: the kernel is %zu bytes, an ELF%s header "
			  "is %u", len, *is64 ? "64" : "32", need);
		return false;
	}
	if (b[EI_DATA] != ELFDATA2LSB) {
		log_error("guest: ELF data encoding %u is not little-endian (1)", b[EI_DATA]);
		return false;
	}
	uint16_t type = get_u16(b + 16), machine = get_u16(b + 18);
	if (machine != (*is64 ? EM_X86_64 : EM_386)) {
		log_error("guest: ELF%s machine %u is not %s", *is64 ? "64" : "32", machine,
			  *is64 ? "x86-64 (EM_X86_64, 62)" : "x86 (EM_386, 3)");
		return false;
	}
	if (type != ET_EXEC) {
		log_error("guest: ELF type %u is not an executable (ET_EXEC, 2)", type);
		return false;
	}
	return true;
}

/* PT_LOAD number `i` at `ph` (inside the file, checked by the caller). */
static bool read_segment(const uint8_t *ph, bool is64, size_t len, unsigned i,
			 struct elf_segment *s)
{
	s->offset = is64 ? get_u64(ph + 8) : get_u32(ph + 4);
	s->paddr = is64 ? get_u64(ph + 24) : get_u32(ph + 12);
	s->filesz = is64 ? get_u64(ph + 32) : get_u32(ph + 16);
	s->memsz = is64 ? get_u64(ph + 40) : get_u32(ph + 20);
	if (s->filesz > s->memsz) {
		log_error("guest: ELF segment %u: file size 0x%lx exceeds its memory size 0x%lx", i,
			  s->filesz, s->memsz);
		return false;
	}
	if (s->offset > len || s->filesz > len - s->offset) {
		log_error("guest: ELF segment %u: 0x%lx file bytes at offset 0x%lx lie outside the "
			  "0x%zx-byte file (truncated kernel?)", i, s->filesz, s->offset, len);
		return false;
	}
	/* ELF32 addresses are 32-bit: a segment may end at 4 GiB, not run past it. */
	uint64_t limit = is64 ? UINT64_MAX : UINT32_MAX;
	if (s->memsz && s->memsz - 1 > limit - s->paddr) {
		log_error("guest: ELF segment %u: address 0x%lx + size 0x%lx overflows the %u-bit "
			  "address space", i, s->paddr, s->memsz, is64 ? 64 : 32);
		return false;
	}
	return true;
}

bool elf_parse(const void *img, size_t len, struct elf_image *out)
{
	const uint8_t *b = img;
	bool is64;

	if (!check_ehdr(b, len, &is64))
		return false;
	uint64_t phoff = is64 ? get_u64(b + 32) : get_u32(b + 28);
	unsigned phentsize = get_u16(b + (is64 ? 54 : 42));
	unsigned phnum = get_u16(b + (is64 ? 56 : 44));
	unsigned need = is64 ? PHDR64_SIZE : PHDR32_SIZE;
	if (phnum && phentsize < need) {
		log_error("guest: ELF program header entry size %u is smaller than %u", phentsize,
			  need);
		return false;
	}
	if (phoff > len || (uint64_t)phnum * phentsize > len - phoff) {
		log_error("guest: ELF program headers (%u of %u bytes at offset 0x%lx) lie outside "
			  "the 0x%zx-byte file", phnum, phentsize, phoff, len);
		return false;
	}
	out->is64 = is64;
	out->entry = is64 ? get_u64(b + 24) : get_u32(b + 24);
	out->nseg = 0;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = b + phoff + (uint64_t)i * phentsize;
		if (get_u32(ph) != PT_LOAD)
			continue;
		if (out->nseg == ELF_MAX_SEGMENTS) {
			log_error("guest: ELF has more than %u loadable (PT_LOAD) segments",
				  ELF_MAX_SEGMENTS);
			return false;
		}
		if (!read_segment(ph, is64, len, out->nseg, &out->seg[out->nseg]))
			return false;
		out->nseg++;
	}
	if (!out->nseg) {
		log_error("guest: ELF has no loadable (PT_LOAD) segment");
		return false;
	}
	return true;
}

/* The notes in file bytes [off, off + size). */
static bool find_in_notes(const uint8_t *b, uint64_t off, uint64_t size, const char *name,
			  uint32_t type, const uint8_t **desc, uint32_t *desc_len)
{
	uint32_t want_namesz = (uint32_t)strlen(name) + 1;

	for (uint64_t at = 0; at + 12 <= size;) {
		const uint8_t *n = b + off + at;
		uint64_t namesz = get_u32(n), descsz = get_u32(n + 4);
		uint64_t name_pad = (namesz + 3) & ~3ull, desc_pad = (descsz + 3) & ~3ull;
		if (name_pad + desc_pad > size - at - 12)
			return false;
		if (get_u32(n + 8) == type && namesz == want_namesz &&
		    !memcmp(n + 12, name, want_namesz)) {
			*desc = n + 12 + name_pad;
			*desc_len = (uint32_t)descsz;
			return true;
		}
		at += 12 + name_pad + desc_pad;
	}
	return false;
}

bool elf_find_note(const void *img, size_t len, const char *name, uint32_t type,
		   const uint8_t **desc, uint32_t *desc_len)
{
	const uint8_t *b = img;
	bool is64 = b[EI_CLASS] == ELFCLASS64;
	uint64_t phoff = is64 ? get_u64(b + 32) : get_u32(b + 28);
	unsigned phentsize = get_u16(b + (is64 ? 54 : 42));
	unsigned phnum = get_u16(b + (is64 ? 56 : 44));

	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = b + phoff + (uint64_t)i * phentsize;
		if (get_u32(ph) != PT_NOTE)
			continue;
		uint64_t off = is64 ? get_u64(ph + 8) : get_u32(ph + 4);
		uint64_t size = is64 ? get_u64(ph + 32) : get_u32(ph + 16);
		if (off > len || size > len - off)
			continue;
		if (find_in_notes(b, off, size, name, type, desc, desc_len))
			return true;
	}
	return false;
}
