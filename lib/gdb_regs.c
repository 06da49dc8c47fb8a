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

#define X87()                                                                             \
	{ "st0", 80, "i387_ext", GDB_SRC_ZERO, F_CORE }, { "st1", 80, "i387_ext", GDB_SRC_ZERO, F_CORE }, \
	{ "st2", 80, "i387_ext", GDB_SRC_ZERO, F_CORE }, { "st3", 80, "i387_ext", GDB_SRC_ZERO, F_CORE }, \
	{ "st4", 80, "i387_ext", GDB_SRC_ZERO, F_CORE }, { "st5", 80, "i387_ext", GDB_SRC_ZERO, F_CORE }, \
	{ "st6", 80, "i387_ext", GDB_SRC_ZERO, F_CORE }, { "st7", 80, "i387_ext", GDB_SRC_ZERO, F_CORE }, \
	{ "fctrl", 32, "int", GDB_SRC_ZERO, F_CORE }, { "fstat", 32, "int", GDB_SRC_ZERO, F_CORE },     \
	{ "ftag", 32, "int", GDB_SRC_ZERO, F_CORE }, { "fiseg", 32, "int", GDB_SRC_ZERO, F_CORE },      \
	{ "fioff", 32, "int", GDB_SRC_ZERO, F_CORE }, { "foseg", 32, "int", GDB_SRC_ZERO, F_CORE },     \
	{ "fooff", 32, "int", GDB_SRC_ZERO, F_CORE }, { "fop", 32, "int", GDB_SRC_ZERO, F_CORE }

#define XMM(n) { "xmm" #n, 128, "uint128", GDB_SRC_ZERO, F_SSE }
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
	{ "mxcsr", 32, "int", GDB_SRC_ZERO, F_SSE },
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
	{ "mxcsr", 32, "int", GDB_SRC_ZERO, F_SSE },
	{ "fs_base", 32, "int", GDB_SRC_FS_BASE, F_SYS },
	{ "gs_base", 32, "int", GDB_SRC_GS_BASE, F_SYS },
	{ "cr0", 32, "int", GDB_SRC_CR0, F_SYS }, { "cr2", 32, "int", GDB_SRC_CR2, F_SYS },
	{ "cr3", 32, "int", GDB_SRC_CR3, F_SYS }, { "cr4", 32, "int", GDB_SRC_CR4, F_SYS },
	{ "efer", 64, "int", GDB_SRC_EFER, F_SYS },
};

static const struct gdb_layout layout64 = { "i386:x86-64", features64, ARRAY_SIZE(features64),
					     regs64, ARRAY_SIZE(regs64) };
static const struct gdb_layout layout32 = { "i386", features32, ARRAY_SIZE(features32), regs32,
					     ARRAY_SIZE(regs32) };

const struct gdb_layout *gdb_layout_for(bool long_mode)
{
	return long_mode ? &layout64 : &layout32;
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
			add(&x, "%s<feature name=\"%s\">", feature < 0 ? "" : "</feature>",
			    l->features[r->feature]);
			feature = r->feature;
		}
		add(&x, "<reg name=\"%s\" bitsize=\"%u\" type=\"%s\"%s/>", r->name, r->bits,
		    r->type, r->feature == F_SYS ? " group=\"system\"" : "");
	}
	add(&x, "</feature></target>");
	return x.full ? 0 : x.at;
}
