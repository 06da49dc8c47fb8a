/* lib/logbuf.c: the ring of lib/logbuf.h. Pure. */
#include "lib/logbuf.h"
#include "lib/printf.h"
#include "lib/string.h"

void logbuf_init(struct logbuf *b, char *mem, size_t size)
{
	*b = (struct logbuf){ .mem = mem, .size = size };
}

size_t logbuf_pending(const struct logbuf *b)
{
	return (size_t)(b->head - b->tail);
}

size_t logbuf_room(const struct logbuf *b)
{
	return b->size - logbuf_pending(b);
}

void logbuf_hold(struct logbuf *b, bool on)
{
	b->held = on;
}

size_t logbuf_ready(const struct logbuf *b)
{
	return b->held ? 0 : logbuf_pending(b);
}

/* A line that did not fit: counted, and if it came while held, the note says that was why. */
static void count_drop(struct logbuf *b)
{
	b->dropped++;
	b->dropped_total++;
	if (b->held)
		b->dropped_held = true;
}

static void copy_in(struct logbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b->mem[(b->head + i) & (b->size - 1)] = s[i];
	b->head += n;
}

/* Whole, or not at all: a line cut short would read as if it said something else. */
static bool put3(struct logbuf *b, const char *a, const char *c, const char *d)
{
	size_t na = strlen(a), nc = strlen(c), nd = strlen(d);

	if (na + nc + nd > logbuf_room(b)) {
		count_drop(b);
		return false;
	}
	copy_in(b, a, na);
	copy_in(b, c, nc);
	copy_in(b, d, nd);
	return true;
}

bool logbuf_note_drops(struct logbuf *b, const char *prefix)
{
	char note[112];

	if (!b->dropped)
		return false;
	if (b->dropped_held)
		fmt_snprintf(note, sizeof(note),
			     "console: %lu lines dropped while GDB had the line (the buffer holds "
			     "%lu bytes)", (unsigned long)b->dropped, (unsigned long)b->size);
	else
		fmt_snprintf(note, sizeof(note), "console: %lu lines dropped: the log came faster "
			     "than the serial line takes it", (unsigned long)b->dropped);
	if (strlen(prefix) + strlen(note) + 1 > logbuf_room(b))
		return false;
	copy_in(b, prefix, strlen(prefix));
	copy_in(b, note, strlen(note));
	copy_in(b, "\n", 1);
	b->dropped = 0;
	b->dropped_held = false;
	return true;
}

/* Lines dropped before this one are said first, in their place; if the note does not fit,
 * neither does this line after it (it would jump the queue), so it is dropped too. */
bool logbuf_put_line(struct logbuf *b, const char *prefix, const char *text)
{
	if (b->dropped && !logbuf_note_drops(b, prefix)) {
		count_drop(b);
		return false;
	}
	return put3(b, prefix, text, "\n");
}

bool logbuf_put_bytes(struct logbuf *b, const char *s)
{
	return put3(b, s, "", "");
}

size_t logbuf_peek(const struct logbuf *b, const char **p)
{
	size_t at = (size_t)(b->tail & (b->size - 1));
	size_t n = logbuf_ready(b);

	*p = b->mem + at;
	return n < b->size - at ? n : b->size - at;
}

void logbuf_take(struct logbuf *b, size_t n)
{
	size_t pending = logbuf_pending(b);

	b->tail += n < pending ? n : pending;
}
