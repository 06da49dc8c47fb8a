/* boot/main.c: the boot order, top to bottom. kmain() runs on the BSP, called by boot/entry.asm
 * in 64-bit mode on the boot stack with interrupts off; the APs' path is ap_main() in
 * arch/smp.c. */
#include <stdint.h>

#include "arch/acpi_host.h"
#include "arch/console.h"
#include "arch/console_find.h"
#include "arch/console_input.h"
#include "arch/cpu.h"
#include "arch/host_timer.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/power.h"
#include "arch/shell.h"
#include "arch/smp.h"
#include "arch/time.h"
#include "arch/trap.h"
#include "boot/mb2.h"
#include "guest/vm_build.h"
#include "lib/array.h"
#include "lib/cmdline.h"
#include "lib/log.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "vmx/gdb_vm.h"
#include "vmx/shell_vm.h"
#include "vmx/vcpu.h"
#include "vmx/vm.h"
#include "vmx/vmx.h"

void kmain(uint32_t magic, uint32_t info_phys);

static struct boot_info boot_info;
static const char *crash_request;

/* Keeps one of its own strings: the value the parser hands over does not outlive the call. */
static bool crash_option(const char *value, void *ctx)
{
	static const char *const kinds[] = { "ud", "pf", "stack", "panic", "design-rule",
					     "vmxon-cpu1" };
	int i = cmdline_match(value, kinds, ARRAY_SIZE(kinds));

	if (i < 0)
		return false;
	crash_request = kinds[i];
	return true;
}

/* Every boot option, in one table (README, "Boot options"). */
static const struct cmdline_opt boot_options[] = {
	{ "console", console_option,
	  "com1..com4, io:0xPORT, mmio:0xADDR, pci:BB:DD.F, spcr or auto, optionally ,BAUD" },
	{ "loglevel", console_loglevel_option, "error, warn, info or debug" },
	{ "fbcon", console_fbcon_option, "on, off or auto (on when there is no serial console)" },
	{ "on_exit", power_on_exit_option, "halt or poweroff" },
	/* vm.KEY= (vm0's) and vmN.KEY=: cpus, mem, apic, testdev, restarts (vmx/vm_config.h) */
	{ "vm*", guest_vm_option, 0 },
	{ "apicv", vmx_apicv_option,
	  "comma list of nopi, novid, noreg, nox2v, notpr, noapic, nopreempt; or off" },
	{ "host_timer", host_timer_option, "auto, deadline or periodic" },
	{ "gdb", gdb_option,
	  "console (default: Ctrl-a g), off, or com1..com4, io:0xPORT, mmio:0xADDR or pci:BB:DD.F, "
	  "optionally ,BAUD, then optionally ,wait (held until GDB continues): GDB's own line" },
	{ "crash", crash_option, "ud, pf, stack, panic or design-rule: fault on purpose (tests)" },
};

static void read_boot_info(uint32_t magic, uint32_t info_phys)
{
	if (magic != MB2_BOOTLOADER_MAGIC) {
		log_error("boot: not started by a multiboot2 loader (EAX 0x%x, expected 0x%x); "
			  "boot this image with GRUB's multiboot2 command", magic,
			  MB2_BOOTLOADER_MAGIC);
		hv_halt();
	}
	if (!mb2_parse((const void *)(uint64_t)info_phys, info_phys, &boot_info)) {
		log_error("boot: the multiboot2 information at 0x%x is unusable", info_phys);
		hv_halt();
	}
	log_info("boot: loaded by \"%s\", command line \"%s\"", boot_info.loader_name,
		 boot_info.cmdline);
}

/* mm/ knows nothing of multiboot: it gets the map and what the loader put in memory (the
 * information itself, the modules) as plain ranges. */
static void boot_mm_map(const struct boot_info *bi, struct mm_boot_map *m)
{
	_Static_assert(BOOT_MAX_MODULES + 1 <= MM_MAX_LOADED, "mm_boot_map.loaded is too small");
	*m = (struct mm_boot_map){ .ranges = bi->mem, .count = bi->mem_count,
				   .source = bi->mem_from_efi ? "EFI" : "e820",
				   .modules = bi->mod_count };
	m->loaded[m->loaded_count++] = (struct mem_range){ bi->info_phys, bi->info_size, MEM_RESERVED };
	for (unsigned i = 0; i < bi->mod_count; i++)
		m->loaded[m->loaded_count++] = (struct mem_range){
			bi->mods[i].start, bi->mods[i].end - bi->mods[i].start, MEM_RESERVED };
}

void kmain(uint32_t magic, uint32_t info_phys)
{
	struct mm_boot_map mm_map;

	percpu_init_bsp();
	console_init_early();
	log_info("hv: microhypervisor starting");
	percpu_load(cpus[0]);
	read_boot_info(magic, info_phys);
	cmdline_parse(boot_info.cmdline, boot_options,
		      ARRAY_SIZE(boot_options), 0);
	console_apply_options();
	time_calibrate();
	boot_mm_map(&boot_info, &mm_map);
	const char *mm_failed = mm_init(&mm_map);
	if (mm_failed)
		panic("%s", mm_failed);
	write_cr3(mm_kernel_cr3());

	struct acpi_host acpi;
	acpi_host_init(&boot_info, &acpi);
	console_find_late(&acpi);
	console_attach_framebuffer(&boot_info.fb);
	lapic_init();
	host_timer_init();
	unsigned online = smp_start_aps(&boot_info, acpi.apic_ids, acpi.cpus_found);
	log_info("cpus: %u of %u online", online, acpi.cpus_found);
	log_info("smp: bring-up done %lu TSC ticks after the first instruction",
		 time_ticks_since_boot());
	shell_init();
	shell_vm_init();
	console_input_start();
	/* CPU 0 serves the console from its vCPU's loop while the VM runs (README, "Serial
	 * console"). */
	vcpu_set_cpu0_work(&(struct vcpu_host_work){ console_cpu0_waiting, console_cpu0_service,
						     console_tick });

	bool design_rule_test = crash_request && !strcmp(crash_request, "design-rule");
	bool vmxon_test = crash_request && !strcmp(crash_request, "vmxon-cpu1");
	if (crash_request && !design_rule_test && !vmxon_test)
		trap_selftest(crash_request);
	if (vmxon_test)
		vmx_fail_vmxon_on(1);
	if (vmx_init()) {
		if (vmx_enable_all() && guest_vm_create(&boot_info)) {
			if (design_rule_test)
				vm_request_design_rule_break();
			gdb_vm_start(vm_current()); /* after the console's CPU 0 work: it chains it */
			vm_run();
		}
	}
	hv_finish();
}
