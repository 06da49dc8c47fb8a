/* tests/unit/guest_ram.c: see guest_ram.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest/loader.h"
#include "tests/unit/guest_ram.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"

struct gmem test_ram;

struct gmem *test_ram_fresh(uint64_t size)
{
	free(test_ram.base);
	test_ram.base = malloc(size);
	test_ram.size = size;
	memset(test_ram.base, 0xcc, size);
	return &test_ram;
}

const uint8_t *test_ram_at(uint64_t gpa, uint64_t len)
{
	static const uint8_t zeros[0x4000];
	const uint8_t *p = gmem_ptr(&test_ram, gpa, len);

	if (p && len <= sizeof(zeros))
		return p;
	printf("    guest bytes 0x%llx+0x%llx are outside RAM\n", (unsigned long long)gpa,
	       (unsigned long long)len);
	test_failed_checks++;
	return zeros;
}

uint8_t test_ram_u8(uint64_t gpa)
{
	return test_ram_at(gpa, 1)[0];
}

uint16_t test_ram_u16(uint64_t gpa)
{
	uint16_t v;

	memcpy(&v, test_ram_at(gpa, 2), 2);
	return v;
}

uint32_t test_ram_u32(uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, test_ram_at(gpa, 4), 4);
	return v;
}

uint64_t test_ram_u64(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, test_ram_at(gpa, 8), 8);
	return v;
}

bool test_load_refused(const struct guest_boot_params *p, uint64_t ram, const char *msg)
{
	struct guest_entry e;

	test_log_clear();
	bool ok = !guest_load(test_ram_fresh(ram), p, &e) && test_log_find(msg);
	if (!ok)
		printf("    expected \"%s\", log: %s\n", msg, test_log_text());
	return ok;
}
