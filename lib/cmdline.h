/* lib/cmdline.h: the boot command line: space-separated `key=value` words or bare `key` words,
 * matched against one table of options (boot/main.c). Pure; BSP, boot only. */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

/* Longer words are cut to this many characters (and reported). */
#define CMDLINE_WORD_MAX 127

struct cmdline_opt {
	const char *key; /* matched whole and case-sensitively; may contain dots: "vm.cpus". A key
			  * ending in '*' is a family ("vm*"): every word that starts with the
			  * text before the '*' goes to set() whole ("vm1.cpus=2-3"), and set()
			  * says itself what is wrong with a bad one */
	/* Takes the value: the text after the first '=' (so "a=b=c" gives key "a", value "b=c"),
	 * or "" for a bare word; never NULL. "key" and "key=" both give "". Returns false when the
	 * value is bad. The value lives only for the call: a handler that keeps it copies it. */
	bool (*set)(const char *value, void *ctx);
	const char *help; /* what the value may be, for the message on a bad one */
};

/* Splits `cmdline` (NULL is taken as "") at spaces, tabs and line ends, and calls the matching
 * option's set() for each word, left to right, with `ctx`. Warns about unknown options
 * ("cmdline: unknown option \"WORD\" ignored"), bad values ("cmdline: bad value \"V\" for KEY
 * (HELP)") and over-long words. Returns the number of problems (0: all taken). */
unsigned cmdline_parse(const char *cmdline, const struct cmdline_opt *opts, unsigned n, void *ctx);

/* Decimal or 0x/0X-hex, the whole string, no sign, no spaces, no overflow. *out is written only on
 * success. */
bool cmdline_parse_u64(const char *s, uint64_t *out);

/* The value of digit c in `base` (up to 16, either case), or -1. */
int cmdline_digit(char c, unsigned base);

/* Index of s in names[0..n) (exact match), or -1. */
int cmdline_match(const char *s, const char *const *names, unsigned n);

#endif
