/* arch/percpu.h: the per-CPU area. Each CPU finds its own through GS base (GS:0 holds a pointer
 * to the area itself). The BSP's area is static so logging works from the first C line; each AP's
 * is allocated by the BSP before the AP starts. Fields are written only by their own CPU once it
 * runs, except those marked "BSP" (set before start-up) and "any" (atomics). */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/desc.h"

#define MAX_CPUS 256
#define CPU_STACK_SIZE (16 * 1024)
#define CPU_IST_STACK_SIZE (8 * 1024)

struct percpu {
	struct percpu *self; /* must stay first: this_cpu() reads GS:0 */
	unsigned cpu;        /* BSP: 0 for the boot CPU, then in MADT order */
	uint32_t apic_id;    /* BSP */
	volatile bool online; /* set by the CPU itself when it reports in */

	uint64_t stack_base, stack_top; /* BSP: the kernel stack, for backtraces */

	/* any: work for an idle CPU (smp_run_on); the CPU clears `work` when it takes it */
	void (*volatile work)(void *arg);
	void *volatile work_arg;

	struct gdt gdt;
	struct tss tss;
	struct idt_gate idt[256];

	/* IST stacks: double fault and NMI never run on a stack that may be the broken one. */
	uint8_t ist_df[CPU_IST_STACK_SIZE] __attribute__((aligned(16)));
	uint8_t ist_nmi[CPU_IST_STACK_SIZE] __attribute__((aligned(16)));
};

extern struct percpu *cpus[MAX_CPUS]; /* indexed by cpu number; written by the BSP */
extern unsigned cpu_count;            /* CPUs online */

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

/* Early on the BSP: point GS at the static BSP area. */
void percpu_init_bsp(void);

/* On the CPU that owns `p`: load its GDT, TSS, IDT and GS base. */
void percpu_load(struct percpu *p);

/* The CPU number, or 0 before GS is set (only the BSP runs then). */
unsigned cpu_id(void);

#endif
