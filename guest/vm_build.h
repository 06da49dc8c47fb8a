/* guest/vm_build.h: builds the VM with its platform: vmx/'s part (vCPUs, RAM, EPT), then the
 * guest kernel and its modules loaded with boot information, the VM's ACPI tables and its
 * devices. BSP, once, after every CPU is in VMX root operation and before any vCPU runs. */
#ifndef GUEST_VM_BUILD_H
#define GUEST_VM_BUILD_H

#include <stdbool.h>

#include "arch/bootinfo.h"

/* From the boot modules (the first is the guest kernel). False, with the reason on the console,
 * when there is no guest or it cannot be loaded; the hypervisor carries on. */
bool guest_vm_create(const struct boot_info *bi);

#endif
