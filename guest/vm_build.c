/* guest/vm_build.c: see guest/vm_build.h. */
#include "apic/vioapic.h"
#include "arch/percpu.h"
#include "guest/acpi_tables.h"
#include "guest/layout.h"
#include "guest/loader.h"
#include "guest/vm_build.h"
#include "guest/vm_devices.h"
#include "lib/acpi_rsdp.h"
#include "lib/guest_abi.h"
#include "lib/log.h"
#include "mm/pmm.h"
#include "vmx/gmem.h"
#include "vmx/vcpu.h"
#include "vmx/vm.h"
#include "vmx/vm_config.h"
#include "vmx/vmx.h"

#define MIB (1ul << 20)

/* The VMs' configuration: the options first (boot/main.c), then guest_vm_create(). */
static struct vm_config config;

bool guest_vm_option(const char *word, void *ctx)
{
	if (!vm_config_is_option(word)) {
		log_warn("cmdline: unknown option \"%s\" ignored", word);
		return true;
	}
	if (!vm_config_option(&config, word))
		log_error("vm: %s", config.error); /* and guest_vm_create() refuses to start */
	return true;
}

/* The modules the VM is built from (GRUB leaves them in hypervisor memory, outside guest RAM,
 * so a reset can load them again): its kernel (whose string loses its "vm=N " word) and the
 * modules after it. */
struct platform_ctx {
	const struct boot_info *bi;
	const struct vm_conf *conf;
	struct guest_entry entry;
};

static bool load_guest(struct vm *vm, const struct platform_ctx *c, struct guest_entry *entry)
{
	const struct boot_module *km = &c->bi->mods[c->conf->first_mod];
	unsigned nmods = c->conf->nmods - 1;
	struct guest_module mods[BOOT_MAX_MODULES];
	struct gmem gm = vm_ram(vm);
	struct guest_acpi_params ap = { 0 };
	uint64_t rsdp_gpa;
	uint32_t acpi_len;

	ap.base_gpa = GUEST_ACPI_BASE;
	ap.ncpus = vm->nvcpus;
	for (unsigned i = 0; i < vm->nvcpus; i++)
		ap.apic_ids[i] = i;
	ap.pm1a_evt = GUEST_PORT_PM1A_EVT;
	ap.pm1a_cnt = GUEST_PORT_PM1A_CNT;
	ap.slp_typ_s5 = GUEST_SLP_TYP_S5;
	ap.ioapic_base = VIOAPIC_BASE; /* vmx/vm_ioapic.c */
	if (!guest_acpi_build(&gm, &ap, &rsdp_gpa, &acpi_len))
		return false;
	for (unsigned i = 0; i < nmods; i++)
		mods[i] = (struct guest_module){ (const void *)km[1 + i].start,
						 km[1 + i].end - km[1 + i].start, km[1 + i].cmdline };
	struct guest_boot_params p = {
		.kernel = (const void *)km->start,
		.kernel_len = km->end - km->start,
		.cmdline = km->cmdline + c->conf->kernel_skip,
		.mods = mods,
		.nmods = nmods,
		.rsdp_gpa = rsdp_gpa,
		.rsdp = gmem_ptr(&gm, rsdp_gpa, RSDP_V2_LEN),
		.rsdp_len = RSDP_V2_LEN,
	};
	if (!guest_load(&gm, &p, entry))
		return false;
	vm->kernel64 = entry->code64;
	return true;
}

static const char *proto_name(enum guest_proto p)
{
	switch (p) {
	case GUEST_MULTIBOOT1: return "multiboot";
	case GUEST_MULTIBOOT2: return "multiboot2";
	case GUEST_LINUX: return "Linux bzImage (64-bit boot protocol)";
	case GUEST_PVH: return "PVH";
	}
	return "?";
}

static void set_boot_entry(struct vm *vm, const struct guest_entry *entry)
{
	if (entry->long_mode)
		vcpu_set_long_entry_state(vm->vcpus[0], entry->rip, entry->rsi, entry->cr3,
					  entry->gdt_base, entry->gdt_limit);
	else
		vcpu_set_entry_state(vm->vcpus[0], entry->eip, entry->eax, entry->ebx);
}

static bool build_platform(struct vm *vm, void *ctx)
{
	struct platform_ctx *c = ctx;

	return load_guest(vm, c, &c->entry) && vm_devices_register(vm);
}

static bool restart_platform(struct vm *vm, void *ctx)
{
	struct platform_ctx *c = ctx;

	if (!load_guest(vm, c, &c->entry))
		return false;
	vm_devices_reset(vm);
	set_boot_entry(vm, &c->entry);
	return true;
}

static struct platform_ctx ctx_of[VM_MAX];
static struct vm_platform platform_of[VM_MAX];

static void say_skipped(const char *text)
{
	log_warn("%s", text);
}

/* The configuration against this machine, before anything is built. Each VM's RAM, EPT tables
 * and vCPU pages come from what is free: the check leaves 8 MiB a VM for the latter. */
static bool resolve(const struct boot_info *bi)
{
	const char *strings[BOOT_MAX_MODULES];
	bool online[MAX_CPUS], in_root[MAX_CPUS];
	uint64_t free_bytes = pmm_free_bytes();

	for (unsigned i = 0; i < bi->mod_count; i++)
		strings[i] = bi->mods[i].cmdline;
	for (unsigned cpu = 0; cpu < cpu_count; cpu++) {
		online[cpu] = cpus[cpu] && cpus[cpu]->online;
		in_root[cpu] = online[cpu] && vmx_cpu_in_root(cpu);
	}
	online[0] = true; /* the BSP */
	in_root[0] = vmx_cpu_in_root(0);
	if (vm_config_modules(&config, strings, bi->mod_count)) {
		uint64_t reserve = (uint64_t)config.nvms * 8 * MIB;
		free_bytes = free_bytes > reserve ? free_bytes - reserve : 0;
	}
	if (config.error[0] ||
	    !vm_config_resolve(&config, online, in_root, cpu_count,
			       config.nvms > 1 ? free_bytes : pmm_free_bytes(), GUEST_RAM_MAX,
			       say_skipped)) {
		log_error("vm: configuration error: %s; no VM is started (README, \"Several VMs\")",
			  config.error);
		return false;
	}
	return true;
}

static bool create_one(const struct boot_info *bi, unsigned id)
{
	struct vm *vm = vm_new(id, &config.vm[id]);
	struct platform_ctx *c = &ctx_of[id];
	const struct guest_entry *entry = &c->entry;

	*c = (struct platform_ctx){ bi, &config.vm[id], { 0 } };
	platform_of[id] = (struct vm_platform){ GUEST_RAM_MAX, build_platform, restart_platform, c };
	if (!vm_build(vm, &platform_of[id]))
		return false;
	set_boot_entry(vm, entry);
	vm_ready(vm);
	log_info("%s: %u vCPUs, %lu MiB RAM at host 0x%lx, %s kernel, entry 0x%lx", vm->name,
		 vm->nvcpus, vm->ram_size / MIB, vm->ram_hpa, proto_name(entry->proto),
		 entry->long_mode ? entry->rip : entry->eip);
	return true;
}

bool guest_vm_create(const struct boot_info *bi)
{
	if (bi->mod_count == 0) {
		log_warn("vm0: no guest: give GRUB a multiboot kernel as the first module "
			 "(module2 /boot/guest.elf ARGS)");
		return false;
	}
	if (!resolve(bi))
		return false;
	for (unsigned id = 0; id < config.nvms; id++)
		if (!create_one(bi, id)) {
			if (config.nvms > 1)
				log_error("vm: vm%u could not be built; no VM is started", id);
			return false;
		}
	return true;
}
