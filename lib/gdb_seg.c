/* lib/gdb_seg.c: a segment selector's hidden part from its descriptor (see lib/gdb_seg.h). */
#include "lib/gdb_seg.h"

#define TYPE_ACCESSED 1u
#define TYPE_WRITABLE 2u /* data; for code: readable */
#define TYPE_CONFORMING 4u /* code; for data: expand-down */
#define TYPE_CODE 8u

static struct gdb_seg decode(uint16_t sel, uint64_t d)
{
	uint32_t limit = (uint32_t)(d & 0xffff) | (uint32_t)((d >> 32) & 0xf0000);
	uint32_t ar = (uint32_t)((d >> 40) & 0xff) | (uint32_t)(((d >> 52) & 0xf) << 12);

	if (d & (1ull << 55)) /* G: 4 KiB units */
		limit = (limit << 12) | 0xfff;
	return (struct gdb_seg){ sel,
				 ((d >> 16) & 0xffffff) | (((d >> 56) & 0xff) << 24),
				 limit, ar | TYPE_ACCESSED };
}

static bool refuse(const char **why, const char *text)
{
	*why = text;
	return false;
}

static bool check_code(struct gdb_seg *s, unsigned rpl, const struct gdb_seg_now *now,
		       const char **why)
{
	unsigned type = s->ar & 15, dpl = (s->ar >> 5) & 3;

	if (!(type & TYPE_CODE))
		return refuse(why, "not a code segment");
	if ((type & TYPE_CONFORMING) ? dpl > now->cpl : rpl > now->cpl || dpl != now->cpl)
		return refuse(why, "its privilege level does not allow it (#GP)");
	if ((s->ar ^ now->cs_ar) & (GDB_SEG_AR_L | GDB_SEG_AR_DB))
		return refuse(why, "it would change the code's mode (L, D)");
	s->sel = (uint16_t)((s->sel & ~3u) | now->cpl); /* CS.RPL is the CPL */
	return true;
}

static bool check_stack(const struct gdb_seg *s, unsigned rpl, const struct gdb_seg_now *now,
			const char **why)
{
	unsigned type = s->ar & 15, dpl = (s->ar >> 5) & 3;

	if ((type & TYPE_CODE) || !(type & TYPE_WRITABLE))
		return refuse(why, "not a writable data segment (#GP)");
	if (rpl != now->cpl || dpl != now->cpl)
		return refuse(why, "its RPL or DPL is not the CPL (#GP)");
	return true;
}

static bool check_data(const struct gdb_seg *s, unsigned rpl, const struct gdb_seg_now *now,
		       const char **why)
{
	unsigned type = s->ar & 15, dpl = (s->ar >> 5) & 3;
	bool conforming_code = (type & TYPE_CODE) && (type & TYPE_CONFORMING);

	if ((type & TYPE_CODE) && !(type & TYPE_WRITABLE))
		return refuse(why, "execute-only code (#GP)");
	if (!conforming_code && (rpl > dpl || now->cpl > dpl))
		return refuse(why, "its privilege level does not allow it (#GP)");
	return true;
}

bool gdb_seg_load(enum gdb_seg_reg reg, uint16_t sel, uint64_t desc, const struct gdb_seg_now *now,
		  struct gdb_seg *out, const char **why)
{
	struct gdb_seg s = decode(sel, desc);
	unsigned rpl = sel & 3;
	bool ok;

	if (!(s.ar & (1u << 4)))
		return refuse(why, "a system descriptor (#GP)");
	if (reg == GDB_SEG_CS)
		ok = check_code(&s, rpl, now, why);
	else if (reg == GDB_SEG_SS)
		ok = check_stack(&s, rpl, now, why);
	else
		ok = check_data(&s, rpl, now, why);
	if (!ok)
		return false;
	if (!(s.ar & (1u << 7)))
		return refuse(why, "not present (#NP or #SS)");
	*out = s;
	return true;
}

bool gdb_seg_null(enum gdb_seg_reg reg, uint16_t sel, struct gdb_seg *out, const char **why)
{
	if (reg == GDB_SEG_CS || reg == GDB_SEG_SS)
		return refuse(why, "a null selector in CS or SS (#GP)");
	*out = (struct gdb_seg){ sel, 0, 0, GDB_SEG_AR_UNUSABLE };
	return true;
}
