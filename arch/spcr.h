/* arch/spcr.h: the firmware's Serial Port Console Redirection table (Microsoft, "Serial Port
 * Console Redirection Table", revisions 1, 2 and 4): which UART the firmware's console uses. Only
 * 16550-compatible UARTs are taken. Pure: parses bytes the caller mapped; host-tested. */
#ifndef ARCH_SPCR_H
#define ARCH_SPCR_H

#include <stdbool.h>
#include <stdint.h>

#define SPCR_MIN_LEN 80 /* revisions 1 and 2; revision 4 is 88 bytes plus a namespace string */

/* Interface Type values (the DBG2 serial port subtypes) that are 16550s. */
#define SPCR_IF_16550 0x00        /* full 16550 */
#define SPCR_IF_16450 0x01        /* 16450; "16550 subset" in DBG2 terms */
#define SPCR_IF_16550_GAS 0x12    /* 16550, register width and stride given by the GAS */

struct spcr_uart {
	uint8_t revision;
	uint8_t iface;      /* Interface Type, one of the SPCR_IF_* above */
	bool mmio;          /* false: I/O ports */
	uint64_t address;   /* I/O port (< 0x10000) or physical address of register 0 */
	uint8_t reg_width;  /* bytes per register access, which is also the register stride:
			     * 1, 2 or 4; always 1 for I/O ports */
	uint32_t baud;      /* 0: leave the rate the firmware set ("as is") */
	uint32_t clock_hz;  /* UART input clock, revision 3+; 0 when not given */
	uint8_t irq_type;   /* Interrupt Type bits: 0 PC-AT 8259 IRQ, 1 I/O APIC, 2 SAPIC, ... */
	uint8_t irq;        /* PC-AT IRQ, valid when irq_type bit 0 is set */
	uint32_t gsi;       /* Global System Interrupt, valid when irq_type bit 1 or 2 is set */
	bool pci;           /* the UART is a PCI function; the bdf below names it */
	uint16_t pci_vendor, pci_device;
	uint8_t pci_segment, pci_bus, pci_dev, pci_fn;
	uint32_t pci_flags; /* bit 0: do not suppress PnP enumeration or power management */
};

/* Parses the SPCR at `table`, of which `len` bytes are readable. On success fills *out and returns
 * true. Otherwise returns false, leaves *out untouched and points *why (if why is not NULL) at a
 * static sentence: too short, truncated, bad signature or checksum, not a 16550, an address space
 * other than system memory or I/O, address 0, or an I/O port beyond 0xffff. */
bool spcr_parse(const uint8_t *table, uint32_t len, struct spcr_uart *out, const char **why);

/* A name for an Interface Type byte, for messages: "16550", "ARM PL011", ..., or "unknown". */
const char *spcr_iface_name(uint8_t iface);

#endif
