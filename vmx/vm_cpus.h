/* vmx/vm_cpus.h: which physical CPU each vCPU of the VM is pinned to. Pure (host-tested): the
 * caller says which CPUs are in VMX root operation (vmx_cpu_in_root()). A CPU whose VMXON failed,
 * or that never answered, must get no vCPU: the vCPU's VMCLEAR/VMPTRLD would run outside VMX
 * operation there (#UD). */
#ifndef VMX_VM_CPUS_H
#define VMX_VM_CPUS_H

#include <stdbool.h>

/* Pins up to `want` vCPUs, in order, to the CPUs 0..ncpus-1 with in_root[cpu] set, lowest first:
 * cpu_of[k] is vCPU k's CPU. vCPU 0 must be on CPU 0, the boot CPU, which runs it itself and
 * serves the console from its loop; without CPU 0 in root operation nothing is assigned. Returns
 * the number of vCPUs assigned (less than `want` when fewer CPUs are in root operation). */
unsigned vm_assign_cpus(const bool *in_root, unsigned ncpus, unsigned want, unsigned *cpu_of);

#endif
