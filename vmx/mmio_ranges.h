/* vmx/mmio_ranges.h: a VM's table of emulated MMIO ranges, the memory counterpart of the port
 * table (vmx/io_ports.h). Devices register the guest-physical ranges they answer when the VM
 * is built; the ranges stay unmapped in the EPT, so each access is an EPT violation, and the
 * handler (vmx/ept.c) decodes the instruction (vmx/mmio_decode.c) and dispatches through the
 * table without naming a device. Filled before any vCPU runs, only read afterwards. Pure. */
#ifndef VMX_MMIO_RANGES_H
#define VMX_MMIO_RANGES_H

#include <stdbool.h>
#include <stdint.h>

#define MMIO_RANGES_MAX 4

/* `offset` from the range's base; `size` 1, 2, 4 or 8. */
typedef uint64_t (*mmio_read_fn)(void *dev, uint64_t offset, unsigned size);
typedef void (*mmio_write_fn)(void *dev, uint64_t offset, unsigned size, uint64_t value);

struct mmio_range {
	uint64_t base, size;
	const char *name;
	mmio_read_fn read;
	mmio_write_fn write;
	void *dev;
};

struct mmio_ranges {
	struct mmio_range range[MMIO_RANGES_MAX];
	unsigned count;
};

/* False (and logged) for an empty range, an overlap or a full table. */
bool mmio_ranges_register(struct mmio_ranges *t, const struct mmio_range *r);
/* The range holding `gpa`, or NULL. */
const struct mmio_range *mmio_ranges_find(const struct mmio_ranges *t, uint64_t gpa);

#endif
