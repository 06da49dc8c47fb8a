/* lib/gdb_regs.h: the register layouts GDB expects from an x86 target, as one table per mode:
 * the order of the `g`/`G` packets and the numbers of `p`/`P` are the table's order, and the
 * target description sent for qXfer:features:read:target.xml is made from the same table (GDB
 * manual, Appendix G "Target Descriptions", G.5 "Standard Target Features": i386 features; the
 * names and order of org.gnu.gdb.i386.core are what GDB's i386_validate_tdesc_p checks). Pure
 * (host-tested). Where each value comes from is a gdb_src; vmx/gdb_vcpu.c reads it from the
 * vCPU's VMCS and saved registers. */
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
	GDB_SRC_ZERO, /* x87 and SSE state: not read (reads as 0, writes ignored; README) */
	GDB_SRC_COUNT
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
};

/* The layout for a guest in 64-bit mode (EFER.LMA and CS.L), or the i386 one otherwise. */
const struct gdb_layout *gdb_layout_for(bool long_mode);

/* Bytes the `g` packet holds for the whole layout (each register bits / 8). */
size_t gdb_layout_bytes(const struct gdb_layout *l);
/* Register n as GDB sends it: little-endian, bits/8 bytes (values wider than 64 bits have
 * zeros above). */
void gdb_reg_put(const struct gdb_reg *r, uint64_t value, uint8_t *out);
uint64_t gdb_reg_get(const struct gdb_reg *r, const uint8_t *in);

/* The target description document; its length, or 0 when buf (size bytes) is too small. */
size_t gdb_layout_xml(const struct gdb_layout *l, char *buf, size_t size);

#endif
