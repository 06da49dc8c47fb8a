/* lib/gdb_regs.h: the register layouts GDB expects from an x86 target, as one table per mode:
 * the order of the `g`/`G` packets and the numbers of `p`/`P` are the table's order, and the
 * target description sent for qXfer:features:read:target.xml is made from the same table (GDB
 * manual, Appendix G "Target Descriptions", G.5 "Standard Target Features": i386 features; the
 * names and order of org.gnu.gdb.i386.core are what GDB's i386_validate_tdesc_p checks). Pure
 * (host-tested). Where each value comes from is a gdb_src; vmx/gdb_vcpu.c reads it from the
 * vCPU's VMCS and saved registers, and the x87/SSE registers from its FXSAVE image. */
#ifndef LIB_GDB_REGS_H
#define LIB_GDB_REGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a register's value lives. The first 16 are the x86 encoding numbers of the general
 * registers (0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP, ... 15 R15). */
enum gdb_src {
	GDB_SRC_GPR0 = 0,
	GDB_SRC_RSP = 4,
	GDB_SRC_RIP = 16,
	GDB_SRC_RFLAGS,
	GDB_SRC_CS, GDB_SRC_SS, GDB_SRC_DS, GDB_SRC_ES, GDB_SRC_FS, GDB_SRC_GS,
	GDB_SRC_FS_BASE, GDB_SRC_GS_BASE,
	GDB_SRC_CR0, GDB_SRC_CR2, GDB_SRC_CR3, GDB_SRC_CR4, GDB_SRC_EFER,
	GDB_SRC_COUNT, /* the scalar ones above are gdb_regvals.v[]; the rest are in its fx[] */
	GDB_SRC_ST0 = GDB_SRC_COUNT, /* st0..st7: ST(i), 10 bytes */
	GDB_SRC_FCTRL = GDB_SRC_ST0 + 8,
	GDB_SRC_FSTAT, GDB_SRC_FTAG, GDB_SRC_FISEG, GDB_SRC_FIOFF, GDB_SRC_FOSEG, GDB_SRC_FOOFF,
	GDB_SRC_FOP,
	GDB_SRC_XMM0, /* xmm0..xmm15 */
	GDB_SRC_MXCSR = GDB_SRC_XMM0 + 16,
};

/* The FXSAVE image's size and the offsets GDB's registers come from (SDM Vol. 1, 10.5.1
 * "FXSAVE Area", Tables 10-2 and 10-3: the 32-bit and the 64-bit (FXSAVE64) formats). */
#define GDB_FX_BYTES 512
#define GDB_FX_MXCSR 24
#define GDB_FX_MXCSR_MASK 28
#define GDB_FX_ST0 32
#define GDB_FX_XMM0 160

/* One vCPU's registers as the stub reads and writes them: the scalar ones by gdb_src, and the
 * x87/SSE state as its FXSAVE image. fx64: the image is FXSAVE64's (FIP and FDP 64 bits wide,
 * no FCS/FDS), which the amd64 layout asks for; the caller sets it before reading. */
struct gdb_regvals {
	uint64_t v[GDB_SRC_COUNT];
	uint8_t fx[GDB_FX_BYTES];
	bool fx64;
};

struct gdb_reg {
	const char *name;
	uint16_t bits;      /* 32, 64, 80 (x87) or 128 (XMM) */
	const char *type;   /* a type GDB predefines (G.4 "Predefined Target Types") */
	uint8_t src;        /* enum gdb_src */
	uint8_t feature;    /* index into the layout's features */
};

struct gdb_layout {
	const char *arch;   /* "i386" or "i386:x86-64" */
	const char *const *features; /* the feature names, in order */
	unsigned nfeatures;
	const struct gdb_reg *regs;
	unsigned count;
	bool fx64; /* the FXSAVE64 image (amd64): fiseg/foseg are FIP/FDP's bits 63:32 */
};

/* The layout for a guest in 64-bit mode (EFER.LMA and CS.L), or the i386 one otherwise. */
const struct gdb_layout *gdb_layout_for(bool long_mode);

/* The amd64 name of a register by where it lives ("rax", "cs", "cr3", "xmm1"), for messages. */
const char *gdb_src_name(unsigned src);

/* Bytes the `g` packet holds for the whole layout (each register bits / 8). */
size_t gdb_layout_bytes(const struct gdb_layout *l);
/* Register n as GDB sends it: little-endian, bits/8 bytes (values wider than 64 bits have
 * zeros above). */
void gdb_reg_put(const struct gdb_reg *r, uint64_t value, uint8_t *out);
uint64_t gdb_reg_get(const struct gdb_reg *r, const uint8_t *in);

/* Whether register r lives in the FXSAVE image. */
bool gdb_reg_is_fx(const struct gdb_reg *r);
/* Register r of `vals` in GDB's bytes (bits/8 of them), and back: a scalar into vals->v, an
 * x87/SSE register into vals->fx as FXSAVE keeps it. GDB's ftag is the full x87 tag word (two
 * bits a register), made from the image's abridged one and the registers' contents, and fop
 * is 11 bits; fiseg/foseg are the FCS/FDS selectors, or with fx64 FIP/FDP's upper halves (as
 * GDB's i387_supply_fxsave and amd64_supply_fxsave read an FXSAVE area). */
void gdb_reg_encode(const struct gdb_reg *r, const struct gdb_regvals *vals, uint8_t *out);
void gdb_reg_decode(const struct gdb_reg *r, const uint8_t *in, struct gdb_regvals *vals);
/* Whether FXRSTOR may load the image: a set MXCSR bit that MXCSR_MASK does not allow is #GP
 * (SDM Vol. 1, 11.6.6; a mask of 0 means 0xffbf). */
bool gdb_fx_loadable(const uint8_t *fx);

/* The target description document; its length, or 0 when buf (size bytes) is too small. */
size_t gdb_layout_xml(const struct gdb_layout *l, char *buf, size_t size);

#endif
