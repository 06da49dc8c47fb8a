/* tests/guests/lib/smp.c: per-vCPU stacks and starting vCPUs. The stack area is defined here, in C,
 * and entry.asm reads its geometry from guest_stack_size/guest_max_vcpus, so there is one source of
 * truth for both languages. Any vCPU. */
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/lib/smp.h"

/* Slot k is vCPU k's stack; entry.asm points ESP at the top of the slot. */
uint8_t guest_stacks[GUEST_MAX_VCPUS][GUEST_STACK_SIZE] __attribute__((aligned(16)));
const uint32_t guest_stack_size = GUEST_STACK_SIZE;
const uint32_t guest_max_vcpus = GUEST_MAX_VCPUS;

_Static_assert((GUEST_STACK_SIZE & (GUEST_STACK_SIZE - 1)) == 0, "smp_self() divides by a shift");

void guest_ap_entry(void); /* entry.asm: EAX = the vCPU index */

unsigned smp_self(void)
{
	uint32_t esp;

	__asm__("movl %%esp, %0" : "=r"(esp));
	return (esp - (uint32_t)(uintptr_t)guest_stacks) / GUEST_STACK_SIZE;
}

int32_t smp_start_vcpu(unsigned index)
{
	return hc_start_vcpu(index, (uint32_t)(uintptr_t)guest_ap_entry, index);
}
