/* arch/console.h: the hypervisor's console: the serial line, with log lines prefixed by time and
 * CPU and never interleaved between CPUs. Implements lib/log.h. Lines go into a buffer the UART
 * drains as it can (arch/console.c); nothing waits for the line but a flush. Any CPU, any
 * context. */
#ifndef ARCH_CONSOLE_H
#define ARCH_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/log.h"

/* From the first C line: COM1, 115200 8N1. */
void console_init_early(void);

/* Boot option handlers (lib/cmdline.h signature): `console=` and `loglevel=`. */
bool console_option(const char *value, void *ctx);
bool console_loglevel_option(const char *value, void *ctx);

/* After the command line was read: switch to the UART it named, if any (and say so on the old
 * one), or explain why not. */
void console_apply_options(void);

/* fbcon= (boot option), and mirroring the log on the boot framebuffer (BSP, after mm_init). */
struct boot_framebuffer;
bool console_fbcon_option(const char *value, void *ctx);
void console_attach_framebuffer(const struct boot_framebuffer *fb);

/* For arch/console_find.c: whether the console must still be found (console=pci:, spcr, auto,
 * or no COM1 at all), and the switch to a UART it found. */
struct console_spec;
struct uart;
bool console_wants_late(const struct console_spec **spec);
bool console_use_uart(const struct uart *u, uint32_t baud, const char *how);

/* One prefixed line whatever the log level (the shell's answers). */
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Bytes as they are, under the console lock (the shell's echo). */
void console_write_bytes(const char *s);
/* Without waiting: hand the UART what its transmitter takes now. For the drain points: CPU 0's
 * tick and vCPU loop, idle CPUs before HLT, busy waits. Cheap when nothing waits. */
void console_drain(void);
/* Whether buffered bytes wait for the UART, and how many more bytes the buffer takes (the guest's
 * COM1 holds off a polling guest when it runs low, guest/vm_devices.c). */
bool console_output_pending(void);
size_t console_output_room(void);
/* Waits until what is buffered has gone to the UART: the end (arch/power.c), a panic. Also
 * when GDB has the line: the last words go out. */
void console_flush(void);
/* The line is GDB's (true: what is buffered goes out first, then every later line is held in
 * the buffer) or the console's again (false: the held lines go out, waiting). CPU 0. */
void console_hold(bool on);
/* While held: one byte of GDB's straight to the UART, waiting for it. */
void console_gdb_putc(char c);
/* Whether `u` is the console's UART (gdb= naming it means the one-line mode). */
bool console_uart_is(const struct uart *u);
/* A byte typed on the console's UART, or -1. */
int console_getc(void);

/* The fault path: from now on this CPU writes without waiting for a lock another CPU may hold
 * forever, and output bypasses the log level. */
void console_enter_panic_mode(void);
/* One line with the usual prefix, written even in panic mode. */
void console_emergency_line(const char *text);

#endif
