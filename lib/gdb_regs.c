/* lib/gdb_regs.c: the amd64 and i386 register tables and their target descriptions (see
 * lib/gdb_regs.h). */
#include <stdarg.h>

#include "lib/array.h"
#include "lib/gdb_regs.h"
#include "lib/printf.h"
#include "lib/string.h"

enum { F_CORE, F_SSE, F_SEGMENTS, F_SYS };

static const char *const features64[] = { "org.gnu.gdb.i386.core", "org.gnu.gdb.i386.sse",
					  "org.gnu.gdb.i386.segments", "org.gnu.gdb.i386.sys" };
static const char *const features32[] = { "org.gnu.gdb.i386.core", "org.gnu.gdb.i386.sse",
					  "org.gnu.gdb.i386.segments", "org.gnu.gdb.i386.sys" };

#define ST(n) { "st" #n, 80, "i387_ext", GDB_SRC_ST0 + n, F_CORE }
#define FPU(name, src) { name, 32, "int", src, F_CORE }
#define X87()                                                                             \
	ST(0), ST(1), ST(2), ST(3), ST(4), ST(5), ST(6), ST(7),                                \
	FPU("fctrl", GDB_SRC_FCTRL), FPU("fstat", GDB_SRC_FSTAT), FPU("ftag", GDB_SRC_FTAG),    \
	FPU("fiseg", GDB_SRC_FISEG), FPU("fioff", GDB_SRC_FIOFF), FPU("foseg", GDB_SRC_FOSEG),  \
	FPU("fooff", GDB_SRC_FOOFF), FPU("fop", GDB_SRC_FOP)

/* vec128 is the union GDB's own 32bit-sse.xml/64bit-sse.xml give XMM registers, declared in
 * the sse feature below (gdb_layout_xml). */
#define XMM(n) { "xmm" #n, 128, "vec128", GDB_SRC_XMM0 + n, F_SSE }
#define SEG(name, src, bits) { name, bits, "int32", src, F_CORE }

/* GDB's amd64 order (gdb/features/i386/64bit-core.xml): RAX RBX RCX RDX RSI RDI RBP RSP. */
static const struct gdb_reg regs64[] = {
	{ "rax", 64, "int64", 0, F_CORE }, { "rbx", 64, "int64", 3, F_CORE },
	{ "rcx", 64, "int64", 1, F_CORE }, { "rdx", 64, "int64", 2, F_CORE },
	{ "rsi", 64, "int64", 6, F_CORE }, { "rdi", 64, "int64", 7, F_CORE },
	{ "rbp", 64, "data_ptr", 5, F_CORE }, { "rsp", 64, "data_ptr", 4, F_CORE },
	{ "r8", 64, "int64", 8, F_CORE }, { "r9", 64, "int64", 9, F_CORE },
	{ "r10", 64, "int64", 10, F_CORE }, { "r11", 64, "int64", 11, F_CORE },
	{ "r12", 64, "int64", 12, F_CORE }, { "r13", 64, "int64", 13, F_CORE },
	{ "r14", 64, "int64", 14, F_CORE }, { "r15", 64, "int64", 15, F_CORE },
	{ "rip", 64, "code_ptr", GDB_SRC_RIP, F_CORE },
	{ "eflags", 32, "int32", GDB_SRC_RFLAGS, F_CORE },
	SEG("cs", GDB_SRC_CS, 32), SEG("ss", GDB_SRC_SS, 32), SEG("ds", GDB_SRC_DS, 32),
	SEG("es", GDB_SRC_ES, 32), SEG("fs", GDB_SRC_FS, 32), SEG("gs", GDB_SRC_GS, 32),
	X87(),
	XMM(0), XMM(1), XMM(2), XMM(3), XMM(4), XMM(5), XMM(6), XMM(7),
	XMM(8), XMM(9), XMM(10), XMM(11), XMM(12), XMM(13), XMM(14), XMM(15),
	{ "mxcsr", 32, "int", GDB_SRC_MXCSR, F_SSE },
	{ "fs_base", 64, "int", GDB_SRC_FS_BASE, F_SEGMENTS },
	{ "gs_base", 64, "int", GDB_SRC_GS_BASE, F_SEGMENTS },
	{ "cr0", 64, "int", GDB_SRC_CR0, F_SYS }, { "cr2", 64, "int", GDB_SRC_CR2, F_SYS },
	{ "cr3", 64, "int", GDB_SRC_CR3, F_SYS }, { "cr4", 64, "int", GDB_SRC_CR4, F_SYS },
	{ "efer", 64, "int", GDB_SRC_EFER, F_SYS },
};

/* GDB's i386 order (gdb/features/i386/32bit-core.xml) is the encoding order. */
static const struct gdb_reg regs32[] = {
	{ "eax", 32, "int32", 0, F_CORE }, { "ecx", 32, "int32", 1, F_CORE },
	{ "edx", 32, "int32", 2, F_CORE }, { "ebx", 32, "int32", 3, F_CORE },
	{ "esp", 32, "data_ptr", 4, F_CORE }, { "ebp", 32, "data_ptr", 5, F_CORE },
	{ "esi", 32, "int32", 6, F_CORE }, { "edi", 32, "int32", 7, F_CORE },
	{ "eip", 32, "code_ptr", GDB_SRC_RIP, F_CORE },
	{ "eflags", 32, "int32", GDB_SRC_RFLAGS, F_CORE },
	SEG("cs", GDB_SRC_CS, 32), SEG("ss", GDB_SRC_SS, 32), SEG("ds", GDB_SRC_DS, 32),
	SEG("es", GDB_SRC_ES, 32), SEG("fs", GDB_SRC_FS, 32), SEG("gs", GDB_SRC_GS, 32),
	X87(),
	XMM(0), XMM(1), XMM(2), XMM(3), XMM(4), XMM(5), XMM(6), XMM(7),
	{ "mxcsr", 32, "int", GDB_SRC_MXCSR, F_SSE },
	{ "fs_base", 32, "int", GDB_SRC_FS_BASE, F_SYS },
	{ "gs_base", 32, "int", GDB_SRC_GS_BASE, F_SYS },
	{ "cr0", 32, "int", GDB_SRC_CR0, F_SYS }, { "cr2", 32, "int", GDB_SRC_CR2, F_SYS },
	{ "cr3", 32, "int", GDB_SRC_CR3, F_SYS }, { "cr4", 32, "int", GDB_SRC_CR4, F_SYS },
	{ "efer", 64, "int", GDB_SRC_EFER, F_SYS },
};

static const struct gdb_layout layout64 = { "i386:x86-64", features64, ARRAY_SIZE(features64),
					     regs64, ARRAY_SIZE(regs64), true };
static const struct gdb_layout layout32 = { "i386", features32, ARRAY_SIZE(features32), regs32,
					     ARRAY_SIZE(regs32), false };

const struct gdb_layout *gdb_layout_for(bool long_mode)
{
	return long_mode ? &layout64 : &layout32;
}

const char *gdb_src_name(unsigned src)
{
	for (unsigned i = 0; i < layout64.count; i++)
		if (layout64.regs[i].src == src)
			return layout64.regs[i].name;
	return "?";
}

size_t gdb_layout_bytes(const struct gdb_layout *l)
{
	size_t n = 0;

	for (unsigned i = 0; i < l->count; i++)
		n += l->regs[i].bits / 8;
	return n;
}

void gdb_reg_put(const struct gdb_reg *r, uint64_t value, uint8_t *out)
{
	for (unsigned i = 0; i < r->bits / 8u; i++)
		out[i] = i < 8 ? (uint8_t)(value >> (8 * i)) : 0;
}

uint64_t gdb_reg_get(const struct gdb_reg *r, const uint8_t *in)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < r->bits / 8u && i < 8; i++)
		v |= (uint64_t)in[i] << (8 * i);
	return v;
}

bool gdb_reg_is_fx(const struct gdb_reg *r)
{
	return r->src >= GDB_SRC_COUNT;
}

static uint32_t le(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static void put_le(uint8_t *p, unsigned n, uint32_t v)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The tag of an 80-bit register by its contents, as FSAVE would store it: 0 valid, 1 zero,
 * 2 special (NaN, infinity, denormal, unnormal), 3 empty (SDM Vol. 1, 8.1.7 "x87 FPU Tag
 * Word"; the same classification as GDB's i387_tag). */
static unsigned x87_tag(const uint8_t *raw)
{
	unsigned exponent = ((raw[9] & 0x7fu) << 8) | raw[8];
	bool integer = raw[7] & 0x80;
	bool fraction = le(raw, 4) || (le(raw + 4, 4) & 0x7fffffffu);

	if (exponent == 0x7fff)
		return 2;
	if (exponent == 0)
		return !fraction && !integer ? 1 : 2;
	return integer ? 0 : 2;
}

/* FXSAVE keeps one bit per physical register (1 not empty, SDM Vol. 1, 10.5.1); the full word
 * has two bits per physical register, and physical register p is ST((p - TOP) mod 8). */
static uint32_t full_tag(const uint8_t *fx)
{
	unsigned top = (le(fx + 2, 2) >> 11) & 7;
	uint32_t tag = 0;

	for (unsigned p = 0; p < 8; p++) {
		unsigned st = (p + 8 - top) % 8;
		unsigned t = (fx[4] >> p) & 1 ? x87_tag(fx + GDB_FX_ST0 + 16 * st) : 3;
		tag |= t << (2 * p);
	}
	return tag;
}

static uint8_t abridged_tag(uint32_t tag)
{
	uint8_t a = 0;

	for (unsigned p = 0; p < 8; p++)
		if (((tag >> (2 * p)) & 3) != 3)
			a |= (uint8_t)(1u << p);
	return a;
}

/* Where an x87/SSE control register is in the image, and how many bytes it has there. */
static unsigned fx_field(const struct gdb_reg *r, bool fx64, unsigned *n)
{
	*n = 4;
	switch (r->src) {
	case GDB_SRC_FCTRL: *n = 2; return 0;
	case GDB_SRC_FSTAT: *n = 2; return 2;
	case GDB_SRC_FOP: *n = 2; return 6;
	case GDB_SRC_FIOFF: return 8;
	case GDB_SRC_FISEG: *n = fx64 ? 4 : 2; return 12;
	case GDB_SRC_FOOFF: return 16;
	case GDB_SRC_FOSEG: *n = fx64 ? 4 : 2; return 20;
	default: return GDB_FX_MXCSR;
	}
}

static void fx_encode(const struct gdb_reg *r, const struct gdb_regvals *vals, uint8_t *out)
{
	const uint8_t *fx = vals->fx;
	unsigned n, off;

	if (r->src >= GDB_SRC_ST0 && r->src < GDB_SRC_ST0 + 8) {
		memcpy(out, fx + GDB_FX_ST0 + 16 * (r->src - GDB_SRC_ST0), 10);
	} else if (r->src >= GDB_SRC_XMM0 && r->src < GDB_SRC_XMM0 + 16) {
		memcpy(out, fx + GDB_FX_XMM0 + 16 * (r->src - GDB_SRC_XMM0), 16);
	} else if (r->src == GDB_SRC_FTAG) {
		put_le(out, 4, full_tag(fx));
	} else {
		off = fx_field(r, vals->fx64, &n);
		uint32_t v = le(fx + off, n);
		put_le(out, 4, r->src == GDB_SRC_FOP ? v & 0x7ff : v);
	}
}

/* Bits the image has beyond GDB's register stay as they were (fop's upper five, the bytes after
 * a 16-bit selector). */
static void fx_decode(const struct gdb_reg *r, const uint8_t *in, struct gdb_regvals *vals)
{
	uint8_t *fx = vals->fx;
	unsigned n, off;

	if (r->src >= GDB_SRC_ST0 && r->src < GDB_SRC_ST0 + 8) {
		memcpy(fx + GDB_FX_ST0 + 16 * (r->src - GDB_SRC_ST0), in, 10);
	} else if (r->src >= GDB_SRC_XMM0 && r->src < GDB_SRC_XMM0 + 16) {
		memcpy(fx + GDB_FX_XMM0 + 16 * (r->src - GDB_SRC_XMM0), in, 16);
	} else if (r->src == GDB_SRC_FTAG) {
		fx[4] = abridged_tag(le(in, 4));
	} else {
		off = fx_field(r, vals->fx64, &n);
		uint32_t v = le(in, n);
		if (r->src == GDB_SRC_FOP)
			v = (v & 0x7ff) | (le(fx + off, 2) & ~0x7ffu);
		put_le(fx + off, n, v);
	}
}

void gdb_reg_encode(const struct gdb_reg *r, const struct gdb_regvals *vals, uint8_t *out)
{
	if (gdb_reg_is_fx(r))
		fx_encode(r, vals, out);
	else
		gdb_reg_put(r, vals->v[r->src], out);
}

void gdb_reg_decode(const struct gdb_reg *r, const uint8_t *in, struct gdb_regvals *vals)
{
	if (gdb_reg_is_fx(r))
		fx_decode(r, in, vals);
	else
		vals->v[r->src] = gdb_reg_get(r, in);
}

bool gdb_fx_loadable(const uint8_t *fx)
{
	uint32_t mask = le(fx + GDB_FX_MXCSR_MASK, 4);

	return !(le(fx + GDB_FX_MXCSR, 4) & ~(mask ? mask : 0xffbfu));
}

struct xml {
	char *buf;
	size_t at, size;
	bool full;
};

static void add(struct xml *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct xml *x, const char *fmt, ...)
{
	va_list ap;

	if (x->full)
		return;
	va_start(ap, fmt);
	size_t len = fmt_vsnprintf(x->buf + x->at, x->size - x->at, fmt, ap);
	va_end(ap);
	if (len + 1 >= x->size - x->at) /* it filled the buffer: perhaps cut short */
		x->full = true;
	else
		x->at += (size_t)len;
}

/* The types of GDB's own sse feature (gdb/features/i386/32bit-sse.xml): XMM registers as
 * floats, doubles or integers of each width (G.3 "Predefined Target Types" has the elements). */
static const char vec128[] =
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
	"<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
	"<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"
	"<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>"
	"<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/>"
	"</union>";

/* Registers are numbered in document order from 0, which is the table's order (G.2 "Target
 * Description Format": a reg without regnum takes the one after the previous). */
size_t gdb_layout_xml(const struct gdb_layout *l, char *buf, size_t size)
{
	struct xml x = { buf, 0, size, size == 0 };
	int feature = -1;

	add(&x, "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
		"<target version=\"1.0\"><architecture>%s</architecture>", l->arch);
	for (unsigned i = 0; i < l->count; i++) {
		const struct gdb_reg *r = &l->regs[i];
		if (r->feature != feature) {
			add(&x, "%s<feature name=\"%s\">%s", feature < 0 ? "" : "</feature>",
			    l->features[r->feature], r->feature == F_SSE ? vec128 : "");
			feature = r->feature;
		}
		add(&x, "<reg name=\"%s\" bitsize=\"%u\" type=\"%s\"%s/>", r->name, r->bits,
		    r->type, r->feature == F_SYS ? " group=\"system\"" : "");
	}
	add(&x, "</feature></target>");
	return x.full ? 0 : x.at;
}
