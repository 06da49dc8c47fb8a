/* tests/guests/apictest/vcpus.c: how many vCPUs the VM has: HC_VCPU_INFO under the hypervisor; on
 * bare metal, the usable local APICs of the firmware's ACPI MADT (ACPI 6.5, 5.2.12), read with the
 * project's own parser (arch/acpi.c) as tests/guests/lib/power.c does. vCPU 0. */
#include "arch/acpi.h"
#include "lib/acpi_rsdp.h"
#include "tests/guests/apictest/vcpus.h"
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/lib/multiboot.h"


static uint32_t madt_cpus(void)
{
	static struct acpi_info acpi; /* too big for a 4 KiB stack */
	uint64_t rsdp;

	if (!acpi_find_rsdp_legacy(mb_phys_map, &rsdp))
		return 0;
	if (!acpi_parse((const void *)(uintptr_t)rsdp,
			mb_phys_map(rsdp, RSDP_V2_LEN) ? RSDP_V2_LEN : RSDP_V1_LEN,
			mb_phys_map, &acpi) || !acpi.madt_found)
		return 0;
	return acpi.ncpus;
}

uint32_t vcpus_count(uint32_t max)
{
	uint32_t n;
	int32_t r = hc_vcpu_info(&n);

	if (r < 0 || n == 0) {
		n = madt_cpus();
		con_printf("HC_VCPU_INFO failed (%s); the ACPI MADT lists %u CPUs", hc_strerror(r), n);
		if (!n)
			n = 1;
	}
	if (n > max) {
		con_printf("%u vCPUs; this guest tests the first %u", n, max);
		n = max;
	}
	return n;
}
