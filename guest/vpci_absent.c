/* guest/vpci_absent.c: configuration mechanism #1 with an empty bus (see guest/vpci_absent.h). */
#include "guest/vpci_absent.h"

#define CONFIG_ADDRESS_MASK 0x80fffffcu /* enable, bus, device, function, register */

static uint32_t address_read(void *dev, uint16_t port, unsigned size)
{
	const struct vpci_absent *p = dev;

	return size == 4 ? p->address : 0xffffffffu;
}

static void address_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct vpci_absent *p = dev;

	if (size == 4)
		p->address = value & CONFIG_ADDRESS_MASK;
}

void vpci_absent_ports(struct vpci_absent *p, struct port_range out[VPCI_ABSENT_RANGES])
{
	p->address = 0;
	out[0] = (struct port_range){ VPCI_PORT_ADDRESS, VPCI_PORT_ADDRESS, "PCI CONFIG_ADDRESS",
				      address_read, address_write, p };
	out[1] = (struct port_range){ VPCI_PORT_ADDRESS + 2, VPCI_PORT_ADDRESS + 3,
				      "PCI mechanism #2 (absent)", 0, 0, p };
	/* No device: reads all-ones (the table's default for a NULL reader), writes dropped. */
	out[2] = (struct port_range){ VPCI_PORT_DATA, VPCI_PORT_DATA + 3, "PCI CONFIG_DATA", 0, 0,
				      p };
}
