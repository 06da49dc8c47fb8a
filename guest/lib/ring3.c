/* guest/lib/ring3.c: the GDT with ring-3 segments and the TSS ring3_run() needs (ring3.h). */
#include "guest/lib/ring3.h"
#include "guest/lib/trap.h"

#define SEL_KERNEL_DATA 0x10
#define TSS_SIZE 104 /* SDM Vol. 3A, 8.2.1 "Task-State Segment (TSS)", Figure 8-2 */
#define TSS_ESP0 1   /* dword offsets in the TSS */
#define TSS_SS0 2
#define TSS_IOMAP 25 /* the I/O map base in the upper half: at the limit, no I/O bitmap */

static uint32_t tss[TSS_SIZE / 4] __attribute__((aligned(16)));

/* Intel SDM Vol. 3A, 3.4.5 "Segment Descriptors": flat 4 GiB, 32-bit (0x00cf...): DPL 0 code and
 * data as entry.asm's, then DPL 3 code and data, then the TSS (filled in by ring3_init). */
static uint64_t gdt[6] __attribute__((aligned(8))) = {
	0,
	0x00cf9a000000ffffull,
	0x00cf92000000ffffull,
	0x00cffa000000ffffull,
	0x00cff2000000ffffull,
	0,
};

void ring3_return_stub(void); /* ring3_entry.asm */

/* A 32-bit available TSS descriptor (type 9, SDM Vol. 3A, 8.2.2 "TSS Descriptor"). */
static uint64_t tss_descriptor(uint32_t base, uint32_t limit)
{
	uint64_t d = (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16);

	d |= (uint64_t)0x89 << 40; /* P=1, DPL 0, type 9 */
	d |= (uint64_t)((limit >> 16) & 0xf) << 48;
	d |= (uint64_t)(base >> 24) << 56;
	return d;
}

void ring3_init(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint32_t base;
	} gdtr = { sizeof(gdt) - 1, (uint32_t)(uintptr_t)gdt };

	tss[TSS_SS0] = SEL_KERNEL_DATA;
	tss[TSS_IOMAP] = (uint32_t)TSS_SIZE << 16;
	gdt[SEL_TSS >> 3] = tss_descriptor((uint32_t)(uintptr_t)tss, TSS_SIZE - 1);
	/* The kernel selectors keep their descriptors, so the loaded segments stay valid. */
	__asm__ volatile("lgdt %0; ltr %w1" : : "m"(gdtr), "r"(SEL_TSS) : "memory");
	trap_set_gate(RING3_RETURN_VECTOR, ring3_return_stub, 3);
}

/* ESP0, the ring-0 stack the return interrupt lands on, changes with every ring3_run(). */
void ring3_set_esp0(uint32_t esp0);
void ring3_set_esp0(uint32_t esp0)
{
	tss[TSS_ESP0] = esp0;
}
