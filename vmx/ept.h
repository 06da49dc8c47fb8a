/* vmx/ept.h: the VM's extended page tables (Intel SDM Vol. 3C, 29.3 "The Extended Page Table
 * Mechanism (EPT)"): guest RAM at GPA 0, write-back, read/write/execute, in 2 MiB pages, and the
 * VM's APIC-access page (vmx/vapic.c); nothing else is mapped, so any other guest-physical access
 * exits as an EPT violation. Built once by the BSP before any vCPU runs. */
#ifndef VMX_EPT_H
#define VMX_EPT_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

bool ept_build_vm(struct vm *vm);
/* One more 4 KiB page, while the VM is built (its APIC-access page, vmx/vapic.c). */
bool ept_map_page(struct vm *vm, uint64_t gpa, uint64_t hpa);

#endif
