/* guest/vuart.h: the VM's COM1, a 16550A as Linux's 8250 driver and simple polled drivers use it
 * (PC16550D data sheet, "Registers"): bytes written to THR leave at once and the hypervisor
 * prints them as lines prefixed with the VM's name; bytes typed on the serial line
 * (lib/console_mux.h) wait in a 64-byte receive FIFO for RBR. A line begun when the guest turns
 * its THRE interrupt off with nothing typed since the line began (a shell's prompt waiting for
 * input) is handed over at once, and the rest of that line when it ends. Registers: IER
 * (received data, THRE, line status and modem status interrupts), IIR with the data sheet's priorities (line
 * status, received data or character timeout, THRE, modem status; reading IIR clears a THRE
 * interrupt it reports) and FIFO bits 7:6 once FCR enables the FIFOs, LCR with DLAB and the
 * divisor latch, MCR with loopback (transmitted bytes come back to RBR, the modem inputs follow
 * MCR's outputs: CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2, with their delta bits), LSR (DR, OE,
 * THRE, TEMT), MSR, SCR. The interrupt line is INTR gated by MCR.OUT2, as on a PC's board (and
 * off in loopback, where OUT2 is internal); vuart_irq_fn hears each change of it. Pure
 * (host-tested); registered in the VM's port table; every caller holds the VM's device lock. */
#ifndef GUEST_VUART_H
#define GUEST_VUART_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/io_ports.h"

#define VUART_LINE_MAX 160
#define VUART_RX_MAX 64

typedef void (*vuart_line_fn)(void *ctx, const char *line);
typedef void (*vuart_irq_fn)(void *ctx, bool asserted);
typedef bool (*vuart_tx_room_fn)(void *ctx);

struct vuart {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending;  /* the THRE interrupt: set when THR empties, cleared by IIR or THR */
	bool overrun;       /* LSR.OE: a byte arrived with the FIFO full; cleared by reading LSR */
	uint8_t msr_delta;  /* MSR bits 3:0, cleared by reading MSR */
	bool irq_line;      /* the interrupt line as last told */
	char line[VUART_LINE_MAX + 1];
	unsigned len;
	unsigned shown;     /* bytes of line[] already handed over: a prompt (vuart.c, show_prompt) */
	bool typed_in_line; /* a byte was received since the line began */
	uint8_t rx[VUART_RX_MAX];
	unsigned rx_head, rx_count, rx_dropped; /* dropped: typed while the FIFO was full */
	vuart_line_fn out;
	void *out_ctx;
	vuart_irq_fn irq;
	void *irq_ctx;
	vuart_tx_room_fn tx_room;
	void *tx_ctx;
};

void vuart_init(struct vuart *u, vuart_line_fn out, void *ctx);
/* Where its interrupt line goes (none: polled only). */
void vuart_set_irq(struct vuart *u, vuart_irq_fn irq, void *ctx);
/* Back-pressure for a guest that polls: while its THRE interrupt is off (IER bit 1) and outside
 * loopback, LSR's THRE and TEMT read as `room` says (false: the console cannot take more yet),
 * so a driver that waits for THRE before each byte waits for the console. Bytes written anyway
 * are taken as always; with the THRE interrupt on, THR is always empty again at once (an
 * interrupt-driven driver is never left waiting for an interrupt that would not come). */
void vuart_set_tx_room(struct vuart *u, vuart_tx_room_fn room, void *ctx);
/* Hand over a partial line (the VM stops, or the hypervisor wants the console). */
void vuart_flush(struct vuart *u);
/* A byte typed for the guest; false (and counted, and LSR.OE set) when its FIFO is full. */
bool vuart_receive(struct vuart *u, uint8_t byte);
/* The port-table entry for this UART at `base` (8 ports). */
struct port_range vuart_ports(struct vuart *u, uint16_t base, const char *name);

#endif
