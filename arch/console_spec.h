/* arch/console_spec.h: what the `console=` boot option asks for. Pure parsing, host-tested. */
#ifndef ARCH_CONSOLE_SPEC_H
#define ARCH_CONSOLE_SPEC_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/pci_uart.h"

enum console_kind {
	CONSOLE_IO,   /* a 16550 at I/O port `port` */
	CONSOLE_MMIO, /* a 16550 at physical address `mmio`, registers `reg_width` bytes apart */
	CONSOLE_PCI,  /* the 16550 that PCI function `pci` is; its first BAR says where */
	CONSOLE_SPCR, /* the UART the firmware's ACPI SPCR table names */
	CONSOLE_AUTO, /* whatever UART can be found (the wiring decides the order) */
};

struct console_spec {
	enum console_kind kind;
	uint16_t port;      /* CONSOLE_IO; 0 for the other kinds */
	uint64_t mmio;      /* CONSOLE_MMIO */
	uint8_t reg_width;  /* CONSOLE_MMIO: 1 ("mmio:") or 4 ("mmio32:"); 1 for the others */
	struct pci_bdf pci; /* CONSOLE_PCI */
	uint32_t baud;      /* 115200 unless given; for spcr and auto 0 unless given, meaning the
			     * rate the SPCR names, or the one the firmware left */
};

/* Accepts
 *   com1..com4, "0x2f8", "io:0x2f8"    a UART in I/O space
 *   mmio:0xADDR, mmio32:0xADDR         a UART in memory, byte or dword registers
 *   pci:BB:DD.F (or pci:0000:BB:DD.F)  a PCI serial controller, bus:device.function in hex
 *   spcr, auto                         the firmware's choice, or any UART found
 * each optionally followed by ",BAUD" (a divisor of 115200). False, with *out untouched, for
 * anything else. */
bool console_parse_spec(const char *s, struct console_spec *out);

#endif
