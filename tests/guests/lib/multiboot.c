/* tests/guests/lib/multiboot.c: the multiboot (v1) information (Multiboot spec 0.6.96, 3.3 "Boot
 * information format"). vCPU 0 at start-up; the copies are read-only afterwards. */
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/multiboot.h"
#include "lib/string.h"

#define MBI_MEM (1u << 0)     /* mem_lower, mem_upper */
#define MBI_CMDLINE (1u << 2)
#define MBI_MMAP (1u << 6)    /* mmap_length, mmap_addr */

/* The fields we use, at their offsets in the information structure. */
struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
};

static char cmdline[256];
static struct mb_range ranges[MB_MAX_RANGES];
static unsigned nranges;

static void add_range(uint64_t base, uint64_t len, uint32_t type)
{
	if (nranges == MB_MAX_RANGES) {
		con_printf("multiboot: more than %u memory ranges; the rest are ignored",
			   MB_MAX_RANGES);
		return;
	}
	ranges[nranges++] = (struct mb_range){ base, len, type };
}

/* Entries are {u32 size, u64 base, u64 length, u32 type}, each `size` bytes after its size
 * field. */
static void read_mmap(uint32_t addr, uint32_t length)
{
	for (uint32_t off = 0; off + 24 <= length && nranges < MB_MAX_RANGES;) {
		const uint8_t *e = (const uint8_t *)(uintptr_t)(addr + off);
		uint32_t size, type;
		uint64_t base, len;

		memcpy(&size, e, 4);
		memcpy(&base, e + 4, 8);
		memcpy(&len, e + 12, 8);
		memcpy(&type, e + 20, 4);
		if (size < 20) {
			con_printf("multiboot: memory map entry at offset %u has size %u; map ignored "
				   "from there", off, size);
			return;
		}
		add_range(base, len, type);
		off += size + 4;
	}
}

void mb_init(uint32_t magic, uint32_t info)
{
	const struct mb_info *mbi = (const struct mb_info *)(uintptr_t)info;

	if (magic != MB_BOOTLOADER_MAGIC) {
		con_printf("multiboot: EAX is 0x%x, not 0x%x: no boot information", magic,
			   MB_BOOTLOADER_MAGIC);
		return;
	}
	if (mbi->flags & MBI_CMDLINE) {
		const char *s = (const char *)(uintptr_t)mbi->cmdline;
		size_t n = strnlen(s, sizeof(cmdline) - 1);

		memcpy(cmdline, s, n);
		cmdline[n] = 0;
	}
	if (mbi->flags & MBI_MMAP) {
		read_mmap(mbi->mmap_addr, mbi->mmap_length);
	} else if (mbi->flags & MBI_MEM) {
		add_range(0, (uint64_t)mbi->mem_lower << 10, MB_MEM_USABLE);
		add_range(1u << 20, (uint64_t)mbi->mem_upper << 10, MB_MEM_USABLE);
	}
}

const char *mb_cmdline(void)
{
	return cmdline;
}

const char *mb_arg(const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);

	for (const char *p = cmdline; *p;) {
		size_t wlen = 0;

		while (*p == ' ')
			p++;
		while (p[wlen] && p[wlen] != ' ')
			wlen++;
		if (wlen > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			size_t vlen = wlen - klen - 1;

			if (vlen >= size)
				vlen = size - 1;
			memcpy(out, p + klen + 1, vlen);
			out[vlen] = 0;
			return out;
		}
		p += wlen;
	}
	return 0;
}

unsigned mb_ranges(const struct mb_range **out)
{
	*out = ranges;
	return nranges;
}

bool mb_covers(uint64_t base, uint64_t len)
{
	if (!nranges)
		return true;
	for (unsigned i = 0; i < nranges; i++)
		if (base >= ranges[i].base && len <= ranges[i].len &&
		    base - ranges[i].base <= ranges[i].len - len)
			return true;
	return false;
}

/* acpi_map_fn: paging is off, so a physical address is a pointer; it is readable when it is below
 * 4 GiB and the loader's memory map covers it (tables usually lie in reserved or ACPI ranges), or
 * in the BIOS area where the RSDP is scanned for. A table pointer that leads elsewhere is refused
 * rather than followed into an unmapped hole. */
const void *mb_phys_map(uint64_t phys, uint64_t len)
{
	if (phys >= (1ull << 32) || len > (1ull << 32) - phys)
		return 0;
	if ((phys >= 0xe0000ull && phys + len <= (1ull << 20)) || mb_covers(phys, len))
		return (const void *)(uintptr_t)phys;
	return 0;
}
