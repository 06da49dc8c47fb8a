/* tests/guests/lib/start.c: the ordered start of a guest kernel, after entry.asm has set up
 * segments and a stack: vCPU 0 (guest_lib_start) and the others (guest_lib_ap_start), side by side.
 * */
#include <stdint.h>

#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/lib/multiboot.h"
#include "tests/guests/lib/trap.h"

/* Called from entry.asm only. */
void guest_lib_start(uint32_t magic, uint32_t info);
void guest_lib_ap_start(unsigned index);

void guest_lib_start(uint32_t magic, uint32_t info)
{
	console_init();     /* first: everything after may need to say something */
	trap_init();        /* before anything that may fault on purpose */
	hc_init();          /* VMCALL without a hypervisor: a result, not a crash */
	mb_init(magic, info);
	guest_main();
	halt_forever();
}

void guest_lib_ap_start(unsigned index)
{
	trap_load();
	guest_ap_main(index);
	halt_forever();
}
