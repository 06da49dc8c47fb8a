/* tests/guests/lib/msr.c: MSR access with #GP caught. RDMSR (0F 32) and WRMSR (0F 30) are two bytes
 * (Intel SDM Vol. 2B), which is what the handler skips when they fault. Any vCPU. */
#include "tests/guests/lib/msr.h"
#include "tests/guests/lib/trap.h"

#define MSR_INSN_LEN 2

bool msr_read_safe(uint32_t msr, uint64_t *v)
{
	uint32_t lo = 0, hi = 0;

	trap_expect(TRAP_GP, MSR_INSN_LEN);
	__asm__ volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	if (trap_expect_end())
		return false;
	*v = ((uint64_t)hi << 32) | lo;
	return true;
}

bool msr_write_safe(uint32_t msr, uint64_t v)
{
	trap_expect(TRAP_GP, MSR_INSN_LEN);
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
	return !trap_expect_end();
}
