/* vmx/ept_build.c: EPT construction and lookup (see vmx/ept_build.h). Pure. Entry formats: SDM
 * Vol. 3C, 29.3.2, tables "Format of an EPT PML4 Entry" through "Format of an EPT Page-Table
 * Entry": bits 2:0 permissions (a non-leaf entry with none is not present), 5:3 memory type and 7
 * "page size" in leaves; bit 7 must be 0 in the PML4 and in page-table entries. */
#include "lib/log.h"
#include "lib/string.h"
#include "mm/phys.h"
#include "mm/pmm.h"
#include "vmx/ept_build.h"

#define SIZE_4K (1ull << 12)
#define SIZE_2M (1ull << 21)
#define SIZE_1G (1ull << 30)

bool ept_init(struct ept *e)
{
	e->root = pmm_alloc_page();
	if (!e->root)
		log_error("ept: out of memory for the EPT root");
	return e->root != 0;
}

static unsigned index_at(uint64_t gpa, unsigned level)
{
	return (gpa >> (12 + 9 * level)) & 511;
}

/* The table one level below `entry`, created when absent. A large-page entry in the way is a
 * caller error here: the VM layout maps each range once, before any vCPU runs. */
static uint64_t *next_table(uint64_t *entry)
{
	if (!(*entry & EPT_RWX)) {
		uint64_t pa = pmm_alloc_page();
		if (!pa)
			return 0;
		*entry = pa | EPT_RWX;
	} else if (*entry & EPT_LARGE) {
		log_error("ept: a large page is already mapped where a smaller one goes");
		return 0;
	}
	return phys_to_virt(*entry & EPT_ADDR_MASK);
}

static bool forbidden(const struct ept *e, uint64_t hpa, uint64_t size)
{
	for (unsigned i = 0; i < e->nforbidden; i++) {
		const struct ept_forbidden *f = &e->forbidden[i];
		if (hpa < f->base + f->len && f->base < hpa + size) {
			log_error("ept: refusing to map host 0x%lx-0x%lx into a guest: it holds the "
				  "hypervisor's own memory (0x%lx-0x%lx)", hpa, hpa + size - 1, f->base,
				  f->base + f->len - 1);
			return true;
		}
	}
	return false;
}

static bool check_request(const struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size,
			  uint64_t flags)
{
	uint64_t mt = flags & (7ull << 3);

	if ((gpa | hpa | size) & (SIZE_4K - 1) || !size || gpa + size < gpa ||
	    gpa + size > EPT_GPA_LIMIT || hpa + size < hpa) {
		log_error("ept: bad range GPA 0x%lx HPA 0x%lx size 0x%lx", gpa, hpa, size);
		return false;
	}
	if ((mt != EPT_MT_UC && mt != EPT_MT_WB) || !(flags & EPT_RWX) ||
	    (flags & ~(EPT_RWX | (7ull << 3) | EPT_IGNORE_PAT))) {
		log_error("ept: bad flags 0x%lx", flags);
		return false;
	}
	return !forbidden(e, hpa, size);
}

static uint64_t leaf_size(const struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t left)
{
	if (e->allow_1g && !((gpa | hpa) & (SIZE_1G - 1)) && left >= SIZE_1G)
		return SIZE_1G;
	if (e->allow_2m && !((gpa | hpa) & (SIZE_2M - 1)) && left >= SIZE_2M)
		return SIZE_2M;
	return SIZE_4K;
}

bool ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size, uint64_t flags)
{
	if (!check_request(e, gpa, hpa, size, flags))
		return false;
	for (uint64_t off = 0; off < size;) {
		uint64_t g = gpa + off, h = hpa + off, ps = leaf_size(e, g, h, size - off);
		unsigned leaf_level = ps == SIZE_1G ? 2 : ps == SIZE_2M ? 1 : 0;
		uint64_t *table = phys_to_virt(e->root);
		for (unsigned level = 3; level > leaf_level; level--) {
			table = next_table(&table[index_at(g, level)]);
			if (!table)
				return false;
		}
		table[index_at(g, leaf_level)] = h | flags | (leaf_level ? EPT_LARGE : 0);
		off += ps;
	}
	return true;
}

bool ept_lookup(const struct ept *e, uint64_t gpa, uint64_t *hpa, uint64_t *flags,
		uint64_t *page_size)
{
	const uint64_t *table = phys_to_virt(e->root);

	if (gpa >= EPT_GPA_LIMIT)
		return false;
	for (unsigned level = 3;; level--) {
		uint64_t entry = table[index_at(gpa, level)];
		if (!(entry & EPT_RWX))
			return false;
		if (level == 0 || (entry & EPT_LARGE)) {
			uint64_t size = SIZE_4K << (9 * level);
			*hpa = (entry & EPT_ADDR_MASK & ~(size - 1)) + (gpa & (size - 1));
			*flags = entry & ~EPT_ADDR_MASK;
			*page_size = size;
			return true;
		}
		table = phys_to_virt(entry & EPT_ADDR_MASK);
	}
}

uint64_t ept_pointer(const struct ept *e)
{
	return e->root | (3ull << 3) | 6; /* walk length 4 - 1; WB */
}
