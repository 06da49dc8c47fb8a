/* arch/console_find.c: a console on machines without a legacy COM1 (README, "Serial console"):
 * the UART the firmware names in its ACPI SPCR table, else the first 16550-compatible PCI serial
 * controller (class 07h, subclass 00h), as console= asks (pci:BB:DD.F, spcr, auto) or by itself
 * when COM1 did not answer at boot. BSP, once, after the ACPI tables are read. */
#include "arch/console.h"
#include "arch/console_find.h"
#include "arch/console_spec.h"
#include "arch/pci.h"
#include "arch/pci_uart.h"
#include "arch/serial.h"
#include "arch/spcr.h"
#include "lib/log.h"
#include "lib/printf.h"

static bool try_spcr(const struct acpi_host *acpi, uint32_t baud)
{
	struct spcr_uart s;
	const char *why = "no SPCR table";

	if (!acpi->spcr_phys || !spcr_parse((const uint8_t *)acpi->spcr_phys, acpi->spcr_len, &s,
					    &why)) {
		log_info("console: SPCR: %s", why);
		return false;
	}
	struct uart u = { s.mmio, s.address, s.mmio && s.reg_width == 4 ? 4 : 1 };
	return console_use_uart(&u, baud ? baud : s.baud, "ACPI SPCR");
}

/* Decoding of the BAR's space is switched on if the firmware left it off. */
static bool try_pci(const struct pci_bdf *want, uint32_t baud)
{
	struct pci_uart p;
	const char *why = "none found";
	char how[40];

	if (!pci_uart_find(pci_cfg_read32, 0, want, &p, &why)) {
		log_info("console: PCI serial controller: %s", why);
		return false;
	}
	uint32_t need = p.mmio ? 2 : 1; /* command bit 1 memory, bit 0 I/O decoding */
	if ((p.command & need) != need)
		pci_cfg_write32(p.bdf.bus, p.bdf.dev, p.bdf.fn, 4, p.command | need);
	fmt_snprintf(how, sizeof(how), "PCI %02x:%02x.%x %04x:%04x", p.bdf.bus, p.bdf.dev, p.bdf.fn,
		     p.vendor, p.device);
	struct uart u = { p.mmio, p.address, 1 };
	return console_use_uart(&u, baud ? baud : 115200, how);
}

void console_find_late(const struct acpi_host *acpi)
{
	const struct console_spec *spec;

	if (!console_wants_late(&spec))
		return;
	switch (spec->kind) {
	case CONSOLE_SPCR:
		try_spcr(acpi, spec->baud);
		break;
	case CONSOLE_PCI:
		try_pci(&spec->pci, spec->baud);
		break;
	default: /* auto, or no COM1 */
		if (!try_spcr(acpi, spec->baud))
			try_pci(0, spec->baud);
		break;
	}
}
