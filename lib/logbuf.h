/* lib/logbuf.h: the console's output buffer. Log lines go in whole (a line at a time, from any
 * CPU: the caller serialises with its lock), the UART takes bytes out as fast as it can, in the
 * order they went in. A line that does not fit is dropped whole, never cut, and counted; once
 * there is room again a line saying how many were dropped goes in where they would have been
 * (logbuf_note_drops()). Bytes that are not lines (the shell's prompt and echo) go in the same
 * way, so they keep their place among the lines. While the buffer is held (the serial line is
 * GDB's, README "Debugging a guest with GDB") lines still go in but none comes out, until it is
 * let go: then they go out in order, and the note of what did not fit says why. Pure
 * (host-tested); arch/console.c drives it. */
#ifndef LIB_LOGBUF_H
#define LIB_LOGBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct logbuf {
	char *mem;
	size_t size;     /* a power of two */
	uint64_t head;   /* bytes ever put in (the next byte's place is head % size) */
	uint64_t tail;   /* bytes ever taken out */
	uint64_t dropped; /* lines dropped since the last note */
	uint64_t dropped_total;
	bool held;         /* nothing comes out (logbuf_hold()) */
	bool dropped_held; /* some of the dropped lines were dropped while held */
};

void logbuf_init(struct logbuf *b, char *mem, size_t size);
/* `prefix`, `text` and a newline as one line; false (counted) when it does not fit whole. */
bool logbuf_put_line(struct logbuf *b, const char *prefix, const char *text);
/* Bytes as they are (no newline added); false (counted as one dropped line) when they do not
 * fit whole. */
bool logbuf_put_bytes(struct logbuf *b, const char *s);
/* When lines were dropped and the note fits: "<prefix>console: N lines dropped ..." goes in, and
 * the count starts over. True when a note went in. */
bool logbuf_note_drops(struct logbuf *b, const char *prefix);
/* Bytes waiting, and room left. */
size_t logbuf_pending(const struct logbuf *b);
size_t logbuf_room(const struct logbuf *b);
/* Hold everything in (true) or let it out again (false). */
void logbuf_hold(struct logbuf *b, bool on);
/* Bytes that may go out now: those waiting, or none while held. */
size_t logbuf_ready(const struct logbuf *b);
/* The oldest waiting bytes that lie in one piece (up to the ring's end), without taking them
 * (none while held); then logbuf_take() says how many of them went out. */
size_t logbuf_peek(const struct logbuf *b, const char **p);
void logbuf_take(struct logbuf *b, size_t n);

#endif
