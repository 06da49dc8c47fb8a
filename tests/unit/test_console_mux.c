/* tests/unit/test_console_mux.c: the serial line's escape keys. */
#include "lib/console_mux.h"
#include "tests/unit/test.h"

TEST(console_mux_plain_bytes_go_to_the_guest)
{
	struct console_mux m = { 0 };
	uint8_t out = 0;

	CHECK_EQ(console_mux_feed(&m, 'x', &out), MUX_DELIVER);
	CHECK_EQ(out, 'x');
	CHECK_EQ(m.target, MUX_GUEST);
}

TEST(console_mux_ctrl_a_c_switches_both_ways)
{
	struct console_mux m = { 0 };
	uint8_t out = 0;

	CHECK_EQ(console_mux_feed(&m, MUX_ESCAPE, &out), MUX_NONE);
	CHECK_EQ(console_mux_feed(&m, 'c', &out), MUX_SWITCHED);
	CHECK_EQ(m.target, MUX_SHELL);
	out = 0;
	CHECK_EQ(console_mux_feed(&m, 'c', &out), MUX_DELIVER); /* a plain c is typed, not a switch */
	CHECK_EQ(out, 'c');
	console_mux_feed(&m, MUX_ESCAPE, &out);
	CHECK_EQ(console_mux_feed(&m, 'c', &out), MUX_SWITCHED);
	CHECK_EQ(m.target, MUX_GUEST);
}

TEST(console_mux_help_literal_escape_and_unknown_keys)
{
	struct console_mux m = { 0 };
	uint8_t out = 0;

	console_mux_feed(&m, MUX_ESCAPE, &out);
	CHECK_EQ(console_mux_feed(&m, 'h', &out), MUX_HELP);
	console_mux_feed(&m, MUX_ESCAPE, &out);
	CHECK_EQ(console_mux_feed(&m, MUX_ESCAPE, &out), MUX_DELIVER);
	CHECK_EQ(out, MUX_ESCAPE);
	console_mux_feed(&m, MUX_ESCAPE, &out);
	CHECK_EQ(console_mux_feed(&m, 'q', &out), MUX_NONE); /* unknown: swallowed */
	CHECK_EQ(console_mux_feed(&m, 'q', &out), MUX_DELIVER); /* and the escape is over */
	CHECK_EQ(m.target, MUX_GUEST);
}

TEST(console_mux_ctrl_a_c_cycles_through_the_vms_and_the_shell)
{
	struct console_mux m = { .nguests = 3 };
	uint8_t out = 0;
	const unsigned want_guest[] = { 1, 2, 0, 0, 1 };
	const enum mux_target want_target[] = { MUX_GUEST, MUX_GUEST, MUX_SHELL, MUX_GUEST,
						MUX_GUEST };

	CHECK_EQ(m.target, MUX_GUEST);
	CHECK_EQ(m.guest, 0);
	for (unsigned i = 0; i < 5; i++) {
		CHECK_EQ(console_mux_feed(&m, MUX_ESCAPE, &out), MUX_NONE);
		CHECK_EQ(console_mux_feed(&m, 'c', &out), MUX_SWITCHED);
		CHECK_EQ(m.target, want_target[i]);
		if (m.target == MUX_GUEST)
			CHECK_EQ(m.guest, want_guest[i]);
	}
}

TEST(console_mux_ctrl_a_g_gives_every_byte_to_gdb_until_done)
{
	struct console_mux m = { .nguests = 2 };
	uint8_t out = 0;
	/* What GDB may send: an X packet's binary data with a Ctrl-a and a c in it, a Ctrl-a h,
	 * the interrupt byte. None of it may be taken as a key. */
	const uint8_t gdb_bytes[] = { '$', 'X', MUX_ESCAPE, 'c', MUX_ESCAPE, 'h', MUX_ESCAPE,
				      MUX_ESCAPE, MUX_ESCAPE, 'g', 0x03, '#' };

	console_mux_feed(&m, MUX_ESCAPE, &out);
	console_mux_feed(&m, 'c', &out); /* input to vm1 */
	CHECK_EQ(console_mux_feed(&m, MUX_ESCAPE, &out), MUX_NONE);
	CHECK_EQ(console_mux_feed(&m, 'g', &out), MUX_GDB);
	CHECK(m.gdb);
	for (unsigned i = 0; i < sizeof(gdb_bytes); i++) {
		out = 0;
		CHECK_EQ(console_mux_feed(&m, gdb_bytes[i], &out), MUX_FOR_GDB);
		CHECK_EQ(out, gdb_bytes[i]);
	}
	CHECK_EQ(m.target, MUX_GUEST);
	CHECK_EQ(m.guest, 1);
	console_mux_gdb_done(&m);
	CHECK(!m.gdb);
	/* The keys work again, and input goes to vm1 as before; a Ctrl-a that was the last byte
	 * GDB sent does not start an escape afterwards. */
	CHECK_EQ(console_mux_feed(&m, 'c', &out), MUX_DELIVER);
	CHECK_EQ(out, 'c');
	CHECK_EQ(m.guest, 1);
	console_mux_feed(&m, MUX_ESCAPE, &out);
	CHECK_EQ(console_mux_feed(&m, 'c', &out), MUX_SWITCHED);
	CHECK_EQ(m.target, MUX_SHELL);
}

TEST(console_mux_gdb_done_ends_a_pending_escape)
{
	struct console_mux m = { 0 };
	uint8_t out = 0;

	console_mux_feed(&m, MUX_ESCAPE, &out);
	console_mux_feed(&m, 'g', &out);
	console_mux_feed(&m, MUX_ESCAPE, &out); /* GDB's last byte */
	console_mux_gdb_done(&m);
	CHECK_EQ(console_mux_feed(&m, 'x', &out), MUX_DELIVER);
	CHECK_EQ(out, 'x');
}
