/* arch/console_input.c: the serial line's input side (see arch/console_input.h). */
#include "arch/console.h"
#include "arch/console_input.h"
#include "arch/cpu.h"
#include "arch/host_timer.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/shell.h"
#include "arch/time.h"
#include "arch/trap.h"
#include "lib/console_mux.h"
#include "lib/log.h"
#include "lib/printf.h"

#define RING 256

static uint8_t ring[RING];
static volatile unsigned ring_head, ring_tail; /* tick writes head, service reads tail */
static unsigned overruns; /* bytes lost to a full ring, reported by console_service() */
static struct console_mux mux;
static struct {
	console_sink_fn fn;
	void *ctx;
	const char *name;
} sinks[CONSOLE_SINKS];
static bool started;
static console_gdb_fn gdb_take; /* the GDB stub's, for Ctrl-a g */

void console_set_gdb_hook(console_gdb_fn fn)
{
	gdb_take = fn;
}

void console_set_guest_sink(unsigned index, const char *name, console_sink_fn fn, void *ctx)
{
	if (index >= CONSOLE_SINKS)
		return;
	sinks[index].ctx = ctx;
	sinks[index].name = name;
	sinks[index].fn = fn;
	if (index + 1 > mux.nguests)
		mux.nguests = index + 1;
}

/* "the guest's COM1" with one VM (as before), "vm1's COM1" with several, or the shell. */
static const char *target_name(char *buf, size_t size)
{
	if (mux.target == MUX_SHELL || mux.nguests <= 1 || !sinks[mux.guest].name)
		return console_mux_target_name(mux.target);
	fmt_snprintf(buf, size, "%s's COM1", sinks[mux.guest].name);
	return buf;
}

void console_input_start(void)
{
	if (cpu_id() != 0 || !lapic_ready())
		return;
	host_timer_start_tick(100);
	started = true;
	log_info("console: input on this line goes to the guest; Ctrl-a c switches to the "
		 "hypervisor shell, Ctrl-a h lists the keys");
}

void console_tick(void)
{
	int c;

	console_drain();
	while ((c = console_getc()) >= 0) {
		if (ring_head - ring_tail == RING) {
			overruns++;
			continue;
		}
		ring[ring_head % RING] = (uint8_t)c;
		ring_head++;
	}
}

/* The timer interrupt alone is not enough: an emulator may deliver it late (Bochs 2.7 was seen
 * to), so CPU 0 also polls whenever its loop comes round and 10 ms have passed. */
bool console_input_waiting(void)
{
	static uint64_t next;
	uint64_t now;

	if (!started || mux.gdb) /* GDB's bytes: console_gdb_getc() takes them */
		return false;
	if ((now = rdtsc()) >= next) {
		next = now + time_tsc_hz() / 100;
		console_tick();
	}
	return ring_head != ring_tail;
}

bool console_cpu0_waiting(void)
{
	return console_input_waiting() || console_output_pending();
}

void console_cpu0_service(void)
{
	console_drain();
	console_service();
}

static void help(void)
{
	char name[24];

	console_printf("hv: keys: Ctrl-a c  switch input between the guest's COM1 and the shell "
		       "(now: %s)", target_name(name, sizeof(name)));
	console_printf("hv: keys: Ctrl-a g  the line to GDB for %s until it detaches",
		       mux.target == MUX_GUEST && mux.nguests > 1 && sinks[mux.guest].name ?
		       sinks[mux.guest].name : "vm0");
	console_printf("hv: keys: Ctrl-a h  this list; Ctrl-a Ctrl-a  a Ctrl-a for the guest");
}

static void deliver(uint8_t byte)
{
	static unsigned refused;

	if (mux.target == MUX_SHELL) {
		shell_feed(byte);
		return;
	}
	console_sink_fn fn = sinks[mux.guest].fn;
	if (!fn || !fn(sinks[mux.guest].ctx, byte)) {
		if (refused++ % 64 == 0)
			console_printf("hv: no guest is reading its COM1 (byte dropped; Ctrl-a c for "
				       "the shell)");
	}
}

/* Ctrl-a g: the stub takes the line for the VM input goes to (vm0 from the shell), or says
 * why not; then the line carries GDB's packets alone until console_gdb_done(). */
static void give_to_gdb(void)
{
	unsigned guest = mux.target == MUX_GUEST ? mux.guest : 0;
	const char *vm = gdb_take ? gdb_take(guest) : 0;

	if (!vm) {
		if (!gdb_take)
			console_printf("gdb: no VM to debug (Ctrl-a g)");
		console_mux_gdb_done(&mux);
		return;
	}
	if (mux.target == MUX_SHELL)
		console_write_bytes("\r\n"); /* end the prompt's line */
	console_printf("gdb: console line is GDB's for %s until detach; Ctrl-a g was pressed", vm);
	console_hold(true);
}

int console_gdb_getc(void)
{
	uint8_t out = 0;
	int c;

	if (!mux.gdb)
		return -1;
	if (ring_tail != ring_head) /* typed before the stub looked: older than the UART's */
		c = ring[ring_tail++ % RING];
	else if ((c = console_getc()) < 0)
		return -1;
	console_mux_feed(&mux, (uint8_t)c, &out); /* MUX_FOR_GDB: no key means anything now */
	return out;
}

void console_gdb_done(void)
{
	char name[24];

	console_mux_gdb_done(&mux);
	console_gdb_putc('\r'); /* GDB's last packet ended without one: the first line starts */
	console_gdb_putc('\n'); /* at a line's start (still held: the bytes go to the UART) */
	console_hold(false);
	console_printf("gdb: console line is the console's again; input goes to %s",
		       target_name(name, sizeof(name)));
	if (mux.target == MUX_SHELL)
		shell_prompt();
}

void console_service(void)
{
	if (overruns) {
		console_printf("hv: %u typed bytes dropped: input came faster than it was read",
			       overruns);
		overruns = 0;
	}
	while (ring_tail != ring_head && !mux.gdb) { /* after Ctrl-a g the rest is GDB's */
		uint8_t in = ring[ring_tail % RING], out = 0;
		char name[24];
		ring_tail++;
		switch (console_mux_feed(&mux, in, &out)) {
		case MUX_DELIVER:
			deliver(out);
			break;
		case MUX_SWITCHED:
			if (mux.target == MUX_GUEST)
				console_write_bytes("\r\n"); /* end the prompt's line */
			console_printf("hv: console input now goes to %s",
				       target_name(name, sizeof(name)));
			if (mux.target == MUX_SHELL)
				shell_prompt();
			break;
		case MUX_HELP:
			help();
			break;
		case MUX_GDB:
			give_to_gdb();
			break;
		case MUX_FOR_GDB: /* not while mux.gdb: the loop stops */
		case MUX_NONE:
			break;
		}
	}
}
