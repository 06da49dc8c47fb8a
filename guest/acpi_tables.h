/* guest/acpi_tables.h: the minimal ACPI tables a VM gets (ACPI 6.5, 5.2 "ACPI System Description
 * Tables"): RSDP, XSDT and RSDT, FADT with FACS and a DSDT holding only \_S5, and a MADT with one
 * local APIC per vCPU and the I/O APIC with the PC's interrupt source overrides, so a guest finds
 * its CPUs and interrupts and can power itself off. Pure; BSP while the VM
 * is built. */
#ifndef GUEST_ACPI_TABLES_H
#define GUEST_ACPI_TABLES_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/gmem.h"

#define GUEST_ACPI_MAX_CPUS 256
#define GUEST_ACPI_OEM_ID "MICRHV"         /* 6 bytes */
#define GUEST_ACPI_OEM_TABLE_ID "MICROHV " /* 8 bytes */

struct guest_acpi_params {
	uint64_t base_gpa; /* 16-aligned, in GUEST_ACPI_BASE..GUEST_ACPI_END; the RSDP goes here */
	unsigned ncpus;    /* 1..GUEST_ACPI_MAX_CPUS */
	uint32_t apic_ids[GUEST_ACPI_MAX_CPUS];
	uint16_t pm1a_evt; /* PM1a event block: I/O port, 4 bytes (status, enable) */
	uint16_t pm1a_cnt; /* PM1a control block: I/O port, 2 bytes */
	uint8_t slp_typ_s5; /* SLP_TYP for S5, in \_S5 */
	const char *oem_id;       /* NULL: GUEST_ACPI_OEM_ID; else its first 6 bytes */
	const char *oem_table_id; /* NULL: GUEST_ACPI_OEM_TABLE_ID; else its first 8 bytes */
	/* The I/O APIC's address (id 0, GSI base 0), with the PC's interrupt source overrides;
	 * 0: no I/O APIC in the MADT. */
	uint32_t ioapic_base;
};

/* Writes the tables from p->base_gpa on; *rsdp_gpa is the RSDP's address, *used the bytes taken.
 * False, after a "guest: ..." error, when the parameters are out of range or the tables do not
 * fit below GUEST_ACPI_END and inside guest RAM. */
bool guest_acpi_build(struct gmem *gm, const struct guest_acpi_params *p, uint64_t *rsdp_gpa,
		      uint32_t *used);

#endif
