/* tests/guests/lib/gdt.c: the full GDT and the TSS (gdt.h). */
#include <stdbool.h>

#include "tests/guests/lib/gdt.h"

#define TSS_SIZE 104 /* SDM Vol. 3A, 8.2.1 "Task-State Segment (TSS)", Figure 8-2 */
#define TSS_ESP0 1   /* dword offsets in the TSS */
#define TSS_SS0 2
#define TSS_IOMAP 25 /* the I/O map base in the upper half: at the limit, no I/O bitmap */

static uint32_t tss[TSS_SIZE / 4] __attribute__((aligned(16)));
static bool tr_loaded;

/* Flat 4 GiB: DPL 0 code and data as entry.asm's, DPL 3 code and data, the TSS (filled in when
 * loaded), 64-bit DPL 0 code (L=1, D=0). */
static uint64_t gdt[7] __attribute__((aligned(8))) = {
	0,
	0x00cf9a000000ffffull,
	0x00cf92000000ffffull,
	0x00cffa000000ffffull,
	0x00cff2000000ffffull,
	0,
	0x00af9a000000ffffull,
};

/* A 32-bit available TSS descriptor (type 9, SDM Vol. 3A, 8.2.2 "TSS Descriptor"). */
static uint64_t tss_descriptor(uint32_t base, uint32_t limit)
{
	uint64_t d = (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16);

	d |= (uint64_t)0x89 << 40; /* P=1, DPL 0, type 9 */
	d |= (uint64_t)((limit >> 16) & 0xf) << 48;
	d |= (uint64_t)(base >> 24) << 56;
	return d;
}

void gdt_load_full(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint32_t base;
	} gdtr = { sizeof(gdt) - 1, (uint32_t)(uintptr_t)gdt };

	if (!tr_loaded) {
		tss[TSS_SS0] = SEL_KERNEL_DATA;
		tss[TSS_IOMAP] = (uint32_t)TSS_SIZE << 16;
		gdt[SEL_TSS >> 3] = tss_descriptor((uint32_t)(uintptr_t)tss, TSS_SIZE - 1);
	}
	__asm__ volatile("lgdt %0" : : "m"(gdtr) : "memory");
	if (!tr_loaded)
		__asm__ volatile("ltr %w0" : : "r"(SEL_TSS) : "memory");
	tr_loaded = true;
}

void gdt_set_esp0(uint32_t esp0)
{
	tss[TSS_ESP0] = esp0;
}
