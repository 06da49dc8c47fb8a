/* guest/vm_devices.h: the VM's own devices and their ports: COM1 (guest/vuart.c), the CMOS RTC
 * (guest/vrtc.c), PCI configuration with no device (guest/vpci_absent.c), the absent PICs, the ACPI PM1
 * event/control blocks whose S5 write powers the VM off, and the reset ports (0xcf9, and the
 * keyboard controller's pulse-reset command). Registered while the VM is built. */
#ifndef GUEST_VM_DEVICES_H
#define GUEST_VM_DEVICES_H

#include <stdbool.h>

struct vm;

bool vm_devices_register(struct vm *vm);
/* The devices' state as after power-on, for a VM that restarts (vm_run, after a reset); the
 * port table stays as registered. BSP, every vCPU stopped. */
void vm_devices_reset(struct vm *vm);

#endif
