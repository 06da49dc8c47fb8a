/* tests/guests/vmtest/console.c: `test=console`, the guest side of the serial-console test
 * (tests/system/shell.sh): vCPU 1 switches its APIC to x2APIC mode (so the shell's views of the
 * two vCPUs differ), then vCPU 0 reads lines typed on COM1 and says what it got, until "quit". Not
 * part of `all`: it waits for input. */
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/msr.h"
#include "tests/guests/vmtest/ap.h"
#include "tests/guests/vmtest/vmtest.h"
#include "lib/string.h"

#define COM1 0x3f8

static void to_x2apic(unsigned self)
{
	uint64_t base = 0;

	msr_read_safe(0x1b, &base);
	msr_write_safe(0x1b, base | (1u << 10));
	/* Then idle with interrupts on, as an OS does: Bochs 2.7 was seen not to take the
	 * external-interrupt VM exit (the hypervisor's kick) while a guest spins with RFLAGS.IF
	 * clear, which the SDM does not make a condition (Vol. 3C, 26.2). */
	irq_enable();
}

static unsigned read_line(char *buf, unsigned size)
{
	unsigned n = 0;

	for (;;) {
		while (!(inb(COM1 + 5) & 1))
			cpu_relax();
		char c = (char)inb(COM1);
		if (c == '\r' || c == '\n') {
			if (n)
				break;
			continue;
		}
		if (n + 1 < size)
			buf[n++] = c;
	}
	buf[n] = 0;
	return n;
}

void suite_console(void)
{
	char line[80];

	if (vmtest_nvcpus > 1 && ap_post(1, to_x2apic))
		ap_wait(1);
	con_printf("console: ready");
	for (;;) {
		read_line(line, sizeof(line));
		con_printf("console: got \"%s\"", line);
		if (!strcmp(line, "quit"))
			break;
	}
	check_pass("console.input");
}
