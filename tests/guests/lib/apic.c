/* tests/guests/lib/apic.c: local APIC access for a guest kernel (Intel SDM Vol. 3A, chapter 11).
 * Any vCPU, for its own APIC. */
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/msr.h"
#include "tests/guests/lib/smp.h"

#define ICR_IDLE_POLLS 1000000u

/* Each vCPU's mode, written only by that vCPU. */
static uint8_t modes[GUEST_MAX_VCPUS];

enum apic_mode apic_mode(void)
{
	return (enum apic_mode)modes[smp_self()];
}

bool apic_base_read(uint64_t *v)
{
	return msr_read_safe(MSR_APIC_BASE, v);
}

enum apic_mode apic_mode_sync(void)
{
	uint64_t v = 0;

	apic_base_read(&v);
	modes[smp_self()] = (uint8_t)apic_mode_of(v);
	return apic_mode_of(v);
}

/* Interrupts stay off from the WRMSR until the remembered mode matches it: a handler in between
 * would send its EOI down the old path, into nothing, and leave its ISR bit set. The mode is
 * taken from the MSR read back, not from v: a write that was taken but not done must not send
 * later accesses down a path the APIC does not have. */
bool apic_base_write(uint64_t v)
{
	bool was_on = read_eflags() & EFLAGS_IF;
	bool ok;

	irq_disable();
	ok = msr_write_safe(MSR_APIC_BASE, v);
	if (ok)
		apic_mode_sync();
	if (was_on)
		irq_enable();
	return ok;
}

bool apic_set_mode(enum apic_mode m)
{
	uint64_t v;

	if (!apic_base_read(&v))
		return false;
	return apic_base_write(apic_base_with_mode(v, m));
}

uint32_t apic_read(enum apic_reg reg)
{
	if (apic_mode() == APIC_MODE_X2APIC)
		return (uint32_t)rdmsr(X2APIC_MSR(reg));
	return mmio_read32(APIC_DEFAULT_BASE + reg);
}

void apic_write(enum apic_reg reg, uint32_t v)
{
	if (apic_mode() == APIC_MODE_X2APIC)
		wrmsr(X2APIC_MSR(reg), v);
	else
		mmio_write32(APIC_DEFAULT_BASE + reg, v);
}

uint32_t apic_id(void)
{
	uint32_t id = apic_read(APIC_ID);

	return apic_mode() == APIC_MODE_X2APIC ? id : id >> 24;
}

void apic_sw_enable(void)
{
	apic_write(APIC_SVR, APIC_SVR_ENABLE | APIC_SPURIOUS_VECTOR);
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

void apic_send_ipi_nowait(uint32_t dest, uint32_t icr)
{
	if (apic_mode() == APIC_MODE_X2APIC) {
		wrmsr(X2APIC_MSR(APIC_ICR_LO), ((uint64_t)dest << 32) | icr);
		return;
	}
	/* The low half sends; the high half must hold the destination first (11.6.1). */
	mmio_write32(APIC_DEFAULT_BASE + APIC_ICR_HI, dest << 24);
	mmio_write32(APIC_DEFAULT_BASE + APIC_ICR_LO, icr);
}

/* 11.6.1: software should see the previous IPI sent (delivery status idle) before the next. */
void apic_send_ipi(uint32_t dest, uint32_t icr)
{
	if (apic_mode() != APIC_MODE_X2APIC)
		for (uint32_t i = 0; i < ICR_IDLE_POLLS; i++) {
			if (!(mmio_read32(APIC_DEFAULT_BASE + APIC_ICR_LO) & ICR_BUSY))
				break;
			cpu_relax();
		}
	apic_send_ipi_nowait(dest, icr);
}
