/* vmx/vm_cpus.c: vCPUs pinned to the CPUs in VMX root operation (vmx/vm_cpus.h). Pure. */
#include "vmx/vm_cpus.h"

unsigned vm_assign_cpus(const bool *in_root, unsigned ncpus, unsigned want, unsigned *cpu_of)
{
	unsigned n = 0;

	if (ncpus == 0 || !in_root[0])
		return 0;
	for (unsigned cpu = 0; cpu < ncpus && n < want; cpu++)
		if (in_root[cpu])
			cpu_of[n++] = cpu;
	return n;
}
