/* guest/vm_build.c: see guest/vm_build.h. */
#include "apic/vioapic.h"
#include "guest/acpi_tables.h"
#include "guest/layout.h"
#include "guest/loader.h"
#include "guest/vm_build.h"
#include "guest/vm_devices.h"
#include "lib/acpi_rsdp.h"
#include "lib/guest_abi.h"
#include "lib/log.h"
#include "vmx/gmem.h"
#include "vmx/vcpu.h"
#include "vmx/vm.h"

#define MIB (1ul << 20)

static bool load_guest(struct vm *vm, const struct boot_info *bi, struct guest_entry *entry)
{
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
	for (unsigned i = 1; i < bi->mod_count; i++)
		mods[i - 1] = (struct guest_module){ (const void *)bi->mods[i].start,
						     bi->mods[i].end - bi->mods[i].start,
						     bi->mods[i].cmdline };
	struct guest_boot_params p = {
		.kernel = (const void *)bi->mods[0].start,
		.kernel_len = bi->mods[0].end - bi->mods[0].start,
		.cmdline = bi->mods[0].cmdline,
		.mods = mods,
		.nmods = bi->mod_count - 1,
		.rsdp_gpa = rsdp_gpa,
		.rsdp = gmem_ptr(&gm, rsdp_gpa, RSDP_V2_LEN),
		.rsdp_len = RSDP_V2_LEN,
	};
	return guest_load(&gm, &p, entry);
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

/* The modules the VM is built from (GRUB leaves them in hypervisor memory, outside guest RAM,
 * so a reset can load them again). */
struct platform_ctx {
	const struct boot_info *bi;
	struct guest_entry entry;
};

static bool build_platform(struct vm *vm, void *ctx)
{
	struct platform_ctx *c = ctx;

	return load_guest(vm, c->bi, &c->entry) && vm_devices_register(vm);
}

static bool restart_platform(struct vm *vm, void *ctx)
{
	struct platform_ctx *c = ctx;

	if (!load_guest(vm, c->bi, &c->entry))
		return false;
	vm_devices_reset(vm);
	set_boot_entry(vm, &c->entry);
	return true;
}

static struct platform_ctx vm0_ctx;
static const struct vm_platform vm0_platform = { GUEST_RAM_MAX, build_platform, restart_platform,
						 &vm0_ctx };

bool guest_vm_create(const struct boot_info *bi)
{
	struct vm *vm = vm_new();
	const struct vm_platform *pf = &vm0_platform;
	const struct guest_entry *entry = &vm0_ctx.entry;

	if (bi->mod_count == 0) {
		log_warn("%s: no guest: give GRUB a multiboot kernel as the first module "
			 "(module2 /boot/guest.elf ARGS)", vm->name);
		return false;
	}
	vm0_ctx.bi = bi;
	if (!vm_build(vm, pf))
		return false;
	set_boot_entry(vm, entry);
	vm_ready(vm);
	log_info("%s: %u vCPUs, %lu MiB RAM at host 0x%lx, %s kernel, entry 0x%lx", vm->name,
		 vm->nvcpus, vm->ram_size / MIB, vm->ram_hpa, proto_name(entry->proto),
		 entry->long_mode ? entry->rip : entry->eip);
	return true;
}
