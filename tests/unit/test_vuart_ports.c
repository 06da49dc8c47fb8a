/* tests/unit/test_vuart_ports.c: the VM's port table and its virtual COM1. */
#include "guest/vuart.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"

struct lines {
	unsigned n;
	char last[VUART_LINE_MAX + 1];
};

static void take_line(void *ctx, const char *line)
{
	struct lines *l = ctx;

	l->n++;
	strcpy(l->last, line);
}

static void send(const struct io_ports *t, const char *s)
{
	bool claimed;

	for (; *s; s++)
		io_ports_write(t, 0x3f8, 1, (uint8_t)*s, &claimed);
}

/* COM1 at 0x3f8 in a port table of its own, its lines taken by take_line(). */
struct com1 {
	struct io_ports t;
	struct vuart u;
	struct lines l;
};

static bool com1_init(struct com1 *c)
{
	memset(c, 0, sizeof(*c));
	vuart_init(&c->u, take_line, &c->l);
	struct port_range r = vuart_ports(&c->u, 0x3f8, "com1");
	return io_ports_register(&c->t, &r);
}

TEST(vuart_prints_whole_lines)
{
	struct com1 c;

	CHECK(com1_init(&c));
	send(&c.t, "hello\r\n");
	CHECK_EQ(c.l.n, 1);
	CHECK_STR(c.l.last, "hello");
	send(&c.t, "a\x1b[2Jb\n"); /* escape sequences cannot reach the console */
	CHECK_STR(c.l.last, "a[2Jb");
	send(&c.t, "partial");
	CHECK_EQ(c.l.n, 2);
	vuart_flush(&c.u);
	CHECK_EQ(c.l.n, 3);
	CHECK_STR(c.l.last, "partial");
}

TEST(vuart_splits_long_lines)
{
	struct com1 c;
	char longline[VUART_LINE_MAX + 11];

	CHECK(com1_init(&c));
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	send(&c.t, longline);
	CHECK_EQ(c.l.n, 1);
	CHECK_EQ(strlen(c.l.last), VUART_LINE_MAX);
}

TEST(vuart_registers)
{
	struct com1 c;
	bool claimed;

	CHECK(com1_init(&c));
	CHECK_EQ(io_ports_read(&c.t, 0x3fd, 1, &claimed) & 0x60, 0x60); /* LSR: ready to send */
	CHECK(claimed);
	io_ports_write(&c.t, 0x3ff, 1, 0x5a, &claimed);
	CHECK_EQ(io_ports_read(&c.t, 0x3ff, 1, &claimed), 0x5a);
	/* divisor latch: DLAB routes ports 0/1 to the divisor, and THR writes print nothing */
	io_ports_write(&c.t, 0x3fb, 1, 0x83, &claimed);
	io_ports_write(&c.t, 0x3f8, 1, 0x01, &claimed);
	io_ports_write(&c.t, 0x3f9, 1, 0x00, &claimed);
	CHECK_EQ(io_ports_read(&c.t, 0x3f8, 1, &claimed), 0x01);
	io_ports_write(&c.t, 0x3fb, 1, 0x03, &claimed);
	CHECK_EQ(io_ports_read(&c.t, 0x3fb, 1, &claimed), 0x03);
	CHECK_EQ(c.l.n, 0);
	CHECK_EQ(c.u.len, 0);
}

TEST(io_ports_unclaimed_read_all_ones)
{
	struct io_ports t = { .count = 0 };
	bool claimed = true;

	CHECK_EQ(io_ports_read(&t, 0x1234, 1, &claimed), 0xff);
	CHECK(!claimed);
	CHECK_EQ(io_ports_read(&t, 0x1234, 2, &claimed), 0xffff);
	CHECK_EQ(io_ports_read(&t, 0x1234, 4, &claimed), 0xffffffffu);
	io_ports_write(&t, 0x1234, 1, 0, &claimed);
	CHECK(!claimed);
}

TEST(io_ports_refuse_overlap)
{
	struct io_ports t = { .count = 0 };
	struct port_range a = { 0x600, 0x607, "pm", 0, 0, 0 };
	struct port_range b = { 0x604, 0x605, "other", 0, 0, 0 };
	struct port_range c = { 0x10, 0x0f, "empty", 0, 0, 0 };

	test_log_clear();
	CHECK(io_ports_register(&t, &a));
	CHECK(!io_ports_register(&t, &b));
	CHECK(test_log_find("overlaps pm") != NULL);
	CHECK(!io_ports_register(&t, &c));
	CHECK_EQ(t.count, 1);
}

/* Ranges registered in any order are all found, each port by its own range, and the gaps
 * between them by none (the table is sorted and bisected). */
TEST(io_ports_find_each_range_in_any_order)
{
	static const uint16_t firsts[] = { 0x604, 0x20, 0xcf9, 0x3f8, 0x70, 0x2000, 0x80, 0xa0, 0x600,
					   0xcf8, 0x64, 0xcfc };
	static const uint16_t lens[] = { 2, 2, 1, 8, 2, 24, 1, 2, 4, 1, 1, 4 };
	struct io_ports t = { .count = 0 };
	const char *names[12] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l" };

	for (unsigned i = 0; i < 12; i++) {
		struct port_range r = { firsts[i], (uint16_t)(firsts[i] + lens[i] - 1), names[i], 0, 0,
					0 };
		CHECK(io_ports_register(&t, &r));
	}
	for (unsigned i = 0; i < 12; i++) {
		for (unsigned k = 0; k < lens[i]; k++) {
			const struct port_range *r = io_ports_find(&t, (uint16_t)(firsts[i] + k));
			CHECK(r && r->name == names[i]);
		}
	}
	static const uint16_t gaps[] = { 0, 0x1f, 0x22, 0x65, 0x72, 0x3f7, 0x400, 0x606, 0xcfa,
					 0xd00, 0x2018, 0xffff };
	for (unsigned i = 0; i < sizeof(gaps) / sizeof(gaps[0]); i++)
		CHECK(io_ports_find(&t, gaps[i]) == NULL);
}

/* Typed input: LSR.DR while bytes wait, RBR hands them over in order, a full FIFO drops and
 * counts, and the divisor latch still wins over RBR. */
TEST(vuart_receive_fifo)
{
	struct com1 c;
	bool claimed;

	CHECK(com1_init(&c));
	CHECK_EQ(io_ports_read(&c.t, 0x3fd, 1, &claimed) & 1, 0);
	CHECK(vuart_receive(&c.u, 'a'));
	CHECK(vuart_receive(&c.u, 'b'));
	CHECK_EQ(io_ports_read(&c.t, 0x3fd, 1, &claimed) & 1, 1);
	CHECK_EQ(io_ports_read(&c.t, 0x3f8, 1, &claimed), 'a');
	CHECK_EQ(io_ports_read(&c.t, 0x3f8, 1, &claimed), 'b');
	CHECK_EQ(io_ports_read(&c.t, 0x3fd, 1, &claimed) & 1, 0);
	for (unsigned i = 0; i < VUART_RX_MAX; i++)
		CHECK(vuart_receive(&c.u, (uint8_t)i));
	CHECK(!vuart_receive(&c.u, 'x'));
	CHECK_EQ(c.u.rx_dropped, 1);
	io_ports_write(&c.t, 0x3fb, 1, 0x83, &claimed); /* DLAB */
	io_ports_write(&c.t, 0x3f8, 1, 0x07, &claimed);
	CHECK_EQ(io_ports_read(&c.t, 0x3f8, 1, &claimed), 0x07);
	io_ports_write(&c.t, 0x3fb, 1, 0x03, &claimed);
	CHECK_EQ(io_ports_read(&c.t, 0x3f8, 1, &claimed), 0); /* the FIFO's first byte */
}

/* A shell's prompt: the guest writes it, then turns its THRE interrupt off (Linux's 8250 driver
 * with an empty transmit buffer) and waits for input. The prompt is shown then, without its
 * line's end; the echo of what is typed after it comes with the line's end, once. */
TEST(vuart_shows_a_prompt_when_the_guest_stops_sending)
{
	struct com1 c;
	bool claimed;

	CHECK(com1_init(&c));
	io_ports_write(&c.t, 0x3f9, 1, 0x03, &claimed); /* IER: received data, THRE */
	send(&c.t, "/ # ");
	CHECK_EQ(c.l.n, 0);
	io_ports_write(&c.t, 0x3f9, 1, 0x01, &claimed); /* THRE off: nothing more to send */
	CHECK_EQ(c.l.n, 1);
	CHECK_STR(c.l.last, "/ # ");
	io_ports_write(&c.t, 0x3f9, 1, 0x01, &claimed); /* no THRE change: nothing again */
	CHECK_EQ(c.l.n, 1);
	/* typed "ls": each key's echo goes out and THRE goes off again, but an echo is no prompt */
	CHECK(vuart_receive(&c.u, 'l'));
	io_ports_write(&c.t, 0x3f9, 1, 0x03, &claimed);
	send(&c.t, "l");
	io_ports_write(&c.t, 0x3f9, 1, 0x01, &claimed);
	CHECK(vuart_receive(&c.u, 's'));
	io_ports_write(&c.t, 0x3f9, 1, 0x03, &claimed);
	send(&c.t, "s");
	io_ports_write(&c.t, 0x3f9, 1, 0x01, &claimed);
	CHECK_EQ(c.l.n, 1);
	send(&c.t, "\r\n");
	CHECK_EQ(c.l.n, 2);
	CHECK_STR(c.l.last, "ls");
	/* the next prompt is a new line: shown again; Enter alone then adds nothing */
	io_ports_write(&c.t, 0x3f9, 1, 0x03, &claimed);
	send(&c.t, "/ # ");
	io_ports_write(&c.t, 0x3f9, 1, 0x01, &claimed);
	CHECK_EQ(c.l.n, 3);
	CHECK_STR(c.l.last, "/ # ");
	CHECK(vuart_receive(&c.u, '\r'));
	send(&c.t, "\r\n");
	CHECK_EQ(c.l.n, 3);
	/* a shown prompt is not shown again when the VM stops */
	send(&c.t, "/ # ");
	io_ports_write(&c.t, 0x3f9, 1, 0x03, &claimed);
	io_ports_write(&c.t, 0x3f9, 1, 0x01, &claimed);
	CHECK_EQ(c.l.n, 4);
	vuart_flush(&c.u);
	CHECK_EQ(c.l.n, 4);
}

static bool room_answer;
static unsigned room_asked;

static bool console_room(void *ctx)
{
	room_asked++;
	return room_answer;
}

/* A polling guest is held off while the console has no room (LSR.THRE and TEMT read 0); with
 * the THRE interrupt on, or in loopback, THR reads empty whatever the console says. */
TEST(vuart_lsr_holds_a_polling_guest_off_while_the_console_is_full)
{
	struct com1 c;
	bool claimed;

	CHECK(com1_init(&c));
	CHECK_EQ(io_ports_read(&c.t, 0x3fd, 1, &claimed) & 0x60, 0x60); /* no callback: empty */
	vuart_set_tx_room(&c.u, console_room, 0);
	room_answer = true;
	CHECK_EQ(io_ports_read(&c.t, 0x3fd, 1, &claimed) & 0x60, 0x60);
	room_answer = false;
	CHECK_EQ(io_ports_read(&c.t, 0x3fd, 1, &claimed) & 0x60, 0);
	CHECK_EQ(room_asked, 2);
	send(&c.t, "still taken\n"); /* a guest that writes without looking loses nothing here */
	CHECK_STR(c.l.last, "still taken");
	io_ports_write(&c.t, 0x3f9, 1, 0x02, &claimed); /* IER: THRE interrupt on */
	CHECK_EQ(io_ports_read(&c.t, 0x3fd, 1, &claimed) & 0x60, 0x60);
	io_ports_write(&c.t, 0x3f9, 1, 0x00, &claimed);
	io_ports_write(&c.t, 0x3fc, 1, 0x10, &claimed); /* MCR: loopback */
	CHECK_EQ(io_ports_read(&c.t, 0x3fd, 1, &claimed) & 0x60, 0x60);
	io_ports_write(&c.t, 0x3fc, 1, 0x00, &claimed);
	CHECK_EQ(io_ports_read(&c.t, 0x3fd, 1, &claimed) & 0x60, 0);
	room_answer = true;
	CHECK_EQ(io_ports_read(&c.t, 0x3fd, 1, &claimed) & 0x60, 0x60);
}
