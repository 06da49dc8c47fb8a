/* lib/acpi_rsdp.h: the two lengths of the ACPI Root System Description Pointer (ACPI 6.5, 5.2.5.3
 * "Root System Description Pointer (RSDP) Structure"), for everything that reads, copies or
 * writes one: the host's parser (arch/acpi.c, arch/acpi_host.c), the boot information (boot/mb2.c),
 * the VM's tables and boot information (guest/acpi_tables.c, guest/mb_info.c) and the test guests.
 * Constants only. */
#ifndef LIB_ACPI_RSDP_H
#define LIB_ACPI_RSDP_H

#define RSDP_V1_LEN 20 /* the ACPI 1.0 part, which the first checksum covers */
#define RSDP_V2_LEN 36 /* ACPI 2.0 and later: the whole structure (its Length field) */

#endif
