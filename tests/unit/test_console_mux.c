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
