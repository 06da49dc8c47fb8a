/* arch/serial.c: the polled 16550 driver (register layout as in the PC16550D data sheet). */
#include "arch/cpu.h"
#include "arch/serial.h"

enum {
	UART_DATA = 0, /* THR/RBR, or divisor low with DLAB */
	UART_IER = 1,  /* or divisor high with DLAB */
	UART_FCR = 2,  /* IIR when read */
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_SCR = 7,
};

#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define LCR_8N1 0x03
#define LCR_DLAB 0x80

static uint8_t rd(const struct uart *u, unsigned reg)
{
	if (!u->mmio)
		return inb((uint16_t)(u->base + reg));
	if (u->stride == 4)
		return (uint8_t)*(volatile uint32_t *)(u->base + reg * 4);
	return *(volatile uint8_t *)(u->base + reg);
}

static void wr(const struct uart *u, unsigned reg, uint8_t v)
{
	if (!u->mmio)
		outb((uint16_t)(u->base + reg), v);
	else if (u->stride == 4)
		*(volatile uint32_t *)(u->base + reg * 4) = v;
	else
		*(volatile uint8_t *)(u->base + reg) = v;
}

/* The scratch register holds what was written on every 16450/16550; nothing there reads back
 * all-ones (an empty ISA bus, an unclaimed MMIO range) or a different value. */
bool serial_probe(const struct uart *u)
{
	wr(u, UART_SCR, 0x5a);
	if (rd(u, UART_SCR) != 0x5a)
		return false;
	wr(u, UART_SCR, 0xa5);
	return rd(u, UART_SCR) == 0xa5 && rd(u, UART_LSR) != 0xff;
}

void serial_init(const struct uart *u, uint32_t baud)
{
	wr(u, UART_IER, 0x00);
	if (baud) {
		uint32_t divisor = 115200 / baud ? 115200 / baud : 1;
		wr(u, UART_LCR, LCR_DLAB);
		wr(u, UART_DATA, (uint8_t)divisor);
		wr(u, UART_IER, (uint8_t)(divisor >> 8));
	}
	wr(u, UART_LCR, LCR_8N1);
	wr(u, UART_FCR, 0x07); /* enable and clear the FIFOs */
	wr(u, UART_MCR, 0x03); /* DTR, RTS: some cables and terminals want them */
}

void serial_putc(const struct uart *u, char c)
{
	/* Bounded: a UART that stopped answering must not hang the hypervisor. */
	for (unsigned spin = 0; spin < 1000000; spin++) {
		if (rd(u, UART_LSR) & LSR_THR_EMPTY)
			break;
		cpu_relax();
	}
	wr(u, UART_DATA, (uint8_t)c);
}

int serial_getc(const struct uart *u)
{
	if (!(rd(u, UART_LSR) & LSR_DATA_READY))
		return -1;
	return rd(u, UART_DATA);
}

bool serial_tx_empty(const struct uart *u)
{
	return rd(u, UART_LSR) & LSR_THR_EMPTY;
}

/* IIR bits 7:6 read 11 when the FIFOs are on (PC16550D data sheet, "FIFO Interrupt Mode
 * Operation"); THRE then means the whole 16-byte transmit FIFO is empty. A 16450 has none. */
unsigned serial_tx_fifo(const struct uart *u)
{
	return (rd(u, UART_FCR) & 0xc0) == 0xc0 ? 16 : 1;
}

void serial_write(const struct uart *u, char c)
{
	wr(u, UART_DATA, (uint8_t)c);
}
