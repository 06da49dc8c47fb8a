/* arch/pci.c: configuration mechanism #1 (see arch/pci.h). */
#include "arch/cpu.h"
#include "arch/pci.h"

static uint32_t address(unsigned bus, unsigned dev, unsigned fn, unsigned offset)
{
	return 0x80000000u | (bus & 0xff) << 16 | (dev & 0x1f) << 11 | (fn & 7) << 8 | (offset & 0xfc);
}

uint32_t pci_cfg_read32(void *ctx, unsigned bus, unsigned dev, unsigned fn, unsigned offset)
{
	outl(0xcf8, address(bus, dev, fn, offset));
	return inl(0xcfc);
}

void pci_cfg_write32(unsigned bus, unsigned dev, unsigned fn, unsigned offset, uint32_t value)
{
	outl(0xcf8, address(bus, dev, fn, offset));
	outl(0xcfc, value);
}
