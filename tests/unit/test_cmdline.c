/* tests/unit/test_cmdline.c: the boot command line: known, unknown and bad options, bare words,
 * spacing, over-long words, and number parsing. Host unit test. */
#include "lib/cmdline.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"

struct seen {
	char console[32];
	uint64_t cpus;
	int quiet;
	char last_value[256];
	int calls;
};

static bool set_console(const char *v, void *ctx)
{
	struct seen *s = ctx;

	if (!strcmp(v, "bogus") || !*v)
		return false;
	snprintf(s->console, sizeof(s->console), "%s", v);
	return true;
}

static bool set_cpus(const char *v, void *ctx)
{
	return cmdline_parse_u64(v, &((struct seen *)ctx)->cpus);
}

/* A bare word: takes only "". */
static bool set_quiet(const char *v, void *ctx)
{
	((struct seen *)ctx)->quiet++;
	return *v == 0;
}

/* Takes anything and remembers it. */
static bool set_any(const char *v, void *ctx)
{
	struct seen *s = ctx;

	snprintf(s->last_value, sizeof(s->last_value), "%s", v);
	s->calls++;
	return true;
}

static const struct cmdline_opt opts[] = {
	{ "console", set_console, "com1..com4" },
	{ "vm.cpus", set_cpus, "a number" },
	{ "quiet", set_quiet, "no value" },
	{ "x", set_any, "anything" },
};
#define NOPTS 4

TEST(cmdline_known_options)
{
	struct seen s = { 0 };

	test_log_clear();
	CHECK_EQ(cmdline_parse("console=com2 vm.cpus=0x4 quiet", opts, NOPTS, &s), 0);
	CHECK_STR(s.console, "com2");
	CHECK_EQ(s.cpus, 4);
	CHECK_EQ(s.quiet, 1);
	CHECK_STR(test_log_text(), "");
}

TEST(cmdline_dotted_keys_and_values_with_equals)
{
	struct seen s = { 0 };

	test_log_clear();
	CHECK_EQ(cmdline_parse("vm.cpus=12 x=a=b=c", opts, NOPTS, &s), 0);
	CHECK_EQ(s.cpus, 12);
	CHECK_STR(s.last_value, "a=b=c"); /* split at the first '=' only */
	/* "key=" and a bare "key" both hand over "" */
	CHECK_EQ(cmdline_parse("x=", opts, NOPTS, &s), 0);
	CHECK_STR(s.last_value, "");
	snprintf(s.last_value, sizeof(s.last_value), "old");
	CHECK_EQ(cmdline_parse("x", opts, NOPTS, &s), 0);
	CHECK_STR(s.last_value, "");
	CHECK_EQ(s.calls, 3);
	/* "vm" and "vm.cpus.extra" are not "vm.cpus" */
	test_log_clear();
	CHECK_EQ(cmdline_parse("vm=1 vm.cpus.extra=2", opts, NOPTS, &s), 2);
	CHECK(test_log_find("cmdline: unknown option \"vm=1\" ignored") != NULL);
	CHECK(test_log_find("cmdline: unknown option \"vm.cpus.extra=2\" ignored") != NULL);
	CHECK_EQ(s.cpus, 12);
}

TEST(cmdline_unknown_and_bad_are_reported)
{
	struct seen s = { 0 };

	test_log_clear();
	CHECK_EQ(cmdline_parse("frobnicate=1 console=bogus vm.cpus=12a quiet=yes nosuch", opts,
			       NOPTS, &s), 5);
	CHECK(test_log_find("cmdline: unknown option \"frobnicate=1\" ignored") != NULL);
	CHECK(test_log_find("cmdline: unknown option \"nosuch\" ignored") != NULL);
	CHECK(test_log_find("cmdline: bad value \"bogus\" for console (com1..com4)") != NULL);
	CHECK(test_log_find("cmdline: bad value \"12a\" for vm.cpus (a number)") != NULL);
	CHECK(test_log_find("cmdline: bad value \"yes\" for quiet (no value)") != NULL);
	CHECK_STR(s.console, "");
	CHECK_EQ(s.cpus, 0); /* a bad number leaves the old value */
	/* a bare word for an option that needs a value */
	test_log_clear();
	CHECK_EQ(cmdline_parse("console", opts, NOPTS, &s), 1);
	CHECK(test_log_find("cmdline: bad value \"\" for console") != NULL);
	/* keys are case-sensitive */
	CHECK_EQ(cmdline_parse("QUIET", opts, NOPTS, &s), 1);
	CHECK(test_log_find("cmdline: unknown option \"QUIET\" ignored") != NULL);
	/* no options at all: every word is unknown */
	CHECK_EQ(cmdline_parse("quiet a=b", opts, 0, &s), 2);
}

TEST(cmdline_spacing_and_empty)
{
	struct seen s = { 0 };

	test_log_clear();
	CHECK_EQ(cmdline_parse("", opts, NOPTS, &s), 0);
	CHECK_EQ(cmdline_parse(NULL, opts, NOPTS, &s), 0);
	CHECK_EQ(cmdline_parse("   \t \r\n ", opts, NOPTS, &s), 0);
	CHECK_EQ(s.quiet, 0);
	CHECK_EQ(cmdline_parse("\tquiet   console=com1\t\t vm.cpus=3 ", opts, NOPTS, &s), 0);
	CHECK_EQ(s.quiet, 1);
	CHECK_STR(s.console, "com1");
	CHECK_EQ(s.cpus, 3);
	CHECK_STR(test_log_text(), "");
	/* a prefix of a key is not the key */
	CHECK_EQ(cmdline_parse("cons=com3", opts, NOPTS, &s), 1);
	CHECK_STR(s.console, "com1");
	/* later words win */
	CHECK_EQ(cmdline_parse("console=com3 console=com4", opts, NOPTS, &s), 0);
	CHECK_STR(s.console, "com4");
	/* "=value" has an empty key */
	test_log_clear();
	CHECK_EQ(cmdline_parse("=com2", opts, NOPTS, &s), 1);
	CHECK(test_log_find("cmdline: unknown option \"=com2\" ignored") != NULL);
}

TEST(cmdline_long_word_is_cut_and_reported)
{
	struct seen s = { 0 };
	char line[400];

	/* "x=" then 300 'v's: cut to 127 characters, then still applied */
	memset(line, 'v', sizeof(line) - 1);
	line[0] = 'x';
	line[1] = '=';
	line[302] = 0;
	test_log_clear();
	CHECK_EQ(cmdline_parse(line, opts, NOPTS, &s), 1);
	CHECK(test_log_find("cmdline: option of 302 characters cut to 127") != NULL);
	CHECK_EQ(strlen(s.last_value), 125);
	/* exactly 127 characters is fine */
	line[127] = 0;
	test_log_clear();
	CHECK_EQ(cmdline_parse(line, opts, NOPTS, &s), 0);
	CHECK_STR(test_log_text(), "");
	/* a long unknown word: cut, then unknown; the next word still parses */
	memset(line, 'q', 200);
	snprintf(line + 200, sizeof(line) - 200, " quiet");
	test_log_clear();
	CHECK_EQ(cmdline_parse(line, opts, NOPTS, &s), 2);
	CHECK(test_log_find("cut to 127") != NULL);
	CHECK(test_log_find("cmdline: unknown option \"qqqq") != NULL);
	CHECK_EQ(s.quiet, 1);
}

TEST(cmdline_u64)
{
	uint64_t v = 7;

	CHECK(cmdline_parse_u64("0", &v) && v == 0);
	CHECK(cmdline_parse_u64("007", &v) && v == 7); /* leading zeros are decimal */
	CHECK(cmdline_parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
	CHECK(cmdline_parse_u64("0xFEE00000", &v) && v == 0xfee00000);
	CHECK(cmdline_parse_u64("0Xff", &v) && v == 255);
	CHECK(cmdline_parse_u64("0xffffffffffffffff", &v) && v == UINT64_MAX);
	v = 7;
	CHECK(!cmdline_parse_u64("18446744073709551616", &v));
	CHECK(!cmdline_parse_u64("99999999999999999999", &v));
	CHECK(!cmdline_parse_u64("0x10000000000000000", &v));
	CHECK(!cmdline_parse_u64("", &v));
	CHECK(!cmdline_parse_u64("0x", &v));
	CHECK(!cmdline_parse_u64("12a", &v));
	CHECK(!cmdline_parse_u64("-1", &v));
	CHECK(!cmdline_parse_u64("+1", &v));
	CHECK(!cmdline_parse_u64(" 1", &v));
	CHECK(!cmdline_parse_u64("1 ", &v));
	CHECK(!cmdline_parse_u64("0xg", &v));
	CHECK(!cmdline_parse_u64("0x0x1", &v));
	CHECK(!cmdline_parse_u64(NULL, &v));
	CHECK_EQ(v, 7); /* untouched by every failure */
}

TEST(cmdline_match_names)
{
	static const char *const names[] = { "halt", "poweroff" };

	CHECK_EQ(cmdline_match("halt", names, 2), 0);
	CHECK_EQ(cmdline_match("poweroff", names, 2), 1);
	CHECK_EQ(cmdline_match("power", names, 2), -1);
	CHECK_EQ(cmdline_match("poweroffx", names, 2), -1);
	CHECK_EQ(cmdline_match("", names, 2), -1);
	CHECK_EQ(cmdline_match("poweroff", names, 1), -1); /* n limits the search */
	CHECK_EQ(cmdline_match(NULL, names, 2), -1);
}

/* A family key ("vm*"): every word that starts with "vm" goes to its set() whole; the others
 * are looked up as before. */
static bool set_family(const char *word, void *ctx)
{
	struct seen *s = ctx;

	s->calls++;
	snprintf(s->last_value + strlen(s->last_value), sizeof(s->last_value) - strlen(s->last_value),
		 "[%s]", word);
	return strcmp(word, "vmbad") != 0;
}

TEST(cmdline_family_key_takes_whole_words)
{
	static const struct cmdline_opt fam[] = {
		{ "console", set_console, "com1..com4" },
		{ "vm*", set_family, 0 },
	};
	struct seen s = { 0 };

	test_log_clear();
	CHECK_EQ(cmdline_parse("vm1.cpus=2-3 console=com1 vm.mem=64 vm0 vmbad", fam, 2, &s), 1);
	CHECK_STR(s.last_value, "[vm1.cpus=2-3][vm.mem=64][vm0][vmbad]");
	CHECK_EQ(s.calls, 4);
	CHECK_STR(s.console, "com1");
	CHECK_STR(test_log_text(), ""); /* set() says itself what is wrong */
}
