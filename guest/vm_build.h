/* guest/vm_build.h: builds the VMs with their platform: vmx/'s part (vCPUs, RAM, EPT), then each
 * guest kernel and its modules loaded with boot information, the VM's ACPI tables and its
 * devices. BSP, once, after every CPU is in VMX root operation and before any vCPU runs. */
#ifndef GUEST_VM_BUILD_H
#define GUEST_VM_BUILD_H

#include <stdbool.h>

#include "arch/bootinfo.h"

/* A boot option word vm.KEY=VALUE or vmN.KEY=VALUE (boot/main.c's table, "vm*"): kept for
 * guest_vm_create(); a bad one is a configuration error that stops every VM from starting. */
bool guest_vm_option(const char *word, void *ctx);

/* Every VM from the options and the boot modules (vmx/vm_config.h: the first modules are vm0's,
 * its kernel first; a module string starting with "vm=N" begins VM N's). The whole configuration
 * is checked first: false, with one named error on the console, when it cannot be met, and then
 * no VM is built. False, said, too when a VM cannot be built or its guest loaded: no VM runs. */
bool guest_vm_create(const struct boot_info *bi);

#endif
