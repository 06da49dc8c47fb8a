/* tests/guests/lib/console.c: COM1 output (PC16550D data sheet: THR, LSR.THRE, divisor latch) and
 * the lib/log.h back end for the project code the guests reuse (arch/acpi.c). Any vCPU, any
 * context. */
#include <stdbool.h>
#include <stdint.h>

#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/smp.h"
#include "tests/guests/lib/spinlock.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/guest_abi.h"

#define COM1 GUEST_PORT_COM1
enum { THR = 0, DLL = 0, IER = 1, DLM = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5 };
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define LSR_THRE 0x20
#define TX_POLLS 100000 /* a UART that never gets ready must not hang the guest */

/* The hypervisor's COM1 cuts lines at 160 characters (guest/vuart.h); stay within one. */
#define LINE_MAX 158

/* vCPU index + 1 of the vCPU writing a line, 0 when free. A vCPU that faults while it holds the
 * console (its handler prints too) finds itself the owner and goes on instead of deadlocking. */
static struct spinlock lock;
static uint32_t owner;

void console_init(void)
{
	outb(COM1 + IER, 0);
	outb(COM1 + LCR, LCR_DLAB);
	outb(COM1 + DLL, 1); /* divisor 1: 115200 baud */
	outb(COM1 + DLM, 0);
	outb(COM1 + LCR, LCR_8N1);
	outb(COM1 + FCR, 0x07); /* FIFOs on and cleared */
	outb(COM1 + MCR, 0x03); /* DTR, RTS */
}

static void put_byte(char c)
{
	for (unsigned i = 0; i < TX_POLLS && !(inb(COM1 + LSR) & LSR_THRE); i++)
		cpu_relax();
	outb(COM1 + THR, (uint8_t)c);
}

static bool console_lock(void)
{
	uint32_t me = smp_self() + 1;

	if (atomic_load(&owner) == me)
		return false;
	spin_lock(&lock);
	atomic_store(&owner, me);
	return true;
}

static void console_unlock(bool taken)
{
	if (taken) {
		atomic_store(&owner, 0);
		spin_unlock(&lock);
	}
}

void con_vprintf(const char *fmt, va_list ap)
{
	char line[LINE_MAX + 1];
	size_t n = fmt_snprintf(line, sizeof(line), "%s: ", guest_name);
	bool taken;

	if (n < LINE_MAX)
		fmt_vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	taken = console_lock();
	for (const char *p = line; *p; p++)
		put_byte(*p);
	put_byte('\r'); /* a real terminal wants CR LF; the hypervisor drops the CR */
	put_byte('\n');
	console_unlock(taken);
}

void con_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	con_vprintf(fmt, ap);
	va_end(ap);
}

/* lib/log.h for arch/acpi.c: its warnings and errors say why power-off cannot work; its info and
 * debug lines (every table it finds) would only crowd the guest's output. */
void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > LOG_WARN)
		return;
	va_start(ap, fmt);
	con_vprintf(fmt, ap);
	va_end(ap);
}
