/* tests/guests/lib/console.h: the guest's console on COM1 (a 16550 at 0x3f8). One con_printf() call
 * is one line, "NAME: text" (NAME = guest_name), written whole even when vCPUs print at once. Any
 * vCPU, any context, including exception handlers. Formats are lib/printf.c's: note that it reads
 * every argument with an l, ll or z modifier as 64 bits, so 32-bit values take no modifier and
 * 64-bit ones take ll. */
#ifndef GUEST_LIB_CONSOLE_H
#define GUEST_LIB_CONSOLE_H

#include <stdarg.h>

/* Sets up the UART: 115200 8N1, FIFOs on, no interrupts (vCPU 0, once, first). */
void console_init(void);

void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void con_vprintf(const char *fmt, va_list ap);

#endif
