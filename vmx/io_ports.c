/* vmx/io_ports.c: the port table (see vmx/io_ports.h). Pure; the I/O exit handler calls it on the
 * vCPU's own CPU. The table is filled before any vCPU runs and only read afterwards. It is kept
 * sorted by first port, so an exit finds its device by bisection: its cost does not grow with the
 * number of devices (make bench's port read). */
#include "lib/log.h"
#include "vmx/io_ports.h"

static uint32_t all_ones(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

bool io_ports_register(struct io_ports *t, const struct port_range *r)
{
	if (r->first > r->last) {
		log_error("io: %s: empty port range 0x%x-0x%x", r->name, r->first, r->last);
		return false;
	}
	for (unsigned i = 0; i < t->count; i++) {
		if (r->first <= t->range[i].last && t->range[i].first <= r->last) {
			log_error("io: %s at ports 0x%x-0x%x overlaps %s at 0x%x-0x%x", r->name,
				  r->first, r->last, t->range[i].name, t->range[i].first,
				  t->range[i].last);
			return false;
		}
	}
	if (t->count == IO_PORTS_MAX) {
		log_error("io: port table full, %s not registered", r->name);
		return false;
	}
	unsigned at = t->count;
	while (at > 0 && t->range[at - 1].first > r->first) {
		t->range[at] = t->range[at - 1];
		at--;
	}
	t->range[at] = *r;
	t->count++;
	return true;
}

bool io_ports_register_all(struct io_ports *t, const struct port_range *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!io_ports_register(t, &r[i]))
			return false;
	return true;
}

const struct port_range *io_ports_find(const struct io_ports *t, uint16_t port)
{
	unsigned lo = 0, hi = t->count;

	while (lo < hi) { /* the range holding port is in [lo, hi) if any; ranges never overlap */
		unsigned mid = (lo + hi) / 2;
		if (port < t->range[mid].first)
			hi = mid;
		else if (port > t->range[mid].last)
			lo = mid + 1;
		else
			return &t->range[mid];
	}
	return 0;
}

uint32_t io_ports_read(const struct io_ports *t, uint16_t port, unsigned size, bool *claimed)
{
	const struct port_range *r = io_ports_find(t, port);

	*claimed = r != 0;
	if (!r || !r->read)
		return all_ones(size);
	return r->read(r->dev, port, size) & all_ones(size);
}

void io_ports_write(const struct io_ports *t, uint16_t port, unsigned size, uint32_t value,
		    bool *claimed)
{
	const struct port_range *r = io_ports_find(t, port);

	*claimed = r != 0;
	if (r && r->write)
		r->write(r->dev, port, size, value & all_ones(size));
}
