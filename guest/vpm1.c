/* guest/vpm1.c: the ACPI PM1a event block (status, enable); see guest/vpm1.h. Pure. */
#include "guest/vpm1.h"

void vpm1_evt_init(struct vpm1_evt *e, uint16_t base)
{
	*e = (struct vpm1_evt){ .base = base };
}

/* The block as one little-endian 32-bit value: status in bytes 0-1 (always 0), enable in 2-3. */
static uint32_t block_value(const struct vpm1_evt *e)
{
	return (uint32_t)e->enable << 16;
}

static uint32_t size_mask(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static uint32_t vpm1_read(void *dev, uint16_t port, unsigned size)
{
	const struct vpm1_evt *e = dev;
	unsigned off = (unsigned)(port - e->base);

	/* An access past the block's end reads the missing bytes as zero. */
	return (uint32_t)((uint64_t)block_value(e) >> (8 * off)) & size_mask(size);
}

static void vpm1_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct vpm1_evt *e = dev;
	unsigned off = (unsigned)(port - e->base);
	uint64_t mask = (uint64_t)size_mask(size) << (8 * off);
	uint64_t v = (uint64_t)value << (8 * off);
	uint32_t en_mask = (uint32_t)(mask >> 16) & 0xffff;

	/* Bytes 0-1 (status) are write-1-to-clear of bits that are never set. */
	e->enable = (uint16_t)((e->enable & ~en_mask) | ((uint32_t)(v >> 16) & en_mask & VPM1_EN_BITS));
}

struct port_range vpm1_evt_ports(struct vpm1_evt *e, const char *name)
{
	return (struct port_range){ e->base, (uint16_t)(e->base + 3), name, vpm1_read, vpm1_write,
				    e };
}
