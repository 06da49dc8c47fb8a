/* tests/guests/hello/main.c: the default guest. vCPU 0 says hello, starts every other vCPU (each
 * says hello and halts), waits for them, and powers the VM off through ACPI. With `spin=M` on its
 * command line every vCPU first spins until the TSC reads M million (`spin=forever`: until the VM
 * is stopped), in a loop that takes no VM exit (RDTSC and a compare; RDTSC does not exit): make
 * bench's busy neighbour of another VM (README, "Performance"). */
#include <stdint.h>

#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/lib/multiboot.h"
#include "tests/guests/lib/power.h"
#include "tests/guests/lib/smp.h"
#include "tests/guests/lib/spinlock.h"
#include "lib/cmdline.h"
#include "lib/string.h"

#define ANSWER_POLLS 100000000u /* ~10^8 PAUSEs: seconds on real hardware, longer in Bochs */

const char guest_name[] = "hello";

static uint32_t nvcpus;   /* written by vCPU 0 before it starts the others */
static uint32_t answered; /* vCPUs other than 0 that said hello */
static uint64_t spin_until; /* spin=: the TSC the vCPUs spin to; 0 for none */

/* The busy loop: no instruction in it exits (README, "Performance": the exit costs of a VM beside
 * a busy one). With interrupts on: the hypervisor's kick (a host interrupt, which exits) then
 * stops the VM at once from the shell; Bochs 2.7 does not take it while the guest runs with
 * RFLAGS.IF clear (README, "Not there yet"). The guest has no interrupt source of its own. */
static void spin(void)
{
	if (!spin_until)
		return;
	irq_enable();
	while (rdtsc() < spin_until)
		;
	irq_disable();
}

/* spin=M: M million TSC ticks from reset, or forever; vCPU 0 reads it before it starts the
 * others. */
static void read_spin(void)
{
	char arg[24];
	uint64_t m;

	if (!mb_arg("spin", arg, sizeof(arg)))
		return;
	if (!strcmp(arg, "forever")) {
		spin_until = ~0ull;
		return;
	}
	if (!cmdline_parse_u64(arg, &m) || m > 1000000000u) {
		con_printf("spin=%s: not a number of million ticks; not spinning", arg);
		return;
	}
	spin_until = m * 1000000u;
}

static void say_hello(unsigned index)
{
	con_printf("vCPU %u of %u (APIC id %u)", index, nvcpus, cpu_apic_id());
}

void guest_ap_main(unsigned index)
{
	say_hello(index);
	spin();
	atomic_inc(&answered);
	halt_forever();
}

static uint32_t vcpu_count(void)
{
	uint32_t n;
	int32_t r = hc_vcpu_info(&n);

	if (r < 0 || n == 0) {
		con_printf("HC_VCPU_INFO failed (%d, %s); assuming 1 vCPU", r, hc_strerror(r));
		return 1;
	}
	return n;
}

/* Starts vCPUs 1..n-1 and returns how many of them were started. */
static uint32_t start_others(uint32_t n)
{
	uint32_t started = 0;

	if (n > GUEST_MAX_VCPUS) {
		con_printf("this guest runs at most %u vCPUs; the others are not started",
			   GUEST_MAX_VCPUS);
		n = GUEST_MAX_VCPUS;
	}
	for (uint32_t k = 1; k < n; k++) {
		int32_t r = smp_start_vcpu(k);

		if (r < 0)
			con_printf("starting vCPU %u failed (%d, %s)", k, r, hc_strerror(r));
		else
			started++;
	}
	return started;
}

/* Waits (bounded) until the `started` vCPUs have said hello; returns how many did. */
static uint32_t wait_answers(uint32_t started)
{
	for (uint32_t i = 0; i < ANSWER_POLLS && atomic_load(&answered) < started; i++)
		cpu_relax();
	return atomic_load(&answered);
}

void guest_main(void)
{
	uint32_t m;

	nvcpus = vcpu_count();
	read_spin();
	say_hello(0);
	uint32_t started = start_others(nvcpus);
	spin();
	if (spin_until)
		con_printf("spun until TSC %llu", (unsigned long long)rdtsc());
	m = 1 + wait_answers(started);
	if (m < nvcpus)
		con_printf("only %u of %u vCPUs answered", m, nvcpus);
	else
		con_printf("all %u vCPUs said hello", nvcpus);
	power_off();
	con_printf("ACPI power-off failed");
	halt_forever();
}
