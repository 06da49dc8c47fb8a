/* tests/guests/vmtest/hvmem.c: the guest must not see the hypervisor's memory. The hypervisor image
 * starts with its multiboot2 header (Multiboot2 spec 1.0, 3.1.1 "The layout of Multiboot2 header":
 * u32 magic 0xe85250d6, u32 architecture 0, u32 header length, u32 checksum making the four add up
 * to 0; at least the 16 bytes of these fields, the tags following; ours is 24 with its end tag), so
 * scan all guest RAM for such a header: finding one means hypervisor memory shows in the guest.
 * vCPU 0. */
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/multiboot.h"
#include "tests/guests/vmtest/vmtest.h"

#define MB2_HEADER_LEN 16u      /* the fixed fields */
#define MB2_HEADER_MAX 32768u   /* the header lies in the image's first 32 KiB */

/* The header must not exist in memory outside the hypervisor, or the scan would find that copy:
 * not in this image (so the magic is stored inverted and the other words are immediates) and not
 * on the stack (so the words are only ever compared, never stored together: a struct holding them
 * would put all 16 bytes in this vCPU's stack, inside guest RAM). */
static volatile uint32_t mb2_magic_inverted = ~0xe85250d6u;

/* A place to plant one copy, to show that the scan can find one. */
static uint32_t probe[4];

/* The first header in [start, end) at a 4-byte step (it is 8-byte aligned in the image, and a page
 * of it keeps that alignment wherever it were mapped), or 0. */
static uintptr_t scan(uintptr_t start, uintptr_t end, uint32_t magic)
{
	for (uintptr_t a = (start + 3) & ~3u; a + MB2_HEADER_LEN <= end && a >= start; a += 4) {
		const volatile uint32_t *w = (const volatile uint32_t *)a;

		if (w[0] != magic || w[1] != 0)
			continue;
		uint32_t len = w[2];
		if (len >= MB2_HEADER_LEN && len <= MB2_HEADER_MAX && w[3] == -(magic + len))
			return a;
	}
	return 0;
}

/* The scanner finds a planted copy, which is wiped again before the real scan. */
static bool self_test(uint32_t magic)
{
	bool found;

	probe[0] = magic, probe[1] = 0, probe[2] = MB2_HEADER_LEN;
	probe[3] = -(magic + MB2_HEADER_LEN);
	found = scan((uintptr_t)probe, (uintptr_t)probe + sizeof(probe), magic) == (uintptr_t)probe;
	__atomic_store_n(&probe[0], 0, __ATOMIC_SEQ_CST); /* not optimized away as a dead store */
	if (!found)
		check_fail("hvmem.selftest", "scan of a planted header (got not found, want found)");
	return found;
}

void suite_hvmem(void)
{
	uint32_t magic = ~mb2_magic_inverted;
	const struct mb_range *r;
	unsigned n = mb_ranges(&r), scanned_ranges = 0;
	uint64_t kib = 0;

	if (!self_test(magic))
		return;
	for (unsigned i = 0; i < n; i++) {
		uint64_t end = r[i].base + r[i].len;

		if (r[i].type != MB_MEM_USABLE || r[i].base >= (1ull << 32))
			continue;
		if (end > (1ull << 32) - 4096) /* stay clear of address wrap-around */
			end = (1ull << 32) - 4096;
		uintptr_t hit = scan((uintptr_t)r[i].base, (uintptr_t)end, magic);
		if (hit) {
			check_fail("hvmem", "multiboot2 header at 0x%x (got found, want absent)", hit);
			return;
		}
		kib += (end - r[i].base) >> 10;
		scanned_ranges++;
	}
	con_printf("hvmem: scanned %llu KiB of RAM in %u ranges", kib, scanned_ranges);
	if (!scanned_ranges)
		check_fail("hvmem", "usable RAM ranges (got none from the loader, want some)");
	else
		check_pass("hvmem");
}
