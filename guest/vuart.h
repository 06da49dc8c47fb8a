/* guest/vuart.h: the VM's COM1, a 16550 as far as a guest's console driver needs: it takes bytes
 * and the hypervisor prints them as lines prefixed with the VM's name; the line and modem status
 * registers say "ready"; the divisor, scratch and control registers hold what was written. Input
 * typed on the serial line (lib/console_mux.h) waits in a small FIFO for the guest to read it, as
 * a polled 16550's would; no interrupts. Pure (host-tested); registered in the VM's port table. */
#ifndef GUEST_VUART_H
#define GUEST_VUART_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/io_ports.h"

#define VUART_LINE_MAX 160
#define VUART_RX_MAX 64

typedef void (*vuart_line_fn)(void *ctx, const char *line);

struct vuart {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	char line[VUART_LINE_MAX + 1];
	unsigned len;
	uint8_t rx[VUART_RX_MAX];
	unsigned rx_head, rx_count, rx_dropped; /* dropped: typed while the FIFO was full */
	vuart_line_fn out;
	void *out_ctx;
};

void vuart_init(struct vuart *u, vuart_line_fn out, void *ctx);
/* Hand over a partial line (the VM stops, or the hypervisor wants the console). */
void vuart_flush(struct vuart *u);
/* A byte typed for the guest; false (and counted) when its FIFO is full. The caller holds the
 * VM's device lock. */
bool vuart_receive(struct vuart *u, uint8_t byte);
/* The port-table entry for this UART at `base` (8 ports). */
struct port_range vuart_ports(struct vuart *u, uint16_t base, const char *name);

#endif
