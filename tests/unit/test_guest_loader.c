/* tests/unit/test_guest_loader.c: loading multiboot and multiboot2 ELF kernels into guest RAM,
 * the boot information they get (the multiboot2 one read back with the hypervisor's own parser),
 * the VM's ACPI tables (read back with the host ACPI parser), and malformed kernels refused by
 * name. */
#include <stdlib.h>

#include "arch/acpi.h"
#include "boot/mb2.h"
#include "guest/acpi_tables.h"
#include "guest/layout.h"
#include "guest/loader.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"

#define RAM (16u << 20)

static struct gmem gm;

static struct gmem *fresh_ram(void)
{
	if (!gm.base)
		gm.base = malloc(RAM);
	gm.size = RAM;
	memset(gm.base, 0xcc, RAM);
	return &gm;
}

static void w32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void w16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void w64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* A kernel image: ELF header, one or two PT_LOAD headers, then the segment bytes (the multiboot
 * header first, then a recognisable pattern). */
struct kernel {
	uint8_t b[4096];
	uint32_t len;
};

static void elf32(struct kernel *k, uint32_t paddr, uint32_t filesz, uint32_t memsz, bool mb2)
{
	uint8_t *b = k->b;

	memset(b, 0, sizeof(k->b));
	memcpy(b, "\177ELF", 4);
	b[4] = 1, b[5] = 1, b[6] = 1;
	w16(b + 16, 2), w16(b + 18, 3), w32(b + 20, 1);
	w32(b + 24, paddr + 0x40); /* entry */
	w32(b + 28, 52), w16(b + 42, 32), w16(b + 44, 1);
	uint8_t *ph = b + 52;
	w32(ph, 1), w32(ph + 4, 0x200), w32(ph + 8, paddr), w32(ph + 12, paddr);
	w32(ph + 16, filesz), w32(ph + 20, memsz);
	uint8_t *seg = b + 0x200;
	if (mb2) {
		w32(seg, 0xe85250d6), w32(seg + 4, 0), w32(seg + 8, 24);
		w32(seg + 12, -(0xe85250d6u + 24));
		w16(seg + 16, 0), w16(seg + 18, 0), w32(seg + 20, 8); /* end tag */
	} else {
		w32(seg, 0x1badb002), w32(seg + 4, 3), w32(seg + 8, -(0x1badb002u + 3));
	}
	for (uint32_t i = 0x40; i < filesz; i++)
		seg[i] = (uint8_t)i;
	k->len = 0x200 + filesz;
}

static void elf64(struct kernel *k, uint64_t paddr, uint32_t size)
{
	struct kernel k32;
	uint8_t *b = k->b;

	elf32(&k32, (uint32_t)paddr, size, size, true);
	memset(b, 0, sizeof(k->b));
	memcpy(b, "\177ELF", 4);
	b[4] = 2, b[5] = 1, b[6] = 1;
	w16(b + 16, 2), w16(b + 18, 62), w32(b + 20, 1);
	w64(b + 24, paddr + 0x40), w64(b + 32, 64), w16(b + 54, 56), w16(b + 56, 1);
	uint8_t *ph = b + 64;
	w32(ph, 1), w64(ph + 8, 0x200), w64(ph + 16, paddr), w64(ph + 24, paddr);
	w64(ph + 32, size), w64(ph + 40, size);
	memcpy(b + 0x200, k32.b + 0x200, size);
	k->len = 0x200 + size;
}

static const char initrd[] = "initrd contents";
static const struct guest_module mods[] = {
	{ initrd, sizeof(initrd), "initrd.img root=/dev/ram" },
	{ "env", 3, "" },
};

static struct guest_boot_params params(const struct kernel *k)
{
	return (struct guest_boot_params){ k->b, k->len, "console=ttyS0 test=all", mods, 2, 0, 0, 0 };
}

TEST(loader_multiboot1_elf32)
{
	struct kernel k;
	struct guest_entry e;

	elf32(&k, 0x100000, 0x300, 0x1000, false);
	struct guest_boot_params p = params(&k);
	CHECK(guest_load(fresh_ram(), &p, &e));
	CHECK_EQ(e.proto, GUEST_MULTIBOOT1);
	CHECK_EQ(e.eax, 0x2badb002);
	CHECK_EQ(e.eip, 0x100040);
	CHECK_EQ(gm.base[0x100041], 0x41);      /* file bytes in place */
	CHECK_EQ(gm.base[0x100300], 0);         /* bss zeroed */
	CHECK_EQ(gm.base[0x100fff], 0);
	const uint32_t *mbi = (const uint32_t *)(gm.base + e.ebx);
	CHECK_EQ(mbi[0] & 0x24d, 0x24d);        /* mem, cmdline, mods, mmap, loader name */
	CHECK_EQ(mbi[1], 636);
	CHECK_EQ(mbi[2], (RAM - 0x100000) / 1024);
	CHECK_STR((const char *)gm.base + mbi[4], "console=ttyS0 test=all");
	CHECK_EQ(mbi[5], 2);
	const uint32_t *m = (const uint32_t *)(gm.base + mbi[6]);
	CHECK_EQ(m[0] & 0xfff, 0);              /* page aligned */
	CHECK(m[0] >= 0x101000);                /* after the kernel */
	CHECK_EQ(m[1] - m[0], sizeof(initrd));
	CHECK_STR((const char *)gm.base + m[0], initrd);
	CHECK_STR((const char *)gm.base + m[2], "initrd.img root=/dev/ram");
	CHECK_STR((const char *)gm.base + m[6], "");
	CHECK_EQ(mbi[11], 4 * 24);              /* mmap: 4 entries of 20 + 4 bytes */
	const uint8_t *mm = gm.base + mbi[12];
	uint64_t base, len;
	memcpy(&base, mm + 24 * 2 + 4, 8);
	memcpy(&len, mm + 24 * 2 + 12, 8);
	CHECK_EQ(base, 0x100000);
	CHECK_EQ(len, RAM - 0x100000);
	CHECK_STR((const char *)gm.base + mbi[16], "microhypervisor");
}

TEST(loader_multiboot2_elf64_read_back_with_mb2_parse)
{
	struct kernel k;
	struct guest_entry e;
	struct boot_info bi;
	uint8_t rsdp[36] = "RSD PTR ";

	elf64(&k, 0x200000, 0x400);
	struct guest_boot_params p = params(&k);
	p.rsdp = rsdp;
	p.rsdp_len = 36;
	CHECK(guest_load(fresh_ram(), &p, &e));
	CHECK_EQ(e.proto, GUEST_MULTIBOOT2);
	CHECK_EQ(e.eax, 0x36d76289);
	CHECK_EQ(e.eip, 0x200040);
	memset(&bi, 0, sizeof(bi));
	test_log_clear();
	CHECK(mb2_parse(gm.base + e.ebx, e.ebx, &bi));
	CHECK_STR(bi.cmdline, "console=ttyS0 test=all");
	CHECK_STR(bi.loader_name, "microhypervisor");
	CHECK_EQ(bi.mod_count, 2);
	CHECK_STR(bi.mods[0].cmdline, "initrd.img root=/dev/ram");
	CHECK_EQ(bi.mods[0].end - bi.mods[0].start, sizeof(initrd));
	CHECK_EQ(bi.basic_mem_upper_kib, (RAM - 0x100000) / 1024);
	CHECK(bi.rsdp != NULL);
	CHECK_EQ(bi.rsdp_len, 36);
	CHECK_EQ(bi.tags_unknown, 0);
	bool usable_high = false;
	for (unsigned i = 0; i < bi.mem_count; i++)
		usable_high |= bi.mem[i].base == 0x100000 && bi.mem[i].type == MEM_USABLE &&
			       bi.mem[i].len == RAM - 0x100000;
	CHECK(usable_high);
	CHECK_EQ(bi.tags_seen, 8); /* cmdline, name, meminfo, mmap, 2 modules, 2 RSDP tags */
}

TEST(loader_refuses_bad_kernels_by_name)
{
	struct kernel k;
	struct guest_entry e;
	struct guest_boot_params p;

	elf32(&k, 0x100000, 0x300, 0x1000, false);
	k.b[0] = 'X';
	p = params(&k);
	test_log_clear();
	CHECK(!guest_load(fresh_ram(), &p, &e));
	CHECK(test_log_find("guest: not ELF") != NULL);

	elf32(&k, 0x100000, 0x300, 0x1000, false);
	w32(k.b + 0x200, 0x12345678); /* no multiboot header left */
	p = params(&k);
	test_log_clear();
	CHECK(!guest_load(fresh_ram(), &p, &e));
	CHECK(test_log_find("no multiboot or multiboot2 header") != NULL);

	elf32(&k, 0x100000, 0x300, 0x1000, false);
	k.b[0x208] ^= 1; /* checksum */
	p = params(&k);
	test_log_clear();
	CHECK(!guest_load(fresh_ram(), &p, &e));
	CHECK(test_log_find("bad checksum") != NULL);

	elf32(&k, RAM - 0x800, 0x300, 0x1000, false);
	p = params(&k);
	test_log_clear();
	CHECK(!guest_load(fresh_ram(), &p, &e));
	CHECK(test_log_find("outside the guest's") != NULL);

	elf32(&k, 0xeff00, 0x300, 0x1000, false);
	p = params(&k);
	test_log_clear();
	CHECK(!guest_load(fresh_ram(), &p, &e));
	CHECK(test_log_find("overlaps the VM's ACPI tables") != NULL);
	elf32(&k, 0xff000, 0x300, 0x1000, false); /* headers a page below 1 MiB: fine */
	p = params(&k);
	CHECK(guest_load(fresh_ram(), &p, &e));

	elf32(&k, 0x100000, 0x300, 0x1000, false);
	p = params(&k);
	p.kernel_len = 0x200 + 0x100; /* truncated: the segment's bytes run past the file */
	test_log_clear();
	CHECK(!guest_load(fresh_ram(), &p, &e));
	CHECK(test_log_find("truncated") != NULL);

	elf32(&k, 0x100000, 0x300, 0x1000, false);
	w16(k.b + 18, 40); /* ARM */
	p = params(&k);
	test_log_clear();
	CHECK(!guest_load(fresh_ram(), &p, &e));
	CHECK(test_log_find("not x86") != NULL);
}

TEST(loader_refuses_overlapping_segments_and_unsupported_mb2_tags)
{
	struct kernel k;
	struct guest_entry e;

	elf32(&k, 0x100000, 0x300, 0x1000, false);
	w16(k.b + 44, 2); /* a second PT_LOAD overlapping the first */
	uint8_t *ph = k.b + 52 + 32;
	w32(ph, 1), w32(ph + 4, 0x200), w32(ph + 12, 0x100800), w32(ph + 16, 0x10), w32(ph + 20, 0x10);
	struct guest_boot_params p = params(&k);
	test_log_clear();
	CHECK(!guest_load(fresh_ram(), &p, &e));
	CHECK(test_log_find("segments 0 and 1 overlap") != NULL);

	elf32(&k, 0x100000, 0x300, 0x1000, true);
	uint8_t *h = k.b + 0x200; /* a required framebuffer tag, then the end tag */
	w32(h + 8, 48), w32(h + 12, -(0xe85250d6u + 48));
	w16(h + 16, 5), w16(h + 18, 0), w32(h + 20, 20);
	memset(h + 24, 0, 16);
	w16(h + 40, 0), w16(h + 42, 0), w32(h + 44, 8);
	p = params(&k);
	test_log_clear();
	CHECK(!guest_load(fresh_ram(), &p, &e));
	CHECK(test_log_find("requires multiboot2 header tag 5") != NULL);
}

static struct gmem *acpi_gm;

static const void *map_guest(uint64_t phys, uint64_t len)
{
	return gmem_ptr(acpi_gm, phys, len);
}

TEST(guest_acpi_tables_read_back_with_the_host_parser)
{
	static struct acpi_info info;
	struct guest_acpi_params p = { GUEST_ACPI_BASE, 4, { 0, 1, 2, 300 }, 0x600, 0x604, 5 };
	uint64_t rsdp;
	uint32_t used;

	acpi_gm = fresh_ram();
	CHECK(guest_acpi_build(acpi_gm, &p, &rsdp, &used));
	CHECK_EQ(rsdp, GUEST_ACPI_BASE);
	CHECK(used < GUEST_ACPI_END - GUEST_ACPI_BASE);
	memset(&info, 0, sizeof(info));
	test_log_clear();
	CHECK(acpi_parse(gm.base + rsdp, 36, map_guest, &info));
	CHECK_EQ(info.rsdp_rev, 2);
	CHECK(info.xsdt_used);
	CHECK_EQ(info.ncpus, 4);
	CHECK_EQ(info.apic_id[3], 300);
	CHECK_EQ(info.pm1a_cnt, 0x604);
	CHECK(info.s5_valid);
	CHECK_EQ(info.slp_typa, 5);
	CHECK(test_log_find("bad checksum") == NULL);
	/* an acpi_parse of a corrupted copy notices: the checks are real */
	gm.base[rsdp + 40] ^= 0xff; /* inside the FACS, harmless */
	uint8_t *madt = gm.base + info.tables[0].phys;
	for (unsigned i = 0; i < info.ntables; i++)
		if (!memcmp(info.tables[i].sig, "APIC", 4))
			madt = gm.base + info.tables[i].phys;
	madt[40] ^= 1;
	memset(&info, 0, sizeof(info));
	test_log_clear();
	acpi_parse(gm.base + rsdp, 36, map_guest, &info);
	CHECK_EQ(info.ncpus, 0);
	CHECK(test_log_find("bad checksum") != NULL);
}
