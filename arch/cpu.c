/* arch/cpu.c: the few CPU helpers that are not one instruction. Any CPU. */
#include "arch/cpu.h"
#include "lib/string.h"

void cpu_halt_forever(void)
{
	for (;;) {
		irq_disable();
		halt();
	}
}

void cpu_vendor(char buf[13])
{
	struct cpuid_regs r = cpuid(0, 0);

	memcpy(buf, &r.ebx, 4);
	memcpy(buf + 4, &r.edx, 4);
	memcpy(buf + 8, &r.ecx, 4);
	buf[12] = 0;
}

bool cpu_hypervisor_is(const char *signature)
{
	char sig[13];

	if (!(cpuid(1, 0).ecx & (1u << 31)))
		return false;
	struct cpuid_regs r = cpuid(0x40000000, 0);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = 0;
	return !strncmp(sig, signature, strlen(signature));
}
