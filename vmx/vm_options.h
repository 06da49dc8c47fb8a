/* vmx/vm_options.h: the boot options that shape the VM (vm.cpus=, vm.mem=). Parsed on the BSP
 * with the rest of the command line, read when the VM is built. */
#ifndef VMX_VM_OPTIONS_H
#define VMX_VM_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

struct vm_options {
	unsigned cpus;    /* 0: one vCPU per online CPU */
	uint64_t mem_mib; /* 0: the default share of free memory */
};

extern struct vm_options vm_options;

bool vm_option_cpus(const char *value, void *ctx);
bool vm_option_mem(const char *value, void *ctx);

#endif
