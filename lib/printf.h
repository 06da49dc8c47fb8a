/* lib/printf.h: formatted output into a buffer. Pure, any context, no allocation.
 * Conversions: %d %i %u %x %X %p %s %c %%, flags '-' and '0', a field width (or '*'), and the
 * length modifiers l, ll and z. Output is always NUL-terminated when size > 0; the return value is
 * the number of characters written, excluding the NUL (truncated output counts what fitted). */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
