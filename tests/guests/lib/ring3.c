/* tests/guests/lib/ring3.c: what ring3_run() needs set up (ring3.h): the full GDT with its TSS, and
 * the DPL-3 gate back to ring 0. */
#include "tests/guests/lib/gdt.h"
#include "tests/guests/lib/ring3.h"
#include "tests/guests/lib/trap.h"

void ring3_return_stub(void); /* ring3_entry.asm */

void ring3_init(void)
{
	gdt_load_full();
	trap_set_gate(RING3_RETURN_VECTOR, ring3_return_stub, 3);
}
