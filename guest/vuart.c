/* guest/vuart.c: the virtual 16550 (register layout and reset values as in the PC16550D data
 * sheet). Runs on whichever vCPU's CPU wrote the port; the VM's vCPUs share one UART, so the
 * caller holds the VM's device lock. */
#include "guest/vuart.h"
#include "lib/string.h"

enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define LCR_DLAB 0x80
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MSR_READY 0xb0 /* DCD, DSR, CTS: a terminal is attached */
#define IIR_NO_INTERRUPT 0x01
#define IIR_FIFOS_ON 0xc0

void vuart_init(struct vuart *u, vuart_line_fn out, void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->dll = 0x0c; /* 9600 baud after reset: harmless, some drivers read it back */
	u->out = out;
	u->out_ctx = ctx;
}

void vuart_flush(struct vuart *u)
{
	if (!u->len)
		return;
	u->line[u->len] = 0;
	u->out(u->out_ctx, u->line);
	u->len = 0;
}

/* Printable bytes and tabs are kept; CR and other control bytes are dropped so a guest cannot move
 * the cursor on the hypervisor's console; a full line is handed over as is. */
static void put_byte(struct vuart *u, uint8_t c)
{
	if (c == '\n') {
		u->line[u->len] = 0;
		u->out(u->out_ctx, u->line);
		u->len = 0;
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

bool vuart_receive(struct vuart *u, uint8_t byte)
{
	if (u->rx_count == VUART_RX_MAX) {
		u->rx_dropped++;
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % VUART_RX_MAX] = byte;
	u->rx_count++;
	return true;
}

static uint32_t vuart_read(void *dev, uint16_t port, unsigned size)
{
	struct vuart *u = dev;
	bool dlab = u->lcr & LCR_DLAB;

	switch (port & 7) {
	case RBR_THR:
		return dlab ? u->dll : rx_pop(u);
	case IER:
		return dlab ? u->dlm : u->ier;
	case IIR_FCR:
		return IIR_NO_INTERRUPT | ((u->fcr & 1) ? IIR_FIFOS_ON : 0);
	case LCR:
		return u->lcr;
	case MCR:
		return u->mcr;
	case LSR:
		return LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0);
	case MSR:
		return MSR_READY;
	default:
		return u->scr;
	}
}

static void vuart_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct vuart *u = dev;
	uint8_t v = (uint8_t)value;
	bool dlab = u->lcr & LCR_DLAB;

	switch (port & 7) {
	case RBR_THR:
		if (dlab)
			u->dll = v;
		else
			put_byte(u, v);
		break;
	case IER:
		if (dlab)
			u->dlm = v;
		else
			u->ier = v & 0x0f;
		break;
	case IIR_FCR:
		u->fcr = v;
		break;
	case LCR:
		u->lcr = v;
		break;
	case MCR:
		u->mcr = v & 0x1f;
		break;
	case SCR:
		u->scr = v;
		break;
	default:
		break; /* LSR and MSR are read-only */
	}
}

struct port_range vuart_ports(struct vuart *u, uint16_t base, const char *name)
{
	return (struct port_range){ base, (uint16_t)(base + 7), name, vuart_read, vuart_write, u };
}
