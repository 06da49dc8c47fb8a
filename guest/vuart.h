/* guest/vuart.h: the VM's COM1, a 16550 as far as a guest's console driver needs: it takes bytes
 * and the hypervisor prints them as lines prefixed with the VM's name; the line and modem status
 * registers say "ready"; the divisor, scratch and control registers hold what was written. No
 * input yet, no interrupts. Pure (host-tested); registered in the VM's port table. */
#ifndef GUEST_VUART_H
#define GUEST_VUART_H

#include <stdint.h>

#include "vmx/io_ports.h"

#define VUART_LINE_MAX 160

typedef void (*vuart_line_fn)(void *ctx, const char *line);

struct vuart {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	char line[VUART_LINE_MAX + 1];
	unsigned len;
	vuart_line_fn out;
	void *out_ctx;
};

void vuart_init(struct vuart *u, vuart_line_fn out, void *ctx);
/* Hand over a partial line (the VM stops, or the hypervisor wants the console). */
void vuart_flush(struct vuart *u);
/* The port-table entry for this UART at `base` (8 ports). */
struct port_range vuart_ports(struct vuart *u, uint16_t base, const char *name);

#endif
