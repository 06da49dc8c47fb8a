/* tests/guests/vmtest/destructive.c: suites that end the VM on purpose, each announced first so the
 * log shows what the hypervisor's report that follows is about. Should the VM survive, that is a
 * FAIL and the run goes on to its summary. vCPU 0. */
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/vmtest/vmtest.h"
#include "lib/guest_abi.h"

#define OUTSIDE_RAM 0xc0000000u /* above any guest RAM (at most 3 GiB), below the APIC */
#define CF9_RESET 0x06          /* full reset (bit 2) of the CPU, hard (bit 1) */
#define SURVIVE_POLLS 10000000u
/* A word of guest RAM that neither the guest's image nor its boot information uses (at 10 MiB,
 * inside the 16 MiB the tests give), marked before the reset: a reset must clear the VM's RAM
 * (README, "Several VMs"), so the next life never finds the mark. */
#define LIFE_MARK_ADDR 0xa00000u
#define LIFE_MARK 0x4c494645u /* "LIFE" */

/* INT3 with an IDT limit of 0: the #BP gate is beyond the limit, so #GP; its gate is too, so #DF;
 * and a fault delivering #DF is a triple fault (Intel SDM Vol. 3A, 6.15, "Interrupt 8 - Double
 * Fault Exception"), which shuts the vCPU down. */
void suite_triplefault(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint32_t base;
	} empty = { 0, 0 };

	con_printf("triple fault next");
	__asm__ volatile("lidt %0; int3" : : "m"(empty) : "memory");
	check_fail("triplefault", "INT3 with an empty IDT (got still running, want a triple fault)");
}

/* Guest RAM ends below 3 GiB; the EPT maps nothing at 0xc0000000. */
void suite_ept_outside(void)
{
	uint32_t v;

	con_printf("reading 0x%x next", OUTSIDE_RAM);
	v = *(volatile uint32_t *)(uintptr_t)OUTSIDE_RAM;
	check_fail("ept-outside", "read of 0xc0000000 (got 0x%x and still running, want the VM "
		   "stopped)", v);
}

/* A far JMP to an available TSS: the checks of SDM Vol. 3C, 26.4.2 (present, limit, not busy)
 * pass, so the task switch itself is what exits, unconditionally (26.1.2). A GDT of its own with
 * the flat kernel segments at their usual selectors and the TSS at 0x18. */
void suite_taskswitch(void)
{
	static uint32_t tss[26] __attribute__((aligned(16)));
	static uint64_t gdt[4] __attribute__((aligned(8))) = {
		0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull, 0,
	};
	struct __attribute__((packed)) {
		uint16_t limit;
		uint32_t base;
	} gdtr = { sizeof(gdt) - 1, (uint32_t)(uintptr_t)gdt };
	struct __attribute__((packed)) {
		uint32_t offset;
		uint16_t sel;
	} target = { 0, 0x18 };
	uint32_t base = (uint32_t)(uintptr_t)tss;

	/* A 32-bit available TSS (type 9, P=1, DPL 0), limit 103 (SDM Vol. 3A, 8.2.2). */
	gdt[3] = (sizeof(tss) - 1) | (uint64_t)(base & 0xffffff) << 16 | (uint64_t)0x89 << 40 |
		 (uint64_t)(base >> 24) << 56;
	con_printf("task switch by JMP to TSS selector 0x18 next");
	__asm__ volatile("lgdt %0; ljmp *%1" : : "m"(gdtr), "m"(target) : "memory");
	check_fail("taskswitch", "far JMP to a TSS (got still running, want the VM stopped)");
}

void suite_reset(void)
{
	volatile uint32_t *mark = (volatile uint32_t *)(uintptr_t)LIFE_MARK_ADDR;

	if (*mark == LIFE_MARK)
		check_fail("reset", "the mark of the VM's previous life is still at 0x%x (want its RAM "
			   "cleared by the reset)", LIFE_MARK_ADDR);
	else
		con_printf("no mark of a previous life at 0x%x", LIFE_MARK_ADDR);
	*mark = LIFE_MARK;
	con_printf("writing 0x%x to port 0x%x (reset) next", CF9_RESET, GUEST_PORT_RESET);
	outb(GUEST_PORT_RESET, CF9_RESET);
	vmtest_delay(SURVIVE_POLLS);
	check_fail("reset", "write to 0xcf9 (got still running, want a reset)");
}

/* Every vCPU halted with interrupts off can never run again: the hypervisor should notice and
 * stop the VM. Only vCPU 0 runs here; the others were never started. */
void suite_halt_forever(void)
{
	con_printf("halting with interrupts off next");
	halt_forever();
}
