/* guest/vpci_absent.h: PCI configuration mechanism #1 with no device behind it (PCI Local Bus
 * spec 3.0, 3.2.2.3.2 "Software Generation of Configuration Transactions"): a dword write to
 * 0xcf8 latches CONFIG_ADDRESS and a dword read returns it, so an OS finds the mechanism; every
 * configuration read through 0xcfc-0xcff is all-ones (no device answers) and writes are dropped.
 * Byte and word accesses to 0xcf8 are not CONFIG_ADDRESS (0xcf9 is the reset control register,
 * registered on its own). Pure (host-tested); the VM's device lock is held by the caller. */
#ifndef GUEST_VPCI_ABSENT_H
#define GUEST_VPCI_ABSENT_H

#include <stdint.h>

#include "vmx/io_ports.h"

#define VPCI_PORT_ADDRESS 0xcf8
#define VPCI_PORT_DATA 0xcfc

struct vpci_absent {
	uint32_t address; /* CONFIG_ADDRESS as last written (bits 30:24 and 1:0 read as 0) */
};

/* Three entries: CONFIG_ADDRESS at 0xcf8, 0xcfa-0xcfb (mechanism #2's forwarding register
 * there: absent), CONFIG_DATA at 0xcfc-0xcff. */
#define VPCI_ABSENT_RANGES 3
void vpci_absent_ports(struct vpci_absent *p, struct port_range out[VPCI_ABSENT_RANGES]);

#endif
