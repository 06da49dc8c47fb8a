/* arch/acpi.h: parsing the firmware's ACPI tables (ACPI 6.5, 5.2 "ACPI System Description
 * Tables"): RSDP, RSDT/XSDT, MADT, FADT and the DSDT's \_S5 package. Pure code: physical memory is
 * reached only through an acpi_map_fn, so the host unit tests can feed byte buffers. Boot only
 * (BSP, once, from arch/acpi_host.c). */
#ifndef ARCH_ACPI_H
#define ARCH_ACPI_H

#include <stdbool.h>
#include <stdint.h>

#define ACPI_MAX_CPUS 256
#define ACPI_MAX_TABLES 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_SDT_HEADER_LEN 36 /* ACPI 6.5, 5.2.6 System Description Table Header */

/* Readable bytes for [phys, phys + len), or NULL when that range is not accessible. */
typedef const void *(*acpi_map_fn)(uint64_t phys, uint64_t len);

/* ACPI 6.5, 5.2.3.2 Generic Address Structure. */
struct acpi_gas {
	uint8_t space_id; /* 0 system memory, 1 system I/O, ... */
	uint8_t bit_width, bit_offset, access_size;
	uint64_t address;
};

#define ACPI_GAS_SYSTEM_IO 1

struct acpi_table_ref {
	char sig[5]; /* NUL-terminated; unprintable bytes shown as '?' */
	uint64_t phys;
	uint32_t len;
};

struct acpi_ioapic {
	uint8_t id;
	uint32_t addr;
	uint32_t gsi_base;
};

struct acpi_info {
	/* RSDP and root table */
	uint8_t rsdp_rev;
	char oem_id[7];
	bool xsdt_used;
	uint64_t root_phys; /* the RSDT or XSDT used */
	struct acpi_table_ref tables[ACPI_MAX_TABLES]; /* every valid table, DSDT included */
	unsigned ntables;

	/* MADT (ACPI 6.5, 5.2.12) */
	bool madt_found;
	uint64_t lapic_addr; /* type-5 override applied */
	bool pcat_compat;    /* dual 8259 PICs present */
	uint32_t apic_id[ACPI_MAX_CPUS]; /* usable (enabled) CPUs, in MADT order */
	unsigned ncpus;
	uint32_t hotplug_apic_id[ACPI_MAX_CPUS]; /* online capable, not enabled: not started */
	unsigned ncpus_hotplug;
	unsigned cpus_dropped; /* usable or hot-pluggable CPUs beyond ACPI_MAX_CPUS */
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
	unsigned nioapics;
	unsigned nisos; /* interrupt source overrides */

	/* FADT (ACPI 6.5, 5.2.9) */
	bool fadt_found;
	uint64_t dsdt;              /* X_DSDT when present and nonzero, else DSDT */
	uint32_t fadt_flags;
	uint32_t smi_cmd;           /* 0: no SMI command port (already in ACPI mode) */
	uint8_t acpi_enable;
	uint32_t pm1a_cnt, pm1b_cnt; /* I/O ports; 0 if absent */
	bool reset_valid;           /* RESET_REG_SUP and the FADT is long enough */
	struct acpi_gas reset_reg;
	uint8_t reset_value;

	/* \_S5 in the DSDT (ACPI 6.5, 7.4.2 "\_Sx (System States)") */
	bool s5_valid;
	uint8_t slp_typa, slp_typb;
};

/* Parses everything reachable from the RSDP at `rsdp` (which may be a copy, e.g. from the
 * multiboot2 tag; rsdp_len bytes of it are readable). Returns false, after a log_error, when no
 * valid RSDT or XSDT is found. Bad tables are reported and skipped. */
bool acpi_parse(const void *rsdp, uint32_t rsdp_len, acpi_map_fn map, struct acpi_info *out);

/* The BIOS way (ACPI 6.5, 5.2.5.1 "Finding the RSDP on IA-PC Systems"): the first KiB of the EBDA,
 * then 0xE0000-0xFFFFF, on 16-byte boundaries. */
bool acpi_find_rsdp_legacy(acpi_map_fn map, uint64_t *phys_out);

/* Finds Name(_S5_, Package(){a, b, ...}) in DSDT AML (ACPI 6.5, 20.2 "AML Grammar Definition")
 * and returns its first two values. Never reads past len. */
bool acpi_find_s5(const void *aml, uint32_t len, uint8_t *slp_typa, uint8_t *slp_typb);

/* Copies a 4-byte table signature into out as a string, unprintable bytes as '?'. */
const char *acpi_sig_str(const void *sig, char out[5]);

/* The byte sum of `len` bytes: 0 for a table whose checksum is right (ACPI 6.5, 5.2.6: all bytes,
 * checksum included, add up to 0 mod 256). */
uint8_t acpi_checksum(const void *table, uint32_t len);

#endif
