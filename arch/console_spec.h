/* arch/console_spec.h: what the `console=` boot option asks for. Pure parsing, host-tested. */
#ifndef ARCH_CONSOLE_SPEC_H
#define ARCH_CONSOLE_SPEC_H

#include <stdbool.h>
#include <stdint.h>

struct console_spec {
	uint16_t port; /* I/O port base of a 16550 */
	uint32_t baud;
};

/* Accepts com1..com4, an I/O port as "0x2f8" or "io:0x2f8", each optionally followed by
 * ",BAUD" (a divisor of 115200). False, with *out untouched, for anything else. */
bool console_parse_spec(const char *s, struct console_spec *out);

#endif
