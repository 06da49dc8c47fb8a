/* tests/guests/apictest/base_reloc.c: moving the APIC page (Intel SDM Vol. 3A, 11.4.5 "Relocating
 * the Local APIC Registers"). The hypervisor refuses a base over guest RAM (#GP), where the APIC
 * page would hide memory, and allows one in the MMIO hole: 0xfed00000 (HPET's usual place, which
 * this VM does not have). While moved, the ID register reads at the new place. xAPIC mode, each
 * vCPU for itself, interrupts off (an EOI would go to the old place). */
#include "lib/array.h"
#include "tests/guests/apictest/base.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/multiboot.h"

#define RELOC_MMIO 0xfed00000u

/* Low RAM the guest does not use (the trampolines are at 0 and 0x8000), and 4 MiB, above this
 * kernel, when the memory map says it is usable RAM. */
static const uint32_t ram_bases[] = { 0x00090000u, 0x00400000u };

static bool usable_ram(uint64_t base)
{
	const struct mb_range *r;
	unsigned n = mb_ranges(&r);

	for (unsigned i = 0; i < n; i++)
		if (r[i].type == MB_MEM_USABLE && base >= r[i].base &&
		    base + 0x1000 <= r[i].base + r[i].len)
			return true;
	return false;
}

void base_relocation(unsigned self, uint64_t home)
{
	uint64_t flags = home & ~(uint64_t)APIC_BASE_ADDR_MASK;
	char n[CHECK_NAME_MAX], what[24];

	for (unsigned i = 0; i < ARRAY_SIZE(ram_bases); i++)
		if (usable_ram(ram_bases[i]))
			base_expect(self, check_name(what, "reloc_ram_%x", ram_bases[i]),
				    ram_bases[i] | flags, true, home);
	/* Only read there when the APIC did move: the hypervisor stops a VM that touches an address
	 * with nothing behind it. */
	if (base_expect(self, "reloc_mmio", RELOC_MMIO | flags, false, RELOC_MMIO | flags))
		check_hex(check_name(n, "base.reloc_mmio.id.vcpu%u", self), "APIC ID at 0xfed00020",
			  mmio_read32(RELOC_MMIO + APIC_ID), self << 24);
	if (base_expect(self, "reloc_home", home, false, home))
		check_hex(check_name(n, "base.reloc_home.id.vcpu%u", self),
			  "APIC ID at 0xfee00020", mmio_read32(APIC_DEFAULT_BASE + APIC_ID), self << 24);
}
