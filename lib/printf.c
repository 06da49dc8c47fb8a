/* lib/printf.c: the hypervisor's own vsnprintf (see lib/printf.h for what it supports). Pure and
 * reentrant: the console, the fault path and the unit tests all use it. Unknown conversions are
 * printed as they stand, so a bad format shows up in the log instead of misreading arguments. */
#include <stdbool.h>
#include <stdint.h>

#include "lib/printf.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len++] = c;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero;
	int width;
};

/* Emit a string with the field width applied; `sign` is '-' or 0. Zero padding goes between the
 * sign and the digits, as in C's printf. */
static void emit(struct out *o, const struct spec *s, char sign, const char *str, int len)
{
	int total = len + (sign != 0);
	int fill = s->width > total ? s->width - total : 0;

	if (!s->left && !s->zero)
		pad(o, ' ', fill);
	if (sign)
		put(o, sign);
	if (!s->left && s->zero)
		pad(o, '0', fill);
	for (int i = 0; i < len; i++)
		put(o, str[i]);
	if (s->left)
		pad(o, ' ', fill);
}

static void emit_number(struct out *o, const struct spec *s, uint64_t v, bool negative,
			unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = sizeof(tmp);

	do {
		tmp[--n] = digits[v % base];
		v /= base;
	} while (v);
	emit(o, s, negative ? '-' : 0, tmp + n, (int)sizeof(tmp) - n);
}

/* Reads the integer argument of the size the length modifier says. */
static uint64_t arg_unsigned(va_list *ap, int lng)
{
	if (lng >= 1)
		return va_arg(*ap, unsigned long long);
	return va_arg(*ap, unsigned int);
}

static int64_t arg_signed(va_list *ap, int lng)
{
	if (lng >= 1)
		return va_arg(*ap, long long);
	return va_arg(*ap, int);
}

static const char *parse_spec(const char *f, struct spec *s, int *lng, va_list *ap)
{
	s->left = s->zero = false;
	s->width = 0;
	for (;; f++) {
		if (*f == '-')
			s->left = true;
		else if (*f == '0')
			s->zero = true;
		else
			break;
	}
	if (*f == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			s->left = true;
			s->width = -s->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		s->width = s->width * 10 + (*f++ - '0');
	if (s->width > 256)
		s->width = 256;
	*lng = 0;
	while (*f == 'l' || *f == 'z')
		(*lng)++, f++;
	return f;
}

static void convert(struct out *o, char c, struct spec *s, int lng, va_list *ap)
{
	switch (c) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(ap, lng);
		uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
		emit_number(o, s, mag, v < 0, 10, false);
		break;
	}
	case 'u':
		emit_number(o, s, arg_unsigned(ap, lng), false, 10, false);
		break;
	case 'x':
	case 'X':
		emit_number(o, s, arg_unsigned(ap, lng), false, 16, c == 'X');
		break;
	case 'p':
		put(o, '0');
		put(o, 'x');
		emit_number(o, s, (uint64_t)(uintptr_t)va_arg(*ap, void *), false, 16, false);
		break;
	case 'c': {
		char ch = (char)va_arg(*ap, int);
		s->zero = false;
		emit(o, s, 0, &ch, 1);
		break;
	}
	case 's': {
		const char *str = va_arg(*ap, const char *);
		int len = 0;
		if (!str)
			str = "(null)";
		while (str[len])
			len++;
		s->zero = false;
		emit(o, s, 0, str, len);
		break;
	}
	default:
		put(o, '%');
		if (c)
			put(o, c);
	}
}

size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		if (*fmt == '%') {
			put(&o, *fmt++);
			continue;
		}
		struct spec s;
		int lng;
		fmt = parse_spec(fmt, &s, &lng, &args);
		convert(&o, *fmt, &s, lng, &args);
		if (*fmt)
			fmt++;
	}
	va_end(args);
	if (size)
		buf[o.len] = 0;
	return o.len;
}

size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
