/* guest/elf.h: reading an ELF executable's load segments (System V ABI, "Program Loading"; ELF-64
 * Object File Format, "Program Header Table"), for the guest loader. Pure; BSP while the VM is
 * built. Never reads past the image. */
#ifndef GUEST_ELF_H
#define GUEST_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16

/* One PT_LOAD program header: file bytes [offset, offset + filesz) go to physical address paddr,
 * the rest up to memsz is zeroed (bss). */
struct elf_segment {
	uint64_t paddr, offset, filesz, memsz;
};

struct elf_image {
	bool is64;
	uint64_t entry;
	struct elf_segment seg[ELF_MAX_SEGMENTS]; /* the PT_LOAD headers in file order */
	unsigned nseg;
};

/* ELF32 (EM_386) or ELF64 (EM_X86_64), little-endian, ET_EXEC, with 1 to ELF_MAX_SEGMENTS PT_LOAD
 * segments whose file bytes lie inside the image and whose addresses do not wrap. Returns false
 * with a "guest: ..." message naming what is wrong. */
bool elf_parse(const void *img, size_t len, struct elf_image *out);

#endif
