/* tests/unit/test_vuart_irq.c: the virtual 16550A's interrupt logic (IER, IIR priorities, THRE
 * clearing, OUT2 gating), loopback as Linux's 8250 autoconfig probes it, and the FIFO bits. */
#include "guest/vuart.h"
#include "tests/unit/test.h"

struct com {
	struct io_ports t;
	struct vuart u;
	unsigned lines, raised, lowered;
	bool line;
};

static void take_line(void *ctx, const char *line)
{
	((struct com *)ctx)->lines++;
}

static void irq(void *ctx, bool asserted)
{
	struct com *c = ctx;

	c->line = asserted;
	if (asserted)
		c->raised++;
	else
		c->lowered++;
}

static void setup(struct com *c)
{
	memset(c, 0, sizeof(*c));
	vuart_init(&c->u, take_line, c);
	vuart_set_irq(&c->u, irq, c);
	struct port_range r = vuart_ports(&c->u, 0x3f8, "com1");
	io_ports_register(&c->t, &r);
}

static uint8_t in(struct com *c, unsigned reg)
{
	bool claimed;

	return (uint8_t)io_ports_read(&c->t, (uint16_t)(0x3f8 + reg), 1, &claimed);
}

static void out(struct com *c, unsigned reg, uint8_t v)
{
	bool claimed;

	io_ports_write(&c->t, (uint16_t)(0x3f8 + reg), 1, v, &claimed);
}

TEST(vuart_thre_interrupt_and_iir_clearing)
{
	struct com c;

	setup(&c);
	CHECK_EQ(in(&c, 2), 0x01); /* nothing pending, FIFOs off */
	out(&c, 4, 0x08);          /* OUT2: the line reaches the I/O APIC */
	out(&c, 1, 0x02);          /* ETBEI with THR empty: THRE interrupt at once */
	CHECK(c.line);
	CHECK_EQ(c.raised, 1);
	CHECK_EQ(in(&c, 2), 0x02);
	CHECK(!c.line); /* reading IIR cleared it */
	CHECK_EQ(in(&c, 2), 0x01);
	out(&c, 0, 'x'); /* a byte sent: THR empty again */
	CHECK(c.line);
	CHECK_EQ(c.raised, 2);
	out(&c, 1, 0x00);
	CHECK(!c.line); /* disabled: not signalled */
	out(&c, 1, 0x02); /* Linux's THRE test: toggling ETBEI re-asserts it each time */
	CHECK_EQ(in(&c, 2), 0x02);
	out(&c, 1, 0x00);
	out(&c, 1, 0x02);
	CHECK_EQ(in(&c, 2), 0x02);
	CHECK_EQ(c.lines, 1); /* the "x" alone, shown once when THRE first went off (a prompt) */
}

TEST(vuart_received_data_priority_and_out2)
{
	struct com c;

	setup(&c);
	out(&c, 1, 0x03); /* RDA and THRE */
	CHECK(!c.line);   /* OUT2 off: INTR does not reach the board's IRQ line */
	CHECK_EQ(in(&c, 2), 0x02);
	out(&c, 4, 0x0b); /* DTR, RTS, OUT2 */
	CHECK(vuart_receive(&c.u, 'a'));
	CHECK(c.line);
	out(&c, 0, 'b'); /* THRE pending too: received data comes first */
	CHECK_EQ(in(&c, 2), 0x04);
	CHECK_EQ(in(&c, 2), 0x04); /* not cleared by reading IIR */
	CHECK_EQ(in(&c, 5) & 0x61, 0x61); /* DR, THRE, TEMT */
	CHECK_EQ(in(&c, 0), 'a');
	CHECK(c.line);             /* THRE still pending */
	CHECK_EQ(in(&c, 2), 0x02);
	CHECK(!c.line);
	CHECK_EQ(in(&c, 5) & 0x01, 0);
}

TEST(vuart_line_status_overrun)
{
	struct com c;

	setup(&c);
	out(&c, 4, 0x08);
	out(&c, 1, 0x05); /* RLS and RDA */
	for (unsigned i = 0; i < VUART_RX_MAX; i++)
		vuart_receive(&c.u, 'x');
	CHECK(!vuart_receive(&c.u, 'y'));
	CHECK_EQ(in(&c, 2), 0x06); /* line status first */
	CHECK_EQ(in(&c, 5) & 0x03, 0x03); /* OE and DR */
	CHECK_EQ(in(&c, 5) & 0x02, 0);    /* OE cleared by the read */
	CHECK_EQ(in(&c, 2), 0x04);
}

TEST(vuart_fifo_bits_and_timeout)
{
	struct com c;

	setup(&c);
	out(&c, 2, 0x01); /* Linux's autoconfig: FIFOs on, IIR bits 7:6 = 3 means a 16550A */
	CHECK_EQ(in(&c, 2) >> 6, 3);
	CHECK_EQ(in(&c, 2) & 0x20, 0); /* no 64-byte FIFO bit: not a 16750 */
	out(&c, 2, 0x81); /* trigger at 8 bytes */
	out(&c, 1, 0x01);
	out(&c, 4, 0x08);
	vuart_receive(&c.u, 'a');
	CHECK_EQ(in(&c, 2), 0xcc); /* below the trigger: character timeout */
	for (unsigned i = 0; i < 7; i++)
		vuart_receive(&c.u, 'b');
	CHECK_EQ(in(&c, 2), 0xc4);
	out(&c, 2, 0x83); /* clear the receive FIFO */
	CHECK_EQ(in(&c, 5) & 1, 0);
	CHECK(!c.line);
	out(&c, 2, 0x00);
	CHECK_EQ(in(&c, 2), 0x01);
	out(&c, 1, 0xff); /* IER keeps bits 3:0 only (Linux's XScale UUE test) */
	CHECK_EQ(in(&c, 1), 0x0f);
}

/* What Linux's autoconfig() does: MCR = LOOP | 0x0a must read MSR 7:4 as 0x90. */
TEST(vuart_loopback_as_linux_probes_it)
{
	struct com c;

	setup(&c);
	CHECK_EQ(in(&c, 6) & 0xf0, 0xb0); /* a terminal: DCD, DSR, CTS */
	out(&c, 7, 0xa5);
	CHECK_EQ(in(&c, 7), 0xa5); /* scratch */
	out(&c, 4, 0x10 | 0x0a);
	CHECK_EQ(in(&c, 6) & 0xf0, 0x90);
	out(&c, 4, 0x10 | 0x05); /* DTR and OUT1: DSR and RI */
	CHECK_EQ(in(&c, 6), 0x60 | 0x08 | 0x02 | 0x01); /* DDCD DDSR DCTS; TERI only when RI drops */
	out(&c, 4, 0x10 | 0x01);
	CHECK_EQ(in(&c, 6), 0x20 | 0x04);
	out(&c, 4, 0x10);
	out(&c, 1, 0x01);
	out(&c, 0, 'z'); /* loopback: back to RBR, not to the console */
	CHECK_EQ(c.lines, 0);
	CHECK_EQ(in(&c, 5) & 1, 1);
	CHECK(!c.line); /* interrupt pending, but in loopback the board's line is off */
	CHECK_EQ(in(&c, 2), 0x04);
	CHECK(!vuart_receive(&c.u, 'q')); /* typed input does not reach a looped-back UART */
	CHECK_EQ(in(&c, 0), 'z');
	out(&c, 4, 0x08);
	out(&c, 0, '\n');
	CHECK_EQ(c.lines, 1);
}

TEST(vuart_modem_status_interrupt)
{
	struct com c;

	setup(&c);
	out(&c, 1, 0x08);
	out(&c, 4, 0x10 | 0x08); /* loopback with OUT2 alone: DSR and CTS drop, DCD stays */
	CHECK_EQ(in(&c, 2), 0x00); /* modem status */
	CHECK_EQ(in(&c, 6), 0x80 | 0x02 | 0x01); /* DDSR, DCTS, cleared by the read */
	CHECK_EQ(in(&c, 2), 0x01);
}
