/* tests/guests/apictest/irq.c: the handlers behind irq.h. One hook serves vectors 32-254: count,
 * note the TSC, EOI (SDM Vol. 3A, 11.8.5: a fixed interrupt's handler writes EOI before it returns,
 * or its ISR bit blocks every vector of its class and below). The spurious vector 0xff gets no EOI
 * (11.9: the APIC did not set an ISR bit for it). NMIs need none. The handlers run with interrupts
 * off (interrupt gates) and cause no VM exits of their own beyond the EOI's, which the exits suite
 * depends on. Any vCPU. */
#include "tests/guests/apictest/irq.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/smp.h"
#include "tests/guests/lib/spinlock.h"
#include "tests/guests/lib/trap.h"
#include "lib/string.h"

#define FIRST_EXTERNAL 32
#define TRAP_NMI 2

uint32_t irq_count[APICTEST_MAX_VCPUS][IRQ_VECTORS];
uint64_t irq_tsc[APICTEST_MAX_VCPUS];
uint32_t nmi_count[APICTEST_MAX_VCPUS];

static bool on_irq(struct trap_frame *f)
{
	uint64_t now = rdtsc();
	unsigned self = smp_self();

	if (self < APICTEST_MAX_VCPUS) {
		irq_tsc[self] = now;
		atomic_inc(&irq_count[self][f->vector]);
	}
	if (f->vector != APIC_SPURIOUS_VECTOR)
		apic_eoi();
	return true;
}

static bool on_nmi(struct trap_frame *f)
{
	unsigned self = smp_self();

	if (self < APICTEST_MAX_VCPUS)
		atomic_inc(&nmi_count[self]);
	return true;
}

void irq_init(void)
{
	for (unsigned v = FIRST_EXTERNAL; v < IRQ_VECTORS; v++)
		trap_set_hook(v, on_irq);
	trap_set_hook(TRAP_NMI, on_nmi);
}

void irq_reset(void)
{
	memset(irq_count, 0, sizeof(irq_count));
	memset(nmi_count, 0, sizeof(nmi_count));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
