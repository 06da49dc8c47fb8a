/* tests/unit/fake_vmcs.c: see fake_vmcs.h. A small table searched linearly: a test touches a few
 * dozen fields. */
#include <stdio.h>

#include "tests/unit/fake_vmcs.h"
#include "tests/unit/test.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

#define FAKE_VMCS_SLOTS 256

static struct fake_field {
	uint32_t field;
	uint64_t value;
	bool written; /* by the code under test */
} table[FAKE_VMCS_SLOTS];
static unsigned used, writes;

void fake_vmcs_reset(void)
{
	used = 0;
	writes = 0;
}

static struct fake_field *find(uint32_t field, bool add)
{
	for (unsigned i = 0; i < used; i++)
		if (table[i].field == field)
			return &table[i];
	if (!add)
		return 0;
	if (used == FAKE_VMCS_SLOTS) {
		printf("    fake VMCS: more than %u fields\n", FAKE_VMCS_SLOTS);
		test_failed_checks++;
		return &table[0];
	}
	table[used] = (struct fake_field){ field, 0, false };
	return &table[used++];
}

void fake_vmcs_set(uint32_t field, uint64_t value)
{
	find(field, true)->value = value;
}

uint64_t fake_vmcs_get(uint32_t field)
{
	struct fake_field *f = find(field, false);

	return f ? f->value : 0;
}

bool fake_vmcs_written(uint32_t field)
{
	struct fake_field *f = find(field, false);

	return f && f->written;
}

unsigned fake_vmcs_writes(void)
{
	return writes;
}

static void check_width(uint32_t field, unsigned width, const char *what)
{
	if (vmcs_width_ok(field, width))
		return;
	printf("    fake VMCS: %s of field 0x%x with an accessor of another width\n", what, field);
	test_failed_checks++;
}

/* VMREAD in 64-bit mode zero-extends and VMWRITE drops what the field cannot hold (SDM Vol. 3C,
 * 31.3): the table keeps the value truncated to the field's width. */
static uint64_t truncate(uint32_t field, uint64_t value)
{
	switch (vmcs_field_width(field)) {
	case VMCS_WIDTH_16:
		return (uint16_t)value;
	case VMCS_WIDTH_32:
		return (uint32_t)value;
	default:
		return value;
	}
}

uint64_t fake_vmcs_access_read(uint32_t field, unsigned width)
{
	check_width(field, width, "read");
	return fake_vmcs_get(field);
}

bool fake_vmcs_access_write(uint32_t field, unsigned width, uint64_t value)
{
	struct fake_field *f = find(field, true);

	check_width(field, width, "write");
	f->value = truncate(field, value);
	f->written = true;
	writes++;
	return true;
}
