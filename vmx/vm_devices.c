/* vmx/vm_devices.c: the VM's power and reset devices and the hookup of its COM1. Port handlers run
 * on the CPU of the vCPU that accessed the port, with the VM's device lock held by the caller. */
#include "arch/console_input.h"
#include "arch/cpu.h"
#include "arch/time.h"
#include "lib/array.h"
#include "lib/log.h"
#include "lib/guest_abi.h"
#include "vmx/vm.h"
#include "vmx/vm_devices.h"

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

	if (!vm->com1_limit.hz)
		vm->com1_limit = (struct ratelimit){ .hz = time_tsc_hz(), .burst = 1000, .per_sec = 500 };
	if (!ratelimit_take(&vm->com1_limit, rdtsc(), &dropped))
		return;
	if (dropped)
		log_warn("%s: %lu lines of the guest's COM1 dropped: it writes faster than the "
			 "console takes them", vm->name, dropped);
	log_info("%s: %s", vm->name, line);
}

/* PM1 control (ACPI 6.5, 4.8.3.2.1 "PM1 Control Registers"): SCI_EN reads as 1 because the FADT
 * has no SMI_CMD (ACPI mode is always on); SLP_EN with the S5 type from the DSDT powers off. */
static uint32_t pm1_read(void *dev, uint16_t port, unsigned size)
{
	return port == GUEST_PORT_PM1A_CNT ? PM1_SCI_EN : 0;
}

static void pm1_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	struct vm *vm = dev;

	if (port != GUEST_PORT_PM1A_CNT || !(value & PM1_SLP_EN))
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
	bool taken = vuart_receive(&vm->com1, byte);
	vm_unlock_devices(vm);
	return taken;
}

/* Every device's state as at power-on: what vm_devices_register() starts with and a restart
 * (vm_devices_reset) puts back. A device added to the VM initializes its state here. */
static void devices_power_on(struct vm *vm)
{
	vuart_init(&vm->com1, com1_line, vm);
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
		{ GUEST_PORT_PM1A_EVT, GUEST_PORT_PM1A_EVT + 3, "ACPI PM1a event", pm1_read, 0, vm },
		{ GUEST_PORT_PM1A_CNT, GUEST_PORT_PM1A_CNT + 1, "ACPI PM1a control", pm1_read,
		  pm1_write, vm },
		{ GUEST_PORT_RESET, GUEST_PORT_RESET, "reset control", 0, reset_write, vm },
		{ 0x64, 0x64, "keyboard controller command", 0, reset_write, vm },
	};

	devices_power_on(vm);
	struct port_range com1 = vuart_ports(&vm->com1, GUEST_PORT_COM1, "COM1");
	if (!io_ports_register(&vm->ports, &com1))
		return false;
	console_set_guest_sink(com1_input, vm);
	for (unsigned i = 0; i < ARRAY_SIZE(ranges); i++)
		if (!io_ports_register(&vm->ports, &ranges[i]))
			return false;
	return true;
}
