/* lib/gdb_stub.h: GDB's remote serial protocol, all-stop, for a target whose threads are a VM's
 * vCPUs: the packets (GDB manual, Appendix E: E.4 "Packets", E.5 "Stop Reply Packets", E.9
 * "General Query Packets", E.11 "Packet Acknowledgment") decoded and answered through a table
 * of target operations. Pure (host-tested against a fake target, tests/unit/test_gdb_stub.c);
 * vmx/gdb_vm.c gives it the VM. Runs on one CPU at a time (the caller serialises). */
#ifndef LIB_GDB_STUB_H
#define LIB_GDB_STUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/gdb_bp.h"
#include "lib/gdb_packet.h"
#include "lib/gdb_regs.h"

/* Why the target stopped (the stop reply says so). */
enum gdb_stop_kind {
	GDB_STOP_INTERRUPT, /* Ctrl-C, or GDB's attach: SIGINT (2) */
	GDB_STOP_BREAK,     /* a software breakpoint of GDB's: SIGTRAP, swbreak */
	GDB_STOP_HWBREAK,   /* a debug-register execution breakpoint: SIGTRAP, hwbreak */
	GDB_STOP_WATCH,     /* a data watchpoint: SIGTRAP, watch/awatch:ADDR */
	GDB_STOP_STEP,      /* a single step ended: SIGTRAP */
};

struct gdb_stop {
	enum gdb_stop_kind kind;
	unsigned vcpu;
	uint64_t addr; /* GDB_STOP_WATCH: the watched address */
	bool access;   /* GDB_STOP_WATCH: an access (Z4) watchpoint, not a write one */
};

/* The target: every call but stop() and threads() comes while the target is stopped. vcpu is
 * a vCPU index (GDB's thread id minus 1). */
struct gdb_target_ops {
	unsigned (*threads)(void *ctx);
	/* The mode the layout is chosen by, asked once, at the first packet after attaching. */
	bool (*long_mode)(void *ctx);
	/* Every scalar gdb_src value of vCPU vcpu into vals->v and its x87/SSE state into vals->fx,
	 * in the format vals->fx64 asks for; false when it cannot be read. */
	bool (*read_regs)(void *ctx, unsigned vcpu, struct gdb_regvals *vals);
	/* One scalar register; false when the target refuses it (an error reply). */
	bool (*write_reg)(void *ctx, unsigned vcpu, enum gdb_src src, uint64_t value);
	/* The whole x87/SSE state from vals->fx (format vals->fx64), already gdb_fx_loadable. */
	bool (*write_fx)(void *ctx, unsigned vcpu, const struct gdb_regvals *vals);
	/* By guest-virtual address through vCPU vcpu's page tables: the bytes done, from the start
	 * (fewer than len where an unmapped page or the end of RAM comes). */
	size_t (*read_mem)(void *ctx, unsigned vcpu, uint64_t addr, uint8_t *buf, size_t len);
	size_t (*write_mem)(void *ctx, unsigned vcpu, uint64_t addr, const uint8_t *buf,
			    size_t len);
	/* Halt every vCPU (all-stop). */
	void (*stop)(void *ctx);
	/* Let them run again: all of them, or with `step` only vcpu, for one instruction. */
	void (*resume)(void *ctx, unsigned vcpu, bool step);
	/* The debug registers changed (bps->hw): every vCPU must load the slots and DR7. */
	bool (*set_hw)(void *ctx, const struct gdb_bps *bps);
	/* GDB attached (the first packet) or detached: intercept #BP/#DB or not. */
	void (*attach)(void *ctx, bool on);
	void (*kill)(void *ctx);
	/* Bytes for the line. */
	void (*send)(void *ctx, const char *bytes, size_t n);
};

/* How the VM ended (E.5 "Stop Reply Packets": W is an exit with a status, X one by a signal). */
struct gdb_end {
	bool signal;      /* X (else W) */
	uint8_t code;     /* the exit status or GDB's signal number */
	const char *why;  /* a line for GDB's console (an O packet first), or NULL */
};

struct gdb_stub {
	const struct gdb_target_ops *ops;
	void *ctx;
	struct gdb_rx rx;
	bool attached, running, no_ack;
	/* The VM ended: gone until it runs again (gdb_stub_running), owed until the GDB that was
	 * attached then has had the stop reply `end`. */
	bool gone, owed;
	struct gdb_end end;
	const struct gdb_layout *layout;
	unsigned g_vcpu, c_vcpu;
	struct gdb_stop last_stop;
	struct gdb_bps bps;
	size_t sent_len; /* the last packet framed, for a '-' (until acked) */
	char sent[2 * GDB_PACKET_MAX + 8];
	char reply[GDB_PACKET_MAX + 1];
	char xml[8192];
	size_t xml_len;
};

void gdb_stub_init(struct gdb_stub *s, const struct gdb_target_ops *ops, void *ctx);
/* A byte from the line. */
void gdb_stub_feed(struct gdb_stub *s, uint8_t c);
/* The target stopped by itself (a breakpoint, a step, a watchpoint) while running: the other
 * vCPUs are halted (ops->stop) and GDB gets the stop reply. Ignored when not running. */
void gdb_stub_stopped(struct gdb_stub *s, const struct gdb_stop *st);
/* The VM ended (powered off, stopped, reset; every vCPU out of the guest for good). With GDB
 * attached and waiting for a stop reply (running), it gets W or X now; with GDB at its prompt
 * (stopped), the reply is owed: its next `?`, `c` or `s` gets it, `D` and `k` end the session,
 * and anything else that needs the target is an error. Either way the stub is detached, its
 * breakpoints forgotten (they went with the VM's RAM), and until gdb_stub_running() every
 * packet is answered as for a VM that has exited (`?` is the same W or X), without calling
 * ops but for send and threads. `e->why` must stay valid that long. */
void gdb_stub_ended(struct gdb_stub *s, const struct gdb_end *e);
/* The VM runs again (restarted after a reset, or `start`): the next packet attaches afresh. */
void gdb_stub_running(struct gdb_stub *s);
/* Whether the attached GDB is still owed the end's stop reply. */
bool gdb_stub_owes_end(const struct gdb_stub *s);
/* Whether the INT3 at addr is one of GDB's breakpoints (read while running: the table changes
 * only while every vCPU is stopped). */
bool gdb_stub_owns_int3(struct gdb_stub *s, uint64_t addr);

#endif
