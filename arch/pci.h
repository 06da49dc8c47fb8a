/* arch/pci.h: PCI configuration space through configuration mechanism #1 (ports 0xCF8/0xCFC,
 * PCI Local Bus Specification 3.0, 3.2.2.3.2): enough to find and switch on a serial card. BSP,
 * boot. */
#ifndef ARCH_PCI_H
#define ARCH_PCI_H

#include <stdint.h>

uint32_t pci_cfg_read32(void *ctx, unsigned bus, unsigned dev, unsigned fn, unsigned offset);
void pci_cfg_write32(unsigned bus, unsigned dev, unsigned fn, unsigned offset, uint32_t value);

#endif
