/* lib/gdb_bp.c: the breakpoint table and DR7 (see lib/gdb_bp.h). */
#include "lib/gdb_bp.h"

struct gdb_sw_bp *gdb_sw_find(struct gdb_bps *b, uint64_t addr)
{
	for (unsigned i = 0; i < GDB_SW_BP_MAX; i++)
		if (b->sw[i].used && b->sw[i].addr == addr)
			return &b->sw[i];
	return 0;
}

struct gdb_sw_bp *gdb_sw_add(struct gdb_bps *b, uint64_t addr)
{
	if (gdb_sw_find(b, addr))
		return 0;
	for (unsigned i = 0; i < GDB_SW_BP_MAX; i++)
		if (!b->sw[i].used) {
			b->sw[i] = (struct gdb_sw_bp){ addr, 0, true };
			return &b->sw[i];
		}
	return 0;
}

static bool hw_shape_ok(enum gdb_bp_type type, uint64_t addr, unsigned len)
{
	if (type == GDB_BP_HW)
		return len == 1 || len == 0; /* GDB sends the breakpoint's kind, 1 on x86 */
	if (type != GDB_WATCH_WRITE && type != GDB_WATCH_ACCESS)
		return false;
	return (len == 1 || len == 2 || len == 4 || len == 8) && !(addr & (len - 1));
}

bool gdb_hw_add(struct gdb_bps *b, enum gdb_bp_type type, uint64_t addr, unsigned len,
		unsigned *slot)
{
	if (!hw_shape_ok(type, addr, len))
		return false;
	if (type == GDB_BP_HW)
		len = 1;
	int free = -1;
	for (unsigned i = 0; i < GDB_HW_BP_MAX; i++) {
		const struct gdb_hw_bp *h = &b->hw[i];
		if (h->used && h->type == type && h->addr == addr && h->len == len) {
			*slot = i;
			return true;
		}
		if (!h->used && free < 0)
			free = (int)i;
	}
	if (free < 0)
		return false;
	b->hw[free] = (struct gdb_hw_bp){ addr, (uint8_t)type, (uint8_t)len, true };
	*slot = (unsigned)free;
	return true;
}

bool gdb_hw_remove(struct gdb_bps *b, enum gdb_bp_type type, uint64_t addr, unsigned len)
{
	if (type == GDB_BP_HW)
		len = 1;
	for (unsigned i = 0; i < GDB_HW_BP_MAX; i++) {
		struct gdb_hw_bp *h = &b->hw[i];
		if (h->used && h->type == type && h->addr == addr && h->len == len) {
			h->used = false;
			return true;
		}
	}
	return false;
}

/* R/W: 00 execution, 01 data writes, 11 data reads or writes. LEN: 00 one byte, 01 two,
 * 11 four, 10 eight (18.2.4). */
uint64_t gdb_hw_dr7(const struct gdb_bps *b)
{
	uint64_t dr7 = 0x400;
	bool any = false;

	for (unsigned i = 0; i < GDB_HW_BP_MAX; i++) {
		const struct gdb_hw_bp *h = &b->hw[i];
		if (!h->used)
			continue;
		uint64_t rw = h->type == GDB_BP_HW ? 0 : h->type == GDB_WATCH_WRITE ? 1 : 3;
		uint64_t len = h->len == 1 ? 0 : h->len == 2 ? 1 : h->len == 8 ? 2 : 3;
		dr7 |= 1ull << (2 * i) | rw << (16 + 4 * i) | len << (18 + 4 * i);
		any = true;
	}
	return any ? dr7 | 0x300 : dr7;
}

int gdb_hw_hit(const struct gdb_bps *b, uint64_t dr6_bits)
{
	for (unsigned i = 0; i < GDB_HW_BP_MAX; i++)
		if (b->hw[i].used && (dr6_bits & (1ull << i)))
			return (int)i;
	return -1;
}
