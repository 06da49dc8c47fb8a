/* lib/console_mux.c: the Ctrl-a escape of the serial line (see lib/console_mux.h). Pure. */
#include "lib/console_mux.h"

enum mux_action console_mux_feed(struct console_mux *m, uint8_t byte, uint8_t *out)
{
	if (m->gdb) { /* GDB's packets may hold a Ctrl-a (X packets carry binary data) */
		*out = byte;
		return MUX_FOR_GDB;
	}
	if (!m->escape) {
		if (byte == MUX_ESCAPE) {
			m->escape = true;
			return MUX_NONE;
		}
		*out = byte;
		return MUX_DELIVER;
	}
	m->escape = false;
	switch (byte) {
	case 'c':
		if (m->target == MUX_GUEST && m->guest + 1 < m->nguests) {
			m->guest++;
		} else if (m->target == MUX_GUEST) {
			m->target = MUX_SHELL;
		} else {
			m->target = MUX_GUEST;
			m->guest = 0;
		}
		return MUX_SWITCHED;
	case 'h':
		return MUX_HELP;
	case 'g':
		m->gdb = true;
		return MUX_GDB;
	case MUX_ESCAPE:
		*out = MUX_ESCAPE;
		return MUX_DELIVER;
	default:
		return MUX_NONE;
	}
}

const char *console_mux_target_name(enum mux_target t)
{
	return t == MUX_SHELL ? "the hypervisor shell" : "the guest's COM1";
}

void console_mux_gdb_done(struct console_mux *m)
{
	m->gdb = false;
	m->escape = false;
}
