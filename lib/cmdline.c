/* lib/cmdline.c: boot command-line parsing (see lib/cmdline.h). Pure; BSP, boot only. */
#include "lib/cmdline.h"
#include "lib/log.h"
#include "lib/string.h"

int cmdline_digit(char c, unsigned base)
{
	int d = -1;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	return d >= 0 && (unsigned)d < base ? d : -1;
}

bool cmdline_parse_u64(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (!s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		int d = cmdline_digit(*s, base);
		/* v * base + d must not pass UINT64_MAX */
		if (d < 0 || v > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return true;
}

int cmdline_match(const char *s, const char *const *names, unsigned n)
{
	if (!s)
		return -1;
	for (unsigned i = 0; i < n; i++)
		if (names[i] && !strcmp(s, names[i]))
			return (int)i;
	return -1;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One word: look it up, hand over its value, count what went wrong. */
static unsigned apply_word(char *word, const struct cmdline_opt *opts, unsigned n, void *ctx)
{
	char *eq = strchr(word, '=');
	const char *value = "";

	if (eq) {
		*eq = 0;
		value = eq + 1;
	}
	for (unsigned i = 0; i < n; i++) {
		size_t klen = strlen(opts[i].key);
		if (klen && opts[i].key[klen - 1] == '*') { /* a family: set() takes the whole word */
			if (strncmp(opts[i].key, word, klen - 1))
				continue;
			if (eq)
				*eq = '=';
			return opts[i].set(word, ctx) ? 0 : 1; /* set() said what was wrong */
		}
		if (strcmp(opts[i].key, word))
			continue;
		if (opts[i].set(value, ctx))
			return 0;
		log_warn("cmdline: bad value \"%s\" for %s (%s)", value, opts[i].key,
			 opts[i].help ? opts[i].help : "no help");
		return 1;
	}
	if (eq)
		*eq = '='; /* report the word as it was written */
	log_warn("cmdline: unknown option \"%s\" ignored", word);
	return 1;
}

unsigned cmdline_parse(const char *cmdline, const struct cmdline_opt *opts, unsigned n, void *ctx)
{
	char word[CMDLINE_WORD_MAX + 1];
	unsigned problems = 0;
	const char *p = cmdline ? cmdline : "";

	for (;;) {
		while (is_space(*p))
			p++;
		if (!*p)
			break;
		const char *start = p;
		while (*p && !is_space(*p))
			p++;
		size_t len = (size_t)(p - start);
		if (len > CMDLINE_WORD_MAX)
			len = CMDLINE_WORD_MAX;
		memcpy(word, start, len);
		word[len] = 0;
		if (len < (size_t)(p - start)) {
			log_warn("cmdline: option of %zu characters cut to %u: \"%s\"",
				 (size_t)(p - start), CMDLINE_WORD_MAX, word);
			problems++;
		}
		problems += apply_word(word, opts, n, ctx);
	}
	return problems;
}
