/* tests/guests/vmtest/ports.c: port I/O as the VM's port table serves it (vmx/io_ports.c): a port
 * with no device reads all ones and ignores writes; COM1 is a 16550 (guest/vuart.c) whose
 * loopback carries REP OUTSB/INSB (vmx/exit_string_io.c); the CMOS RTC and the empty PCI
 * configuration space answer. vCPU 0. */
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/trap.h"
#include "tests/guests/vmtest/vmtest.h"
#include "lib/guest_abi.h"

#define NO_DEVICE_PORT 0x1234
#define COM1_LSR (GUEST_PORT_COM1 + 5)
#define COM1_SCR (GUEST_PORT_COM1 + 7)
#define LSR_THRE 0x20

/* OUT DX, AL is the one byte EE (Intel SDM Vol. 2B, OUT); at ring 0 it cannot #GP, but should a
 * #GP come anyway, it is caught and skipped so the check can say so. */
static bool outb_faults(uint16_t port, uint8_t v)
{
	trap_expect(TRAP_GP, 1);
	__asm__ volatile("outb %%al, %%dx" : : "a"(v), "d"(port) : "memory");
	return trap_expect_end();
}

static void no_device(void)
{
	check_hex("ports.inb", "inb 0x1234", inb(NO_DEVICE_PORT), 0xff);
	check_hex("ports.inw", "inw 0x1234", inw(NO_DEVICE_PORT), 0xffff);
	check_hex("ports.inl", "inl 0x1234", inl(NO_DEVICE_PORT), 0xffffffff);
	if (outb_faults(NO_DEVICE_PORT, 0x5a))
		check_fail("ports.outb", "outb 0x1234 (got #GP, want no fault)");
	else
		check_pass("ports.outb");
}

/* Two different values, so a register that always reads one constant cannot pass. */
static void com1(void)
{
	check_hex("ports.com1_lsr", "COM1 LSR bit 5 (THR empty)", inb(COM1_LSR) & LSR_THRE,
		  LSR_THRE);
	outb(COM1_SCR, 0x5a);
	if (check_hex("ports.com1_scratch", "COM1 scratch after writing 0x5a", inb(COM1_SCR), 0x5a)) {
		outb(COM1_SCR, 0xa5);
		check_hex("ports.com1_scratch2", "COM1 scratch after writing 0xa5", inb(COM1_SCR),
			  0xa5);
	}
}

/* In loopback nothing reaches the console, so nothing is printed until MCR is back. */
static void com1_loopback_string_io(void)
{
	static const char out[4] = "hv!";
	char in[4] = { 0, 0, 0, 0 };
	uint8_t mcr = inb(GUEST_PORT_COM1 + 4);
	const char *src = out;
	char *dst = in;
	unsigned long n = 3;

	outb(GUEST_PORT_COM1 + 4, 0x10 | 0x0a); /* loopback, RTS, OUT2: as Linux's probe */
	uint8_t msr = inb(GUEST_PORT_COM1 + 6) & 0xf0;
	__asm__ volatile("cld; rep outsb" : "+S"(src), "+c"(n) : "d"(GUEST_PORT_COM1) : "memory");
	n = 3;
	__asm__ volatile("rep insb" : "+D"(dst), "+c"(n) : "d"(GUEST_PORT_COM1) : "memory");
	outb(GUEST_PORT_COM1 + 4, mcr);
	check_hex("ports.com1_loopback_msr", "COM1 MSR 7:4 in loopback with RTS and OUT2",
		  msr, 0x90);
	check_hex("ports.string_io", "REP INSB of what REP OUTSB sent in loopback",
		  (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16, 0x217668);
}

static uint8_t cmos(uint8_t index)
{
	outb(0x70, index);
	return inb(0x71);
}

static void rtc_and_pci(void)
{
	check_hex("ports.rtc_reg_d", "CMOS register D (valid RAM and time)", cmos(0x0d), 0x80);
	check_hex("ports.rtc_uip", "CMOS register A bit 7 (update in progress)", cmos(0x0a) & 0x80, 0);
	outl(0xcf8, 0x80000000u);
	check_hex("ports.pci_address", "PCI CONFIG_ADDRESS read back", inl(0xcf8), 0x80000000u);
	check_hex("ports.pci_no_device", "PCI 00:00.0 vendor and device", inl(0xcfc), 0xffffffffu);
	check_hex("ports.pic_absent", "8259 master mask register", inb(0x21), 0xff);
}

void suite_ports(void)
{
	no_device();
	com1();
	com1_loopback_string_io();
	rtc_and_pci();
}
