/* tests/guests/lib/power.c: ACPI power-off (ACPI 6.5, 16.1.7 "Transitioning from the Working to the
 * Soft Off State"), with the project's own table parser, arch/acpi.c, built for 32 bits. Paging is
 * off, so a physical address is a pointer. vCPU 0. */
#include <stdbool.h>
#include <stdint.h>

#include "arch/acpi.h"
#include "lib/acpi_rsdp.h"
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/multiboot.h"
#include "tests/guests/lib/power.h"

/* ACPI 6.5, 4.8.3.2.1 "PM1 Control Registers". */
#define PM1_SCI_EN (1u << 0)
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN (1u << 13)

#define ACPI_ENABLE_POLLS 1000000
#define POWER_OFF_POLLS 10000000

/* ACPI 6.5, 16.3.1 "Placing the System in ACPI Mode": firmware that starts in legacy mode
 * names an SMI command port and a value that switches to ACPI mode; SCI_EN says it is done. */
static void enter_acpi_mode(const struct acpi_info *a)
{
	if ((inw((uint16_t)a->pm1a_cnt) & PM1_SCI_EN) || !a->smi_cmd || !a->acpi_enable)
		return;
	outb((uint16_t)a->smi_cmd, a->acpi_enable);
	for (unsigned i = 0; i < ACPI_ENABLE_POLLS; i++)
		if (inw((uint16_t)a->pm1a_cnt) & PM1_SCI_EN)
			return;
	con_printf("acpi: SCI_EN still clear after writing 0x%x to SMI_CMD 0x%x; trying anyway",
		   a->acpi_enable, a->smi_cmd);
}

static bool read_tables(struct acpi_info *a)
{
	uint64_t rsdp;

	if (!acpi_find_rsdp_legacy(mb_phys_map, &rsdp)) {
		con_printf("acpi: no RSDP in the EBDA or at 0xe0000-0xfffff");
		return false;
	}
	/* An ACPI 1.0 RSDP is 20 bytes and may end right below 1 MiB; pass what can be read. */
	if (!acpi_parse((const void *)(uintptr_t)rsdp,
			mb_phys_map(rsdp, RSDP_V2_LEN) ? RSDP_V2_LEN : RSDP_V1_LEN,
			mb_phys_map, a))
		return false;
	if (!a->fadt_found || !a->pm1a_cnt || !a->s5_valid) {
		con_printf("acpi: cannot power off: %s", !a->fadt_found ? "no FADT" :
			   !a->pm1a_cnt ? "the FADT has no PM1a control block" : "no \\_S5 in the DSDT");
		return false;
	}
	return true;
}

void power_off(void)
{
	static struct acpi_info acpi; /* too big for a 4 KiB stack */

	if (!read_tables(&acpi))
		return;
	con_printf("acpi: power-off: PM1a_CNT 0x%x SLP_TYPa %u", acpi.pm1a_cnt, acpi.slp_typa);
	enter_acpi_mode(&acpi);
	/* ACPI 6.5, 4.8.3.2.1: SLP_TYP and SLP_EN go to PM1a and PM1b, each with its own type. */
	outw((uint16_t)acpi.pm1a_cnt, (uint16_t)((acpi.slp_typa << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN));
	if (acpi.pm1b_cnt)
		outw((uint16_t)acpi.pm1b_cnt,
		     (uint16_t)((acpi.slp_typb << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN));
	/* The transition need not be instant; give it a moment before calling it a failure. */
	for (unsigned i = 0; i < POWER_OFF_POLLS; i++)
		cpu_relax();
	con_printf("acpi: still running after writing SLP_EN to PM1a_CNT 0x%x", acpi.pm1a_cnt);
}
