/* tests/guests/vmtest/longmode.c: into IA-32e mode and back through MOV to CR0 writes that exit
 * (they flip CR0.NE, which the hypervisor's CR0 guest/host mask keeps). First 32-bit paging is
 * turned on by an exiting write and off by one that does not exit (PG is the guest's own), which
 * leaves the CR0 read shadow saying PG=1: the next exiting write that turns paging on with EFER.LME
 * must still activate IA-32e mode (SDM Vol. 3A, 10.8.5; Vol. 3C, 26.3.1.1: EFER.LMA and the "IA-32e
 * mode guest" entry control), judged from the guest's real CR0. In 64-bit mode (longmode_asm.asm):
 * IN EAX zero-extends RAX and IN AL/AX keep the rest (SDM Vol. 1, 3.4.1.1), MOV CR8 is the APIC's
 * TPR class and bits 63:4 are #GP (Vol. 3A, 11.8.6.1). Then back to 32-bit protected mode. vCPU 0.
 * */
#include <stddef.h>

#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/gdt.h"
#include "tests/guests/lib/paging.h"
#include "tests/guests/lib/trap.h"
#include "tests/guests/vmtest/vmtest.h"

#define MSR_EFER 0xc0000080u
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define CR4_PSE (1u << 4)
#define PDE32_4M 0x83u /* P, RW, PS */
#define GATE64_INTR 0x8e00u
#define IDT64_GP_VECTORS 14 /* 0..13: #GP is the last */

struct __attribute__((packed)) lm_results {
	uint64_t in32, in8, in16;
	uint8_t cr8[16];
	uint32_t tpr[16];
	uint32_t gp, cr8_after_gp;
	uint16_t idt_limit;
	uint64_t idt_base;
};
_Static_assert(offsetof(struct lm_results, tpr) == 40, "longmode_asm.asm R_TPR");
_Static_assert(offsetof(struct lm_results, gp) == 104, "longmode_asm.asm R_GP");
_Static_assert(offsetof(struct lm_results, idt_limit) == 112, "longmode_asm.asm R_IDT64");

void lm_run(struct lm_results *r); /* longmode_asm.asm */
void lm_gp_handler(void);

static uint32_t pd32[1024] __attribute__((aligned(4096)));
static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));
static uint32_t idt64[IDT64_GP_VECTORS][4] __attribute__((aligned(16)));
static struct lm_results res;

/* Identity maps of the whole 4 GiB (the APIC page included): 4 MiB pages for 32-bit paging,
 * 2 MiB pages under one PML4 entry for 4-level paging. */
static void build_tables(void)
{
	for (uint32_t i = 0; i < 1024; i++)
		pd32[i] = (i << 22) | PDE32_4M;
	for (uint32_t i = 0; i < 4; i++) {
		for (uint32_t j = 0; j < 512; j++)
			pd[i][j] = (uint64_t)(i * 512 + j) * PAGE_2M | PTE_P | PTE_RW | PTE_PS;
		pdpt[i] = (uint32_t)(uintptr_t)pd[i] | PTE_P | PTE_RW;
	}
	pml4[0] = (uint32_t)(uintptr_t)pdpt | PTE_P | PTE_RW;
	/* SDM Vol. 3A, 6.14.1 "64-Bit Mode IDT": 16-byte gates; only #GP is expected. */
	idt64[TRAP_GP][0] = ((uint32_t)(uintptr_t)lm_gp_handler & 0xffff) | SEL_CODE64 << 16;
	idt64[TRAP_GP][1] = ((uint32_t)(uintptr_t)lm_gp_handler & 0xffff0000) | GATE64_INTR;
	res.idt_limit = sizeof(idt64) - 1;
	res.idt_base = (uint32_t)(uintptr_t)idt64;
}

/* Leaves the read shadow's PG stale: on by an exiting write, off by one that does not exit. */
static void stale_shadow(uint32_t cr0, uint32_t cr4)
{
	write_cr3((uint32_t)(uintptr_t)pd32);
	write_cr4(cr4 | CR4_PSE);
	write_cr0(cr0_flip_ne(cr0) | CR0_PG);
	check_hex("longmode.paging32", "CR0.PG after the exiting MOV to CR0", read_cr0() & CR0_PG,
		  CR0_PG);
	write_cr0(cr0_flip_ne(cr0));
}

static void check_cr8(void)
{
	for (uint32_t i = 0; i < 16; i++) {
		if (res.cr8[i] != i || res.tpr[i] != i << 4) {
			check_fail("longmode.cr8", "MOV CR8 %u: CR8, APIC TPR (got %u 0x%x, want %u "
				   "0x%x)", i, res.cr8[i], res.tpr[i], i, i << 4);
			return;
		}
	}
	check_pass("longmode.cr8");
	check_hex("longmode.cr8_reserved", "#GPs of MOV CR8 with bit 4 set", res.gp, 1);
	check_hex("longmode.cr8_reserved.kept", "CR8 after the refused write", res.cr8_after_gp, 5);
}

void suite_longmode(void)
{
	uint32_t cr0 = read_cr0(), cr4 = read_cr4();
	uint64_t efer = rdmsr(MSR_EFER);

	build_tables();
	gdt_load_full();
	stale_shadow(cr0, cr4);
	write_cr3((uint32_t)(uintptr_t)pml4);
	write_cr4(cr4 | CR4_PAE);
	wrmsr(MSR_EFER, efer | EFER_LME);
	lm_run(&res);
	trap_load();
	check_hex64("longmode.lma_off", "EFER.LMA back in protected mode", rdmsr(MSR_EFER) & EFER_LMA,
		    0);
	wrmsr(MSR_EFER, efer);
	write_cr4(cr4);
	write_cr0(cr0);
	check_hex("longmode.cr0", "CR0 after leaving long mode", read_cr0(), cr0);
	check_hex64("longmode.in32", "RAX after IN EAX (RAX was 0xdeadbeef12345678)", res.in32,
		    0xffffffffull);
	check_hex64("longmode.in8", "RAX after IN AL", res.in8, 0xdeadbeefcafebaffull);
	check_hex64("longmode.in16", "RAX after IN AX", res.in16, 0xdeadbeefcafeffffull);
	check_cr8();
}
