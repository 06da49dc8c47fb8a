/* arch/console.c: log_printf() and the console lock. A line is formatted on the caller's stack,
 * then written whole while holding the lock with interrupts off, so lines from different CPUs
 * never interleave and an interrupt handler that logs cannot deadlock against its own CPU. */
#include <stdarg.h>
#include <stdint.h>

#include "arch/console.h"
#include "arch/console_spec.h"
#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/serial.h"
#include "arch/time.h"
#include "lib/printf.h"
#include "lib/string.h"

#define LINE_MAX 256

static uint16_t console_port = SERIAL_COM1;
static bool console_present;
static enum log_level console_level = LOG_INFO;
static volatile int console_owner = -1; /* CPU holding the lock, or -1 */
static volatile bool panic_mode;

/* Set by the option handlers, applied by console_apply_options() once every option is read. */
static struct console_spec requested;
static bool requested_valid;
static char requested_bad[32]; /* a copy: the parser's value does not outlive the call */

void console_init_early(void)
{
	console_present = serial_probe(console_port);
	if (console_present)
		serial_init(console_port, SERIAL_DEFAULT_BAUD);
}

static uint64_t lock(void)
{
	uint64_t flags = read_rflags();
	int me = (int)cpu_id();

	irq_disable();
	for (unsigned long spin = 0;; spin++) {
		if (__sync_bool_compare_and_swap(&console_owner, -1, me))
			break;
		/* In panic mode, give another CPU a bounded time to finish its line, then take the
		 * console: it may have stopped holding the lock forever. */
		if (panic_mode && (console_owner == me || spin > 10000000)) {
			console_owner = me;
			break;
		}
		cpu_relax();
	}
	return flags;
}

static void unlock(uint64_t flags)
{
	__atomic_store_n(&console_owner, -1, __ATOMIC_RELEASE);
	if (flags & RFLAGS_IF)
		irq_enable();
}

static void write_raw(const char *s)
{
	if (!console_present)
		return;
	for (; *s; s++) {
		if (*s == '\n')
			serial_putc(console_port, '\r');
		serial_putc(console_port, *s);
	}
}

/* "[    1.234567 cpu0] " once the TSC is calibrated, "[tsc 123456789 cpu0] " before. */
static size_t format_prefix(char *buf, size_t size)
{
	uint64_t us;

	if (time_now_us(&us))
		return fmt_snprintf(buf, size, "[%5lu.%06lu cpu%u] ", us / 1000000, us % 1000000,
				    cpu_id());
	return fmt_snprintf(buf, size, "[tsc %lu cpu%u] ", time_ticks_since_boot(), cpu_id());
}

static void write_line(const char *text)
{
	char prefix[48];

	format_prefix(prefix, sizeof(prefix));
	write_raw(prefix);
	write_raw(text);
	write_raw("\n");
}

bool log_enabled(enum log_level level)
{
	return level <= console_level;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	char line[LINE_MAX];
	va_list ap;
	uint64_t flags;

	if (level > console_level)
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	flags = lock();
	write_line(line);
	unlock(flags);
}

void console_printf(const char *fmt, ...)
{
	char line[LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	uint64_t flags = lock();
	write_line(line);
	unlock(flags);
}

void console_write_bytes(const char *s)
{
	uint64_t flags = lock();

	for (; console_present && *s; s++)
		serial_putc(console_port, *s);
	unlock(flags);
}

int console_getc(void)
{
	return console_present ? serial_getc(console_port) : -1;
}

void console_enter_panic_mode(void)
{
	panic_mode = true;
}

void console_emergency_line(const char *text)
{
	uint64_t flags = lock();

	write_line(text);
	unlock(flags);
}

bool console_option(const char *value, void *ctx)
{
	if (console_parse_spec(value, &requested)) {
		requested_valid = true;
		return true;
	}
	fmt_snprintf(requested_bad, sizeof(requested_bad), "%s", value);
	return true; /* reported by console_apply_options(), with what we do instead */
}

bool console_loglevel_option(const char *value, void *ctx)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };

	for (unsigned i = 0; i < 4; i++) {
		if (!strcmp(value, names[i])) {
			console_level = (enum log_level)i;
			return true;
		}
	}
	return false;
}

void console_apply_options(void)
{
	if (requested_bad[0])
		log_error("console: \"%s\" names no UART (use com1..com4, io:0xPORT or 0xPORT, "
			  "optionally ,BAUD); staying on I/O port 0x%x", requested_bad, console_port);
	if (!requested_valid)
		return;
	if (!serial_probe(requested.port)) {
		log_error("console: no UART answers at I/O port 0x%x; staying on 0x%x",
			  requested.port, console_port);
		return;
	}
	log_info("console: switching to I/O port 0x%x at %u baud", requested.port, requested.baud);
	uint64_t flags = lock();
	console_port = requested.port;
	serial_init(console_port, requested.baud);
	console_present = true;
	unlock(flags);
	log_info("console: now on I/O port 0x%x at %u baud", console_port, requested.baud);
}
