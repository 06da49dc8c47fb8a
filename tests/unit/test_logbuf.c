/* tests/unit/test_logbuf.c: the console's output buffer (lib/logbuf.h): order, whole lines,
 * the count of dropped lines and its note, the ring's wrap, and a flush that empties it. */
#include "lib/logbuf.h"
#include "tests/unit/test.h"

/* Everything waiting, taken out as a UART would: at most `burst` bytes at a time. */
static size_t drain(struct logbuf *b, char *dst, size_t cap, size_t burst)
{
	size_t got = 0;
	const char *p;
	size_t n;

	while ((n = logbuf_peek(b, &p)) && got < cap) {
		if (n > burst)
			n = burst;
		if (n > cap - got)
			n = cap - got;
		memcpy(dst + got, p, n);
		got += n;
		logbuf_take(b, n);
	}
	dst[got] = 0;
	return got;
}

TEST(logbuf_lines_come_out_whole_and_in_order)
{
	static char mem[64];
	struct logbuf b;
	char out[256];

	logbuf_init(&b, mem, sizeof(mem));
	CHECK(logbuf_put_line(&b, "[cpu0] ", "one"));
	CHECK(logbuf_put_line(&b, "[cpu1] ", "two"));
	CHECK(logbuf_put_bytes(&b, "hv> "));
	CHECK(logbuf_put_line(&b, "[cpu2] ", "three"));
	CHECK_EQ(logbuf_pending(&b), 11 + 11 + 4 + 13);
	drain(&b, out, sizeof(out) - 1, 16);
	CHECK_STR(out, "[cpu0] one\n[cpu1] two\nhv> [cpu2] three\n");
	CHECK_EQ(logbuf_pending(&b), 0);
	CHECK_EQ(logbuf_room(&b), 64);
}

/* Two CPUs each put a line between the other's bytes going out: each line stays whole, lines in
 * the order they went in, across the ring's end many times. */
TEST(logbuf_wraps_without_cutting_or_mixing_lines)
{
	static char mem[32];
	struct logbuf b;
	char out[4096], want[4096], text[16];
	size_t got = 0, w = 0;

	logbuf_init(&b, mem, sizeof(mem));
	for (unsigned i = 0; i < 200; i++) {
		snprintf(text, sizeof(text), "line %03u", i);
		CHECK(logbuf_put_line(&b, i & 1 ? "B " : "A ", text));
		w += (size_t)snprintf(want + w, sizeof(want) - w, "%s%s\n", i & 1 ? "B " : "A ", text);
		got += drain(&b, out + got, sizeof(out) - 1 - got, 3 + i % 7); /* a burst of 3..9 */
		if (i % 3 == 0) /* sometimes the UART takes everything */
			got += drain(&b, out + got, sizeof(out) - 1 - got, 64);
	}
	got += drain(&b, out + got, sizeof(out) - 1 - got, 64);
	out[got] = 0;
	CHECK_EQ(got, w);
	CHECK_STR(out, want);
	CHECK_EQ(b.dropped_total, 0);
}

TEST(logbuf_full_drops_whole_lines_and_says_how_many)
{
	static char mem[128];
	struct logbuf b;
	char out[512];

	logbuf_init(&b, mem, sizeof(mem));
	CHECK(logbuf_put_line(&b, "p ", "0123456789012345678901234567890123456789")); /* 43 */
	CHECK(logbuf_put_line(&b, "p ", "0123456789012345678901234567890123456789")); /* 86 */
	CHECK(!logbuf_put_line(&b, "p ", "0123456789012345678901234567890123456789"));
	CHECK(!logbuf_put_line(&b, "p ", "short but not short enough, no......"));
	/* "x" fits, but the note must come first and does not: "x" is dropped too (it would
	 * jump ahead of the lines dropped before it). */
	CHECK(!logbuf_put_line(&b, "p ", "x"));
	CHECK_EQ(b.dropped, 3);
	drain(&b, out, sizeof(out) - 1, 16);
	CHECK_STR(out, "p 0123456789012345678901234567890123456789\n"
		       "p 0123456789012345678901234567890123456789\n");
	CHECK(logbuf_put_line(&b, "p ", "x")); /* room now: the note, then the line */
	drain(&b, out, sizeof(out) - 1, 16);
	CHECK_STR(out, "p console: 3 lines dropped: the log came faster than the serial line takes "
		       "it\np x\n");
}

TEST(logbuf_note_takes_the_place_of_the_dropped_lines)
{
	static char mem[256];
	struct logbuf b;
	char out[1024];
	const char *line = "0123456789012345678901234567890123456789012345678901234567890123456789";

	logbuf_init(&b, mem, sizeof(mem));
	unsigned put = 0;
	for (unsigned i = 0; i < 6; i++)
		put += logbuf_put_line(&b, "p ", line); /* 73 bytes each: three fit */
	CHECK_EQ(put, 3);
	CHECK_EQ(b.dropped, 3);
	CHECK(!logbuf_put_line(&b, "p ", "later")); /* still no room for the note and it */
	CHECK_EQ(b.dropped, 4);
	CHECK(!logbuf_note_drops(&b, "p ")); /* 37 bytes left: the note needs more */
	char first[256];
	drain(&b, first, 80, 80); /* the UART took one line and a bit */
	CHECK(logbuf_note_drops(&b, "q "));
	CHECK_EQ(b.dropped, 0);
	CHECK_EQ(b.dropped_total, 4);
	CHECK(!logbuf_note_drops(&b, "q ")); /* said once */
	drain(&b, out, sizeof(out) - 1, 16);
	CHECK(strstr(out, "q console: 4 lines dropped: the log came faster than the serial line "
			  "takes it\n") != 0);
	/* After the lines that were in before the drops, and last. */
	const char *note = strstr(out, "q console:");
	CHECK(note && note > out && note[-1] == '\n' && strchr(note, '\n')[1] == 0);
}

TEST(logbuf_put_says_the_drops_before_the_next_line)
{
	static char mem[256];
	struct logbuf b;
	char out[1024];

	logbuf_init(&b, mem, sizeof(mem));
	b.dropped = 2; /* as if two lines had been refused */
	CHECK(logbuf_put_line(&b, "p ", "next"));
	drain(&b, out, sizeof(out) - 1, 16);
	CHECK_STR(out, "p console: 2 lines dropped: the log came faster than the serial line takes "
		       "it\np next\n");
}

/* A flush takes everything: what is left after it is nothing, and a line put afterwards comes
 * out alone. */
TEST(logbuf_flush_empties_it)
{
	static char mem[64];
	struct logbuf b;
	char out[256];

	logbuf_init(&b, mem, sizeof(mem));
	for (unsigned i = 0; i < 3; i++)
		logbuf_put_line(&b, "", "abcdefghijklmnop");
	CHECK_EQ(logbuf_pending(&b), 51);
	CHECK_EQ(drain(&b, out, sizeof(out) - 1, 1), 51); /* byte by byte, as without a FIFO */
	CHECK_EQ(logbuf_pending(&b), 0);
	logbuf_take(&b, 10); /* taking more than waits takes nothing */
	CHECK_EQ(logbuf_pending(&b), 0);
	CHECK(logbuf_put_line(&b, "", "last"));
	drain(&b, out, sizeof(out) - 1, 16);
	CHECK_STR(out, "last\n");
}

TEST(logbuf_held_lines_stay_in_until_let_go_then_come_out_in_order)
{
	static char mem[256];
	struct logbuf b;
	char out[512];
	const char *p;

	logbuf_init(&b, mem, sizeof(mem));
	CHECK(logbuf_put_line(&b, "p ", "before"));
	drain(&b, out, sizeof(out) - 1, 16);
	CHECK_STR(out, "p before\n");
	logbuf_hold(&b, true);
	CHECK(logbuf_put_line(&b, "p ", "vm0: one"));
	CHECK(logbuf_put_bytes(&b, "hv> "));
	CHECK(logbuf_put_line(&b, "p ", "two"));
	CHECK_EQ(logbuf_ready(&b), 0); /* the line is GDB's: nothing for the UART */
	CHECK_EQ(logbuf_peek(&b, &p), 0);
	CHECK_EQ(logbuf_pending(&b), 11 + 4 + 6);
	logbuf_hold(&b, false);
	CHECK_EQ(logbuf_ready(&b), 11 + 4 + 6);
	drain(&b, out, sizeof(out) - 1, 16);
	CHECK_STR(out, "p vm0: one\nhv> p two\n");
}

TEST(logbuf_lines_that_overflow_while_held_are_counted_as_gdbs)
{
	static char mem[256];
	struct logbuf b;
	char out[1024];
	const char *line = "0123456789012345678901234567890123456789012345678901234567890123456789";

	logbuf_init(&b, mem, sizeof(mem));
	logbuf_hold(&b, true);
	unsigned put = 0;
	for (unsigned i = 0; i < 10; i++)
		put += logbuf_put_line(&b, "p ", line); /* 73 bytes each: three fit */
	CHECK_EQ(put, 3);
	CHECK_EQ(b.dropped, 7);
	CHECK(!logbuf_note_drops(&b, "q ")); /* no room while held */
	logbuf_hold(&b, false);
	drain(&b, out, 80, 80);
	CHECK(logbuf_note_drops(&b, "q "));
	drain(&b, out, sizeof(out) - 1, 16);
	CHECK(strstr(out, "q console: 7 lines dropped while GDB had the line (the buffer holds 256 "
			  "bytes)\n") != 0);
	/* Said once; a later drop that is not GDB's says the usual reason again. */
	CHECK(!b.dropped_held);
	for (unsigned i = 0; i < 5; i++)
		logbuf_put_line(&b, "p ", line);
	drain(&b, out, 80, 80);
	CHECK(logbuf_note_drops(&b, "q "));
	drain(&b, out, sizeof(out) - 1, 16);
	CHECK(strstr(out, "q console: 2 lines dropped: the log came faster") != 0);
}
