/* mm/pmm.c: the page allocator (see mm/pmm.h). Pure; callers serialise. Free memory is an array
 * of disjoint, non-touching extents kept sorted by address; allocation is first fit from the
 * lowest address. A second array remembers what pmm_init() handed over, so a free of memory the
 * allocator never owned is caught. */
#include <stdbool.h>

#include "lib/log.h"
#include "lib/string.h"
#include "mm/phys.h"
#include "mm/pmm.h"

#define PAGE PMM_PAGE_SIZE
#define PAGE_MASK (PAGE - 1)
#define TOP_PAGE (UINT64_MAX & ~PAGE_MASK) /* the highest extent end that can be represented */

struct extent {
	uint64_t base, end; /* [base, end), page aligned */
};

static struct extent free_ext[PMM_MAX_EXTENTS];
static unsigned n_free;
static struct extent managed[PMM_MAX_EXTENTS];
static unsigned n_managed;
static uint64_t total;
static bool told_oom;

static void remove_at(unsigned i)
{
	memmove(&free_ext[i], &free_ext[i + 1], (n_free - i - 1) * sizeof(free_ext[0]));
	n_free--;
}

static uint64_t extent_bytes(unsigned i)
{
	return free_ext[i].end - free_ext[i].base;
}

/* With the array full, either [base, end) or the smallest extent has to go; the smaller one does
 * (on a tie the higher one, so low memory, which pmm_alloc_below() may need, is kept). Returns
 * false when [base, end) itself is dropped. */
static bool make_room(uint64_t base, uint64_t end)
{
	unsigned small = 0;

	for (unsigned i = 1; i < n_free; i++)
		if (extent_bytes(i) <= extent_bytes(small))
			small = i;
	struct extent s = free_ext[small];
	bool keep_new = end - base > s.end - s.base;
	if (!keep_new)
		s = (struct extent){ base, end };
	log_warn("pmm: more than %u free extents: 0x%lx-0x%lx (%lu KiB) left unused",
		 PMM_MAX_EXTENTS, s.base, s.end - 1, (s.end - s.base) / 1024);
	if (keep_new)
		remove_at(small);
	return keep_new;
}

/* Adds [base, end), which overlaps no free extent, keeping the order and merging with the
 * neighbours it touches. */
static void insert(uint64_t base, uint64_t end)
{
	unsigned i = 0;

	while (i < n_free && free_ext[i].base < base)
		i++;
	bool joins_prev = i > 0 && free_ext[i - 1].end == base;
	bool joins_next = i < n_free && free_ext[i].base == end;
	if (joins_prev && joins_next) {
		free_ext[i - 1].end = free_ext[i].end;
		remove_at(i);
	} else if (joins_prev) {
		free_ext[i - 1].end = end;
	} else if (joins_next) {
		free_ext[i].base = base;
	} else {
		if (n_free == PMM_MAX_EXTENTS) {
			if (!make_room(base, end))
				return;
			insert(base, end); /* the position may have moved */
			return;
		}
		memmove(&free_ext[i + 1], &free_ext[i], (n_free - i) * sizeof(free_ext[0]));
		free_ext[i] = (struct extent){ base, end };
		n_free++;
	}
}

/* Takes [base, end) out of the free extents wherever it overlaps them. */
static void carve(uint64_t base, uint64_t end)
{
	unsigned i = 0;

	while (i < n_free && free_ext[i].base < end) {
		struct extent *e = &free_ext[i];
		if (e->end <= base) {
			i++;
		} else if (e->base < base && e->end > end) {
			uint64_t tail = e->end; /* a hole in the middle: nothing further overlaps */
			e->end = base;
			insert(end, tail);
			return;
		} else if (e->base < base) {
			e->end = base;
			i++;
		} else if (e->end > end) {
			e->base = end;
			return;
		} else {
			remove_at(i);
		}
	}
}

/* A usable range shrunk to the whole pages at or above 1 MiB in it; false when none are. */
static bool usable_pages(const struct mem_range *r, uint64_t *base, uint64_t *end)
{
	uint64_t last = r->len > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->len;

	if (r->type != MEM_USABLE || r->len == 0 || r->base > TOP_PAGE)
		return false;
	*base = (r->base + PAGE_MASK) & ~PAGE_MASK;
	if (*base < PMM_LOW_LIMIT)
		*base = PMM_LOW_LIMIT;
	*end = last & ~PAGE_MASK;
	return *end > *base;
}

/* A reserved range grown to whole pages, so no page it touches is handed out. */
static bool reserved_pages(const struct mem_range *r, uint64_t *base, uint64_t *end)
{
	uint64_t last = r->len > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->len;

	if (r->len == 0)
		return false;
	*base = r->base & ~PAGE_MASK;
	*end = last > TOP_PAGE ? TOP_PAGE : (last + PAGE_MASK) & ~PAGE_MASK;
	return *end > *base;
}

void pmm_init(const struct mem_range *usable, unsigned n_usable, const struct mem_range *reserved,
	      unsigned n_reserved)
{
	uint64_t base, end;

	n_free = 0;
	told_oom = false;
	for (unsigned i = 0; i < n_usable; i++) {
		if (usable_pages(&usable[i], &base, &end)) {
			carve(base, end); /* overlapping usable entries count once */
			insert(base, end);
		}
	}
	for (unsigned i = 0; i < n_reserved; i++)
		if (reserved_pages(&reserved[i], &base, &end))
			carve(base, end);
	memcpy(managed, free_ext, n_free * sizeof(free_ext[0]));
	n_managed = n_free;
	total = pmm_free_bytes();
	if (!total)
		log_error("pmm: no usable memory above 1 MiB");
}

/* Hands out [start, start + bytes), which lies inside free extent i, zeroed. */
static uint64_t take(unsigned i, uint64_t start, uint64_t bytes)
{
	struct extent *e = &free_ext[i];
	uint64_t end = start + bytes, old_end = e->end;

	if (e->base == start && old_end == end) {
		remove_at(i);
	} else if (e->base == start) {
		e->base = end;
	} else {
		e->end = start;
		if (end < old_end)
			insert(end, old_end);
	}
	memset(phys_to_virt(start), 0, bytes);
	return start;
}

static uint64_t alloc(uint64_t count, uint64_t align, uint64_t limit)
{
	if (!count || count > UINT64_MAX / PAGE || align < PAGE || (align & (align - 1))) {
		log_error("pmm: bad request for %lu pages aligned to 0x%lx (needs at least one "
			  "page and a power-of-two alignment of at least 4 KiB)", count, align);
		return 0;
	}
	uint64_t bytes = count * PAGE;
	for (unsigned i = 0; i < n_free; i++) {
		uint64_t start = (free_ext[i].base + align - 1) & ~(align - 1);
		if (start < free_ext[i].base || start > free_ext[i].end ||
		    free_ext[i].end - start < bytes)
			continue; /* alignment wrapped, or the run does not fit here */
		if (start + bytes > limit)
			break; /* sorted: every later run ends higher still */
		return take(i, start, bytes);
	}
	if (!told_oom) {
		told_oom = true;
		log_error("pmm: out of memory: no run of %lu pages aligned to 0x%lx ending at or "
			  "below 0x%lx among %lu KiB free (reported once)", count, align, limit,
			  pmm_free_bytes() / 1024);
	}
	return 0;
}

uint64_t pmm_alloc_page(void)
{
	return alloc(1, PAGE, UINT64_MAX);
}

uint64_t pmm_alloc_pages(uint64_t count, uint64_t align)
{
	return alloc(count, align, UINT64_MAX);
}

uint64_t pmm_alloc_below(uint64_t count, uint64_t limit)
{
	return alloc(count, PAGE, limit);
}

static bool is_managed(uint64_t base, uint64_t end)
{
	for (unsigned i = 0; i < n_managed; i++)
		if (managed[i].base <= base && end <= managed[i].end)
			return true;
	return false;
}

void pmm_free_pages(uint64_t pa, uint64_t count)
{
	if ((pa & PAGE_MASK) || !count || count > (TOP_PAGE - pa) / PAGE) {
		log_error("pmm: bad free of %lu pages at 0x%lx", count, pa);
		return;
	}
	uint64_t end = pa + count * PAGE;
	if (!is_managed(pa, end)) {
		log_error("pmm: bad free: 0x%lx-0x%lx is not memory the allocator manages", pa,
			  end - 1);
		return;
	}
	for (unsigned i = 0; i < n_free && free_ext[i].base < end; i++) {
		if (pa < free_ext[i].end) {
			log_error("pmm: double free: 0x%lx-0x%lx overlaps free 0x%lx-0x%lx", pa,
				  end - 1, free_ext[i].base, free_ext[i].end - 1);
			return;
		}
	}
	insert(pa, end);
}

uint64_t pmm_free_bytes(void)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < n_free; i++)
		sum += extent_bytes(i);
	return sum;
}

uint64_t pmm_total_bytes(void)
{
	return total;
}

void pmm_dump(void)
{
	log_debug("pmm: %u free extents, %lu of %lu KiB free", n_free, pmm_free_bytes() / 1024,
		  total / 1024);
	for (unsigned i = 0; i < n_free; i++)
		log_debug("pmm: free 0x%016lx-0x%016lx", free_ext[i].base, free_ext[i].end - 1);
}
