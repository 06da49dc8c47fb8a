/* arch/time.c: TSC calibration and delays. BSP calibrates once at boot; any CPU reads. The TSC is
 * the clock because it needs no device and, in Bochs, advances with executed instructions, which
 * makes boot timings reproducible. */
#include "arch/console.h"
#include "arch/cpu.h"
#include "arch/time.h"
#include "lib/log.h"

static uint64_t tsc_hz;

/* PIT channel 2, gated by port 0x61 bit 0, counting down once in mode 0; port 0x61 bit 5 shows its
 * output go high at terminal count (8254 data sheet; the PC's speaker gate wiring). */
#define PIT_HZ 1193182ull
#define PIT_CAL_MS 10

static uint64_t calibrate_pit(void)
{
	uint16_t count = (uint16_t)(PIT_HZ * PIT_CAL_MS / 1000);
	uint8_t gate = inb(0x61);

	outb(0x61, (gate & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xb0);                  /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(0x42, (uint8_t)count);
	outb(0x42, (uint8_t)(count >> 8));
	uint64_t start = rdtsc();
	/* Bounded: a machine without a working PIT must not hang here. ~2^32 ticks is seconds. */
	while (!(inb(0x61) & 0x20)) {
		if (rdtsc() - start > (1ull << 32)) {
			outb(0x61, gate);
			return 0;
		}
	}
	uint64_t end = rdtsc();
	outb(0x61, gate);
	return (end - start) * (1000 / PIT_CAL_MS);
}

/* CPUID leaf 0x15 (TSC/crystal ratio and crystal frequency) or 0x16 (base MHz), when the PIT is
 * absent (SDM Vol. 3B, 19.7.3 "Determining the Processor Base Frequency"). */
static uint64_t calibrate_cpuid(void)
{
	uint32_t max = cpuid(0, 0).eax;

	if (max >= 0x15) {
		struct cpuid_regs r = cpuid(0x15, 0);
		if (r.eax && r.ebx && r.ecx)
			return (uint64_t)r.ecx * r.ebx / r.eax;
	}
	if (max >= 0x16) {
		struct cpuid_regs r = cpuid(0x16, 0);
		if (r.eax & 0xffff)
			return (uint64_t)(r.eax & 0xffff) * 1000000;
	}
	return 0;
}

void time_calibrate(void)
{
	const char *how = "PIT";

	tsc_hz = calibrate_pit();
	if (!tsc_hz) {
		how = "CPUID";
		tsc_hz = calibrate_cpuid();
	}
	if (!tsc_hz) {
		tsc_hz = 1000000000ull;
		log_warn("time: neither the PIT nor CPUID gives the TSC rate; assuming 1 GHz");
		return;
	}
	/* The absolute first tick lets make bench set a guest's own TSC readings against it
	 * (scripts/bench-linux: the guest's TSC is the host's unless it moves it). */
	log_info("time: TSC runs at %lu kHz (measured with the %s); the first instruction ran at "
		 "TSC %lu", tsc_hz / 1000, how, boot_tsc);
}

uint64_t time_ticks_since_boot(void)
{
	return rdtsc() - boot_tsc;
}

bool time_now_us(uint64_t *us)
{
	if (!tsc_hz)
		return false;
	uint64_t t = time_ticks_since_boot();
	*us = t / tsc_hz * 1000000 + (t % tsc_hz) * 1000000 / tsc_hz;
	return true;
}

uint64_t time_tsc_hz(void)
{
	return tsc_hz;
}

void udelay(uint64_t us)
{
	uint64_t hz = tsc_hz ? tsc_hz : 1000000000ull;
	uint64_t end = rdtsc() + us * (hz / 1000000);

	while ((int64_t)(rdtsc() - end) < 0) {
		console_drain(); /* a busy wait is time the serial line can have */
		cpu_relax();
	}
}
