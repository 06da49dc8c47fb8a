/* guest/lib/ring3.h: running a function at CPL 3 and coming back (Intel SDM Vol. 3A, 5.8
 * "Privilege Level Checking When Transferring Program Control Between Code Segments", 6.12.1
 * "Exception- or Interrupt-Handler Procedures"). ring3_init() loads a GDT with ring-3 code and
 * data segments and a TSS whose ESP0 is the way back; ring3_run(fn) enters fn at CPL 3 by IRET,
 * and fn's return leaves ring 3 through INT RING3_RETURN_VECTOR (a DPL-3 interrupt gate). No
 * paging, so ring 3 reads and writes any memory; I/O and every privileged instruction fault
 * (IOPL 0, no I/O bitmap). vCPU 0 only: one TSS. */
#ifndef GUEST_LIB_RING3_H
#define GUEST_LIB_RING3_H

#include <stdint.h>

#define SEL_USER_CODE 0x1b /* GDT index 3, RPL 3 */
#define SEL_USER_DATA 0x23 /* GDT index 4, RPL 3 */
#define SEL_TSS 0x28       /* GDT index 5 */
#define RING3_RETURN_VECTOR 0x81

/* vCPU 0, once, after trap_init(): the GDT (same kernel selectors as entry.asm's), LTR, and the
 * DPL-3 gate for RING3_RETURN_VECTOR. */
void ring3_init(void);

/* Runs fn() at CPL 3 on a stack of its own, with interrupts off; returns when fn returns. */
void ring3_run(void (*fn)(void));

/* For ring3_entry.asm. */
extern uint32_t ring3_tss_esp0;

#endif
