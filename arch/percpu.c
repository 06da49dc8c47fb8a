/* arch/percpu.c: per-CPU areas and each CPU's own descriptor tables. percpu_init_bsp() runs as the
 * first C line on the BSP; percpu_load() runs on each CPU for its own area. */
#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/trap.h"
#include "lib/string.h"

struct percpu *cpus[MAX_CPUS];
unsigned cpu_count;

static struct percpu bsp_area __attribute__((aligned(4096)));
static bool gs_ready;

extern uint8_t boot_stack_bottom[], boot_stack_top[];

void percpu_init_bsp(void)
{
	bsp_area.self = &bsp_area;
	bsp_area.cpu = 0;
	bsp_area.stack_base = (uint64_t)boot_stack_bottom;
	bsp_area.stack_top = (uint64_t)boot_stack_top;
	cpus[0] = &bsp_area;
	wrmsr(MSR_IA32_GS_BASE, (uint64_t)&bsp_area);
	gs_ready = true;
}

unsigned cpu_id(void)
{
	return gs_ready ? this_cpu()->cpu : 0;
}

/* A 64-bit TSS descriptor takes two GDT slots (SDM Vol. 3A, 8.2.3 "TSS Descriptor in 64-bit
 * mode"): type 9 (available 64-bit TSS), present, DPL 0. */
static void gdt_set_tss(struct gdt *g, const struct tss *t)
{
	uint64_t base = (uint64_t)t, limit = sizeof(*t) - 1;

	g->entry[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		      (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	g->entry[4] = base >> 32;
}

static void load_segments(const struct gdt *g)
{
	struct gdt_ptr gp = { sizeof(*g) - 1, (uint64_t)g };

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "movw %%ax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movw %%ax, %%fs\n\t"
			 "movw %%ax, %%gs\n\t"
			 :
			 : "m"(gp), "i"(SEL_KERNEL_CS), "i"(SEL_KERNEL_DS)
			 : "rax", "memory");
}

void percpu_load(struct percpu *p)
{
	struct idt_ptr ip = { sizeof(p->idt) - 1, (uint64_t)p->idt };

	p->gdt.entry[0] = 0;
	p->gdt.entry[1] = 0x00af9a000000ffffull; /* 64-bit code, DPL 0 */
	p->gdt.entry[2] = 0x00cf92000000ffffull; /* data, DPL 0 */
	memset(&p->tss, 0, sizeof(p->tss));
	p->tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)p->ist_df + sizeof(p->ist_df);
	p->tss.ist[IST_NMI - 1] = (uint64_t)p->ist_nmi + sizeof(p->ist_nmi);
	p->tss.iomap_base = sizeof(p->tss); /* no I/O bitmap */
	gdt_set_tss(&p->gdt, &p->tss);
	load_segments(&p->gdt);
	__asm__ volatile("ltr %w0" : : "r"((uint16_t)SEL_TSS));
	trap_init_idt(p);
	__asm__ volatile("lidt %0" : : "m"(ip));
	/* Loading GS zeroed the GS base; set it last. */
	wrmsr(MSR_IA32_GS_BASE, (uint64_t)p);
}
