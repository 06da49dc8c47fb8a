/* lib/console_mux.h: one serial line, two consoles (README, "Serial console"). Bytes typed on the
 * line go to the guest's COM1 by default; Ctrl-a c switches them to the hypervisor shell and back,
 * Ctrl-a h asks for the list of keys, Ctrl-a Ctrl-a sends one Ctrl-a through (the keys of QEMU's
 * -serial mon:stdio multiplexer, so users' fingers already know them). Pure (host-tested). */
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
};

enum mux_action {
	MUX_NONE,     /* consumed (the escape key, or an unknown command key) */
	MUX_DELIVER,  /* *out goes to the current target */
	MUX_SWITCHED, /* the target changed: say so */
	MUX_HELP,     /* print the keys */
};

enum mux_action console_mux_feed(struct console_mux *m, uint8_t byte, uint8_t *out);
const char *console_mux_target_name(enum mux_target t);

#endif
