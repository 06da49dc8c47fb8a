/* tests/guests/lib/paging.h: CR0/CR3 access and the page-table bits the paging suites build with
 * (Intel SDM Vol. 3A, 4.4 "PAE Paging" and 4.5 "4-Level Paging"). 32-bit protected mode, ring 0. */
#ifndef GUEST_LIB_PAGING_H
#define GUEST_LIB_PAGING_H

#include <stdint.h>

#include "tests/guests/lib/cpu.h"

#define CR0_NE (1u << 5)
#define CR0_PG (1u << 31)
#define CR4_PAE (1u << 5)
#define MOV_CR_LEN 3 /* 0F 22 /r with a register operand */

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7) /* a 2 MiB page in a page-directory entry */
#define PAGE_2M 0x200000u


/* CR0 with NE flipped: VMX keeps NE (IA32_VMX_CR0_FIXED0 bit 5 on every Bochs model), so a MOV
 * to CR0 that changes it is sure to exit to the hypervisor (SDM Vol. 3C, 26.1.3). */
static inline uint32_t cr0_flip_ne(uint32_t cr0)
{
	return cr0 ^ CR0_NE;
}

#endif
