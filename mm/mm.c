/* mm/mm.c: turns the boot memory map into the allocator's input and builds the hypervisor's page
 * tables. BSP, once, early (after the console, before ACPI and SMP). */
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/x86.h"
#include "mm/mem_map.h"
#include "mm/mm.h"
#include "mm/pagetable.h"
#include "mm/pmm.h"

#define GIB (1ull << 30)
#define MAX_RESERVED (MM_MAX_LOADED + 1)

extern uint8_t __image_start[], __image_end[], boot_stack_guard[];

static uint64_t kernel_cr3;

/* Why mm_init() failed, for its caller's panic (mm/ sits below the fault path, arch/trap.c). */
static char failure[120];

static const char *fail(const char *fmt, uint64_t a, uint64_t b)
{
	fmt_snprintf(failure, sizeof(failure), fmt, a, b);
	return failure;
}

static bool is_ram(uint32_t type)
{
	return type == MEM_USABLE || type == MEM_ACPI_RECLAIMABLE || type == MEM_ACPI_NVS;
}

static void log_memory_map(const struct mm_boot_map *m)
{
	uint64_t usable = 0;
	unsigned n = 0;

	log_info("mem: map from %s, %u entries", m->source, m->count);
	for (unsigned i = 0; i < m->count; i++) {
		const struct mem_range *r = &m->ranges[i];
		log_info("mem:   0x%016lx-0x%016lx %s", r->base, r->base + r->len - 1,
			 mem_type_name(r->type));
		if (r->type == MEM_USABLE)
			usable += r->len, n++;
	}
	log_info("mem: usable RAM %lu KiB in %u ranges", usable / 1024, n);
}

/* What the allocator must never hand out: the image and everything the loader loaded for us. */
static unsigned collect_reserved(const struct mm_boot_map *m, struct mem_range *res)
{
	unsigned n = 0;

	res[n++] = (struct mem_range){ (uint64_t)__image_start,
				       (uint64_t)(__image_end - __image_start), MEM_RESERVED };
	for (unsigned i = 0; i < m->loaded_count && n < MAX_RESERVED; i++)
		res[n++] = (struct mem_range){ m->loaded[i].base, m->loaded[i].len, MEM_RESERVED };
	return n;
}

static const char *map(uint64_t base, uint64_t len, uint64_t flags, unsigned sizes)
{
	if (!pt_map(kernel_cr3, base, base, len, flags, sizes))
		return fail("mm: cannot map 0x%lx+0x%lx in the hypervisor's page tables", base, len);
	return 0;
}

/* Identity map: [0, 4 GiB) UC first (MMIO, holes, firmware), then every RAM range WB over it,
 * including RAM above 4 GiB. The cache type comes from the page tables, not only the MTRRs, so a
 * firmware with sloppy MTRRs cannot make MMIO cacheable (SDM Vol. 3A, 12.5.2.2 "Selecting Memory
 * Types for Pentium III and More Recent Processor Families"). */
static const char *build_page_tables(const struct mm_boot_map *m)
{
	unsigned sizes = PT_SIZE_2M | ((cpuid(0x80000001, 0).edx & (1u << 26)) ? PT_SIZE_1G : 0);
	uint64_t rw = PT_PRESENT | PT_WRITE;
	const char *why;

	kernel_cr3 = pt_create();
	if (!kernel_cr3 || kernel_cr3 >= 4 * GIB)
		return "mm: no page below 4 GiB for the page tables";
	if ((why = map(0, 4 * GIB, rw | PT_CACHE_UC, sizes)))
		return why;
	for (unsigned i = 0; i < m->count; i++) {
		const struct mem_range *r = &m->ranges[i];
		uint64_t base = (r->base + 0xfff) & ~0xfffull;
		uint64_t end = (r->base + r->len) & ~0xfffull;
		if (is_ram(r->type) && end > base && (why = map(base, end - base, rw | PT_CACHE_WB, sizes)))
			return why;
	}
	/* An overflow of the boot stack now faults instead of overwriting page tables. */
	pt_unmap(kernel_cr3, (uint64_t)boot_stack_guard, 4096);
	return 0;
}

const char *mm_init(const struct mm_boot_map *m)
{
	struct mem_range reserved[MAX_RESERVED];
	unsigned nres = collect_reserved(m, reserved);

	log_memory_map(m);
	pmm_init(m->ranges, m->count, reserved, nres);
	log_info("mem: image 0x%lx-0x%lx (%lu KiB), %u modules; allocator has %lu KiB free",
		 (uint64_t)__image_start, (uint64_t)__image_end - 1,
		 (uint64_t)(__image_end - __image_start) / 1024, m->modules,
		 pmm_free_bytes() / 1024);
	if (!pmm_free_bytes())
		return "mm: no usable memory above 1 MiB: the hypervisor cannot run";
	return build_page_tables(m);
}

uint64_t mm_image_bytes(void)
{
	return (uint64_t)(__image_end - __image_start);
}

uint64_t mm_kernel_cr3(void)
{
	return kernel_cr3;
}

uint64_t mm_alloc_stack(uint64_t bytes, uint64_t *top)
{
	uint64_t pages = (bytes + 4095) / 4096;
	uint64_t pa = pmm_alloc_pages(pages + 1, 4096);

	if (!pa)
		return 0;
	pt_unmap(kernel_cr3, pa, 4096);
	invlpg(pa);
	*top = pa + (pages + 1) * 4096;
	return pa + 4096;
}

void *mm_alloc(uint64_t bytes)
{
	uint64_t pa = pmm_alloc_pages((bytes + 4095) / 4096, 4096);

	return pa ? (void *)pa : 0;
}
