/* arch/acpi_host.c: the host's ACPI tables at boot (BSP, once, after mm_init): find the RSDP (from
 * GRUB, else the BIOS areas), parse with arch/acpi.c, and hand the CPU list to SMP and the S5
 * sleep type to the power-off path. Without ACPI the hypervisor runs on the boot CPU alone. */
#include "arch/acpi.h"
#include "arch/acpi_host.h"
#include "arch/cpu.h"
#include "arch/power.h"
#include "lib/acpi_rsdp.h"
#include "lib/log.h"
#include "lib/string.h"

#define GIB (1ull << 30)

/* The hypervisor identity-maps [0, 4 GiB) and all RAM; ACPI tables live in RAM or below 4 GiB. */
static const void *host_map(uint64_t phys, uint64_t len)
{
	if (phys + len < phys || phys + len > 4 * GIB)
		return 0;
	return (const void *)phys;
}

static uint32_t boot_cpu_apic_id(void)
{
	if (cpuid(0, 0).eax >= 0xb)
		return cpuid(0xb, 0).edx; /* the full x2APIC id */
	return cpuid(1, 0).ebx >> 24;
}

static void just_the_bsp(struct acpi_host *out, const char *why)
{
	log_warn("acpi: %s; running on the boot CPU only", why);
	out->apic_ids[0] = boot_cpu_apic_id();
	out->cpus_found = 1;
}

void acpi_host_init(const struct boot_info *bi, struct acpi_host *out)
{
	static struct acpi_info info;
	const void *rsdp = bi->rsdp;
	uint32_t rsdp_len = bi->rsdp_len;
	uint64_t phys;

	if (!rsdp) {
		if (!acpi_find_rsdp_legacy(host_map, &phys)) {
			just_the_bsp(out, "no RSDP from the boot loader or in the BIOS areas");
			return;
		}
		log_info("acpi: RSDP found at 0x%lx by scanning the BIOS areas", phys);
		rsdp = (const void *)phys;
		rsdp_len = RSDP_V2_LEN;
	}
	if (!acpi_parse(rsdp, rsdp_len, host_map, &info)) {
		just_the_bsp(out, "the ACPI tables are unusable");
		return;
	}
	for (unsigned i = 0; i < info.ntables; i++) {
		if (!memcmp(info.tables[i].sig, "SPCR", 4)) {
			out->spcr_phys = info.tables[i].phys;
			out->spcr_len = info.tables[i].len;
		}
	}
	struct power_s5 s5 = { info.s5_valid && info.pm1a_cnt, (uint16_t)info.pm1a_cnt,
			       (uint16_t)info.pm1b_cnt, info.slp_typa, info.slp_typb,
			       (uint16_t)info.smi_cmd, info.acpi_enable };
	power_set_s5(&s5);
	if (!info.ncpus) {
		just_the_bsp(out, "no usable CPU in the MADT");
		return;
	}
	for (unsigned i = 0; i < info.ncpus && i < MAX_CPUS; i++)
		out->apic_ids[i] = info.apic_id[i];
	out->cpus_found = info.ncpus < MAX_CPUS ? info.ncpus : MAX_CPUS;
}
