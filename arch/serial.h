/* arch/serial.h: 16550-compatible UARTs, polled: on I/O ports (COM1..4, a PCI card's I/O BAR) or
 * memory-mapped (an SPCR table's or a PCI card's memory BAR; registers 1 or 4 bytes apart, accessed
 * at that width). Any CPU; callers serialise output (arch/console.c). */
#ifndef ARCH_SERIAL_H
#define ARCH_SERIAL_H

#include <stdbool.h>
#include <stdint.h>

#define SERIAL_COM1 0x3f8
#define SERIAL_DEFAULT_BAUD 115200

struct uart {
	bool mmio;
	uint64_t base;   /* I/O port or physical address (identity-mapped, below 4 GiB) */
	uint8_t stride;  /* bytes between registers: 1, or 4 with 32-bit accesses */
};

/* Probe for a UART there and program it for `baud` 8N1 (0: leave the rate as it is). */
bool serial_probe(const struct uart *u);
void serial_init(const struct uart *u, uint32_t baud);
void serial_putc(const struct uart *u, char c);
/* Without waiting: whether the transmitter is empty (LSR.THRE), how many bytes it then takes
 * (16 once serial_init() turned a 16550's FIFO on, 1 on a UART without one), and one byte into
 * THR. */
bool serial_tx_empty(const struct uart *u);
unsigned serial_tx_fifo(const struct uart *u);
void serial_write(const struct uart *u, char c);
/* A received byte, or -1 when none is waiting. */
int serial_getc(const struct uart *u);

#endif
