/* guest/loader.h: loading a multiboot (v1) or multiboot2 ELF kernel into guest RAM with its
 * modules, command line, memory map and boot information, as the two specs define them (Multiboot
 * Specification 0.6.96, section 3; Multiboot2 Specification 1.0, section 3). Pure; BSP while the
 * VM is built. Every refusal is a "guest: ..." line that names the problem. */
#ifndef GUEST_LOADER_H
#define GUEST_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/gmem.h"

struct guest_module {
	const void *data;
	uint64_t len;
	const char *cmdline; /* never NULL */
};

struct guest_boot_params {
	const void *kernel;
	uint64_t kernel_len;
	const char *cmdline; /* never NULL */
	const struct guest_module *mods;
	unsigned nmods;
	uint64_t rsdp_gpa; /* the guest's RSDP (multiboot2 ACPI tags); 0 if none */
	const void *rsdp;
	uint32_t rsdp_len;
};

enum guest_proto { GUEST_MULTIBOOT1 = 1, GUEST_MULTIBOOT2 = 2 };

/* The entry state: 32-bit protected mode at eip with EAX/EBX as below. */
struct guest_entry {
	enum guest_proto proto;
	uint32_t eip, eax, ebx;
	uint64_t kernel_end, info_gpa, info_len;
};

#define MB1_BOOTLOADER_MAGIC 0x2badb002u
#define MB2_BOOTLOADER_MAGIC 0x36d76289u

bool guest_load(struct gmem *gm, const struct guest_boot_params *p, struct guest_entry *out);

/* Internal to the loader (guest/mb_info.c): the boot information in guest memory at `*cursor`
 * (moved past it). */
bool mb1_build_info(struct gmem *gm, const struct guest_boot_params *p, uint64_t *cursor,
		    uint64_t *info);
bool mb2_build_info(struct gmem *gm, const struct guest_boot_params *p, uint64_t *cursor,
		    uint64_t *info);
uint64_t guest_place_modules(struct gmem *gm, const struct guest_boot_params *p, uint64_t cursor,
			     uint64_t *mod_gpa);

#endif
