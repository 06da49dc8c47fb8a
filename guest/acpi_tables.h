/* guest/acpi_tables.h: the minimal ACPI tables a VM gets (ACPI 6.5, chapter 5): RSDP, XSDT,
 * RSDT, FADT with FACS, MADT and a DSDT holding only \_S5, so a guest finds its CPUs and can power
 * itself off. Pure; BSP while the VM is built. */
#ifndef GUEST_ACPI_TABLES_H
#define GUEST_ACPI_TABLES_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/gmem.h"

#define GUEST_ACPI_MAX_CPUS 256

struct guest_acpi_params {
	uint64_t base_gpa; /* 16-aligned, inside 0xe0000-0xfffff */
	unsigned ncpus;
	uint32_t apic_ids[GUEST_ACPI_MAX_CPUS];
	uint16_t pm1a_evt, pm1a_cnt;
	uint8_t slp_typ_s5;
};

bool guest_acpi_build(struct gmem *gm, const struct guest_acpi_params *p, uint64_t *rsdp_gpa,
		      uint32_t *used);

#endif
