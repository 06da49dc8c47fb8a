/* guest/vuart.c: the virtual 16550A (register layout, reset values and interrupt priorities as
 * in the PC16550D data sheet, Table 4 "Interrupt Control Functions"). Runs on whichever vCPU's
 * CPU touched the port, or CPU 0 for typed input; the VM's vCPUs share one UART, so the caller
 * holds the VM's device lock. */
#include "guest/vuart.h"
#include "lib/string.h"

enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define IER_RDA 0x01
#define IER_THRE 0x02
#define IER_RLS 0x04
#define IER_MS 0x08
#define IIR_NO_INTERRUPT 0x01
#define IIR_MS 0x00
#define IIR_THRE 0x02
#define IIR_RDA 0x04
#define IIR_RLS 0x06
#define IIR_TIMEOUT 0x0c
#define IIR_FIFOS_ON 0xc0
#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define LCR_DLAB 0x80
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80
#define MSR_READY (MSR_DCD | MSR_DSR | MSR_CTS) /* a terminal is attached */

void vuart_init(struct vuart *u, vuart_line_fn out, void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->dll = 0x0c; /* 9600 baud after reset: harmless, some drivers read it back */
	u->out = out;
	u->out_ctx = ctx;
}

void vuart_set_irq(struct vuart *u, vuart_irq_fn irq, void *ctx)
{
	u->irq = irq;
	u->irq_ctx = ctx;
}

void vuart_set_tx_room(struct vuart *u, vuart_tx_room_fn room, void *ctx)
{
	u->tx_room = room;
	u->tx_ctx = ctx;
}

/* LSR's THRE and TEMT (vuart.h says when the console holds a polling guest off). */
static bool tx_empty(const struct vuart *u)
{
	return !u->tx_room || (u->ier & IER_THRE) || (u->mcr & MCR_LOOP) || u->tx_room(u->tx_ctx);
}

/* The modem inputs: in loopback MCR's outputs, else a terminal that is always there. */
static uint8_t modem_inputs(const struct vuart *u)
{
	uint8_t m = u->mcr;

	if (!(m & MCR_LOOP))
		return MSR_READY;
	return (uint8_t)(((m & MCR_RTS) ? MSR_CTS : 0) | ((m & MCR_DTR) ? MSR_DSR : 0) |
			 ((m & MCR_OUT1) ? MSR_RI : 0) | ((m & MCR_OUT2) ? MSR_DCD : 0));
}

/* The receive FIFO's trigger level (FCR bits 7:6: 1, 4, 8 or 14 bytes). Below it, data that
 * waits is a character timeout: the real one comes after 4 character times; here at once, since
 * nothing else would ever report those bytes. */
static unsigned rx_trigger(const struct vuart *u)
{
	static const unsigned level[4] = { 1, 4, 8, 14 };

	return (u->fcr & FCR_ENABLE) ? level[u->fcr >> 6] : 1;
}

/* The highest-priority interrupt that is pending and enabled (data sheet Table 4). */
static uint8_t iir_source(const struct vuart *u)
{
	if ((u->ier & IER_RLS) && u->overrun)
		return IIR_RLS;
	if ((u->ier & IER_RDA) && u->rx_count)
		return u->rx_count >= rx_trigger(u) ? IIR_RDA : IIR_TIMEOUT;
	if ((u->ier & IER_THRE) && u->thre_pending)
		return IIR_THRE;
	if ((u->ier & IER_MS) && u->msr_delta)
		return IIR_MS;
	return IIR_NO_INTERRUPT;
}

/* INTR reaches the board's IRQ line through OUT2; in loopback OUT2 is internal and the line
 * is off (data sheet, "MCR" bit 4). */
static void update_irq(struct vuart *u)
{
	bool line = iir_source(u) != IIR_NO_INTERRUPT && (u->mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;

	if (line == u->irq_line)
		return;
	u->irq_line = line;
	if (u->irq)
		u->irq(u->irq_ctx, line);
}

/* The part of the line not handed over yet (all of it, or what followed a shown prompt). */
static void hand_over_rest(struct vuart *u)
{
	u->line[u->len] = 0;
	u->out(u->out_ctx, u->line + u->shown);
}

/* The line ends: a new one starts, with nothing shown and nothing typed since. */
static void line_done(struct vuart *u)
{
	u->len = 0;
	u->shown = 0;
	u->typed_in_line = false;
}

void vuart_flush(struct vuart *u)
{
	if (u->len > u->shown)
		hand_over_rest(u);
	line_done(u);
}

/* The guest stopped transmitting (it turned its THRE interrupt off: Linux's 8250 driver does when
 * its transmit buffer is empty, __stop_tx()) with a line begun and nothing typed since the line
 * began: that is a prompt (a shell's "/ # ") waiting for input, shown now as a line of its own.
 * What follows on the same line (the echo of what is typed) is handed over when the line ends;
 * an echo alone is not shown early, or each key would become a line. */
static void show_prompt(struct vuart *u)
{
	if (u->len <= u->shown || u->typed_in_line)
		return;
	hand_over_rest(u);
	u->shown = u->len;
}

/* Printable bytes and tabs are kept; CR and other control bytes are dropped so a guest cannot move
 * the cursor on the hypervisor's console; a full line is handed over as is. */
static void put_byte(struct vuart *u, uint8_t c)
{
	if (c == '\n') {
		/* a line that was all prompt, then Enter alone: nothing more to say */
		if (!u->shown || u->len > u->shown)
			hand_over_rest(u);
		line_done(u);
		return;
	}
	if (c != '\t' && (c < 0x20 || c > 0x7e))
		return;
	u->line[u->len++] = (char)c;
	if (u->len == VUART_LINE_MAX)
		vuart_flush(u);
}

static uint8_t rx_pop(struct vuart *u)
{
	if (!u->rx_count)
		return 0;
	uint8_t c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VUART_RX_MAX;
	u->rx_count--;
	return c;
}

static bool rx_push(struct vuart *u, uint8_t byte)
{
	if (u->rx_count == VUART_RX_MAX) {
		u->rx_dropped++;
		u->overrun = true;
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % VUART_RX_MAX] = byte;
	u->rx_count++;
	return true;
}

bool vuart_receive(struct vuart *u, uint8_t byte)
{
	/* In loopback the receiver hears only the transmitter (the serial input is cut off). */
	bool taken = !(u->mcr & MCR_LOOP) && rx_push(u, byte);

	u->typed_in_line = true; /* what the line shows next may be its echo (show_prompt) */

	update_irq(u);
	return taken;
}

static uint8_t read_iir(struct vuart *u)
{
	uint8_t src = iir_source(u);

	if (src == IIR_THRE)
		u->thre_pending = false; /* reading IIR clears a THRE interrupt it names */
	return (uint8_t)(src | ((u->fcr & FCR_ENABLE) ? IIR_FIFOS_ON : 0));
}

static uint8_t read_reg(struct vuart *u, unsigned reg)
{
	bool dlab = u->lcr & LCR_DLAB;
	uint8_t v;

	switch (reg) {
	case RBR_THR:
		return dlab ? u->dll : rx_pop(u);
	case IER:
		return dlab ? u->dlm : u->ier;
	case IIR_FCR:
		return read_iir(u);
	case LCR:
		return u->lcr;
	case MCR:
		return u->mcr;
	case LSR:
		v = (uint8_t)((tx_empty(u) ? LSR_THRE | LSR_TEMT : 0) | (u->rx_count ? LSR_DR : 0) |
			      (u->overrun ? LSR_OE : 0));
		u->overrun = false;
		return v;
	case MSR:
		v = (uint8_t)(modem_inputs(u) | u->msr_delta);
		u->msr_delta = 0;
		return v;
	default:
		return u->scr;
	}
}

static uint32_t vuart_read(void *dev, uint16_t port, unsigned size)
{
	struct vuart *u = dev;
	uint8_t v = read_reg(u, port & 7);

	update_irq(u);
	return v;
}

/* Delta bits of MSR (3:0) for the modem inputs that changed: DCTS, DDSR, TERI (RI's trailing
 * edge only), DDCD. */
static void modem_change(struct vuart *u, uint8_t before)
{
	uint8_t after = modem_inputs(u), changed = before ^ after;

	u->msr_delta |= (uint8_t)(((changed & MSR_CTS) ? 0x01 : 0) | ((changed & MSR_DSR) ? 0x02 : 0) |
				  ((before & MSR_RI) && !(after & MSR_RI) ? 0x04 : 0) |
				  ((changed & MSR_DCD) ? 0x08 : 0));
}

static void write_thr(struct vuart *u, uint8_t v)
{
	if (u->mcr & MCR_LOOP)
		rx_push(u, v); /* loopback: the byte comes straight back */
	else
		put_byte(u, v);
	u->thre_pending = true; /* sent at once: THR is empty again */
}

static void write_reg(struct vuart *u, unsigned reg, uint8_t v)
{
	bool dlab = u->lcr & LCR_DLAB;
	uint8_t before;

	switch (reg) {
	case RBR_THR:
		if (dlab)
			u->dll = v;
		else
			write_thr(u, v);
		break;
	case IER:
		if (dlab) {
			u->dlm = v;
			break;
		}
		/* Enabling the THRE interrupt while THR is empty raises it (the data sheet's
		 * note to IER bit 1; Linux's THRE test relies on it). */
		if ((v & IER_THRE) && !(u->ier & IER_THRE))
			u->thre_pending = true;
		if (!(v & IER_THRE) && (u->ier & IER_THRE))
			show_prompt(u);
		u->ier = v & 0x0f;
		break;
	case IIR_FCR:
		if ((v & FCR_CLEAR_RX) || ((v ^ u->fcr) & FCR_ENABLE))
			u->rx_count = 0; /* cleared, or the FIFO mode changed (data sheet, FCR bit 0) */
		u->fcr = v & 0xc9;
		break;
	case LCR:
		u->lcr = v;
		break;
	case MCR:
		before = modem_inputs(u);
		u->mcr = v & 0x1f;
		modem_change(u, before);
		break;
	case SCR:
		u->scr = v;
		break;
	default:
		break; /* LSR and MSR are read-only */
	}
}

static void vuart_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct vuart *u = dev;

	write_reg(u, port & 7, (uint8_t)value);
	update_irq(u);
}

struct port_range vuart_ports(struct vuart *u, uint16_t base, const char *name)
{
	return (struct port_range){ base, (uint16_t)(base + 7), name, vuart_read, vuart_write, u };
}
