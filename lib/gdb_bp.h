/* lib/gdb_bp.h: GDB's breakpoints and watchpoints on an x86 target: the software breakpoints
 * (an INT3 written over a byte, which is kept) and the four debug-register slots with the DR7
 * value that arms them (SDM Vol. 3B, 18.2 "Debug Registers": 18.2.4 "Debug Control Register
 * (DR7)", 18.2.5 "Breakpoint Field Recognition"). Pure (host-tested). */
#ifndef LIB_GDB_BP_H
#define LIB_GDB_BP_H

#include <stdbool.h>
#include <stdint.h>

#define GDB_SW_BP_MAX 64
#define GDB_HW_BP_MAX 4
#define GDB_INT3 0xcc

/* The Z packet types (GDB manual E.4 "Packets": Z0..Z4). */
enum gdb_bp_type {
	GDB_BP_SW = 0,
	GDB_BP_HW = 1,
	GDB_WATCH_WRITE = 2,
	GDB_WATCH_READ = 3,
	GDB_WATCH_ACCESS = 4,
};

struct gdb_sw_bp {
	uint64_t addr;
	uint8_t saved; /* the byte the INT3 replaced */
	bool used;
};

struct gdb_hw_bp {
	uint64_t addr;
	uint8_t type; /* enum gdb_bp_type, 1..4 */
	uint8_t len;  /* 1, 2, 4 or 8 */
	bool used;
};

struct gdb_bps {
	struct gdb_sw_bp sw[GDB_SW_BP_MAX];
	struct gdb_hw_bp hw[GDB_HW_BP_MAX];
};

/* The software breakpoint at addr, or NULL. */
struct gdb_sw_bp *gdb_sw_find(struct gdb_bps *b, uint64_t addr);
/* A free entry for addr (its byte to be filled in by the caller), or NULL when full or already
 * there. */
struct gdb_sw_bp *gdb_sw_add(struct gdb_bps *b, uint64_t addr);

/* A debug-register slot for a Z1..Z4: false when every slot is taken, the type is one x86 has
 * no debug register for (read-only watchpoints: DR7's R/W has write and read-or-write only), or
 * the length/alignment cannot be matched (execution: length 1; data: 1, 2, 4 or 8 bytes at an
 * address aligned to it). The slot number in *slot. Inserting the same one twice takes one slot. */
bool gdb_hw_add(struct gdb_bps *b, enum gdb_bp_type type, uint64_t addr, unsigned len,
		unsigned *slot);
bool gdb_hw_remove(struct gdb_bps *b, enum gdb_bp_type type, uint64_t addr, unsigned len);
/* DR7 for the slots in use: Ln, R/Wn, LENn, and LE/GE (18.2.4 recommends them for exact data
 * breakpoints); 0x400 (bit 10 is reserved to 1) when none. */
uint64_t gdb_hw_dr7(const struct gdb_bps *b);
/* The first slot in use whose B bit (0..3) is set in a #DB's DR6-format bits, or -1. */
int gdb_hw_hit(const struct gdb_bps *b, uint64_t dr6_bits);

#endif
