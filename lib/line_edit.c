/* lib/line_edit.c: the shell's line editor (see lib/line_edit.h). Pure. */
#include "lib/line_edit.h"
#include "lib/string.h"

#define BEL 0x07
#define BS 0x08
#define DEL 0x7f
#define ESC 0x1b
#define CTRL(c) ((c) & 0x1f)

static void put(struct line_edit_echo *e, const char *s, unsigned n)
{
	for (unsigned i = 0; i < n && e->len < LINE_EDIT_ECHO_MAX; i++)
		e->bytes[e->len++] = (uint8_t)s[i];
}

static void put_n(struct line_edit_echo *e, char c, unsigned n)
{
	while (n--)
		put(e, &c, 1);
}

static void set_len(struct line_edit *le, unsigned len)
{
	le->len = len;
	le->buf[len] = 0;
}

void line_edit_init(struct line_edit *le)
{
	memset(le, 0, sizeof(*le));
}

const char *line_edit_text(const struct line_edit *le)
{
	return le->buf;
}

/* Replaces the line on the screen and in buf with `text`: back up over the old one, write the
 * new one, blank what is left of the old one and back up over the blanks. */
static void replace_line(struct line_edit *le, const char *text, struct line_edit_echo *e)
{
	unsigned old = le->len, n = (unsigned)strlen(text);

	put_n(e, BS, old);
	put(e, text, n);
	if (n < old) {
		put_n(e, ' ', old - n);
		put_n(e, BS, old - n);
	}
	memmove(le->buf, text, n);
	set_len(le, n);
}

static void remember(struct line_edit *le)
{
	if (!le->len || (le->nhist && !strcmp(le->hist[0], le->buf)))
		return;
	memmove(le->hist[1], le->hist[0], (LINE_EDIT_HISTORY - 1) * sizeof(le->hist[0]));
	memcpy(le->hist[0], le->buf, le->len + 1);
	if (le->nhist < LINE_EDIT_HISTORY)
		le->nhist++;
}

/* Up (older) and down (newer, then back to an empty line); BEL at either end. */
static void browse(struct line_edit *le, bool up, struct line_edit_echo *e)
{
	if (up ? le->browse == le->nhist : le->browse == 0) {
		put_n(e, BEL, 1);
		return;
	}
	if (up)
		le->browse++;
	else
		le->browse--;
	replace_line(le, le->browse ? le->hist[le->browse - 1] : "", e);
}

/* ESC [ or ESC O, then parameter and intermediate bytes (0x20..0x3f), then a final byte
 * (ECMA-48, 5.4). Only the arrows' finals A and B do anything. */
static void escape(struct line_edit *le, uint8_t byte, struct line_edit_echo *e)
{
	if (le->esc == 1) {
		le->esc = byte == '[' || byte == 'O' ? 2 : 0;
		return;
	}
	if (byte >= 0x20 && byte <= 0x3f)
		return;
	le->esc = 0;
	if (byte == 'A' || byte == 'B')
		browse(le, byte == 'A', e);
}

static enum line_edit_status enter(struct line_edit *le, uint8_t byte, struct line_edit_echo *e)
{
	le->after_cr = byte == '\r';
	le->done = true;
	le->browse = 0;
	remember(le);
	put(e, "\r\n", 2);
	return LINE_EDIT_LINE;
}

static enum line_edit_status control(struct line_edit *le, uint8_t byte,
				     struct line_edit_echo *e)
{
	switch (byte) {
	case '\r':
	case '\n':
		return enter(le, byte, e);
	case BS:
	case DEL:
		if (le->len) {
			set_len(le, le->len - 1);
			put(e, "\b \b", 3);
		}
		break;
	case CTRL('U'):
		replace_line(le, "", e);
		break;
	case CTRL('C'):
		set_len(le, 0);
		le->browse = 0;
		put(e, "^C\r\n", 4);
		return LINE_EDIT_CANCEL;
	case ESC:
		le->esc = 1;
		break;
	default: /* tab, other control bytes: nothing */
		break;
	}
	return LINE_EDIT_MORE;
}

enum line_edit_status line_edit_feed(struct line_edit *le, uint8_t byte,
				     struct line_edit_echo *echo)
{
	bool lf_of_crlf = byte == '\n' && le->after_cr;

	echo->len = 0;
	le->after_cr = false;
	if (le->done) {
		le->done = false;
		set_len(le, 0);
	}
	if (lf_of_crlf)
		return LINE_EDIT_MORE;
	if (le->esc && byte >= 0x20) {
		escape(le, byte, echo);
		return LINE_EDIT_MORE;
	}
	le->esc = 0; /* a control byte ends any escape sequence, and counts */
	if (byte < 0x20 || byte == DEL)
		return control(le, byte, echo);
	if (byte > DEL)
		return LINE_EDIT_MORE; /* not ASCII */
	if (le->len == LINE_EDIT_MAX) {
		put_n(echo, BEL, 1);
		return LINE_EDIT_MORE;
	}
	le->buf[le->len] = (char)byte;
	set_len(le, le->len + 1);
	put(echo, (const char *)&byte, 1);
	return LINE_EDIT_MORE;
}
