/* guest/vm_devices.c: the VM's power and reset devices and the hookup of its COM1. Port handlers run
 * on the CPU of the vCPU that accessed the port, with the VM's device lock held by the caller. */
#include "arch/console.h"
#include "arch/console_input.h"
#include "arch/cpu.h"
#include "arch/time.h"
#include "guest/vm_devices.h"
#include "guest/vpci_absent.h"
#include "guest/vpm1.h"
#include "guest/vrtc.h"
#include "guest/vuart.h"
#include "lib/array.h"
#include "lib/guest_abi.h"
#include "lib/log.h"
#include "lib/ratelimit.h"
#include "vmx/vm.h"
#include "vmx/vm_ioapic.h"
#include "vmx/vm_config.h"

/* The devices' state, which vmx/ sees only as vm->devices: each VM its own. */
struct vm_devices {
	struct vuart com1;
	struct ratelimit com1_limit; /* its lines on the console */
	struct vrtc rtc;
	struct vpm1_evt pm1a_evt;
	struct vpci_absent pci;
};

static struct vm_devices devices_of[VM_MAX];

#define PM1_SCI_EN (1u << 0)
#define PM1_SLP_TYP(v) (((v) >> 10) & 7)
#define PM1_SLP_EN (1u << 13)

/* The guest's lines: at most 1,000 at once and 500 a second (more than a 115200-baud line
 * carries), so a guest that floods its COM1 cannot bury the hypervisor's own lines; what is
 * dropped is counted and said. */
static void com1_line(void *ctx, const char *line)
{
	struct vm *vm = ctx;
	uint64_t dropped;

	struct ratelimit *limit = &vm->devices->com1_limit;

	if (!limit->hz)
		*limit = (struct ratelimit){ .hz = time_tsc_hz(), .burst = 1000, .per_sec = 500 };
	if (!ratelimit_take(limit, rdtsc(), &dropped))
		return;
	if (dropped)
		log_warn("%s: %lu lines of the guest's COM1 dropped: it writes faster than the "
			 "console takes them", vm->name, dropped);
	log_info("%s: %s", vm->name, line);
}

/* A polling guest waits (LSR.THRE reads 0) while the console's buffer has less than this room,
 * so its output stays complete: it goes on at once while the buffer takes its lines, and at the
 * serial line's pace once the buffer is nearly full; the hypervisor's own lines keep the rest. */
#define COM1_CONSOLE_ROOM_MIN 4096

static bool com1_tx_room(void *ctx)
{
	console_drain(); /* a guest that waits polls: each look is a chance for the line */
	return console_output_room() >= COM1_CONSOLE_ROOM_MIN;
}

/* PM1 control (ACPI 6.5, 4.8.3.2.1 "PM1 Control Registers"): SCI_EN reads as 1 because the FADT
 * has no SMI_CMD (ACPI mode is always on); SLP_EN with the S5 type from the DSDT powers off. */
static uint32_t pm1_read(void *dev, uint16_t port, unsigned size)
{
	return PM1_SCI_EN;
}

static void pm1_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct vm *vm = dev;

	if (!(value & PM1_SLP_EN))
		return;
	if (PM1_SLP_TYP(value) == GUEST_SLP_TYP_S5)
		vm_poweroff(vm, "powered off");
	else
		log_warn("%s: sleep state with SLP_TYP %u is not supported; ignored", vm->name,
			 PM1_SLP_TYP(value));
}

/* 0xcf9: bit 2 starts a reset (the PCH reset control register); 0x64: command 0xfe pulses the
 * CPU reset line on a PC keyboard controller. Either resets the VM: it stops, and vm_run()
 * starts it again from its modules. */
static void reset_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct vm *vm = dev;

	if ((port == GUEST_PORT_RESET && (value & 0x04)) || (port == 0x64 && value == 0xfe))
		vm_reset(vm);
}

/* Bytes typed for the guest on the serial line (arch/console_input.c, CPU 0). */
static bool com1_input(void *ctx, uint8_t byte)
{
	struct vm *vm = ctx;

	vm_lock_devices(vm);
	bool taken = vuart_receive(&vm->devices->com1, byte);
	vm_unlock_devices(vm);
	return taken;
}

/* vm_stop() and vm_poweroff(), the device lock held: a partial COM1 line is written out. */
static void devices_flush(struct vm *vm)
{
	vuart_flush(&vm->devices->com1);
}

/* The RTC's clock: the host has no RTC driver, so the VM's wall clock is a fixed epoch,
 * 2026-01-01 00:00:00 UTC, plus the time since the hypervisor booted (the TSC). */
#define VM_RTC_EPOCH 1767225600ull

static uint64_t rtc_clock(void *ctx)
{
	uint64_t us = 0;

	time_now_us(&us);
	return VM_RTC_EPOCH + us / 1000000;
}

/* What a PC has and this VM does not, answered as absent without a log line: the 8259 PICs
 * (their mask registers read 0xff, which Linux's probe_8259A takes as "no PIC", as the MADT's
 * missing PCAT_COMPAT says), and the POST-code port 0x80 that port-I/O delays write. */
static bool register_absent(struct vm *vm)
{
	const struct port_range ranges[] = {
		{ 0x20, 0x21, "8259 master (absent)", 0, 0, vm },
		{ 0xa0, 0xa1, "8259 slave (absent)", 0, 0, vm },
		{ 0x80, 0x80, "POST code", 0, 0, vm },
	};
	struct port_range pci[VPCI_ABSENT_RANGES];

	vpci_absent_ports(&vm->devices->pci, pci);
	return io_ports_register_all(&vm->ports, pci, VPCI_ABSENT_RANGES) &&
	       io_ports_register_all(&vm->ports, ranges, ARRAY_SIZE(ranges));
}

/* COM1's interrupt line is ISA IRQ 4: I/O APIC pin 4 (no override in the MADT). */
#define COM1_GSI 4

static void com1_irq(void *ctx, bool asserted)
{
	vm_ioapic_set_irq(ctx, COM1_GSI, asserted);
}

/* vm.testdev=on: the interrupt-line ports of QEMU's pc-testdev, which kvm-unit-tests'
 * ioapic test drives: a byte to 0x2000 + N sets I/O APIC input N to (byte != 0). For tests of
 * the I/O APIC from inside a guest; off by default (a PC has nothing there). */
#define TESTDEV_IRQ_PORT 0x2000

static void testdev_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	vm_ioapic_set_irq(dev, port - TESTDEV_IRQ_PORT, (value & 0xff) != 0);
}

static bool register_testdev(struct vm *vm)
{
	const struct port_range r = { TESTDEV_IRQ_PORT, TESTDEV_IRQ_PORT + VIOAPIC_PINS - 1,
				      "test device IRQ lines", 0, testdev_write, vm };

	return !vm->conf->testdev || io_ports_register(&vm->ports, &r);
}

/* Every device's state as at power-on: what vm_devices_register() starts with and a restart
 * (vm_devices_reset) puts back. A device added to the VM initializes its state here. */
static void devices_power_on(struct vm *vm)
{
	vuart_init(&vm->devices->com1, com1_line, vm);
	vuart_set_irq(&vm->devices->com1, com1_irq, vm);
	vuart_set_tx_room(&vm->devices->com1, com1_tx_room, vm);
	vrtc_init(&vm->devices->rtc, rtc_clock, vm);
	vpm1_evt_init(&vm->devices->pm1a_evt, GUEST_PORT_PM1A_EVT);
	vm->devices->pci = (struct vpci_absent){ 0 };
	vm_ioapic_reset(vm);
}

void vm_devices_reset(struct vm *vm)
{
	vm_lock_devices(vm);
	devices_power_on(vm);
	vm_unlock_devices(vm);
}

bool vm_devices_register(struct vm *vm)
{
	const struct port_range ranges[] = {
		{ GUEST_PORT_PM1A_CNT, GUEST_PORT_PM1A_CNT + 1, "ACPI PM1a control", pm1_read,
		  pm1_write, vm },
		{ GUEST_PORT_RESET, GUEST_PORT_RESET, "reset control", 0, reset_write, vm },
		{ 0x64, 0x64, "keyboard controller command", 0, reset_write, vm },
	};

	vm->devices = &devices_of[vm->id];
	vm->flush_devices = devices_flush;
	if (!vm_ioapic_register(vm))
		return false;
	devices_power_on(vm);
	struct port_range com1 = vuart_ports(&vm->devices->com1, GUEST_PORT_COM1, "COM1");
	if (!io_ports_register(&vm->ports, &com1))
		return false;
	console_set_guest_sink(vm->id, vm->name, com1_input, vm);
	struct port_range rtc = vrtc_ports(&vm->devices->rtc, "CMOS RTC");
	struct port_range pm1 = vpm1_evt_ports(&vm->devices->pm1a_evt, "ACPI PM1a event");
	if (!io_ports_register(&vm->ports, &rtc) || !io_ports_register(&vm->ports, &pm1) ||
	    !register_absent(vm) || !register_testdev(vm))
		return false;
	return io_ports_register_all(&vm->ports, ranges, ARRAY_SIZE(ranges));
}
