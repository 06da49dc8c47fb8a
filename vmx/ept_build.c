/* vmx/ept_build.c: EPT construction and lookup (see vmx/ept_build.h). Pure. Entry formats: SDM
 * Vol. 3C, 29.3.2, tables "Format of an EPT PML4 Entry" through "Format of an EPT Page-Table
 * Entry": bits 2:0 permissions (a non-leaf entry with none is not present), 5:3 memory type and 7
 * "page size" in leaves; bit 7 must be 0 in the PML4 and in page-table entries. */
#include "lib/log.h"
#include "mm/pmm.h"
#include "mm/pt_walk.h"
#include "vmx/ept_build.h"

#define SIZE_4K (1ull << 12)

/* EPT for the one walker (mm/pt_walk.c): an entry is present with any permission, non-leaf
 * entries allow everything (the leaf decides), leaves carry the caller's permissions and memory
 * type; there is no PAT bit (the leaf's memory type and "ignore PAT" bit say it). */
static const struct pt_format ept_format = {
	.present = EPT_RWX,
	.large = EPT_LARGE,
	.table = EPT_RWX,
};

bool ept_init(struct ept *e)
{
	e->root = pmm_alloc_page();
	if (!e->root)
		log_error("ept: out of memory for the EPT root");
	return e->root != 0;
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

bool ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size, uint64_t flags)
{
	unsigned sizes = (e->allow_1g ? PT_SIZE_1G : 0) | (e->allow_2m ? PT_SIZE_2M : 0);

	if (!check_request(e, gpa, hpa, size, flags))
		return false;
	for (uint64_t off = 0; off < size;) {
		uint64_t step = pt_walk_map_one(&ept_format, e->root, gpa + off, hpa + off,
						size - off, flags, sizes);
		if (!step) {
			log_error("ept: out of memory for tables mapping GPA 0x%lx", gpa + off);
			return false;
		}
		off += step;
	}
	return true;
}

bool ept_lookup(const struct ept *e, uint64_t gpa, uint64_t *hpa, uint64_t *flags,
		uint64_t *page_size)
{
	return gpa < EPT_GPA_LIMIT &&
	       pt_walk_lookup(&ept_format, e->root, gpa, hpa, flags, page_size);
}

uint64_t ept_pointer(const struct ept *e)
{
	return e->root | (3ull << 3) | 6; /* walk length 4 - 1; WB */
}
