/* lib/cmdline.h: the boot command line: space-separated `key=value` words or bare `key` words,
 * matched against one table of options (arch/main.c). Pure; BSP, boot only. */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

#define CMDLINE_WORD_MAX 127

struct cmdline_opt {
	const char *key; /* may contain dots: "vm.cpus" */
	/* Takes the value ("" for a bare word); false when the value is bad. The value lives only
	 * for the call: a handler that keeps it copies it. */
	bool (*set)(const char *value, void *ctx);
	const char *help; /* what the value may be, for the message on a bad one */
};

/* Parses `cmdline`, calls the option's set() for each word, and warns about unknown options
 * ("cmdline: unknown option \"WORD\" ignored") and bad values ("cmdline: bad value \"V\" for KEY
 * (HELP)"). Returns the number of problems. */
unsigned cmdline_parse(const char *cmdline, const struct cmdline_opt *opts, unsigned n, void *ctx);

/* Decimal or 0x-hex, the whole string, no overflow. */
bool cmdline_parse_u64(const char *s, uint64_t *out);

/* Index of s in names[0..n), or -1. */
int cmdline_match(const char *s, const char *const *names, unsigned n);

#endif
