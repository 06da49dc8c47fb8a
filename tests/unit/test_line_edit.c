/* tests/unit/test_line_edit.c: lib/line_edit.c fed byte sequences as terminals send them; the
 * echo of each sequence is checked byte for byte. */
#include "lib/line_edit.h"
#include "tests/unit/test.h"

/* Feeds `in` (n bytes); returns the status of the last byte and the concatenated echo as a
 * string, with the count of LINE results in *lines. */
static enum line_edit_status feed(struct line_edit *le, const char *in, size_t n, char *echo,
				  unsigned *lines)
{
	static char all[8192];
	struct line_edit_echo e;
	enum line_edit_status st = LINE_EDIT_MORE;
	size_t at = 0;

	*lines = 0;
	for (size_t i = 0; i < n; i++) {
		st = line_edit_feed(le, (uint8_t)in[i], &e);
		CHECK(e.len <= LINE_EDIT_ECHO_MAX);
		memcpy(all + at, e.bytes, e.len);
		at += e.len;
		*lines += st == LINE_EDIT_LINE;
	}
	all[at] = 0;
	strcpy(echo, all);
	return st;
}

#define FEED(le, s, echo, lines) feed(le, s, sizeof(s) - 1, echo, lines)

TEST(line_edit_typing_and_enter)
{
	struct line_edit le;
	char echo[8192];
	unsigned lines;

	line_edit_init(&le);
	CHECK_EQ(FEED(&le, "help", echo, &lines), LINE_EDIT_MORE);
	CHECK_STR(echo, "help");
	CHECK_STR(line_edit_text(&le), "help");
	CHECK_EQ(FEED(&le, "\r", echo, &lines), LINE_EDIT_LINE);
	CHECK_STR(echo, "\r\n");
	CHECK_STR(line_edit_text(&le), "help");
	/* the next byte starts a new line */
	CHECK_EQ(FEED(&le, "x", echo, &lines), LINE_EDIT_MORE);
	CHECK_STR(line_edit_text(&le), "x");
}

/* CR, LF and CR LF each end one line; LF CR is two Enters, as is CR CR. */
TEST(line_edit_enter_forms)
{
	struct line_edit le;
	char echo[8192];
	unsigned lines;

	line_edit_init(&le);
	FEED(&le, "a\r\nb\nc\r", echo, &lines);
	CHECK_EQ(lines, 3);
	CHECK_STR(echo, "a\r\nb\r\nc\r\n");
	CHECK_STR(line_edit_text(&le), "c");
	CHECK_EQ(FEED(&le, "\n", echo, &lines), LINE_EDIT_MORE); /* the LF of "c\r\n" */
	CHECK_STR(echo, "");
	FEED(&le, "\n\r", echo, &lines);
	CHECK_EQ(lines, 2);
	FEED(&le, "\r\r", echo, &lines);
	CHECK_EQ(lines, 2);
	FEED(&le, "\r", echo, &lines);
	CHECK_STR(line_edit_text(&le), "");
	/* an LF that follows a CR only with something in between is an Enter of its own */
	FEED(&le, "\rq\n", echo, &lines);
	CHECK_EQ(lines, 2);
	CHECK_STR(line_edit_text(&le), "q");
}

TEST(line_edit_backspace_and_kill)
{
	struct line_edit le;
	char echo[8192];
	unsigned lines;

	line_edit_init(&le);
	FEED(&le, "cpuz\x7f" "s\b\bus", echo, &lines);
	CHECK_STR(echo, "cpuz\b \bs\b \b\b \bus");
	CHECK_STR(line_edit_text(&le), "cpus");
	FEED(&le, "\x15", echo, &lines); /* Ctrl-U */
	CHECK_STR(echo, "\b\b\b\b    \b\b\b\b");
	CHECK_STR(line_edit_text(&le), "");
	FEED(&le, "\b\x7f", echo, &lines); /* nothing left to erase */
	CHECK_STR(echo, "");
	CHECK_EQ(FEED(&le, "vm\r", echo, &lines), LINE_EDIT_LINE);
	CHECK_STR(line_edit_text(&le), "vm");
}

TEST(line_edit_ctrl_c_abandons)
{
	struct line_edit le;
	char echo[8192];
	unsigned lines;

	line_edit_init(&le);
	CHECK_EQ(FEED(&le, "reboot\x03", echo, &lines), LINE_EDIT_CANCEL);
	CHECK_STR(echo, "reboot^C\r\n");
	CHECK_STR(line_edit_text(&le), "");
	CHECK_EQ(lines, 0);
	FEED(&le, "\x1b[A", echo, &lines); /* an abandoned line is not history */
	CHECK_STR(echo, "\a");
}

/* Control bytes, tabs and bytes above 0x7e are ignored; a full line refuses more with BEL. */
TEST(line_edit_full_and_ignored)
{
	struct line_edit le;
	struct line_edit_echo e;
	char echo[8192];
	unsigned lines;

	line_edit_init(&le);
	FEED(&le, "a\tb\x01\x80\xff" "c", echo, &lines);
	CHECK_STR(echo, "abc");
	CHECK_STR(line_edit_text(&le), "abc");
	for (unsigned i = 3; i < LINE_EDIT_MAX; i++)
		line_edit_feed(&le, 'x', &e);
	CHECK_EQ(strlen(line_edit_text(&le)), LINE_EDIT_MAX);
	CHECK_EQ(line_edit_feed(&le, 'y', &e), LINE_EDIT_MORE);
	CHECK_EQ(e.len, 1);
	CHECK_EQ(e.bytes[0], 0x07);
	CHECK_EQ(strlen(line_edit_text(&le)), LINE_EDIT_MAX);
	CHECK_EQ(le.buf[LINE_EDIT_MAX - 1], 'x');
	/* erasing a full line is the biggest echo there is, and it fits */
	line_edit_feed(&le, 0x15, &e);
	CHECK_EQ(e.len, 3 * LINE_EDIT_MAX);
	CHECK_STR(line_edit_text(&le), "");
}

TEST(line_edit_history)
{
	struct line_edit le;
	char echo[8192];
	unsigned lines;

	line_edit_init(&le);
	FEED(&le, "one\rtwo\rtwo\r\rthree\r", echo, &lines);
	CHECK_EQ(lines, 5);
	CHECK_EQ(le.nhist, 3); /* the repeat and the empty line are not kept */
	FEED(&le, "ab\x1b[A", echo, &lines); /* up: "ab" becomes "three" */
	CHECK_STR(echo, "ab\b\bthree");
	CHECK_STR(line_edit_text(&le), "three");
	FEED(&le, "\x1b[A", echo, &lines); /* up: "three" becomes "two", blanks the rest */
	CHECK_STR(echo, "\b\b\b\b\btwo  \b\b");
	CHECK_STR(line_edit_text(&le), "two");
	FEED(&le, "\x1bOA", echo, &lines); /* application cursor keys send ESC O A */
	CHECK_STR(line_edit_text(&le), "one");
	FEED(&le, "\x1b[A", echo, &lines); /* nothing older */
	CHECK_STR(echo, "\a");
	CHECK_STR(line_edit_text(&le), "one");
	FEED(&le, "\x1b[B\x1b[B", echo, &lines);
	CHECK_STR(line_edit_text(&le), "three");
	FEED(&le, "\x1b[B", echo, &lines); /* past the newest: an empty line */
	CHECK_STR(echo, "\b\b\b\b\b     \b\b\b\b\b");
	CHECK_STR(line_edit_text(&le), "");
	FEED(&le, "\x1b[B", echo, &lines);
	CHECK_STR(echo, "\a");
	/* a recalled line can be edited and entered; it becomes the newest */
	FEED(&le, "\x1b[A\x1b[A\x7f" "o\r", echo, &lines);
	CHECK_STR(line_edit_text(&le), "two");
	FEED(&le, "\x1b[A", echo, &lines);
	CHECK_STR(line_edit_text(&le), "two");
}

TEST(line_edit_history_keeps_the_last_few)
{
	struct line_edit le;
	char echo[8192];
	unsigned lines;

	line_edit_init(&le);
	FEED(&le, "1\r2\r3\r4\r5\r6\r", echo, &lines);
	CHECK_EQ(le.nhist, LINE_EDIT_HISTORY);
	for (unsigned i = 0; i < LINE_EDIT_HISTORY; i++)
		FEED(&le, "\x1b[A", echo, &lines);
	CHECK_STR(line_edit_text(&le), "3"); /* 6, 5, 4, 3 */
	FEED(&le, "\x1b[A", echo, &lines);
	CHECK_STR(echo, "\a");
}

/* Other sequences (right arrow, Delete as ESC [ 3 ~, F1 as ESC O P) are swallowed whole; a
 * control byte inside one ends it and acts. */
TEST(line_edit_other_escapes)
{
	struct line_edit le;
	char echo[8192];
	unsigned lines;

	line_edit_init(&le);
	FEED(&le, "a\x1b[C\x1b[3~\x1bOP\x1b[1;5Db", echo, &lines);
	CHECK_STR(echo, "ab");
	CHECK_STR(line_edit_text(&le), "ab");
	FEED(&le, "\x1bx" "c", echo, &lines); /* ESC x (Alt-x): both dropped */
	CHECK_STR(line_edit_text(&le), "abc");
	CHECK_EQ(FEED(&le, "\x1b[\r", echo, &lines), LINE_EDIT_LINE);
	CHECK_STR(line_edit_text(&le), "abc");
	CHECK_EQ(FEED(&le, "\x1b\x03", echo, &lines), LINE_EDIT_CANCEL);
}
