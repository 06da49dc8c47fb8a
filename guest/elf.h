/* guest/elf.h: reading an ELF executable's load segments (System V ABI, "Program Loading"; ELF-64
 * Object File Format). Pure; never reads past the image. */
#ifndef GUEST_ELF_H
#define GUEST_ELF_H

#include <stdbool.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16

struct elf_segment {
	uint64_t paddr, offset, filesz, memsz;
};

struct elf_image {
	bool is64;
	uint64_t entry;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	unsigned nseg;
};

/* ELF32 (EM_386) or ELF64 (EM_X86_64), little-endian, ET_EXEC. False with a "guest: ..." message
 * naming what is wrong. */
bool elf_parse(const void *img, uint64_t len, struct elf_image *out);

#endif
