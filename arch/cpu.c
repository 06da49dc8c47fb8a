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
