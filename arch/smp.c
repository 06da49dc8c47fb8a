/* arch/smp.c: AP start-up with INIT-SIPI-SIPI (Intel SDM Vol. 3A, 9.4.4.1 "Typical BSP
 * Initialization Sequence" and 9.4.3 "MP Initialization Protocol Algorithm"). BSP only; APs are
 * started one at a time, so one trampoline parameter block serves them all. */
#include "arch/console.h"
#include "arch/cpu.h"
#include "arch/host_timer.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/smp.h"
#include "arch/time.h"
#include "arch/trampoline.h"
#include "arch/trap.h"
#include "lib/log.h"
#include "lib/string.h"
#include "mm/mm.h"

#define LOW_MEM_LIMIT 0xa0000 /* SIPI vectors 0xa0-0xbf are reserved (SDM 9.4.4.1) */
#define AP_ANSWER_US 200000    /* how long an AP may take to report in */

static uint64_t tramp_page;

static void __attribute__((noreturn)) ap_main(struct percpu *p);

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* A 4 KiB page below 640 KiB that the memory map says is free and that GRUB did not use for the
 * information or a module. Page 0 is left alone (real-mode IVT, BIOS data area). */
static uint64_t find_trampoline_page(const struct boot_info *bi)
{
	for (unsigned i = 0; i < bi->mem_count; i++) {
		const struct mem_range *r = &bi->mem[i];
		if (r->type != MEM_USABLE)
			continue;
		uint64_t end = r->base + r->len < LOW_MEM_LIMIT ? r->base + r->len : LOW_MEM_LIMIT;
		for (uint64_t p = (r->base + 0xfff) & ~0xfffull; p + 4096 <= end; p += 4096) {
			bool busy = p == 0 || overlaps(p, 4096, bi->info_phys, bi->info_size);
			for (unsigned m = 0; m < bi->mod_count && !busy; m++)
				busy = overlaps(p, 4096, bi->mods[m].start,
						bi->mods[m].end - bi->mods[m].start);
			if (!busy)
				return p;
		}
	}
	return 0;
}

#define TRAMP_FIELD(type, sym) \
	((type *)(tramp_page + ((const uint8_t *)(sym) - ap_trampoline_start)))

static void trampoline_install(void)
{
	uint64_t size = (uint64_t)(ap_trampoline_end - ap_trampoline_start);

	memcpy((void *)tramp_page, ap_trampoline_start, size);
	*TRAMP_FIELD(uint32_t, tramp_gdt_ptr + 2) =
		(uint32_t)(tramp_page + (uint64_t)(tramp_gdt - ap_trampoline_start));
	*TRAMP_FIELD(uint32_t, tramp_far32) = (uint32_t)(tramp_page + tramp_pm32_off);
	*TRAMP_FIELD(uint32_t, tramp_far64) = (uint32_t)(tramp_page + tramp_lm64_off);
	*TRAMP_FIELD(uint64_t, tramp_cr3) = mm_kernel_cr3();
	*TRAMP_FIELD(uint64_t, tramp_efer) = rdmsr(MSR_IA32_EFER) & (EFER_LME | EFER_NXE);
	*TRAMP_FIELD(uint64_t, tramp_entry) = (uint64_t)ap_main;
}

static struct percpu *percpu_create(unsigned cpu, uint32_t apic_id)
{
	struct percpu *p = mm_alloc(sizeof(*p));
	uint64_t top;

	if (!p)
		return 0;
	p->stack_base = mm_alloc_stack(CPU_STACK_SIZE, &top);
	if (!p->stack_base)
		return 0;
	p->self = p;
	p->cpu = cpu;
	p->apic_id = apic_id;
	p->stack_top = top;
	return p;
}

static bool wait_online(struct percpu *p, uint64_t us)
{
	uint64_t end = rdtsc() + us * (time_tsc_hz() / 1000000);

	while (!p->online) {
		if ((int64_t)(rdtsc() - end) > 0)
			return false;
		cpu_relax();
	}
	return true;
}

/* INIT, 10 ms, SIPI, 200 us, and a second SIPI only if the AP has not answered yet (the SDM's
 * sequence; a second SIPI to a running AP would be ignored anyway). */
static bool start_one(struct percpu *p)
{
	*TRAMP_FIELD(uint64_t, tramp_stack) = p->stack_top;
	*TRAMP_FIELD(uint64_t, tramp_arg) = (uint64_t)p;
	__asm__ volatile("mfence" ::: "memory");
	lapic_send_init(p->apic_id);
	udelay(10000);
	lapic_send_sipi(p->apic_id, (uint8_t)(tramp_page >> 12));
	if (!wait_online(p, 200)) {
		lapic_send_sipi(p->apic_id, (uint8_t)(tramp_page >> 12));
		if (!wait_online(p, AP_ANSWER_US)) {
			/* Back to wait-for-SIPI, so a late start cannot use the next AP's stack. */
			lapic_send_init(p->apic_id);
			return false;
		}
	}
	return true;
}

static bool ap_startable(uint32_t apic_id)
{
	if (apic_id == lapic_id())
		return false;
	if (!lapic_x2apic() && apic_id > 254) {
		log_warn("smp: APIC id %u needs x2APIC mode, which this CPU lacks; left out", apic_id);
		return false;
	}
	return true;
}

unsigned smp_start_aps(const struct boot_info *bi, const uint32_t *apic_ids, unsigned n)
{
	cpu_count = 1;
	cpus[0]->apic_id = lapic_id();
	cpus[0]->online = true;
	if (n <= 1)
		return cpu_count;
	tramp_page = find_trampoline_page(bi);
	if (!tramp_page) {
		log_error("smp: no free page below 640 KiB for the AP trampoline; "
			  "running on the boot CPU only");
		return cpu_count;
	}
	trampoline_install();
	log_info("smp: AP trampoline at 0x%lx", tramp_page);
	for (unsigned i = 0; i < n && cpu_count < MAX_CPUS; i++) {
		if (!ap_startable(apic_ids[i]))
			continue;
		struct percpu *p = percpu_create(cpu_count, apic_ids[i]);
		if (!p) {
			log_error("smp: out of memory for CPU with APIC id %u; left out", apic_ids[i]);
			continue;
		}
		cpus[cpu_count] = p;
		if (!start_one(p)) {
			log_warn("smp: CPU with APIC id %u did not answer within %u ms; left out",
				 apic_ids[i], AP_ANSWER_US / 1000);
			cpus[cpu_count] = 0;
			continue;
		}
		cpu_count++;
	}
	return cpu_count;
}

/* First C code on an AP: its own descriptor tables and GS, its local APIC, then report in and idle.
 * Interrupts stay off until the IDT is loaded. */
static void ap_main(struct percpu *p)
{
	percpu_load(p);
	lapic_init();
	host_timer_init();
	__asm__ volatile("" ::: "memory");
	p->online = true;
	log_info("smp: cpu%u online, APIC id %u", p->cpu, p->apic_id);
	smp_idle();
}

void smp_idle(void)
{
	struct percpu *p = this_cpu();

	for (;;) {
		irq_disable();
		void (*fn)(void *) = p->work;
		if (fn) {
			void *arg = p->work_arg;
			p->work = 0;
			fn(arg);
			continue;
		}
		/* STI;HLT: a kick that arrives between the check and the HLT still wakes us. Idle
		 * CPUs halt: spinning ones slow emulators down for everyone. */
		console_drain();
		irq_enable_and_halt();
	}
}

bool smp_run_on(unsigned cpu, void (*fn)(void *), void *arg)
{
	struct percpu *p = cpu < MAX_CPUS ? cpus[cpu] : 0;

	if (!p || !p->online || p->work)
		return false;
	p->work_arg = arg;
	__atomic_store_n(&p->work, fn, __ATOMIC_RELEASE);
	lapic_send_fixed(p->apic_id, VEC_IPI_KICK);
	return true;
}
