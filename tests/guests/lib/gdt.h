/* tests/guests/lib/gdt.h: the full GDT (Intel SDM Vol. 3A, 3.4.5 "Segment Descriptors"):
 * entry.asm's flat kernel code and data at the same selectors, ring-3 code and data, a TSS
 * (ring3.h), and a 64-bit code segment for long mode (L=1, SDM Vol. 3A, 5.2.1 "Code-Segment
 * Descriptor in 64-bit Mode"). vCPU 0 only (one TSS). */
#ifndef GUEST_LIB_GDT_H
#define GUEST_LIB_GDT_H

#include <stdint.h>

#define SEL_KERNEL_CODE 0x08
#define SEL_KERNEL_DATA 0x10
#define SEL_USER_CODE 0x1b /* GDT index 3, RPL 3 */
#define SEL_USER_DATA 0x23 /* GDT index 4, RPL 3 */
#define SEL_TSS 0x28       /* GDT index 5 */
#define SEL_CODE64 0x30    /* GDT index 6 */

/* Loads the GDT and, the first time, the task register (LTR marks the TSS busy). The kernel
 * selectors keep their descriptors, so the segments already loaded stay valid. */
void gdt_load_full(void);

/* The TSS's ESP0: the stack an interrupt from ring 3 lands on. */
void gdt_set_esp0(uint32_t esp0);

#endif
