/* arch/serial.c: the polled 16550 driver (register layout as in the PC16550D data sheet). */
#include "arch/cpu.h"
#include "arch/serial.h"

enum {
	UART_DATA = 0, /* THR/RBR, or divisor low with DLAB */
	UART_IER = 1,  /* or divisor high with DLAB */
	UART_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_SCR = 7,
};

#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define LCR_8N1 0x03
#define LCR_DLAB 0x80

/* The scratch register holds what was written on every 16450/16550; nothing there reads back
 * all-ones (an empty ISA bus) or a different value. */
bool serial_probe(uint16_t port)
{
	outb(port + UART_SCR, 0x5a);
	if (inb(port + UART_SCR) != 0x5a)
		return false;
	outb(port + UART_SCR, 0xa5);
	return inb(port + UART_SCR) == 0xa5 && inb(port + UART_LSR) != 0xff;
}

void serial_init(uint16_t port, uint32_t baud)
{
	uint32_t divisor = baud ? 115200 / baud : 1;

	if (!divisor)
		divisor = 1;
	outb(port + UART_IER, 0x00);
	outb(port + UART_LCR, LCR_DLAB);
	outb(port + UART_DATA, (uint8_t)divisor);
	outb(port + UART_IER, (uint8_t)(divisor >> 8));
	outb(port + UART_LCR, LCR_8N1);
	outb(port + UART_FCR, 0x07); /* enable and clear the FIFOs */
	outb(port + UART_MCR, 0x03); /* DTR, RTS: some cables and terminals want them */
}

void serial_putc(uint16_t port, char c)
{
	/* Bounded: a UART that stopped answering must not hang the hypervisor. */
	for (unsigned spin = 0; spin < 1000000; spin++) {
		if (inb(port + UART_LSR) & LSR_THR_EMPTY)
			break;
		cpu_relax();
	}
	outb(port + UART_DATA, (uint8_t)c);
}

int serial_getc(uint16_t port)
{
	if (!(inb(port + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(port + UART_DATA);
}
