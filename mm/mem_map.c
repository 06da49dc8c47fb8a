/* mm/mem_map.c: puts a physical memory map, from whatever source (multiboot2 e820-style or EFI
 * map, boot/mb2.c), into canonical form. Pure: BSP, once, at boot; also built for the host unit
 * tests. */
#include "lib/log.h"
#include "mm/mem_map.h"

const char *mem_type_name(uint32_t type)
{
	switch (type) {
	case MEM_USABLE:
		return "usable";
	case MEM_RESERVED:
		return "reserved";
	case MEM_ACPI_RECLAIMABLE:
		return "ACPI reclaimable";
	case MEM_ACPI_NVS:
		return "ACPI NVS";
	case MEM_BAD:
		return "bad";
	default:
		return "unknown";
	}
}

/* How strongly a type forbids using the memory; on overlap the higher rank wins. */
static unsigned mem_rank(uint32_t type)
{
	switch (type) {
	case MEM_USABLE:
		return 0;
	case MEM_ACPI_RECLAIMABLE:
		return 1;
	case MEM_ACPI_NVS:
		return 2;
	case MEM_BAD:
		return 4;
	default:
		return 3; /* reserved */
	}
}

static uint64_t range_end(const struct mem_range *r)
{
	return r->base + r->len;
}

/* Copies r into scratch, dropping zero-length ranges, clamping ranges that wrap past 2^64 and
 * turning unknown types into reserved. Returns the number kept. */
static unsigned mem_sanitize(const struct mem_range *r, unsigned n, struct mem_range *out)
{
	unsigned kept = 0, empty = 0;

	for (unsigned i = 0; i < n; i++) {
		struct mem_range x = r[i];

		if (!x.len) {
			empty++;
			continue;
		}
		if (x.base + x.len < x.base) {
			log_warn("mem: memory range at 0x%lx length 0x%lx runs past the end of the "
				 "address space; clamped", x.base, x.len);
			x.len = UINT64_MAX - x.base;
			if (!x.len)
				continue;
		}
		if (x.type < MEM_USABLE || x.type > MEM_BAD)
			x.type = MEM_RESERVED;
		out[kept++] = x;
	}
	if (empty)
		log_warn("mem: memory map has %u zero-length entries; dropped", empty);
	return kept;
}

/* The winning type among the ranges covering pos (0 when none covers it). */
static uint32_t mem_type_at(const struct mem_range *r, unsigned n, uint64_t pos, bool *overlap)
{
	uint32_t type = 0;
	unsigned covering = 0;

	for (unsigned i = 0; i < n; i++) {
		if (pos < r[i].base || pos >= range_end(&r[i]))
			continue;
		if (!covering++ || mem_rank(r[i].type) > mem_rank(type))
			type = r[i].type;
	}
	if (covering > 1)
		*overlap = true;
	return type;
}

/* The first range start or end above pos; false when there is none. */
static bool mem_next_boundary(const struct mem_range *r, unsigned n, uint64_t pos, uint64_t *next)
{
	bool found = false;

	for (unsigned i = 0; i < n; i++) {
		uint64_t b[2] = { r[i].base, range_end(&r[i]) };
		for (unsigned k = 0; k < 2; k++) {
			if (b[k] > pos && (!found || b[k] < *next)) {
				*next = b[k];
				found = true;
			}
		}
	}
	return found;
}

/* Appends [base, end) to the output, merging it into the previous range when they touch and
 * share a type. */
static void mem_emit(struct mem_range *out, unsigned *n, unsigned *dropped, uint64_t base,
		     uint64_t end, uint32_t type)
{
	struct mem_range *last = *n ? &out[*n - 1] : 0;

	if (last && last->type == type && range_end(last) == base) {
		last->len += end - base;
		return;
	}
	if (*n == MEM_MAP_MAX_RANGES) {
		(*dropped)++;
		return;
	}
	out[(*n)++] = (struct mem_range){ base, end - base, type };
}

/* A sweep over every range boundary: each piece between two boundaries takes the most restrictive
 * type covering it. O(n^2) on at most MEM_MAP_MAX_RANGES entries, which is nothing at boot. */
void mem_map_normalize(struct mem_range *r, unsigned *count)
{
	static struct mem_range in[MEM_MAP_MAX_RANGES];
	unsigned n = *count, out = 0, dropped = 0;
	bool overlap = false;
	uint64_t pos = UINT64_MAX;

	if (n > MEM_MAP_MAX_RANGES) {
		log_warn("mem: memory map of %u entries cut to %u", n, MEM_MAP_MAX_RANGES);
		n = MEM_MAP_MAX_RANGES;
	}
	n = mem_sanitize(r, n, in);
	for (unsigned i = 0; i < n; i++)
		if (in[i].base < pos)
			pos = in[i].base;
	while (n) {
		uint64_t next = 0;
		uint32_t type = mem_type_at(in, n, pos, &overlap);
		bool more = mem_next_boundary(in, n, pos, &next);

		if (type)
			mem_emit(r, &out, &dropped, pos, next, type);
		if (!more)
			break;
		pos = next;
	}
	if (overlap)
		log_warn("mem: memory map has overlapping entries; the more restrictive type wins");
	if (dropped)
		log_warn("mem: memory map has more than %u ranges after merging; %u dropped",
			 MEM_MAP_MAX_RANGES, dropped);
	*count = out;
}
