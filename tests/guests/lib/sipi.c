/* tests/guests/lib/sipi.c: the STARTUP trampoline's installation and the INIT and STARTUP IPIs
 * (Intel SDM Vol. 3A, 9.4.4). vCPU 0, or any vCPU for the IPIs. */
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/sipi.h"

#define LOW_RAM_END 0x9f000u /* guest/layout.h: usable RAM below this, page 0 included */

extern const uint8_t sipi_tramp_start[], sipi_tramp_end[]; /* sipi_tramp.asm */

uint32_t sipi_entries[GUEST_MAX_VCPUS];

/* REP MOVSB rather than memcpy: the destination may be physical address 0, which C would call a
 * null pointer (and the compiler may assume is never written). */
static void copy_to_phys(uint32_t dst, const void *src, uint32_t len)
{
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(len) : : "memory");
}

bool sipi_install(uint8_t vector)
{
	uint32_t page = (uint32_t)vector << 12;
	uint32_t len = (uint32_t)(sipi_tramp_end - sipi_tramp_start);

	if (page + len > LOW_RAM_END)
		return false;
	copy_to_phys(page, sipi_tramp_start, len);
	return true;
}

void sipi_send_init(uint32_t apic_id)
{
	apic_send_ipi(apic_id, ICR_INIT | ICR_ASSERT);
}

void sipi_send_startup(uint32_t apic_id, uint8_t vector)
{
	apic_send_ipi(apic_id, ICR_STARTUP | ICR_ASSERT | vector);
}
