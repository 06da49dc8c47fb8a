/* guest/hello/trap.c: the default guest takes no interrupts; any exception is reported. */
#include "../lib/guest.h"

void guest_trap(struct guest_frame *f)
{
	guest_print("hello: exception ", f->vector, " at EIP ", f->eip, "; stopping");
	for (;;)
		__asm__ volatile("cli; hlt");
}
