/* arch/acpi_host.h: reading the host's own ACPI tables at boot (BSP, once, after mm_init): which
 * CPUs exist and how to power off. The parsing itself is pure code in arch/acpi.c. */
#ifndef ARCH_ACPI_HOST_H
#define ARCH_ACPI_HOST_H

#include <stdint.h>

#include "arch/percpu.h"
#include "arch/bootinfo.h"

struct acpi_host {
	uint32_t apic_ids[MAX_CPUS]; /* usable CPUs from the MADT, in its order */
	unsigned cpus_found;         /* at least 1: without a MADT, just the BSP */
	uint64_t spcr_phys;          /* the SPCR table (console), 0 if none */
	uint32_t spcr_len;
};

void acpi_host_init(const struct boot_info *bi, struct acpi_host *out);

#endif
