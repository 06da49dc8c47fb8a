/* guest/hello/hello.c: the default guest. vCPU 0 greets, starts every other vCPU, each greets
 * with its own APIC id, and when all have answered (or a bounded wait ends) it powers the VM off
 * through ACPI. */
#include "../lib/guest.h"
#include "../../vmx/hypercall.h"

static volatile uint32_t answered;
static uint32_t nvcpus;

void guest_main(uint32_t magic, uint32_t info);
void guest_ap_main(uint32_t index);

static uint32_t my_apic_id(void)
{
	uint32_t a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	return b >> 24;
}

void guest_ap_main(uint32_t index)
{
	guest_print("hello: vCPU ", index, " of ", nvcpus, my_apic_id() == index ?
		    " says hello" : " says hello, but its APIC id is not its index");
	__atomic_add_fetch(&answered, 1, __ATOMIC_SEQ_CST);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void guest_main(uint32_t magic, uint32_t info)
{
	uint32_t me = (uint32_t)hypercall(HC_VCPU_INFO, 0, 0, 0, &nvcpus);

	if (magic != 0x2badb002)
		guest_print("hello: not started by a multiboot loader", 0, 0, 0, 0);
	guest_print("hello: vCPU ", me, " of ", nvcpus, " says hello");
	for (uint32_t i = 1; i < nvcpus; i++)
		if (hypercall(HC_START_VCPU, i, (uint32_t)guest_ap_entry, i, 0))
			guest_print("hello: could not start vCPU ", i, 0, 0, 0);
	for (uint32_t spin = 0; answered < nvcpus - 1 && spin < 100000000; spin++)
		__asm__ volatile("pause");
	if (answered == nvcpus - 1)
		guest_print("hello: all ", nvcpus, " vCPUs said hello", 0, 0);
	else
		guest_print("hello: only ", answered + 1, " of the vCPUs answered", 0, 0);
	guest_acpi_poweroff();
	guest_print("hello: ACPI power-off failed", 0, 0, 0, 0);
}
