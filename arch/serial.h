/* arch/serial.h: 16550-compatible UART on an I/O port, polled. Any CPU; callers serialise output
 * (the console lock). No interrupts: the hypervisor polls, so it works before the IDT exists and
 * from the fault path. */
#ifndef ARCH_SERIAL_H
#define ARCH_SERIAL_H

#include <stdbool.h>
#include <stdint.h>

#define SERIAL_COM1 0x3f8
#define SERIAL_DEFAULT_BAUD 115200

/* Probe for a UART at `port` and program it for `baud` 8N1. False when nothing answers there. */
bool serial_probe(uint16_t port);
void serial_init(uint16_t port, uint32_t baud);
void serial_putc(uint16_t port, char c);
/* A received byte, or -1 when none is waiting. */
int serial_getc(uint16_t port);

#endif
