/* tests/unit/test_cmdline.c: the boot command line: known, unknown and bad options, spacing, and
 * number parsing. */
#include "lib/cmdline.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"

struct seen {
	char console[32];
	uint64_t cpus;
	int flag;
};

static bool set_console(const char *v, void *ctx)
{
	struct seen *s = ctx;

	if (!strcmp(v, "bogus"))
		return false;
	snprintf(s->console, sizeof(s->console), "%s", v);
	return true;
}

static bool set_cpus(const char *v, void *ctx)
{
	return cmdline_parse_u64(v, &((struct seen *)ctx)->cpus);
}

static bool set_flag(const char *v, void *ctx)
{
	((struct seen *)ctx)->flag++;
	return *v == 0;
}

static const struct cmdline_opt opts[] = {
	{ "console", set_console, "com1..com4" },
	{ "vm.cpus", set_cpus, "a number" },
	{ "quiet", set_flag, "no value" },
};

TEST(cmdline_known_options)
{
	struct seen s = { "", 0, 0 };

	test_log_clear();
	CHECK_EQ(cmdline_parse("console=com2 vm.cpus=0x4 quiet", opts, 3, &s), 0);
	CHECK_STR(s.console, "com2");
	CHECK_EQ(s.cpus, 4);
	CHECK_EQ(s.flag, 1);
	CHECK_STR(test_log_text(), "");
}

TEST(cmdline_unknown_and_bad_are_reported)
{
	struct seen s = { "", 0, 0 };

	test_log_clear();
	CHECK_EQ(cmdline_parse("frobnicate=1 console=bogus vm.cpus=12a quiet=yes", opts, 3, &s), 4);
	CHECK(test_log_find("cmdline: unknown option \"frobnicate=1\" ignored") != NULL);
	CHECK(test_log_find("cmdline: bad value \"bogus\" for console (com1..com4)") != NULL);
	CHECK(test_log_find("cmdline: bad value \"12a\" for vm.cpus") != NULL);
	CHECK(test_log_find("cmdline: bad value \"yes\" for quiet") != NULL);
	CHECK_STR(s.console, "");
}

TEST(cmdline_spacing_and_empty)
{
	struct seen s = { "", 0, 0 };

	test_log_clear();
	CHECK_EQ(cmdline_parse("", opts, 3, &s), 0);
	CHECK_EQ(cmdline_parse("   \t  ", opts, 3, &s), 0);
	CHECK_EQ(cmdline_parse("\tquiet   console=com1\t ", opts, 3, &s), 0);
	CHECK_EQ(s.flag, 1);
	CHECK_STR(s.console, "com1");
	/* a prefix of a key is not the key */
	CHECK_EQ(cmdline_parse("cons=com3 vm=1", opts, 3, &s), 2);
	CHECK_STR(s.console, "com1");
}

TEST(cmdline_long_word_is_cut_and_reported)
{
	struct seen s = { "", 0, 0 };
	char line[400];

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = 0;
	test_log_clear();
	CHECK_EQ(cmdline_parse(line, opts, 3, &s), 2); /* cut, then unknown */
	CHECK(test_log_find("cut to 127") != NULL);
}

TEST(cmdline_u64)
{
	uint64_t v = 7;

	CHECK(cmdline_parse_u64("0", &v) && v == 0);
	CHECK(cmdline_parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
	CHECK(cmdline_parse_u64("0xFEE00000", &v) && v == 0xfee00000);
	v = 7;
	CHECK(!cmdline_parse_u64("18446744073709551616", &v));
	CHECK(!cmdline_parse_u64("0x10000000000000000", &v));
	CHECK(!cmdline_parse_u64("", &v));
	CHECK(!cmdline_parse_u64("0x", &v));
	CHECK(!cmdline_parse_u64("12a", &v));
	CHECK(!cmdline_parse_u64("-1", &v));
	CHECK(!cmdline_parse_u64("0xg", &v));
	CHECK_EQ(v, 7);
}

TEST(cmdline_match_names)
{
	static const char *const names[] = { "halt", "poweroff" };

	CHECK_EQ(cmdline_match("poweroff", names, 2), 1);
	CHECK_EQ(cmdline_match("power", names, 2), -1);
}
