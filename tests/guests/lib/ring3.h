/* tests/guests/lib/ring3.h: running a function at CPL 3 and coming back (Intel SDM Vol. 3A, 5.8
 * "Privilege Level Checking When Transferring Program Control Between Code Segments", 6.12.1
 * "Exception- or Interrupt-Handler Procedures"). ring3_init() loads the full GDT (gdt.h: ring-3
 * code and data segments, a TSS whose ESP0 is the way back); ring3_run(fn) enters fn at CPL 3
 * by IRET, and fn's return leaves ring 3 through INT RING3_RETURN_VECTOR (a DPL-3 interrupt
 * gate). No paging, so ring 3 reads and writes any memory; I/O and every privileged
 * instruction fault (IOPL 0, no I/O bitmap). vCPU 0 only: one TSS. */
#ifndef GUEST_LIB_RING3_H
#define GUEST_LIB_RING3_H

#define RING3_RETURN_VECTOR 0x81

/* vCPU 0, once, after trap_init(): the GDT (same kernel selectors as entry.asm's), LTR, and the
 * DPL-3 gate for RING3_RETURN_VECTOR. */
void ring3_init(void);

/* Runs fn() at CPL 3 on a stack of its own, with interrupts off; returns when fn returns. */
void ring3_run(void (*fn)(void));

#endif
