/* tests/guests/vmtest/ports.c: port I/O as the VM's port table serves it (vmx/io_ports.c): a port
 * with no device reads all ones and ignores writes; COM1 is a 16550 (guest/vuart.c). vCPU 0. */
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

void suite_ports(void)
{
	no_device();
	com1();
}
