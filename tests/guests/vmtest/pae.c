/* tests/guests/vmtest/pae.c: PAE paging turned on by a MOV to CR0 that exits (it also flips CR0.NE,
 * which the hypervisor's CR0 guest/host mask keeps). The MOV to CR0 that enables PAE paging loads
 * the four PDPTEs, and a present one with a reserved bit set makes it #GP (SDM Vol. 3A, 4.4.1
 * "PDPTE Registers"); with EPT the CPU takes them from GUEST_PDPTE0-3 on VM entry (SDM Vol. 3C,
 * 28.3.1.6 and 27.3.2.4), so the hypervisor must load and check them. The mapping: 0-1 GiB
 * identity, 1 GiB + 0-2 MiB an alias of 0-2 MiB. vCPU 0. */
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/paging.h"
#include "tests/guests/lib/trap.h"
#include "tests/guests/vmtest/vmtest.h"

#define ALIAS_BASE 0x40000000u /* PDPTE 1 */
#define PDPTE_RESERVED (1ull << 1) /* bits 2:1 and 8:5 are reserved in a PDPTE */

static uint64_t pd_identity[512] __attribute__((aligned(4096)));
static uint64_t pd_alias[512] __attribute__((aligned(4096)));
static uint64_t pdpt[4] __attribute__((aligned(32)));
static volatile uint32_t probe = 0x5eed1234; /* below 2 MiB: the guest is linked at 1 MiB */

static void build_tables(void)
{
	for (uint32_t i = 0; i < 512; i++)
		pd_identity[i] = (uint64_t)i * PAGE_2M | PTE_P | PTE_RW | PTE_PS;
	pd_alias[0] = PTE_P | PTE_RW | PTE_PS;
	pdpt[0] = (uint32_t)(uintptr_t)pd_identity | PTE_P;
	pdpt[1] = (uint32_t)(uintptr_t)pd_alias | PTE_P;
	pdpt[2] = pdpt[3] = 0;
}

/* With paging on: the alias reads what the identity mapping holds, both ways. */
static void check_alias(void)
{
	volatile uint32_t *alias = (volatile uint32_t *)((uintptr_t)&probe + ALIAS_BASE);
	uint32_t via_alias = *alias;

	*alias = 0xa11a5ed0;
	check_hex("pae.alias_read", "the probe through the alias", via_alias, 0x5eed1234);
	check_hex("pae.alias_write", "the probe after writing it through the alias", probe,
		  0xa11a5ed0);
}

static void paging_on_and_off(uint32_t cr0, uint32_t cr4)
{
	write_cr3((uint32_t)(uintptr_t)pdpt);
	write_cr4(cr4 | CR4_PAE);
	write_cr0(cr0_flip_ne(cr0) | CR0_PG);
	check_hex("pae.paging_on", "CR0.PG after the exiting MOV to CR0", read_cr0() & CR0_PG,
		  CR0_PG);
	check_alias();
	write_cr0(cr0);
	check_hex("pae.paging_off", "CR0 after turning paging off", read_cr0(), cr0);
}

/* A present PDPTE with a reserved bit: the MOV to CR0 is #GP and paging stays off. */
static void reserved_pdpte(uint32_t cr0)
{
	bool faulted;

	pdpt[2] = (uint32_t)(uintptr_t)pd_identity | PTE_P | PDPTE_RESERVED;
	trap_expect(TRAP_GP, MOV_CR_LEN);
	write_cr0(cr0_flip_ne(cr0) | CR0_PG);
	faulted = trap_expect_end();
	if (!faulted)
		write_cr0(cr0);
	check_gp("pae.reserved_pdpte", "MOV to CR0 with PDPTE 2 reserved bit 1 set", faulted, true);
	check_hex("pae.reserved_pdpte.cr0", "CR0 after the refused MOV", read_cr0(), cr0);
	pdpt[2] = 0;
}

void suite_pae(void)
{
	uint32_t cr0 = read_cr0(), cr4 = read_cr4();

	build_tables();
	paging_on_and_off(cr0, cr4);
	reserved_pdpte(cr0);
	write_cr4(cr4);
}
