/* tests/unit/guest_ram.h: guest RAM for the tests of what the hypervisor writes into a VM (the
 * loader, the ACPI tables): an exact-size heap buffer, so ASan catches a write past its end, and
 * reads of it that fail the test rather than crash when an address taken from the guest's data
 * is wrong. */
#ifndef TESTS_UNIT_GUEST_RAM_H
#define TESTS_UNIT_GUEST_RAM_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/gmem.h"

extern struct gmem test_ram;

/* test_ram anew: `size` bytes of 0xcc (so a byte nobody wrote is seen). */
struct gmem *test_ram_fresh(uint64_t size);

/* Guest bytes [gpa, gpa + len) to read; outside RAM, the test fails and they read as zeros. */
const uint8_t *test_ram_at(uint64_t gpa, uint64_t len);
uint8_t test_ram_u8(uint64_t gpa);
uint16_t test_ram_u16(uint64_t gpa);
uint32_t test_ram_u32(uint64_t gpa);
uint64_t test_ram_u64(uint64_t gpa);

/* guest_load() of `p` into fresh RAM of `ram` bytes refuses, logging exactly `msg` (else the
 * log is printed). */
struct guest_boot_params;
bool test_load_refused(const struct guest_boot_params *p, uint64_t ram, const char *msg);

#endif
