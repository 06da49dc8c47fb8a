/* arch/symbols.h: function names for addresses in the hypervisor's code, for the fault report
 * (arch/trap.c). Any CPU, any context, no locks: the table is read-only data in the image.
 *
 * The table is generated from the linked image itself (Makefile, "two-pass link";
 * scripts/gen-symbols): entries sorted by address, one per text symbol (nm types t and T, nasm's
 * local labels such as vmx_enter.failed included), names in one NUL-separated blob. */
#ifndef ARCH_SYMBOLS_H
#define ARCH_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

struct sym_entry {
	uint64_t addr;
	uint32_t name; /* offset of the NUL-terminated name in the blob */
};

/* A table to search: what sym_lookup() passes for the image, or a hand-made one in the tests. */
struct sym_table {
	const struct sym_entry *entries; /* sorted by addr, strictly ascending */
	size_t count;
	const char *names;
	uint64_t text_end; /* first address past the code; the code starts at entries[0].addr */
};

/* The function containing `addr`: its name, and in *offset how far into it `addr` lies. NULL
 * (and *offset untouched) outside [entries[0].addr, text_end) or for an empty table. Pure. */
const char *sym_search(const struct sym_table *t, uint64_t addr, uint64_t *offset);

/* The generated table (build/symbols.c), in its own section at the end of the image. */
extern const struct sym_entry sym_entries[];
extern const uint32_t sym_count;
extern const char sym_names[];

#ifndef HOST_TEST
/* sym_search() over the image's own table, bounded by its code (linker.ld's __text_end). */
const char *sym_lookup(uint64_t addr, uint64_t *offset);
#endif

#endif
