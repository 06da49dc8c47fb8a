/* vmx/vm_options.h: the boot options that shape the VM (vm.cpus=, vm.mem=, vm.apic=). Parsed on
 * the BSP with the rest of the command line, read when the VM is built. */
#ifndef VMX_VM_OPTIONS_H
#define VMX_VM_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

enum vm_apic_start {
	VM_APIC_XAPIC = 0,     /* every vCPU starts in xAPIC mode, as after RESET */
	VM_APIC_X2APIC,        /* every vCPU starts in x2APIC mode (as bhyve -x) */
	VM_APIC_X2APIC_LOCKED, /* and cannot leave it (IA32_XAPIC_DISABLE_STATUS) */
};

struct vm_options {
	unsigned cpus;    /* 0: one vCPU per online CPU */
	uint64_t mem_mib; /* 0: the default share of free memory */
	unsigned apic;    /* enum vm_apic_start */
	bool testdev;     /* vm.testdev=on: I/O APIC lines driven from ports 0x2000-0x2017 */
	bool restarts_limited;
	unsigned restarts; /* with restarts_limited: how many resets start the VM again */
};

extern struct vm_options vm_options;

bool vm_option_cpus(const char *value, void *ctx);
bool vm_option_mem(const char *value, void *ctx);
bool vm_option_apic(const char *value, void *ctx);
bool vm_option_testdev(const char *value, void *ctx);
bool vm_option_restarts(const char *value, void *ctx);

#endif
