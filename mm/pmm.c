/* mm/pmm.c: the page allocator (see mm/pmm.h). Free memory is an array of disjoint extents kept
 * sorted by address; allocation is first fit from the lowest address. */
#include <stdbool.h>

#include "lib/log.h"
#include "lib/string.h"
#include "mm/phys.h"
#include "mm/pmm.h"

#define PAGE 4096ull

struct extent {
	uint64_t base, end; /* [base, end), page aligned */
};

static struct extent ext[PMM_MAX_EXTENTS];
static unsigned next;
static uint64_t total;
static bool told_oom;

static void remove_at(unsigned i)
{
	memmove(&ext[i], &ext[i + 1], (next - i - 1) * sizeof(ext[0]));
	next--;
}

/* Insert keeping the order, merging with neighbours that touch. */
static bool insert(uint64_t base, uint64_t end)
{
	unsigned i = 0;

	while (i < next && ext[i].base < base)
		i++;
	if (i > 0 && ext[i - 1].end == base) {
		ext[i - 1].end = end;
		if (i < next && ext[i].base == end) {
			ext[i - 1].end = ext[i].end;
			remove_at(i);
		}
		return true;
	}
	if (i < next && ext[i].base == end) {
		ext[i].base = base;
		return true;
	}
	if (next == PMM_MAX_EXTENTS) {
		log_warn("pmm: more than %u free extents; 0x%lx-0x%lx left unused", PMM_MAX_EXTENTS,
			 base, end - 1);
		return false;
	}
	memmove(&ext[i + 1], &ext[i], (next - i) * sizeof(ext[0]));
	ext[i] = (struct extent){ base, end };
	next++;
	return true;
}

/* Take [base, end) out of the free extents wherever it overlaps them. */
static void carve(uint64_t base, uint64_t end)
{
	for (unsigned i = 0; i < next;) {
		struct extent e = ext[i];
		if (end <= e.base || e.end <= base) {
			i++;
			continue;
		}
		remove_at(i);
		if (e.base < base)
			insert(e.base, base);
		if (end < e.end)
			insert(end, e.end);
		i = 0; /* the array changed under us; extents are few */
	}
}

void pmm_init(const struct mem_range *usable, unsigned n_usable, const struct mem_range *reserved,
	      unsigned n_reserved)
{
	next = 0;
	told_oom = false;
	for (unsigned i = 0; i < n_usable; i++) {
		if (usable[i].type != MEM_USABLE || usable[i].len == 0)
			continue;
		uint64_t base = (usable[i].base + PAGE - 1) & ~(PAGE - 1);
		uint64_t end = usable[i].base + usable[i].len;
		if (end < usable[i].base)
			end = UINT64_MAX;
		end &= ~(PAGE - 1);
		if (base < PMM_LOW_LIMIT)
			base = PMM_LOW_LIMIT;
		if (end > base) {
			carve(base, end); /* overlapping usable entries count once */
			insert(base, end);
		}
	}
	for (unsigned i = 0; i < n_reserved; i++) {
		uint64_t base = reserved[i].base & ~(PAGE - 1);
		uint64_t end = reserved[i].base + reserved[i].len;
		end = end < reserved[i].base ? UINT64_MAX : (end + PAGE - 1) & ~(PAGE - 1);
		if (end > base)
			carve(base, end);
	}
	total = pmm_free_bytes();
	if (!total)
		log_error("pmm: no usable memory above 1 MiB");
}

static uint64_t take(unsigned i, uint64_t start, uint64_t bytes)
{
	struct extent e = ext[i];

	remove_at(i);
	if (e.base < start)
		insert(e.base, start);
	if (start + bytes < e.end)
		insert(start + bytes, e.end);
	memset(phys_to_virt(start), 0, bytes);
	return start;
}

static uint64_t alloc(uint64_t count, uint64_t align, uint64_t limit)
{
	uint64_t bytes = count * PAGE;

	if (!count || count > (UINT64_MAX / PAGE) || !align || (align & (align - 1)) ||
	    align < PAGE)
		return 0;
	for (unsigned i = 0; i < next; i++) {
		uint64_t start = (ext[i].base + align - 1) & ~(align - 1);
		if (start < ext[i].base || start + bytes < start || start + bytes > ext[i].end)
			continue;
		if (start + bytes > limit)
			break; /* sorted: later extents are higher still */
		return take(i, start, bytes);
	}
	if (!told_oom) {
		told_oom = true;
		log_error("pmm: out of memory: no %lu contiguous pages (aligned 0x%lx) among %lu KiB "
			  "free", count, align, pmm_free_bytes() / 1024);
	}
	return 0;
}

uint64_t pmm_alloc_pages(uint64_t count, uint64_t align)
{
	return alloc(count, align, UINT64_MAX);
}

uint64_t pmm_alloc_page(void)
{
	return alloc(1, PAGE, UINT64_MAX);
}

uint64_t pmm_alloc_below(uint64_t count, uint64_t limit)
{
	return alloc(count, PAGE, limit);
}

void pmm_free_pages(uint64_t pa, uint64_t count)
{
	uint64_t end = pa + count * PAGE;

	if ((pa & (PAGE - 1)) || !count || end < pa) {
		log_error("pmm: bad free of %lu pages at 0x%lx", count, pa);
		return;
	}
	for (unsigned i = 0; i < next; i++) {
		if (pa < ext[i].end && ext[i].base < end) {
			log_error("pmm: double free: 0x%lx-0x%lx is already free", pa, end - 1);
			return;
		}
	}
	insert(pa, end);
}

uint64_t pmm_free_bytes(void)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < next; i++)
		sum += ext[i].end - ext[i].base;
	return sum;
}

uint64_t pmm_total_bytes(void)
{
	return total;
}

void pmm_dump(void)
{
	for (unsigned i = 0; i < next; i++)
		log_debug("pmm: free 0x%016lx-0x%016lx", ext[i].base, ext[i].end - 1);
}
