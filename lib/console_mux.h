/* lib/console_mux.h: one serial line, two consoles (README, "Serial console"). Bytes typed on the
 * line go to the guest's COM1 by default; Ctrl-a c switches them to the hypervisor shell and back,
 * Ctrl-a h asks for the list of keys, Ctrl-a Ctrl-a sends one Ctrl-a through (the keys of QEMU's
 * -serial mon:stdio multiplexer, so users' fingers already know them). Ctrl-a g hands the line to
 * the GDB stub (README, "Debugging a guest with GDB"): from then on every byte is GDB's, Ctrl-a
 * and 0x03 included (an X packet's binary data may hold any byte), until the stub gives the line
 * back (console_mux_gdb_done()). Pure (host-tested). */
#ifndef LIB_CONSOLE_MUX_H
#define LIB_CONSOLE_MUX_H

#include <stdbool.h>
#include <stdint.h>

#define MUX_ESCAPE 0x01 /* Ctrl-a */

enum mux_target { MUX_GUEST = 0, MUX_SHELL };

/* With several VMs, Ctrl-a c cycles: vm0's COM1, vm1's, ..., the shell, vm0's again. */
struct console_mux {
	enum mux_target target;
	unsigned guest;   /* with MUX_GUEST: which VM's COM1 (0..nguests-1) */
	unsigned nguests; /* how many VMs take input; 0 is taken as 1 */
	bool escape; /* Ctrl-a seen, waiting for the command key */
	bool gdb;    /* the line is GDB's: no escape keys at all */
};

enum mux_action {
	MUX_NONE,     /* consumed (the escape key, or an unknown command key) */
	MUX_DELIVER,  /* *out goes to the current target */
	MUX_SWITCHED, /* the target changed: say so */
	MUX_HELP,     /* print the keys */
	MUX_GDB,      /* Ctrl-a g: the line is GDB's from the next byte on (m->gdb is set) */
	MUX_FOR_GDB,  /* while m->gdb: *out is a byte of GDB's */
};

enum mux_action console_mux_feed(struct console_mux *m, uint8_t byte, uint8_t *out);
const char *console_mux_target_name(enum mux_target t);
/* The stub gave the line back (GDB detached or killed, or nobody took it): the keys work
 * again, input goes where it went before Ctrl-a g. */
void console_mux_gdb_done(struct console_mux *m);

#endif
