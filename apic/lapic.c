/* apic/lapic.c: host local APIC driver. Each CPU on itself; the mode choice is made once by the
 * BSP. Register numbers are the xAPIC MMIO offsets; in x2APIC mode register R is MSR 0x800 + R/16
 * (SDM Vol. 3A, 11.12.1.2 "x2APIC Register Address Space"). */
#include "apic/apic_base.h"
#include "lib/guest_abi.h"
#include "apic/lapic.h"
#include "arch/cpu.h"
#include "arch/time.h"
#include "lib/log.h"

#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ull

#define ICR_DELIVERY_FIXED (0u << 8)
#define ICR_DELIVERY_NMI (4u << 8)
#define ICR_DELIVERY_INIT (5u << 8)
#define ICR_DELIVERY_STARTUP (6u << 8)
#define ICR_SEND_PENDING (1u << 12) /* xAPIC only */
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_ALL_BUT_SELF (3u << 18)

static bool use_x2apic;
static bool ready;
static uint64_t mmio_base;

static uint32_t reg_read(uint32_t reg)
{
	if (use_x2apic)
		return (uint32_t)rdmsr(X2APIC_MSR(reg));
	return *(volatile uint32_t *)(mmio_base + reg);
}

static void reg_write(uint32_t reg, uint32_t v)
{
	if (use_x2apic)
		wrmsr(X2APIC_MSR(reg), v);
	else
		*(volatile uint32_t *)(mmio_base + reg) = v;
}

/* The 8259 PICs: the hypervisor takes no legacy interrupts. A firmware may leave them routed
 * through LINT0 (ExtINT) with the timer on vector 8, which would arrive as a VM exit or, in root
 * mode, look like a double fault. Mask both (8259A data sheet, OCW1). */
static void mask_legacy_pics(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
	bool bsp = base & APIC_BASE_BSP;

	if (bsp) {
		mask_legacy_pics();
		use_x2apic = (cpuid(1, 0).ecx & (1u << 21)) || (base & APIC_BASE_EXTD);
		mmio_base = base & APIC_BASE_ADDR_MASK;
	}
	/* xAPIC → x2APIC must go through EN=1,EXTD=0 first (SDM Vol. 3A, 11.12.5 "x2APIC State
	 * Transitions"); a firmware may also have left the APIC globally disabled. */
	if (!(base & APIC_BASE_EN)) {
		base |= APIC_BASE_EN;
		wrmsr(MSR_IA32_APIC_BASE, base);
	}
	if (use_x2apic && !(base & APIC_BASE_EXTD))
		wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD);
	/* Software-enable with the spurious vector 0xff. */
	reg_write(APIC_SVR, APIC_SVR_ENABLE | 0xff);
	reg_write(APIC_ESR, 0);
	ready = true;
	if (bsp)
		log_info("lapic: %s mode, BSP APIC id %u%s", use_x2apic ? "x2APIC" : "xAPIC",
			 lapic_id(), use_x2apic ? "" : " (the CPU has no x2APIC)");
}

bool lapic_ready(void)
{
	return ready;
}

bool lapic_x2apic(void)
{
	return use_x2apic;
}

uint64_t lapic_mmio_base(void)
{
	return mmio_base ? mmio_base : (rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_ADDR_MASK);
}

uint32_t lapic_id(void)
{
	if (use_x2apic)
		return (uint32_t)rdmsr(X2APIC_MSR(APIC_ID));
	return reg_read(APIC_ID) >> 24;
}

void lapic_eoi(void)
{
	reg_write(APIC_EOI, 0);
}

/* xAPIC: wait (bounded) until the previous IPI left; x2APIC has no delivery-status bit. */
static void wait_icr_idle(void)
{
	if (use_x2apic)
		return;
	for (unsigned spin = 0; spin < 1000000; spin++) {
		if (!(reg_read(APIC_ICR_LO) & ICR_SEND_PENDING))
			return;
		cpu_relax();
	}
	log_warn("lapic: IPI still pending after a long wait");
}

static void send_ipi(uint32_t dest, uint32_t icr_lo)
{
	wait_icr_idle();
	if (use_x2apic) {
		wrmsr(X2APIC_MSR(APIC_ICR_LO), ((uint64_t)dest << 32) | icr_lo);
	} else {
		reg_write(APIC_ICR_HI, dest << 24);
		reg_write(APIC_ICR_LO, icr_lo);
	}
	wait_icr_idle();
}

void lapic_send_init(uint32_t apic_id)
{
	send_ipi(apic_id, ICR_DELIVERY_INIT | ICR_LEVEL_ASSERT);
}

void lapic_send_sipi(uint32_t apic_id, uint8_t page)
{
	send_ipi(apic_id, ICR_DELIVERY_STARTUP | ICR_LEVEL_ASSERT | page);
}

void lapic_send_fixed(uint32_t apic_id, uint8_t vector)
{
	send_ipi(apic_id, ICR_DELIVERY_FIXED | ICR_LEVEL_ASSERT | vector);
}

unsigned lapic_send_nmi_others(void)
{
	send_ipi(0, ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT | ICR_ALL_BUT_SELF);
	return 1;
}

/* A periodic interrupt at about `hz` (SDM Vol. 3A, 11.5.4 "APIC Timer"). The timer's input clock
 * is not architectural, so it is measured against the calibrated TSC for 10 ms first. */
void lapic_timer_periodic(uint8_t vector, uint32_t hz)
{
	uint64_t wait = time_tsc_hz() / 100, t0;

	reg_write(APIC_TIMER_DIVIDE, 0x3); /* divide by 16 */
	reg_write(APIC_LVT_TIMER, APIC_LVT_MASKED); /* masked, one-shot */
	reg_write(APIC_TIMER_INITIAL, 0xffffffffu);
	t0 = rdtsc();
	while (rdtsc() - t0 < wait)
		cpu_relax();
	uint32_t per_10ms = 0xffffffffu - reg_read(APIC_TIMER_CURRENT);
	uint32_t count = (uint32_t)((uint64_t)per_10ms * 100 / hz);
	reg_write(APIC_TIMER_INITIAL, 0);
	reg_write(APIC_LVT_TIMER, APIC_LVT_TIMER_PERIODIC | vector);
	reg_write(APIC_TIMER_INITIAL, count ? count : 1);
}

bool lapic_has_tsc_deadline(void)
{
	return cpuid(1, 0).ecx & (1u << 24); /* CPUID.01H:ECX.TSC_Deadline */
}

/* LVT timer mode 10b (SDM Vol. 3A, 11.5.4.1 "TSC-Deadline Mode"), disarmed. In xAPIC mode the
 * MMIO write to the LVT must be ordered before a later WRMSR to IA32_TSC_DEADLINE: MFENCE, as the
 * SDM says there. */
void lapic_timer_deadline_mode(uint8_t vector)
{
	reg_write(APIC_TIMER_INITIAL, 0);
	reg_write(APIC_LVT_TIMER, APIC_LVT_TIMER_TSC_DEADLINE | vector);
	__asm__ volatile("mfence" ::: "memory");
	wrmsr(MSR_IA32_TSC_DEADLINE, 0);
}

void lapic_timer_deadline(uint64_t tsc)
{
	wrmsr(MSR_IA32_TSC_DEADLINE, tsc);
}
