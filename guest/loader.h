/* guest/loader.h: loading a kernel into guest RAM with its modules, command line, memory map and
 * boot information, as its boot protocol defines them: multiboot (v1) or multiboot2 (Multiboot
 * Specification 0.6.96, section 3; Multiboot2 Specification 1.0, section 3) for ELF32 and ELF64
 * kernels or any image that gives its load addresses in its multiboot header; a Linux bzImage by
 * the 64-bit boot protocol (Documentation/arch/x86/boot.rst, guest/linux_boot.c); an ELF with a
 * PVH entry note (Xen's struct hvm_start_info, guest/pvh.c), such as Linux's vmlinux. Pure; BSP
 * while the VM is built. Every refusal is a "guest: ..." line that names the problem. */
#ifndef GUEST_LOADER_H
#define GUEST_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/gmem.h"

#define GUEST_MAX_MODULES 16

struct guest_module {
	const void *data;
	uint64_t len;
	const char *cmdline; /* NULL is taken as "" */
};

struct guest_boot_params {
	const void *kernel;
	uint64_t kernel_len;
	const char *cmdline; /* never NULL (NULL is taken as "") */
	const struct guest_module *mods;
	unsigned nmods; /* at most GUEST_MAX_MODULES */
	uint64_t rsdp_gpa; /* the guest's RSDP; informational */
	const void *rsdp;  /* a copy for the multiboot2 ACPI tags; NULL: no tags */
	uint32_t rsdp_len; /* 20 (ACPI 1.0) or 36 (2.0+) */
};

enum guest_proto { GUEST_MULTIBOOT1 = 1, GUEST_MULTIBOOT2 = 2, GUEST_LINUX = 3, GUEST_PVH = 4 };

/* The entry state. Multiboot and PVH: 32-bit protected mode, paging off, at eip with EAX/EBX as
 * below (Multiboot 0.6.96, 3.2 "Machine state"; Multiboot2 1.0, 3.3 "I386 machine state"; PVH:
 * EBX the struct hvm_start_info). Linux (long_mode): 64-bit mode at rip with paging on (cr3),
 * CS 0x10 and the data segments 0x18 of the GDT at gdt_base, RSI the zero page (boot.rst,
 * "64-bit Boot Protocol"). */
struct guest_entry {
	enum guest_proto proto;
	uint32_t eip, eax, ebx; /* ebx = info_gpa */
	bool long_mode;
	/* The kernel is x86-64 code (an ELF64, a bzImage): one that starts in 32-bit mode (PVH, a
	 * multiboot ELF64) is in 64-bit mode soon, so GDB gets the amd64 layout from the first
	 * instruction on (vmx/gdb_vcpu.c): a layout GDB takes once, at attach. */
	bool code64;
	uint64_t rip, rsi, cr3, gdt_base;
	uint16_t gdt_limit;
	uint64_t kernel_end;    /* one past the highest kernel byte (bss included) */
	uint64_t info_gpa, info_len; /* the boot information structure */
};


/* Loads p->kernel into gm (guest RAM up to GUEST_RAM_MAX): the kernel's segments at their
 * physical addresses, then the modules page-aligned after the kernel (never below 1 MiB), then
 * the strings, memory map and boot information. False, after a "guest: ..." error, when the
 * kernel is malformed, asks for something this VM does not provide, or does not fit. */
bool guest_load(struct gmem *gm, const struct guest_boot_params *p, struct guest_entry *out);

#endif
