/* vmx/event_combine.h: what happens when an exception is raised while an earlier event is being
 * delivered (SDM Vol. 3A, 6.15 "Exception and Interrupt Reference", Interrupt 8 "Double Fault
 * Exception (#DF)", Table 6-4 "Interrupt and Exception Classes", Table 6-5 "Conditions for
 * Generating a Double Fault"; 6.9 "Priority Among Concurrent Exceptions and Interrupts"). Here
 * the earlier event is the one in the VM-entry interruption-information field (re-injected
 * after an exit during its delivery, or injected by a handler) and the new one an exception a
 * handler raises. Pure (host-tested). */
#ifndef VMX_EVENT_COMBINE_H
#define VMX_EVENT_COMBINE_H

#include <stdint.h>

enum exc_class {
	EXC_BENIGN,       /* every other exception, and every interrupt (NMI, INTR, INT n) */
	EXC_CONTRIBUTORY, /* #DE 0, #TS 10, #NP 11, #SS 12, #GP 13, #CP 21 */
	EXC_PAGE_FAULT,   /* #PF 14, #VE 20 */
	EXC_DOUBLE_FAULT, /* #DF 8 */
};

enum exc_class exc_class(uint8_t vector);

enum event_combination {
	/* The new exception is delivered and the earlier exception dropped: it is a fault or an
	 * instruction's own event (INT n, INT3, INTO, INT1), which executing the instruction
	 * again raises again (SDM 6.9: discarded exceptions are re-generated). */
	EVENT_NEW_REPLACES,
	/* The new exception is delivered, then the earlier event: an external interrupt or an NMI,
	 * which nothing would raise again (SDM 6.9: lower-priority interrupts are held pending). */
	EVENT_NEW_THEN_EARLIER,
	EVENT_DOUBLE_FAULT, /* contributory then contributory, #PF then contributory or #PF */
	EVENT_TRIPLE_FAULT, /* contributory or #PF while delivering #DF: shutdown */
};

/* `earlier` is in the interruption-information format (SDM Vol. 3C, 25.8.3 "VM-Entry Controls
 * for Event Injection": vector 7:0, type 10:8, valid 31), `vector` the new exception's. */
enum event_combination event_combine(uint32_t earlier, uint8_t vector);

#endif
