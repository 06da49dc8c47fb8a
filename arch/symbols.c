/* arch/symbols.c: address to function name, by binary search over the generated table
 * (arch/symbols.h). sym_search() is pure and unit-tested on hand-made tables; sym_lookup() binds
 * it to the image's table and is left out of the host build, which has no such table. */
#include "arch/symbols.h"

const char *sym_search(const struct sym_table *t, uint64_t addr, uint64_t *offset)
{
	size_t lo = 0, hi = t->count;

	if (!t->count || addr < t->entries[0].addr || addr >= t->text_end)
		return NULL;
	/* The last entry at or below addr: entries[lo - 1].addr <= addr < entries[hi].addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->entries[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	*offset = addr - t->entries[lo - 1].addr;
	return t->names + t->entries[lo - 1].name;
}

#ifndef HOST_TEST
extern const uint8_t __text_end[];

const char *sym_lookup(uint64_t addr, uint64_t *offset)
{
	const struct sym_table image = { sym_entries, sym_count, sym_names,
					 (uint64_t)__text_end };

	return sym_search(&image, addr, offset);
}
#endif
