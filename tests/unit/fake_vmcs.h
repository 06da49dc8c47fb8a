/* tests/unit/fake_vmcs.h: the host unit tests' VMCS. Under HOST_TEST the accessors of
 * vmx/vmx_insn.h (vmcs_read16/32/64/_natural, vmcs_write*, vmcs_read_field) read and write this
 * table instead of executing VMREAD/VMWRITE, so an exit handler runs on the host against fields a
 * test set up, and the test reads back what it wrote. A field never set reads as 0, as in a
 * VMCS after VMCLEAR. An access of the wrong width fails the running test (the kernel build
 * refuses it at compile time). */
#ifndef TESTS_UNIT_FAKE_VMCS_H
#define TESTS_UNIT_FAKE_VMCS_H

#include <stdbool.h>
#include <stdint.h>

/* Every field unset and the write log empty. */
void fake_vmcs_reset(void);
void fake_vmcs_set(uint32_t field, uint64_t value);
uint64_t fake_vmcs_get(uint32_t field);
/* Whether the code under test wrote `field` since the last reset. */
bool fake_vmcs_written(uint32_t field);
/* How many VMWRITEs the code under test did since the last reset. */
unsigned fake_vmcs_writes(void);

#endif
