/* arch/console.c: log_printf() and the console lock. A line is formatted on the caller's stack,
 * then put whole into the output buffer (lib/logbuf.h) while holding the lock with interrupts
 * off, so lines from different CPUs never interleave and an interrupt handler that logs cannot
 * deadlock against its own CPU. The UART takes the buffer's bytes as it can: whatever its
 * transmitter holds (one FIFO's worth) each time a line goes in and at the drain points
 * (console_drain(): CPU 0's tick and vCPU loop, idle CPUs, busy waits), so no CPU waits for the
 * serial line while it logs. A panic, a fault report, the shell's answers and the end (arch/power.c)
 * flush it, waiting, so the last words are never lost. While GDB has the line (Ctrl-a g,
 * console_hold()) the buffer keeps everything in and the UART carries GDB's packets alone; a
 * panic or the end lets it go. The framebuffer mirror stays synchronous:
 * drawing is CPU work, not a wait for a device, and the screen then shows the last line even when
 * the machine stops without a word. */
#include <stdarg.h>
#include <stdint.h>

#include "arch/console.h"
#include "arch/console_spec.h"
#include "arch/cpu.h"
#include "arch/fb_text.h"
#include "arch/percpu.h"
#include "arch/serial.h"
#include "arch/time.h"
#include "lib/array.h"
#include "arch/bootinfo.h"
#include "lib/cmdline.h"
#include "lib/logbuf.h"
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define LINE_MAX 256

static struct uart console_uart = { false, SERIAL_COM1, 1 };
static bool console_present;
static enum log_level console_level = LOG_INFO;
static struct spinlock console_lock;
static volatile int console_owner = -1; /* CPU holding console_lock, or -1 */
static volatile bool panic_mode;
static unsigned tx_fifo = 1;  /* bytes the UART takes when its THR is empty */

/* Set by the option handlers, applied by console_apply_options() once every option is read. */
static struct console_spec requested;
static bool requested_valid;
static char requested_bad[32]; /* a copy: the parser's value does not outlive the call */

void console_init_early(void)
{
	console_present = serial_probe(&console_uart);
	if (console_present) {
		serial_init(&console_uart, SERIAL_DEFAULT_BAUD);
		tx_fifo = serial_tx_fifo(&console_uart);
	}
}

static uint64_t lock(void)
{
	uint64_t flags = read_rflags();
	int me = (int)cpu_id();

	irq_disable();
	for (unsigned long spin = 0;; spin++) {
		if (spin_trylock(&console_lock)) {
			console_owner = me;
			break;
		}
		/* In panic mode, give another CPU a bounded time to finish its line, then take the
		 * console: it may have stopped holding the lock forever. */
		if (panic_mode && (console_owner == me || spin > 10000000)) {
			console_owner = me; /* console_lock stays held: now by this CPU */
			break;
		}
		cpu_relax();
	}
	return flags;
}

static void unlock(uint64_t flags)
{
	console_owner = -1;
	spin_unlock(&console_lock);
	if (flags & RFLAGS_IF)
		irq_enable();
}

/* The screen: a linear framebuffer the log is mirrored on (fbcon=). */
static struct fb_text screen;
static bool screen_on;
static enum { FBCON_AUTO, FBCON_ON, FBCON_OFF } fbcon_mode;

/* The output buffer: 32 KiB, about 3 s of a 115200-baud line; a whole boot's log fits. Before
 * there is any UART (a machine without COM1, before the SPCR or PCI one is found) it keeps what
 * is said until one appears: the first lines say the most, so a full buffer drops new lines. */
static char out_mem[32768];
static struct logbuf out = { .mem = out_mem, .size = sizeof(out_mem) };
static bool cr_sent;          /* a newline goes out as CR LF: the CR went, the LF not yet */

static void screen_write(const char *s)
{
	if (screen_on)
		fb_text_write(&screen, s);
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

/* Under the lock: what the transmitter takes now, without waiting. False when it was busy. */
static bool send_burst(void)
{
	unsigned room = tx_fifo;
	const char *p;

	if (!console_present || !serial_tx_empty(&console_uart))
		return false;
	while (room && logbuf_ready(&out)) {
		size_t n = logbuf_peek(&out, &p), i;
		for (i = 0; i < n && room; i++) {
			if (p[i] == '\n' && !cr_sent) {
				serial_write(&console_uart, '\r');
				cr_sent = true;
				if (!--room)
					break;
			}
			serial_write(&console_uart, p[i]);
			cr_sent = false;
			room--;
		}
		logbuf_take(&out, i);
	}
	if (out.dropped) {
		char prefix[48];
		format_prefix(prefix, sizeof(prefix));
		logbuf_note_drops(&out, prefix);
	}
	return true;
}

static void write_line(const char *text)
{
	char prefix[48];

	format_prefix(prefix, sizeof(prefix));
	if (screen_on) {
		screen_write(prefix);
		screen_write(text);
		screen_write("\n");
	}
	if (console_present || !screen_on) /* the screen alone: nothing to keep for later */
		logbuf_put_line(&out, prefix, text);
	send_burst();
}

/* Waits until every byte in the buffer when it was called has gone to the UART (bounded: a UART
 * that takes nothing for a million polls is given up and its bytes dropped). The lock is taken
 * per burst, so other CPUs may log meanwhile. */
static void flush(void)
{
	uint64_t flags = lock(), until = out.head;
	unsigned stuck = 0;

	while (console_present && out.tail < until && !out.held) {
		if (send_burst())
			stuck = 0;
		else if (++stuck == 1000000)
			logbuf_take(&out, logbuf_pending(&out));
		unlock(flags);
		cpu_relax();
		flags = lock();
	}
	unlock(flags);
}

/* The end: the last words go out even when GDB has the line. */
void console_flush(void)
{
	console_hold(false);
}

void console_hold(bool on)
{
	uint64_t flags;

	if (on)
		flush(); /* what was said before goes out before GDB's first byte */
	flags = lock();
	logbuf_hold(&out, on);
	unlock(flags);
	if (!on)
		flush();
}

void console_gdb_putc(char c)
{
	if (console_present && out.held)
		serial_putc(&console_uart, c);
}

bool console_uart_is(const struct uart *u)
{
	return console_present && u->mmio == console_uart.mmio && u->base == console_uart.base;
}

void console_drain(void)
{
	uint64_t flags;

	if (!console_present || !logbuf_ready(&out) || panic_mode)
		return;
	flags = read_rflags();
	irq_disable();
	if (spin_trylock(&console_lock)) { /* another CPU that holds it sends as well */
		console_owner = (int)cpu_id();
		send_burst();
		unlock(flags);
	} else if (flags & RFLAGS_IF) {
		irq_enable();
	}
}

bool console_output_pending(void)
{
	return console_present && logbuf_ready(&out);
}

size_t console_output_room(void)
{
	return logbuf_room(&out);
}

/* Under the lock, when a screen appears and there is no UART: what the buffer kept since boot. */
static void replay_to_screen(void)
{
	const char *p;
	char chunk[129];
	size_t n;

	while ((n = logbuf_peek(&out, &p))) {
		n = n < sizeof(chunk) - 1 ? n : sizeof(chunk) - 1;
		memcpy(chunk, p, n);
		chunk[n] = 0;
		screen_write(chunk);
		logbuf_take(&out, n);
	}
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
	if (panic_mode)
		flush();
}

/* The shell's answers: someone waits for them at the line, so they go out before it returns. */
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
	flush();
}

void console_write_bytes(const char *s)
{
	uint64_t flags = lock();

	if (console_present)
		logbuf_put_bytes(&out, s);
	unlock(flags);
	flush();
}

int console_getc(void)
{
	return console_present ? serial_getc(&console_uart) : -1;
}

/* What was buffered goes out first, then each line of the report as it is made. */
void console_enter_panic_mode(void)
{
	panic_mode = true;
	logbuf_hold(&out, false); /* GDB's session ends with the machine */
	flush();
}

void console_emergency_line(const char *text)
{
	uint64_t flags = lock();

	write_line(text);
	unlock(flags);
	flush();
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

/* fbcon=on|off|auto: mirror the log on the boot framebuffer always, never, or only when no
 * UART is the console (the default: drawing is slow, and a serial line says it all). */
bool console_fbcon_option(const char *value, void *ctx)
{
	static const char *const names[] = { [FBCON_AUTO] = "auto", [FBCON_ON] = "on",
					      [FBCON_OFF] = "off" };
	int i = cmdline_match(value, names, ARRAY_SIZE(names));

	if (i < 0)
		return false;
	fbcon_mode = i;
	return true;
}

void console_attach_framebuffer(const struct boot_framebuffer *bfb)
{
	const char *why = 0;

	if (fbcon_mode == FBCON_OFF || (fbcon_mode == FBCON_AUTO && console_present) ||
	    !bfb->present)
		return;
	if (bfb->type != 1)
		why = "it is not a direct-color (RGB) framebuffer";
	else if (bfb->addr + (uint64_t)bfb->pitch * bfb->height > (4ull << 30))
		why = "it is not below 4 GiB, where the hypervisor maps devices";
	struct fb_info fb = { (uint8_t *)bfb->addr, bfb->pitch, bfb->width, bfb->height, bfb->bpp,
			      bfb->red_pos, bfb->red_size, bfb->green_pos, bfb->green_size,
			      bfb->blue_pos, bfb->blue_size };
	uint64_t flags = lock();
	if (!why && fb_text_init(&screen, &fb, &why)) {
		screen_on = true;
		if (!console_present)
			replay_to_screen(); /* what was said before there was anywhere to say it */
	}
	unlock(flags);
	if (screen_on)
		log_info("console: mirrored on the %ux%ux%u framebuffer at 0x%lx", bfb->width,
			 bfb->height, bfb->bpp, bfb->addr);
	else
		log_warn("console: not mirrored on the framebuffer: %s", why);
}

bool console_loglevel_option(const char *value, void *ctx)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	int i = cmdline_match(value, names, ARRAY_SIZE(names));

	if (i < 0)
		return false;
	console_level = (enum log_level)i;
	return true;
}

static void describe(const struct uart *u, char *buf, size_t size)
{
	if (u->mmio)
		fmt_snprintf(buf, size, "MMIO 0x%lx (registers %u bytes apart)", u->base, u->stride);
	else
		fmt_snprintf(buf, size, "I/O port 0x%lx", u->base);
}

/* Move the console to `u`, if a UART answers there; `how` says where it came from. */
static bool switch_to(const struct uart *u, uint32_t baud, const char *how)
{
	char where[64], old[64];

	describe(u, where, sizeof(where));
	describe(&console_uart, old, sizeof(old));
	if (u->mmio && (u->base >= (4ull << 30) || !u->base)) {
		log_error("console: %s (%s) is not below 4 GiB, where the hypervisor maps devices",
			  where, how);
		return false;
	}
	if (!serial_probe(u)) {
		log_error("console: no UART answers at %s (%s); staying on %s", where, how, old);
		return false;
	}
	log_info("console: switching to %s (%s)", where, how);
	flush(); /* what was said goes out where it was said (or waits for this UART) */
	uint64_t flags = lock();
	console_uart = *u;
	serial_init(&console_uart, baud);
	tx_fifo = serial_tx_fifo(&console_uart);
	cr_sent = false;
	console_present = true;
	unlock(flags);
	log_info("console: now on %s (%s), %s", where, how, baud ? "rate set" : "rate as it was");
	return true;
}

void console_apply_options(void)
{
	char old[64];

	describe(&console_uart, old, sizeof(old));
	if (requested_bad[0])
		log_error("console: \"%s\" names no UART (use com1..com4, io:0xPORT, mmio:0xADDR, "
			  "pci:BB:DD.F, spcr or auto, optionally ,BAUD); staying on %s",
			  requested_bad, old);
	if (!requested_valid)
		return;
	if (requested.kind == CONSOLE_IO) {
		struct uart u = { false, requested.port, 1 };
		switch_to(&u, requested.baud, "console=");
	} else if (requested.kind == CONSOLE_MMIO) {
		struct uart u = { true, requested.mmio, requested.reg_width == 4 ? 4 : 1 };
		switch_to(&u, requested.baud, "console=");
	} /* pci:, spcr and auto need ACPI or PCI: console_find_late() */
}

bool console_wants_late(const struct console_spec **spec)
{
	*spec = &requested;
	if (requested_valid)
		return requested.kind == CONSOLE_PCI || requested.kind == CONSOLE_SPCR ||
		       requested.kind == CONSOLE_AUTO;
	return !console_present; /* no COM1 and nothing asked: look for one */
}

bool console_use_uart(const struct uart *u, uint32_t baud, const char *how)
{
	return switch_to(u, baud, how);
}
