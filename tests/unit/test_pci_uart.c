/* tests/unit/test_pci_uart.c: arch/pci_uart.c over configuration spaces written as tables: QEMU's
 * -device pci-serial, an Intel AMT serial-over-LAN (KT) function behind the ME's function 0, 64-bit
 * and unassigned BARs, bridges and other devices to skip, and the bus:dev.fn syntax. */
#include "arch/pci_uart.h"
#include "tests/unit/test.h"

/* The first 0x28 bytes of a type 0 header as dwords: ID, command/status, class, header, BARs. */
struct fake_fn {
	uint8_t bus, dev, fn;
	uint32_t cfg[10];
};

struct fake_pci {
	const struct fake_fn *fns;
	unsigned n;
	bool ghosts;   /* single-function devices answer for every function number, as some do */
	unsigned reads;
};

#define ID(vendor, device) ((uint32_t)(device) << 16 | (vendor))
#define CMD_IO_MEM 0x00000007u
#define HDR(type) ((uint32_t)(type) << 16)

static uint32_t fake_read(void *ctx, unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
	struct fake_pci *p = ctx;

	p->reads++;
	CHECK(bus < 256 && dev < 32 && fn < 8 && off < 256 && off % 4 == 0);
	for (unsigned i = 0; i < p->n; i++) {
		const struct fake_fn *f = &p->fns[i];
		if (f->bus == bus && f->dev == dev && (f->fn == fn || (p->ghosts && f->fn == 0)))
			return off / 4 < 10 ? f->cfg[off / 4] : 0;
	}
	return 0xffffffffu;
}

/* QEMU pc with -device pci-serial: the i440FX host bridge, PIIX3 ISA bridge, VGA, the UART. */
static const struct fake_fn qemu_pc[] = {
	{ 0, 0, 0, { ID(0x8086, 0x1237), CMD_IO_MEM, 0x06000002, HDR(0x00) } },
	{ 0, 1, 0, { ID(0x8086, 0x7000), CMD_IO_MEM, 0x06010000, HDR(0x80) } },
	{ 0, 1, 1, { ID(0x8086, 0x7010), CMD_IO_MEM, 0x01018000, HDR(0x00), 0, 0, 0, 0, 0xc041 } },
	{ 0, 2, 0, { ID(0x1234, 0x1111), CMD_IO_MEM, 0x03000002, HDR(0x00), 0xfd000008, 0,
		     0xfebf0000 } },
	{ 0, 3, 0, { ID(0x1b36, 0x0002), 0x00000001, 0x07000201, HDR(0x00), 0xc001, 0, 0, 0, 0,
		     0 } },
};

TEST(pci_uart_qemu_pci_serial)
{
	struct fake_pci p = { qemu_pc, 5, false, 0 };
	struct pci_uart u;
	const char *why = 0;

	CHECK(pci_uart_find(fake_read, &p, 0, &u, &why));
	CHECK(why == 0);
	CHECK_EQ(u.bdf.bus, 0);
	CHECK_EQ(u.bdf.dev, 3);
	CHECK_EQ(u.bdf.fn, 0);
	CHECK_EQ(u.vendor, 0x1b36);
	CHECK_EQ(u.device, 0x0002);
	CHECK_EQ(u.prog_if, 2);
	CHECK_EQ(u.command, 1);
	CHECK_EQ(u.bar, 0);
	CHECK(!u.mmio);
	CHECK_EQ(u.address, 0xc000);
	/* the PIIX IDE function's I/O BAR at 00:01.1 was looked at and passed over: wrong class */
}

/* An Intel 8 Series board: the ME at 00:16 is multi-function; function 0 is the HECI (class 07h,
 * subclass 80h "other": not a UART), function 3 the KT (serial over LAN) 16550, with an I/O BAR
 * and a memory BAR. A PCIe root port (bridge, header type 1) and the LPC bridge around it. */
static const struct fake_fn intel_amt[] = {
	{ 0, 0, 0, { ID(0x8086, 0x0c00), CMD_IO_MEM, 0x06000006, HDR(0x00) } },
	{ 0, 0x16, 0, { ID(0x8086, 0x8c3a), CMD_IO_MEM, 0x07800004, HDR(0x80), 0xf7d1b004, 0 } },
	{ 0, 0x16, 3, { ID(0x8086, 0x8c3d), CMD_IO_MEM, 0x07000204, HDR(0x00), 0xf0e1,
			0xf7d1a000 } },
	{ 0, 0x1c, 0, { ID(0x8086, 0x8c10), CMD_IO_MEM, 0x060400d4, HDR(0x81) } },
	{ 0, 0x1f, 0, { ID(0x8086, 0x8c4e), CMD_IO_MEM, 0x06010004, HDR(0x80) } },
};

TEST(pci_uart_amt_sol_is_function_3)
{
	struct fake_pci p = { intel_amt, 5, false, 0 };
	struct pci_uart u;

	CHECK(pci_uart_find(fake_read, &p, 0, &u, 0));
	CHECK_EQ(u.bdf.dev, 0x16);
	CHECK_EQ(u.bdf.fn, 3);
	CHECK_EQ(u.vendor, 0x8086);
	CHECK_EQ(u.device, 0x8c3d);
	CHECK_EQ(u.bar, 0);
	CHECK(!u.mmio);
	CHECK_EQ(u.address, 0xf0e0);
}

/* The first BAR with an address wins: here BAR0 was left unassigned and BAR1 is memory. Also a
 * 64-bit memory BAR above 4 GiB, and a UART on a bus behind a bridge. */
static const struct fake_fn mem_bars[] = {
	{ 0, 0, 0, { ID(0x8086, 0x0c00), CMD_IO_MEM, 0x06000006, HDR(0x00) } },
	{ 0, 4, 0, { ID(0x8086, 0x9de8), 0x6, 0x07000200, HDR(0x00), 0, 0xfe032000 } },
	{ 3, 0, 0, { ID(0x1415, 0xc158), 0x6, 0x07000600, HDR(0x00), 0xe000000c, 0x1 } },
};

TEST(pci_uart_memory_bars)
{
	struct fake_pci p = { mem_bars, 3, false, 0 };
	struct pci_bdf want = { 3, 0, 0 };
	struct pci_uart u;

	CHECK(pci_uart_find(fake_read, &p, 0, &u, 0));
	CHECK_EQ(u.bdf.dev, 4);
	CHECK_EQ(u.bar, 1);
	CHECK(u.mmio);
	CHECK_EQ(u.address, 0xfe032000);
	CHECK_EQ(u.command, 6);

	CHECK(pci_uart_find(fake_read, &p, &want, &u, 0));
	CHECK_EQ(u.bdf.bus, 3);
	CHECK_EQ(u.prog_if, 6);
	CHECK_EQ(u.bar, 0);
	CHECK(u.mmio);
	CHECK_EQ(u.address, 0x1e0000000ull);
}

/* A 64-bit BAR whose low dword has no address bits is still at an address (above 4 GiB); one in
 * the last BAR slot has no upper half and is malformed, as is memory type 3 (reserved). */
TEST(pci_uart_64bit_and_malformed_bars)
{
	static const struct fake_fn f[] = {
		{ 0, 5, 0, { ID(0x1234, 0x5678), 0x3, 0x07000200, HDR(0), 0x6, 0, 0, 0, 0,
			     0xe000000c } },
		{ 0, 6, 0, { ID(0x1234, 0x5679), 0x3, 0x07000200, HDR(0), 0x4, 0x2 } },
	};
	struct fake_pci p = { f, 2, false, 0 };
	struct pci_bdf want = { 0, 5, 0 };
	struct pci_uart u;
	const char *why = 0;

	CHECK(!pci_uart_find(fake_read, &p, &want, &u, &why));
	CHECK_STR(why, "pci: the serial controller has no BAR with an address");
	CHECK(pci_uart_find(fake_read, &p, 0, &u, 0));
	CHECK_EQ(u.bdf.dev, 6);
	CHECK_EQ(u.bar, 0);
	CHECK(u.mmio);
	CHECK_EQ(u.address, 0x200000000ull);
}

/* A single-function device that answers for every function number must be read as function 0
 * only; its echo at function 3 is not a second device. */
TEST(pci_uart_single_function_ghosts)
{
	static const struct fake_fn f[] = {
		{ 0, 2, 0, { ID(0x1234, 0x1111), CMD_IO_MEM, 0x03000002, HDR(0x00), 0xfd000008 } },
		{ 0, 2, 3, { ID(0x1b36, 0x0002), 1, 0x07000201, HDR(0x00), 0xc001 } },
		{ 0, 7, 0, { ID(0x1b36, 0x0002), 1, 0x07000201, HDR(0x00), 0xc101 } },
	};
	struct fake_pci p = { f, 3, false, 0 };
	struct pci_uart u;

	CHECK(pci_uart_find(fake_read, &p, 0, &u, 0));
	CHECK_EQ(u.bdf.dev, 7);
	CHECK_EQ(u.address, 0xc100);
	p.ghosts = true; /* now 00:07.0 also answers as 00:07.1..7: the first is still 00:07.0 */
	CHECK(pci_uart_find(fake_read, &p, 0, &u, 0));
	CHECK_EQ(u.bdf.dev, 7);
	CHECK_EQ(u.bdf.fn, 0);
}

TEST(pci_uart_refusals)
{
	struct fake_pci p = { intel_amt, 5, false, 0 };
	struct pci_bdf heci = { 0, 0x16, 0 }, bridge = { 0, 0x1c, 0 }, none = { 9, 1, 0 };
	struct pci_bdf bad_dev = { 0, 32, 0 };
	struct pci_uart u = { .address = 0x1234 };
	const char *why = 0;

	CHECK(!pci_uart_find(fake_read, &p, &heci, &u, &why));
	CHECK_STR(why, "pci: not a 16550 serial controller (class 07h 00h, prog-if 0..6)");
	CHECK(!pci_uart_find(fake_read, &p, &bridge, &u, &why));
	CHECK_STR(why, "pci: not a 16550 serial controller (class 07h 00h, prog-if 0..6)");
	CHECK(!pci_uart_find(fake_read, &p, &none, &u, &why));
	CHECK_STR(why, "pci: no function there");
	CHECK(!pci_uart_find(fake_read, &p, &bad_dev, &u, &why));
	CHECK_STR(why, "pci: no such device or function number");
	CHECK_EQ(u.address, 0x1234);

	/* a serial controller with a type 1 header, and a prog-if beyond the 16550 family */
	static const struct fake_fn odd[] = {
		{ 0, 1, 0, { ID(0x1234, 1), 3, 0x07000200, HDR(0x01), 0x3f9 } },
		{ 0, 2, 0, { ID(0x1234, 2), 3, 0x07000700, HDR(0x00), 0x2f9 } },
	};
	struct fake_pci q = { odd, 2, false, 0 };
	struct pci_bdf one = { 0, 1, 0 };
	CHECK(!pci_uart_find(fake_read, &q, &one, &u, &why));
	CHECK_STR(why, "pci: the serial controller has no type 0 header, so no BARs");
	CHECK(!pci_uart_find(fake_read, &q, 0, &u, &why));
	CHECK_STR(why, "pci: no 16550-compatible serial controller found");
	/* the whole scan: 256 buses x 32 devices, one ID read each where nothing answers */
	CHECK(q.reads >= 256 * 32);
	CHECK(q.reads < 256 * 32 + 64);
}

TEST(pci_bdf_syntax)
{
	struct pci_bdf b = { 0xaa, 0xbb, 0xcc };

	CHECK(pci_bdf_parse("00:16.3", &b));
	CHECK_EQ(b.bus, 0);
	CHECK_EQ(b.dev, 0x16);
	CHECK_EQ(b.fn, 3);
	CHECK(pci_bdf_parse("0000:3:1F.7", &b));
	CHECK_EQ(b.bus, 3);
	CHECK_EQ(b.dev, 0x1f);
	CHECK_EQ(b.fn, 7);
	CHECK(pci_bdf_parse("ff:0.0", &b));
	CHECK_EQ(b.bus, 0xff);

	b = (struct pci_bdf){ 0xaa, 0xbb, 0xcc };
	CHECK(!pci_bdf_parse("", &b));
	CHECK(!pci_bdf_parse("00:16", &b));
	CHECK(!pci_bdf_parse("00:20.0", &b));     /* device > 1f */
	CHECK(!pci_bdf_parse("00:16.8", &b));     /* function > 7 */
	CHECK(!pci_bdf_parse("100:00.0", &b));    /* bus > ff */
	CHECK(!pci_bdf_parse("0001:00:16.3", &b)); /* segment other than 0 */
	CHECK(!pci_bdf_parse("00000:00:16.3", &b));
	CHECK(!pci_bdf_parse("00:16.3x", &b));
	CHECK(!pci_bdf_parse(":16.3", &b));
	CHECK(!pci_bdf_parse("00:.3", &b));
	CHECK(!pci_bdf_parse("00:16.", &b));
	CHECK(!pci_bdf_parse("0:0:00:16.3", &b));
	CHECK(!pci_bdf_parse("g0:16.3", &b));
	CHECK_EQ(b.bus, 0xaa);
	CHECK_EQ(b.dev, 0xbb);
	CHECK_EQ(b.fn, 0xcc);
}
