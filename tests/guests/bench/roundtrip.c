/* tests/guests/bench/roundtrip.c: ticks per VM-exit round trip for the exits that matter most:
 * BENCH_N times the exiting instruction, against BENCH_N times the same loop with a NOP in its
 * place; the difference per iteration is the exit, the hypervisor's work and the entry. */
#include "tests/guests/bench/bench.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/msr.h"
#include "lib/guest_abi.h"

/* One loop of BENCH_N iterations; `insn` is the instruction under test or "nop". The setup
 * registers are reloaded each time round because the exiting instructions clobber them. */
#define LOOP(setup, insn, clobbers...)                                               \
	({                                                                           \
		uint32_t n_ = BENCH_N;                                               \
		uint64_t t0_ = rdtsc();                                              \
		__asm__ volatile("1: " setup "; " insn "; dec %%esi; jnz 1b"         \
				 : "+S"(n_)                                          \
				 :                                                   \
				 : "memory", "cc", ##clobbers);                      \
		rdtsc() - t0_;                                                       \
	})

static void report(const char *key, uint64_t exiting, uint64_t plain)
{
	bench_result(key, exiting > plain ? (exiting - plain) / BENCH_N : 0);
}

static void cpuid_vmcall_rdmsr(void)
{
	report("ticks per CPUID exit", LOOP("xor %%eax, %%eax", "cpuid", "eax", "ebx", "ecx", "edx"),
	       LOOP("xor %%eax, %%eax", "nop", "eax", "ebx", "ecx", "edx"));
	report("ticks per VMCALL exit", LOOP("xor %%eax, %%eax", "vmcall", "eax", "ebx", "ecx", "edx"),
	       LOOP("xor %%eax, %%eax", "nop", "eax", "ebx", "ecx", "edx"));
	/* IA32_MISC_ENABLE: emulated (vmx/msr_policy.c) */
	report("ticks per RDMSR exit", LOOP("mov $0x1a0, %%ecx", "rdmsr", "eax", "ecx", "edx"),
	       LOOP("mov $0x1a0, %%ecx", "nop", "eax", "ecx", "edx"));
	/* PM1a event block: a port of the VM's own ACPI device (vmx/vm_devices.c) */
	report("ticks per port read exit", LOOP("mov $0x600, %%dx", "inw %%dx, %%ax", "eax", "edx"),
	       LOOP("mov $0x600, %%dx", "nop", "eax", "edx"));
}

/* An ICR write with a physical destination no vCPU has: the whole cost of sending, no delivery.
 * The plain loop stores to RAM below 640 KiB that nothing else uses. */
static void icr_writes(void)
{
	uint64_t base = 0;

	*apic_reg(APIC_ICR_HI) = 0x80u << 24;
	report("ticks per xAPIC ICR write exit",
	       LOOP("mov $0xf0, %%eax", "movl %%eax, 0xfee00300", "eax"),
	       LOOP("mov $0xf0, %%eax", "movl %%eax, 0x9e000", "eax"));
	msr_read_safe(0x1b, &base);
	msr_write_safe(0x1b, base | (1u << 10));
	report("ticks per x2APIC ICR write exit",
	       LOOP("mov $0x830, %%ecx; mov $0xf0, %%eax; mov $0x80, %%edx", "wrmsr", "eax", "ecx",
		    "edx"),
	       LOOP("mov $0x830, %%ecx; mov $0xf0, %%eax; mov $0x80, %%edx", "nop", "eax", "ecx",
		    "edx"));
	/* Back to xAPIC through the disabled state (SDM Vol. 3A, 11.12.5). */
	msr_write_safe(0x1b, base & ~((1ull << 10) | (1ull << 11)));
	msr_write_safe(0x1b, base);
}

void bench_round_trips(void)
{
	cpuid_vmcall_rdmsr();
	icr_writes();
}
