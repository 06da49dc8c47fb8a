/* arch/pci_uart.c: a 16550 among the PCI functions (see arch/pci_uart.h). Register offsets are
 * those of the type 0 configuration header, PCI Local Bus 3.0, 6.1. Pure. */
#include "arch/pci_uart.h"
#include "lib/cmdline.h"

#define PCI_ID 0x00       /* vendor ID (low word), device ID */
#define PCI_COMMAND 0x04  /* command (low word), status */
#define PCI_CLASS 0x08    /* revision, prog-if, subclass, class (6.2.1) */
#define PCI_HEADER 0x0c   /* cache line, latency, header type (byte 2), BIST */
#define PCI_BAR0 0x10     /* six BARs in a type 0 header (6.2.5.1) */
#define PCI_NBARS 6

#define HEADER_MULTIFUNCTION 0x80
#define CLASS_SERIAL 0x07
#define SUBCLASS_SERIAL 0x00
#define PROG_IF_MAX_16550 0x06

#define BAR_IO 0x1
#define BAR_MEM_TYPE(b) (((b) >> 1) & 3) /* 0 32-bit, 1 below 1 MiB (PCI 2.x), 2 64-bit */
#define BAR_MEM_64 2

static bool present(pci_read32_fn rd, void *ctx, unsigned bus, unsigned dev, unsigned fn)
{
	return (rd(ctx, bus, dev, fn, PCI_ID) & 0xffff) != 0xffff;
}

static uint8_t header_type(pci_read32_fn rd, void *ctx, unsigned bus, unsigned dev, unsigned fn)
{
	return (uint8_t)(rd(ctx, bus, dev, fn, PCI_HEADER) >> 16);
}

/* 6.2.5.1: bit 0 tells I/O from memory; a 64-bit memory BAR takes the next dword as its upper
 * half. A BAR reading 0 is not implemented or was given no address by the firmware. Returns the
 * index of the next BAR to look at. */
static unsigned decode_bar(pci_read32_fn rd, void *ctx, const struct pci_bdf *b, unsigned i,
			   bool *mmio, uint64_t *addr)
{
	uint32_t bar = rd(ctx, b->bus, b->dev, b->fn, PCI_BAR0 + 4 * i);

	*addr = 0;
	if (bar & BAR_IO) {
		*mmio = false;
		*addr = bar & ~3u;
		return i + 1;
	}
	*mmio = true;
	if (BAR_MEM_TYPE(bar) == BAR_MEM_64) {
		if (i + 1 == PCI_NBARS) /* malformed: no upper half */
			return i + 1;
		uint64_t hi = rd(ctx, b->bus, b->dev, b->fn, PCI_BAR0 + 4 * (i + 1));
		*addr = (hi << 32) | (bar & ~0xfu);
		return i + 2;
	}
	if (BAR_MEM_TYPE(bar) != 3) /* 3 is reserved */
		*addr = bar & ~0xfu;
	return i + 1;
}

static bool first_bar(pci_read32_fn rd, void *ctx, struct pci_uart *u)
{
	for (unsigned i = 0, next; i < PCI_NBARS; i = next) {
		next = decode_bar(rd, ctx, &u->bdf, i, &u->mmio, &u->address);
		if (u->address) {
			u->bar = i;
			return true;
		}
	}
	return false;
}

/* Fills *u and returns NULL when bdf is a usable 16550, else says why not. */
static const char *probe(pci_read32_fn rd, void *ctx, struct pci_bdf bdf, struct pci_uart *u)
{
	uint32_t id = rd(ctx, bdf.bus, bdf.dev, bdf.fn, PCI_ID);
	uint32_t cls = rd(ctx, bdf.bus, bdf.dev, bdf.fn, PCI_CLASS);

	if ((id & 0xffff) == 0xffff)
		return "pci: no function there";
	if (cls >> 24 != CLASS_SERIAL || ((cls >> 16) & 0xff) != SUBCLASS_SERIAL ||
	    ((cls >> 8) & 0xff) > PROG_IF_MAX_16550)
		return "pci: not a 16550 serial controller (class 07h 00h, prog-if 0..6)";
	if ((header_type(rd, ctx, bdf.bus, bdf.dev, bdf.fn) & 0x7f) != 0)
		return "pci: the serial controller has no type 0 header, so no BARs";
	*u = (struct pci_uart){ .bdf = bdf, .vendor = (uint16_t)id, .device = (uint16_t)(id >> 16),
				.prog_if = (uint8_t)(cls >> 8) };
	u->command = (uint16_t)rd(ctx, bdf.bus, bdf.dev, bdf.fn, PCI_COMMAND);
	if (!first_bar(rd, ctx, u))
		return "pci: the serial controller has no BAR with an address";
	return 0;
}

/* Function 0 always exists in a present device; functions 1..7 only when its header type says
 * multi-function (6.2.1), since single-function devices may answer for every function number. */
static bool scan_device(pci_read32_fn rd, void *ctx, unsigned bus, unsigned dev,
			struct pci_uart *out)
{
	unsigned nfn;
	struct pci_uart u;

	if (!present(rd, ctx, bus, dev, 0))
		return false;
	nfn = (header_type(rd, ctx, bus, dev, 0) & HEADER_MULTIFUNCTION) ? 8 : 1;
	for (unsigned fn = 0; fn < nfn; fn++) {
		struct pci_bdf bdf = { (uint8_t)bus, (uint8_t)dev, (uint8_t)fn };
		if (!probe(rd, ctx, bdf, &u)) {
			*out = u;
			return true;
		}
	}
	return false;
}

bool pci_uart_find(pci_read32_fn read32, void *ctx, const struct pci_bdf *want,
		   struct pci_uart *out, const char **why)
{
	struct pci_uart u;
	const char *bad;

	if (want) {
		bad = want->dev > 31 || want->fn > 7 ? "pci: no such device or function number" :
						       probe(read32, ctx, *want, &u);
		if (!bad)
			*out = u;
	} else {
		for (unsigned bus = 0; bus < 256; bus++)
			for (unsigned dev = 0; dev < 32; dev++)
				if (scan_device(read32, ctx, bus, dev, out))
					return true;
		bad = "pci: no 16550-compatible serial controller found";
	}
	if (bad && why)
		*why = bad;
	return !bad;
}

/* 1..max hex digits at *s, then the separator `end`; advances *s past it. */
static bool hex_field(const char **s, unsigned max, char end, unsigned *v)
{
	unsigned n = 0;
	int d;

	*v = 0;
	for (; (d = cmdline_digit(**s, 16)) >= 0; (*s)++) {
		if (++n > max)
			return false;
		*v = *v * 16 + (unsigned)d;
	}
	if (!n || **s != end)
		return false;
	if (end)
		(*s)++;
	return true;
}

static unsigned count_char(const char *s, char c)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

bool pci_bdf_parse(const char *s, struct pci_bdf *out)
{
	unsigned colons = count_char(s, ':'), seg = 0, bus, dev, fn;

	/* Two colons: a segment comes first. */
	if (colons == 2 && (!hex_field(&s, 4, ':', &seg) || seg))
		return false;
	if (colons < 1 || colons > 2 || !hex_field(&s, 2, ':', &bus) ||
	    !hex_field(&s, 2, '.', &dev) || !hex_field(&s, 1, 0, &fn) || dev > 31 || fn > 7)
		return false;
	*out = (struct pci_bdf){ (uint8_t)bus, (uint8_t)dev, (uint8_t)fn };
	return true;
}
