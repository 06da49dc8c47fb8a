/* arch/spcr.c: the SPCR table (see arch/spcr.h). Offsets are those of the Microsoft "Serial Port
 * Console Redirection Table" spec, Table 1; the Base Address is an ACPI Generic Address Structure
 * (ACPI 6.5, 5.2.3.2). Pure. */
#include "arch/acpi.h"
#include "arch/spcr.h"
#include "lib/string.h"
#include "lib/unaligned.h"

#define SPCR_IFACE 36
#define SPCR_BASE 40      /* GAS: space id, bit width, bit offset, access size, u64 address */
#define SPCR_IRQ_TYPE 52
#define SPCR_IRQ 53
#define SPCR_GSI 54
#define SPCR_BAUD 58
#define SPCR_PCI_DEVICE 64
#define SPCR_PCI_VENDOR 66
#define SPCR_PCI_BUS 68
#define SPCR_PCI_DEV 69
#define SPCR_PCI_FN 70
#define SPCR_PCI_FLAGS 71
#define SPCR_PCI_SEGMENT 75
#define SPCR_CLOCK 76     /* revision 3+: UART Clock Frequency, reserved before */
#define SPCR_PRECISE_BAUD 80 /* revision 4+: overrides the Configured Baud Rate when not 0 */

#define GAS_MEMORY 0
#define GAS_IO 1

const char *spcr_iface_name(uint8_t iface)
{
	switch (iface) {
	case SPCR_IF_16550: return "16550";
	case SPCR_IF_16450: return "16450";
	case 0x03: return "ARM PL011";
	case 0x0d: case 0x0e: return "ARM SBSA generic UART";
	case 0x0f: return "ARM DCC";
	case SPCR_IF_16550_GAS: return "16550 (GAS)";
	case 0x14: return "Intel LPSS";
	case 0x15: return "RISC-V SBI console";
	default: return "unknown";
	}
}

/* Configured Baud Rate codes; the rest are reserved and, like 0, mean "as is". */
static uint32_t baud_code(uint8_t code)
{
	switch (code) {
	case 3: return 9600;
	case 4: return 19200;
	case 6: return 57600;
	case 7: return 115200;
	default: return 0;
	}
}

/* GAS Access Size (ACPI 6.5, Table 5.1): 1 byte, 2 word, 3 dword, 4 qword; 0 "undefined" (legacy),
 * where the Register Bit Width says it. As Linux does, anything a 16550 cannot use (qword,
 * reserved values, odd widths) falls back to byte registers. */
static uint8_t reg_width(uint8_t access_size, uint8_t bit_width)
{
	if (access_size >= 1 && access_size <= 3)
		return (uint8_t)(1u << (access_size - 1));
	if (access_size == 0 && (bit_width == 16 || bit_width == 32))
		return bit_width / 8;
	return 1;
}

static const char *check_header(const uint8_t *t, uint32_t len, uint32_t *tlen)
{
	if (!t || len < 8)
		return "SPCR: shorter than an ACPI table header";
	if (memcmp(t, "SPCR", 4))
		return "SPCR: the signature is not \"SPCR\"";
	*tlen = get_u32(t + 4);
	if (*tlen > len)
		return "SPCR: its length field runs past the bytes mapped";
	if (*tlen < SPCR_MIN_LEN)
		return "SPCR: shorter than the 80 bytes of a revision 1 table";
	if (acpi_checksum(t, *tlen))
		return "SPCR: bad checksum";
	return 0;
}

static const char *check_uart(const uint8_t *t)
{
	uint8_t iface = t[SPCR_IFACE], space = t[SPCR_BASE];
	uint64_t addr = get_u64(t + SPCR_BASE + 4);

	if (iface != SPCR_IF_16550 && iface != SPCR_IF_16450 && iface != SPCR_IF_16550_GAS)
		return "SPCR: the UART is not 16550-compatible";
	if (space != GAS_MEMORY && space != GAS_IO)
		return "SPCR: the UART is neither in system memory nor in I/O space";
	if (!addr)
		return "SPCR: the UART's address is 0";
	if (space == GAS_IO && addr > 0xffff)
		return "SPCR: the UART's I/O port is beyond 0xffff";
	return 0;
}

/* PCI Device ID and Vendor ID are 0xFFFF for a UART that is not a PCI function; some firmware
 * leaves them 0. */
static void read_pci(const uint8_t *t, struct spcr_uart *u)
{
	u->pci_device = get_u16(t + SPCR_PCI_DEVICE);
	u->pci_vendor = get_u16(t + SPCR_PCI_VENDOR);
	u->pci = u->pci_vendor != 0xffff && u->pci_vendor != 0;
	u->pci_bus = t[SPCR_PCI_BUS];
	u->pci_dev = t[SPCR_PCI_DEV];
	u->pci_fn = t[SPCR_PCI_FN];
	u->pci_flags = get_u32(t + SPCR_PCI_FLAGS);
	u->pci_segment = t[SPCR_PCI_SEGMENT];
}

bool spcr_parse(const uint8_t *table, uint32_t len, struct spcr_uart *out, const char **why)
{
	struct spcr_uart u = { 0 };
	const char *bad;
	uint32_t tlen = 0;

	bad = check_header(table, len, &tlen);
	if (!bad)
		bad = check_uart(table);
	if (bad) {
		if (why)
			*why = bad;
		return false;
	}
	u.revision = table[8];
	u.iface = table[SPCR_IFACE];
	u.mmio = table[SPCR_BASE] == GAS_MEMORY;
	u.address = get_u64(table + SPCR_BASE + 4);
	u.reg_width = u.mmio ? reg_width(table[SPCR_BASE + 3], table[SPCR_BASE + 1]) : 1;
	u.irq_type = table[SPCR_IRQ_TYPE];
	u.irq = table[SPCR_IRQ];
	u.gsi = get_u32(table + SPCR_GSI);
	u.baud = baud_code(table[SPCR_BAUD]);
	read_pci(table, &u);
	if (u.revision >= 3 && tlen >= SPCR_CLOCK + 4)
		u.clock_hz = get_u32(table + SPCR_CLOCK);
	if (u.revision >= 4 && tlen >= SPCR_PRECISE_BAUD + 4 && get_u32(table + SPCR_PRECISE_BAUD))
		u.baud = get_u32(table + SPCR_PRECISE_BAUD);
	*out = u;
	return true;
}
