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

/* The descriptor of the first note named `name` of type `type` in the PT_NOTE segments of an
 * image elf_parse() accepted (ELF-64 Object File Format, "Note Sections": namesz, descsz, type,
 * then name and descriptor, each padded to 4 bytes). False when there is none; notes that run
 * past their segment or the file end the search. */
bool elf_find_note(const void *img, size_t len, const char *name, uint32_t type,
		   const uint8_t **desc, uint32_t *desc_len);

#endif
