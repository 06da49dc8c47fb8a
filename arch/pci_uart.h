/* arch/pci_uart.h: finding a 16550-compatible UART among the PCI functions (PCI Local Bus 3.0,
 * chapter 6 "Configuration Space"; PCI Code and ID Assignment 1.x: class 07h subclass 00h is a
 * serial controller, programming interfaces 00h..06h the 8250/16450/16550 family). Pure: the
 * caller reads configuration space (arch code does ports 0xCF8/0xCFC); host-tested. */
#ifndef ARCH_PCI_UART_H
#define ARCH_PCI_UART_H

#include <stdbool.h>
#include <stdint.h>

struct pci_bdf {
	uint8_t bus, dev, fn; /* dev 0..31, fn 0..7; segment 0 only */
};

/* One aligned dword of function bus:dev.fn's configuration space at `offset` (a multiple of 4,
 * below 256). All-ones when no function answers. */
typedef uint32_t (*pci_read32_fn)(void *ctx, unsigned bus, unsigned dev, unsigned fn,
				  unsigned offset);

struct pci_uart {
	struct pci_bdf bdf;
	uint16_t vendor, device;
	uint8_t prog_if;   /* 0 8250, 1 16450, 2 16550, 3 16650, 4 16750, 5 16850, 6 16950 */
	uint16_t command;  /* Command register: bit 0 I/O and bit 1 memory decoding are enabled */
	unsigned bar;      /* which BAR (0..5) holds the registers */
	bool mmio;         /* false: I/O ports */
	uint64_t address;  /* I/O port or physical address of register 0 */
};

/* With want == NULL: the first 16550-compatible serial controller, in bus, device, function
 * order over buses 0..255. With want: that function, if it is one. Its registers are those of the
 * first BAR that holds an address. Returns false (with *why, if why is not NULL, pointing at a
 * static sentence) when there is none; *out is then untouched. */
bool pci_uart_find(pci_read32_fn read32, void *ctx, const struct pci_bdf *want,
		   struct pci_uart *out, const char **why);

/* "BB:DD.F" as lspci prints it (hex; bus 1-2 digits, device 1-2 digits up to 1f, function 0-7),
 * optionally after a segment "SSSS:" that must be 0. False, with *out untouched, otherwise. */
bool pci_bdf_parse(const char *s, struct pci_bdf *out);

#endif
