/* vmx/mmio_ranges.c: the VM's MMIO range table (see vmx/mmio_ranges.h). Pure. */
#include "lib/log.h"
#include "vmx/mmio_ranges.h"

bool mmio_ranges_register(struct mmio_ranges *t, const struct mmio_range *r)
{
	if (!r->size || r->base + r->size < r->base) {
		log_error("mmio: %s: bad range 0x%lx+0x%lx", r->name, r->base, r->size);
		return false;
	}
	for (unsigned i = 0; i < t->count; i++) {
		const struct mmio_range *o = &t->range[i];
		if (r->base < o->base + o->size && o->base < r->base + r->size) {
			log_error("mmio: %s at 0x%lx+0x%lx overlaps %s at 0x%lx+0x%lx", r->name,
				  r->base, r->size, o->name, o->base, o->size);
			return false;
		}
	}
	if (t->count == MMIO_RANGES_MAX) {
		log_error("mmio: range table full, %s not registered", r->name);
		return false;
	}
	t->range[t->count++] = *r;
	return true;
}

const struct mmio_range *mmio_ranges_find(const struct mmio_ranges *t, uint64_t gpa)
{
	for (unsigned i = 0; i < t->count; i++)
		if (gpa >= t->range[i].base && gpa - t->range[i].base < t->range[i].size)
			return &t->range[i];
	return 0;
}
