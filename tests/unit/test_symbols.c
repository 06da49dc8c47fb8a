/* tests/unit/test_symbols.c: address to function name (arch/symbols.c, sym_search()) on a
 * hand-made table: exact hits, addresses inside a function, and the edges of the code (before the
 * first symbol, at and past text_end), where there must be no name. */
#include "arch/symbols.h"
#include "tests/unit/test.h"

static const struct sym_entry entries[] = {
	{ 0x200000, 0 },  /* mb2_header */
	{ 0x200018, 11 }, /* mb2_entry */
	{ 0x200100, 21 }, /* kmain */
	{ 0x200180, 27 }, /* panic */
};
static const char names[] = "mb2_header\0mb2_entry\0kmain\0panic";
static const struct sym_table table = { entries, 4, names, 0x200200 };

TEST(symbols_exact_hits)
{
	uint64_t off = 99;

	CHECK_STR(sym_search(&table, 0x200000, &off), "mb2_header");
	CHECK_EQ(off, 0);
	CHECK_STR(sym_search(&table, 0x200018, &off), "mb2_entry");
	CHECK_EQ(off, 0);
	CHECK_STR(sym_search(&table, 0x200100, &off), "kmain");
	CHECK_EQ(off, 0);
	CHECK_STR(sym_search(&table, 0x200180, &off), "panic");
	CHECK_EQ(off, 0);
}

TEST(symbols_inside_a_function)
{
	uint64_t off = 0;

	CHECK_STR(sym_search(&table, 0x200017, &off), "mb2_header");
	CHECK_EQ(off, 0x17);
	CHECK_STR(sym_search(&table, 0x200157, &off), "kmain");
	CHECK_EQ(off, 0x57);
	CHECK_STR(sym_search(&table, 0x2000ff, &off), "mb2_entry");
	CHECK_EQ(off, 0xe7);
	/* The last symbol runs up to text_end. */
	CHECK_STR(sym_search(&table, 0x2001ff, &off), "panic");
	CHECK_EQ(off, 0x7f);
}

TEST(symbols_outside_the_code)
{
	uint64_t off = 1234;

	CHECK(sym_search(&table, 0, &off) == NULL);
	CHECK(sym_search(&table, 0x1fffff, &off) == NULL);
	CHECK(sym_search(&table, 0x200200, &off) == NULL);
	CHECK(sym_search(&table, 0x300000, &off) == NULL);
	CHECK(sym_search(&table, UINT64_MAX, &off) == NULL);
	CHECK_EQ(off, 1234); /* untouched */
}

TEST(symbols_small_tables)
{
	static const struct sym_entry one[] = { { 0x1000, 0 } };
	const struct sym_table empty = { one, 0, "only", 0x2000 };
	const struct sym_table single = { one, 1, "only", 0x2000 };
	uint64_t off = 0;

	CHECK(sym_search(&empty, 0x1000, &off) == NULL);
	CHECK_STR(sym_search(&single, 0x1000, &off), "only");
	CHECK_EQ(off, 0);
	CHECK_STR(sym_search(&single, 0x1fff, &off), "only");
	CHECK_EQ(off, 0xfff);
	CHECK(sym_search(&single, 0xfff, &off) == NULL);
	CHECK(sym_search(&single, 0x2000, &off) == NULL);
}

/* Every address of a larger table finds the entry it starts, for each size the search can split. */
TEST(symbols_every_entry)
{
	struct sym_entry many[37];
	char blob[37 * 2];

	for (unsigned n = 1; n <= 37; n++) {
		for (unsigned i = 0; i < n; i++) {
			many[i] = (struct sym_entry){ 0x1000 + 0x10 * i, 2 * i };
			blob[2 * i] = (char)('A' + i);
			blob[2 * i + 1] = 0;
		}
		const struct sym_table t = { many, n, blob, 0x1000 + 0x10 * n };
		for (unsigned i = 0; i < n; i++) {
			uint64_t off = 0;
			const char *name = sym_search(&t, 0x1000 + 0x10 * i + 5, &off);

			CHECK(name && name[0] == 'A' + (int)i);
			CHECK_EQ(off, 5);
		}
		uint64_t off;
		CHECK(sym_search(&t, 0x1000 + 0x10 * n, &off) == NULL);
	}
}
