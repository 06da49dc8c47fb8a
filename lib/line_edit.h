/* lib/line_edit.h: the line editor of the hypervisor shell on the serial line. Bytes from the
 * terminal go in one at a time; what to send back (the echo) and whether a line is complete come
 * out. Keys: printable ASCII, Backspace (BS or DEL), Ctrl-U (erase the line), Ctrl-C (abandon
 * it), Enter as CR, LF or CR LF (one line), and the up and down arrows (ESC [ A, ESC [ B, or
 * ESC O A / ESC O B) for the last LINE_EDIT_HISTORY lines. Echo uses only BS, space, CR, LF and
 * BEL, which every terminal understands. Pure (host-tested); one editor per line, one caller. */
#ifndef LIB_LINE_EDIT_H
#define LIB_LINE_EDIT_H

#include <stdbool.h>
#include <stdint.h>

#define LINE_EDIT_MAX 127 /* characters in a line; more are refused with BEL */
#define LINE_EDIT_HISTORY 4
#define LINE_EDIT_ECHO_MAX (3 * LINE_EDIT_MAX + 8) /* the most one byte can make us send */

struct line_edit {
	char buf[LINE_EDIT_MAX + 1]; /* the line so far, NUL-terminated */
	unsigned len;
	bool done;      /* buf holds a finished line; the next byte starts a new one */
	bool after_cr;  /* the last byte was a CR Enter: an LF now is the same Enter */
	uint8_t esc;    /* escape sequence state: 0 none, 1 after ESC, 2 inside ESC [ or ESC O */
	char hist[LINE_EDIT_HISTORY][LINE_EDIT_MAX + 1]; /* hist[0] is the newest */
	unsigned nhist;
	unsigned browse; /* 0: a new line; k: hist[k - 1] was recalled */
};

struct line_edit_echo {
	uint8_t bytes[LINE_EDIT_ECHO_MAX];
	unsigned len;
};

enum line_edit_status {
	LINE_EDIT_MORE,   /* keep feeding */
	LINE_EDIT_LINE,   /* a line is complete: line_edit_text() until the next feed */
	LINE_EDIT_CANCEL, /* Ctrl-C: the line was abandoned */
};

void line_edit_init(struct line_edit *le);

/* Takes one byte from the terminal. *echo is overwritten with the bytes to send back. */
enum line_edit_status line_edit_feed(struct line_edit *le, uint8_t byte,
				     struct line_edit_echo *echo);

/* The line being edited, or the one just completed. */
const char *line_edit_text(const struct line_edit *le);

#endif
