/* arch/power.c: stopping the machine on purpose. BSP or the CPU that faulted; the other CPUs are
 * halted already or stopped by NMI. Power-off is tried in the order that is right on real
 * hardware first: ACPI S5 through the FADT's PM1 control blocks (ACPI 6.5, 7.4.2 "\_Sx (System
 * States)" and 4.8.3.2 "PM1 Control Registers"), then the emulators' own exits: Bochs' shutdown
 * port 0x8900 and QEMU's isa-debug-exit at 0xf4 (only when CPUID says QEMU/KVM). */
#include "arch/console.h"
#include "arch/console_input.h"
#include "arch/cpu.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/power.h"
#include "arch/time.h"
#include "lib/cmdline.h"
#include "lib/log.h"
#include "lib/string.h"

#define PM1_SCI_EN (1u << 0)
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN (1u << 13)

static struct power_s5 s5;
static bool poweroff_on_exit;

void power_set_s5(const struct power_s5 *v)
{
	s5 = *v;
}

bool power_on_exit_option(const char *value, void *ctx)
{
	static const char *const names[] = { "halt", "poweroff" };
	int i = cmdline_match(value, names, 2);

	if (i < 0)
		return false;
	poweroff_on_exit = i == 1;
	return true;
}

/* In legacy (non-ACPI) mode the chipset may ignore PM1 writes: ask the firmware to switch with
 * ACPI_ENABLE written to SMI_CMD, and wait (bounded) for SCI_EN (ACPI 6.5, 16.3.1). */
static void acpi_enable_mode(void)
{
	if (inw(s5.pm1a_cnt) & PM1_SCI_EN || !s5.smi_cmd || !s5.acpi_enable)
		return;
	outb(s5.smi_cmd, s5.acpi_enable);
	for (int i = 0; i < 300 && !(inw(s5.pm1a_cnt) & PM1_SCI_EN); i++)
		udelay(1000);
}

static void try_acpi_s5(void)
{
	if (!s5.valid || !s5.pm1a_cnt)
		return;
	acpi_enable_mode();
	uint16_t a = inw(s5.pm1a_cnt) & ~(7u << PM1_SLP_TYP_SHIFT);
	outw(s5.pm1a_cnt, a | (uint16_t)(s5.slp_typa << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
	if (s5.pm1b_cnt) {
		uint16_t b = inw(s5.pm1b_cnt) & ~(7u << PM1_SLP_TYP_SHIFT);
		outw(s5.pm1b_cnt, b | (uint16_t)(s5.slp_typb << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
	}
	udelay(100000);
}

static void try_emulator_exits(void)
{
	/* Bochs: the bytes of "Shutdown" to port 0x8900 (Bochs' iodev/unmapped.cc). */
	for (const char *p = "Shutdown"; *p; p++)
		outb(0x8900, (uint8_t)*p);
	udelay(10000);
	/* QEMU isa-debug-exit, if the machine has one: QEMU exits with status (0 << 1) | 1. */
	if (cpu_hypervisor_is("TCGTCGTCGTCG") || cpu_hypervisor_is("KVMKVMKVM"))
		outb(0xf4, 0);
	udelay(10000);
}

/* Reset: the PCI reset control register (CF9h: full reset), then the keyboard controller's
 * pulse of the reset line (command FEh to port 64h), then a triple fault as the last resort. */
void hv_reboot(void)
{
	log_info("hv: reboot");
	console_flush();
	irq_disable();
	udelay(2000);
	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06);
	udelay(10000);
	outb(0x64, 0xfe);
	udelay(10000);
	static const struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = { 0, 0 };
	__asm__ volatile("lidt %0; int3" : : "m"(none));
	hv_halt();
}

void hv_power_off(void)
{
	log_info("hv: power off");
	console_flush(); /* the last words: every buffered line goes out first */
	irq_disable();
	udelay(2000); /* let the UART's FIFO drain */
	try_acpi_s5();
	try_emulator_exits();
	log_error("hv: power off did not work (no ACPI S5, no emulator exit); halting instead");
	hv_halt();
}

/* CPU 0 keeps serving the console while halted (the shell stays usable after the VM ends). */
void hv_halt(void)
{
	log_info("hv: halted");
	console_flush();
	if (cpu_id() != 0 || !lapic_ready())
		cpu_halt_forever();
	for (;;) {
		irq_enable_and_halt();
		irq_disable();
		console_drain();
		if (console_input_waiting())
			console_service();
	}
}

void hv_finish(void)
{
	if (poweroff_on_exit)
		hv_power_off();
	hv_halt();
}

void hv_stop_after_fault(void)
{
	/* The console is in panic mode, so logging here cannot wait on a stopped CPU; no shell
	 * after a fault: interrupts stay off. */
	if (poweroff_on_exit)
		hv_power_off();
	log_info("hv: halted");
	console_flush();
	cpu_halt_forever();
}
