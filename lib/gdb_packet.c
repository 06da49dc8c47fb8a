/* lib/gdb_packet.c: GDB remote protocol framing (see lib/gdb_packet.h). */
#include "lib/gdb_packet.h"

enum { RX_IDLE, RX_DATA, RX_ESCAPE, RX_RUN, RX_SUM1, RX_SUM2 };

void gdb_rx_init(struct gdb_rx *rx)
{
	rx->state = RX_IDLE;
	rx->len = 0;
	rx->bad = false;
	rx->sum = 0;
	rx->buf[0] = 0;
}

bool gdb_rx_busy(const struct gdb_rx *rx)
{
	return rx->state != RX_IDLE;
}

int gdb_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put(struct gdb_rx *rx, char c)
{
	if (rx->len >= GDB_PACKET_MAX) {
		rx->bad = true;
		return;
	}
	rx->buf[rx->len++] = c;
}

/* "c*N": N - 29 more copies of the byte before (GDB manual E.1, "run-length encoding"). */
static void run(struct gdb_rx *rx, uint8_t count)
{
	if (!rx->len || count < 29 + 3 || count > 126) {
		rx->bad = true;
		return;
	}
	char last = rx->buf[rx->len - 1];
	for (unsigned i = 0; i < count - 29u; i++)
		put(rx, last);
}

static enum gdb_rx_event idle_byte(struct gdb_rx *rx, uint8_t c)
{
	switch (c) {
	case '+':
		return GDB_RX_ACK;
	case '-':
		return GDB_RX_NAK;
	case 0x03:
		return GDB_RX_INTERRUPT;
	case '$':
		gdb_rx_init(rx);
		rx->state = RX_DATA;
		return GDB_RX_NONE;
	default:
		return GDB_RX_NONE;
	}
}

static enum gdb_rx_event sum_digit(struct gdb_rx *rx, uint8_t c)
{
	int d = gdb_hexval((char)c);

	if (rx->state == RX_SUM1) {
		rx->got_sum = (uint8_t)((d < 0 ? 0 : d) << 4);
		rx->bad |= d < 0;
		rx->state = RX_SUM2;
		return GDB_RX_NONE;
	}
	rx->state = RX_IDLE;
	rx->buf[rx->len < GDB_PACKET_MAX ? rx->len : GDB_PACKET_MAX] = 0;
	if (d < 0 || (uint8_t)(rx->got_sum | d) != rx->sum)
		return GDB_RX_BAD_SUM;
	return rx->bad ? GDB_RX_MALFORMED : GDB_RX_PACKET;
}

enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, uint8_t c)
{
	if (rx->state == RX_IDLE)
		return idle_byte(rx, c);
	if (rx->state == RX_SUM1 || rx->state == RX_SUM2)
		return sum_digit(rx, c);
	if (c == '$') { /* a new packet: the rest of this one was lost */
		gdb_rx_init(rx);
		rx->state = RX_DATA;
		return GDB_RX_NONE;
	}
	if (c == '#') {
		rx->bad |= rx->state != RX_DATA; /* a '}' or '*' with nothing after it */
		rx->state = RX_SUM1;
		return GDB_RX_NONE;
	}
	rx->sum += c;
	switch (rx->state) {
	case RX_ESCAPE:
		put(rx, (char)(c ^ 0x20));
		rx->state = RX_DATA;
		break;
	case RX_RUN:
		run(rx, c);
		rx->state = RX_DATA;
		break;
	default:
		if (c == '}')
			rx->state = RX_ESCAPE;
		else if (c == '*')
			rx->state = RX_RUN;
		else
			put(rx, (char)c);
		break;
	}
	return GDB_RX_NONE;
}

static bool needs_escape(char c)
{
	return c == '$' || c == '#' || c == '}' || c == '*';
}

struct out {
	char *p;
	size_t at, size;
	uint8_t sum;
	bool full;
};

static void emit(struct out *o, char c, bool summed)
{
	if (o->at >= o->size) {
		o->full = true;
		return;
	}
	o->p[o->at++] = c;
	if (summed)
		o->sum += (uint8_t)c;
}

/* How many more copies of a byte one '*' may stand for: at most 97 (the count byte stays
 * printable, <= 126), and never 6 or 7 (they would encode as '#' and '$'). */
static size_t run_chunk(size_t more)
{
	size_t k = more > 97 ? 97 : more;

	return k == 6 || k == 7 ? 5 : k;
}

size_t gdb_frame(const char *payload, size_t n, char *out, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	struct out o = { out, 0, size, 0, false };

	emit(&o, '$', false);
	for (size_t i = 0; i < n;) {
		char c = payload[i];
		size_t same = 1;
		while (i + same < n && payload[i + same] == c)
			same++;
		if (needs_escape(c)) {
			emit(&o, '}', true);
			emit(&o, (char)(c ^ 0x20), true);
			i++;
			continue;
		}
		emit(&o, c, true);
		size_t more = same - 1, k = run_chunk(more);
		if (k >= 3) {
			emit(&o, '*', true);
			emit(&o, (char)(k + 29), true);
			i += 1 + k;
		} else {
			i++;
		}
	}
	emit(&o, '#', false);
	emit(&o, digits[o.sum >> 4], false);
	emit(&o, digits[o.sum & 15], false);
	return o.full ? 0 : o.at;
}

void gdb_hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
}

bool gdb_hex_decode(const char *in, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = gdb_hexval(in[2 * i]), lo = hi < 0 ? -1 : gdb_hexval(in[2 * i + 1]);
		if (lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

bool gdb_parse_hex(const char **s, uint64_t *value)
{
	uint64_t v = 0;
	unsigned n = 0;
	int d;

	while ((d = gdb_hexval(**s)) >= 0) {
		if (++n > 16)
			return false;
		v = v << 4 | (uint64_t)d;
		(*s)++;
	}
	*value = v;
	return n > 0;
}
