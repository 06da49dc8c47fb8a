/* tests/unit/test_gdb_packet.c: lib/gdb_packet.c: checksums, acks, escapes, run-length
 * encoding both ways, and malformed packets. */
#include "lib/gdb_packet.h"
#include "tests/unit/test.h"

static enum gdb_rx_event feed(struct gdb_rx *rx, const char *s, size_t n)
{
	enum gdb_rx_event last = GDB_RX_NONE;

	for (size_t i = 0; i < n; i++) {
		enum gdb_rx_event e = gdb_rx_feed(rx, (uint8_t)s[i]);
		if (e != GDB_RX_NONE)
			last = e;
	}
	return last;
}

#define FEED(rx, s) feed(rx, s, sizeof(s) - 1)

TEST(gdb_rx_good_and_bad_checksum)
{
	struct gdb_rx rx;

	gdb_rx_init(&rx);
	CHECK_EQ(FEED(&rx, "$g#67"), GDB_RX_PACKET);
	CHECK_EQ(rx.len, 1);
	CHECK_STR(rx.buf, "g");
	CHECK_EQ(FEED(&rx, "$g#68"), GDB_RX_BAD_SUM);
	CHECK_EQ(FEED(&rx, "$qC#b4"), GDB_RX_PACKET);
	CHECK_STR(rx.buf, "qC");
	CHECK_EQ(FEED(&rx, "$g#zz"), GDB_RX_BAD_SUM); /* not hex: never a packet */
}

TEST(gdb_rx_acks_interrupt_and_noise)
{
	struct gdb_rx rx;

	gdb_rx_init(&rx);
	CHECK_EQ(gdb_rx_feed(&rx, '+'), GDB_RX_ACK);
	CHECK_EQ(gdb_rx_feed(&rx, '-'), GDB_RX_NAK);
	CHECK_EQ(gdb_rx_feed(&rx, 0x03), GDB_RX_INTERRUPT);
	CHECK_EQ(FEED(&rx, "garbage\r\n"), GDB_RX_NONE);
	/* a '$' in a packet starts again: the lost tail does not poison the next one */
	CHECK_EQ(FEED(&rx, "$m10,$g#67"), GDB_RX_PACKET);
	CHECK_STR(rx.buf, "g");
	/* inside a packet '+' and 0x03 are data */
	CHECK_EQ(FEED(&rx, "$+#2b"), GDB_RX_PACKET);
	CHECK_STR(rx.buf, "+");
}

TEST(gdb_rx_escape_and_run_length)
{
	struct gdb_rx rx;

	gdb_rx_init(&rx);
	/* "X0,1:" then an escaped '#' (0x23 ^ 0x20 = 0x03) */
	CHECK_EQ(FEED(&rx, "$X0,1:}\x03#9f"), GDB_RX_PACKET);
	CHECK_EQ(rx.len, 6);
	CHECK_EQ((uint8_t)rx.buf[5], '#');
	/* "0* " is '0' and 3 more */
	CHECK_EQ(FEED(&rx, "$0* #7a"), GDB_RX_PACKET);
	CHECK_STR(rx.buf, "0000");
	/* a run with nothing before it, an escape at the end: malformed, checksum fine */
	CHECK_EQ(FEED(&rx, "$* #4a"), GDB_RX_MALFORMED);
	CHECK_EQ(FEED(&rx, "$a}#de"), GDB_RX_MALFORMED);
}

TEST(gdb_rx_too_long_is_malformed_not_a_hang)
{
	static char big[GDB_PACKET_MAX + 20];
	struct gdb_rx rx;
	uint8_t sum = 0;

	gdb_rx_init(&rx);
	gdb_rx_feed(&rx, '$');
	for (size_t i = 0; i < sizeof(big); i++) {
		CHECK(gdb_rx_feed(&rx, 'a') == GDB_RX_NONE || i == 0);
		sum += 'a';
	}
	char tail[4];
	snprintf(tail, sizeof(tail), "#%02x", sum);
	CHECK_EQ(feed(&rx, tail, 3), GDB_RX_MALFORMED);
	CHECK(rx.len <= GDB_PACKET_MAX);
	CHECK_EQ(FEED(&rx, "$g#67"), GDB_RX_PACKET); /* and the next one is fine */
}

/* gdb_frame's output fed back through the receiver gives the payload again. */
static void roundtrip(const char *payload, size_t n)
{
	char out[4 * GDB_PACKET_MAX];
	struct gdb_rx rx;
	size_t len = gdb_frame(payload, n, out, sizeof(out));

	CHECK(len > 0);
	gdb_rx_init(&rx);
	CHECK_EQ(feed(&rx, out, len), GDB_RX_PACKET);
	CHECK_EQ(rx.len, n);
	CHECK(!memcmp(rx.buf, payload, n));
	for (size_t i = 1; i + 3 < len; i++) /* no framing byte inside */
		CHECK(out[i] != '$' && out[i] != '#');
}

TEST(gdb_frame_checksum_escapes_and_rle)
{
	char out[64];

	CHECK_EQ(gdb_frame("OK", 2, out, sizeof(out)), 6);
	CHECK(!memcmp(out, "$OK#9a", 6));
	CHECK_EQ(gdb_frame("0000", 4, out, sizeof(out)), 7);
	CHECK(!memcmp(out, "$0* #", 5)); /* four zeros are one run */
	CHECK_EQ(gdb_frame("", 0, out, sizeof(out)), 4);
	CHECK(!memcmp(out, "$#00", 4));
	CHECK_EQ(gdb_frame("a$b", 3, out, sizeof(out)), 8);
	CHECK(!memcmp(out, "$a}\x04" "b#", 6));
	CHECK_EQ(gdb_frame("OK", 2, out, 5), 0); /* too small */
}

TEST(gdb_frame_roundtrips_every_run_length)
{
	char p[300];

	/* runs of 1..200: 7 and 8 (whose counts would be '#' and '$') included */
	for (size_t n = 1; n <= 200; n++) {
		memset(p, 'x', n);
		p[n] = 'y';
		roundtrip(p, n + 1);
	}
	for (int c = 0; c < 256; c++) { /* every byte, alone and in a run */
		memset(p, c, 10);
		roundtrip(p, 1);
		roundtrip(p, 10);
	}
}

TEST(gdb_hex_helpers)
{
	uint8_t b[4];
	char h[9] = { 0 };
	uint64_t v;
	const char *s = "1fz", *t = "12345678123456789";

	gdb_hex_encode((const uint8_t *)"\x01\xab", 2, h);
	CHECK_STR(h, "01ab");
	CHECK(gdb_hex_decode("00FfA5", 3, b));
	CHECK_EQ(b[1], 0xff);
	CHECK_EQ(b[2], 0xa5);
	CHECK(!gdb_hex_decode("0g", 1, b));
	CHECK(gdb_parse_hex(&s, &v));
	CHECK_EQ(v, 0x1f);
	CHECK_EQ(*s, 'z');
	CHECK(!gdb_parse_hex(&s, &v));
	CHECK(!gdb_parse_hex(&t, &v)); /* 17 digits */
}
