/* lib/gdb_seg.h: what GDB's write of a segment selector loads into the segment's hidden part
 * (base, limit, access rights), from the descriptor the selector names, with the checks of the
 * instruction that would load it: MOV to DS/ES/FS/GS/SS (SDM Vol. 2B, "MOV—Move", Protected
 * Mode Exceptions) and, for CS, a far JMP to a code segment (Vol. 2A, "JMP", its Operation);
 * descriptor fields as SDM Vol. 3A, 3.4.5 "Segment Descriptors". A CS write must keep the mode
 * (the L and D bits), which GDB's register layout was chosen by. The access rights are the
 * VMCS's format (SDM Vol. 3C, 25.4.1, Table 25-2). Pure (host-tested, tests/unit/test_gdb_seg.c);
 * vmx/gdb_vcpu.c reads the descriptor through the guest's GDT or LDT and writes the VMCS. */
#ifndef LIB_GDB_SEG_H
#define LIB_GDB_SEG_H

#include <stdbool.h>
#include <stdint.h>

#define GDB_SEG_AR_UNUSABLE (1u << 16)
#define GDB_SEG_AR_L (1u << 13)
#define GDB_SEG_AR_DB (1u << 14)

/* The VMCS's order of the guest segment fields (SDM Vol. 3D, Appendix B). */
enum gdb_seg_reg { GDB_SEG_ES, GDB_SEG_CS, GDB_SEG_SS, GDB_SEG_DS, GDB_SEG_FS, GDB_SEG_GS };

struct gdb_seg {
	uint16_t sel;
	uint64_t base;
	uint32_t limit; /* in bytes, as the VMCS has it */
	uint32_t ar;
};

/* Where the write happens: the CPL (SS.DPL, as VMX keeps it) and the current CS's access rights. */
struct gdb_seg_now {
	unsigned cpl;
	uint32_t cs_ar;
};

/* Selector `sel` for register `reg` in protected mode, with `desc` the 8 bytes of the descriptor
 * it names (read by the caller from the GDT or LDT; sel is not null). True with *out, the
 * accessed bit set as the CPU sets it on a load; false with *why when the instruction would
 * fault (#GP, #SS, #NP) or a CS write would change the mode. */
bool gdb_seg_load(enum gdb_seg_reg reg, uint16_t sel, uint64_t desc, const struct gdb_seg_now *now,
		  struct gdb_seg *out, const char **why);
/* A null selector (0-3): DS, ES, FS and GS become unusable (base 0, as Intel CPUs leave it in
 * 64-bit mode); CS and SS are refused (a null SS is allowed only in 64-bit mode, and GDB has
 * no need of it). */
bool gdb_seg_null(enum gdb_seg_reg reg, uint16_t sel, struct gdb_seg *out, const char **why);
/* Whether sel is a null selector (index 0 in the GDT). */
static inline bool gdb_seg_is_null(uint16_t sel)
{
	return (sel & ~3u) == 0;
}

#endif
