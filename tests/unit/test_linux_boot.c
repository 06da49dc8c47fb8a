/* tests/unit/test_linux_boot.c: guest/bzimage.c, guest/linux_boot.c and guest/pvh.c on tiny
 * bzImages and PVH ELF kernels built byte by byte: every zero-page field the loader writes read
 * back (the setup header copied, type_of_loader, cmd_line_ptr, the initrd, the e820 map, the
 * RSDP), the GDT and page tables, the 64-bit entry state; the hvm_start_info with its module
 * list and memory map; and each refusal by its message. */
#include "guest/bzimage.h"
#include "guest/layout.h"
#include "guest/linux_boot.h"
#include "guest/loader.h"
#include "tests/unit/guest_ram.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"

#define MIB (1u << 20)
#define RAM (16 * MIB)
#define SETUP_SECTS 2
#define KBYTES 0x1000u               /* the protected-mode part */
#define BZ_LEN ((SETUP_SECTS + 1) * 512 + KBYTES)
#define PREF 0x200000u
#define INIT_SIZE 0x180000u

static void w16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void w32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void w64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static uint8_t bz[BZ_LEN + 0x200];

/* A bzImage of protocol 2.15: the header through kernel_info_offset (0x268), relocatable, 64-bit
 * entry, a pattern in its real-mode and protected-mode bytes. */
static void bzimage(void)
{
	for (unsigned i = 0; i < sizeof(bz); i++)
		bz[i] = (uint8_t)(i * 7 + 3);
	bz[BZ_SETUP_SECTS] = SETUP_SECTS;
	w16(bz + 0x1f2, 1);                        /* root_flags */
	w32(bz + BZ_SYSSIZE, KBYTES / 16);
	w16(bz + 0x1fa, 0xffff);                   /* vid_mode */
	w16(bz + BZ_BOOT_FLAG, 0xaa55);
	bz[BZ_JUMP] = 0xeb, bz[BZ_JUMP + 1] = 0x6a; /* header up to 0x26c */
	memcpy(bz + BZ_HEADER, "HdrS", 4);
	w16(bz + BZ_VERSION, 0x020f);
	bz[BZ_TYPE_OF_LOADER] = 0;
	bz[BZ_LOADFLAGS] = BZ_LOADED_HIGH;
	w32(bz + BZ_RAMDISK_IMAGE, 0), w32(bz + BZ_RAMDISK_SIZE, 0), w32(bz + BZ_CMD_LINE_PTR, 0);
	w32(bz + BZ_INITRD_ADDR_MAX, 0x7fffffff);
	w32(bz + BZ_KERNEL_ALIGNMENT, 0x200000);
	bz[BZ_RELOCATABLE] = 1;
	w16(bz + BZ_XLOADFLAGS, 0x7f);
	w32(bz + BZ_CMDLINE_SIZE, 2047);
	w64(bz + BZ_PREF_ADDRESS, PREF);
	w32(bz + BZ_INIT_SIZE, INIT_SIZE);
}

static const char initrd[] = "initrd: a newc cpio archive";
static const uint8_t rsdp[36] = "RSD PTR ";
static struct guest_module mods[2] = {
	{ initrd, sizeof(initrd), "initrd" },
	{ "second", 6, "more" },
};

static struct guest_boot_params params(const void *k, uint64_t len, unsigned nmods)
{
	return (struct guest_boot_params){ k, len, "console=ttyS0 panic=-1", mods, nmods,
					   GUEST_ACPI_BASE, rsdp, sizeof(rsdp) };
}

static bool refused(uint64_t len, const char *msg)
{
	struct guest_boot_params p = params(bz, len, 1);

	return test_load_refused(&p, RAM, msg);
}

static const char *str(uint64_t gpa)
{
	const uint8_t *p = test_ram_at(gpa, 1);

	if (gpa < test_ram.size && memchr(p, 0, test_ram.size - gpa))
		return (const char *)p;
	return "<not a string in RAM>";
}

/* The e820 / PVH memory map: the VM's map (guest/layout.h) for 16 MiB. */
static void check_map(uint64_t at, unsigned stride, unsigned n)
{
	static const uint64_t want[5][3] = {
		{ 0, 0x9f000, 1 }, { 0x9f000, 0x61000, 2 }, { 0x100000, RAM - 0x100000, 1 },
		{ 0xfec00000, 0x1000, 2 }, { 0xfee00000, 0x1000, 2 },
	};

	CHECK_EQ(n, 5);
	for (unsigned i = 0; i < 5; i++) {
		CHECK_EQ(test_ram_u64(at + i * stride), want[i][0]);
		CHECK_EQ(test_ram_u64(at + i * stride + 8), want[i][1]);
		CHECK_EQ(test_ram_u32(at + i * stride + 16), want[i][2]);
	}
}

TEST(bzimage_parse_reads_the_header)
{
	struct bz_header h;

	bzimage();
	test_log_clear();
	MUST(bz_parse(bz, BZ_LEN, &h));
	CHECK_EQ(h.version, 0x020f);
	CHECK_EQ(h.setup_sects, SETUP_SECTS);
	CHECK_EQ(h.setup_len, (SETUP_SECTS + 1) * 512);
	CHECK_EQ(h.kernel_len, KBYTES);
	CHECK_EQ(h.header_end, 0x26c);
	CHECK_EQ(h.loadflags, BZ_LOADED_HIGH);
	CHECK_EQ(h.xloadflags, 0x7f);
	CHECK(h.relocatable);
	CHECK_EQ(h.kernel_alignment, 0x200000);
	CHECK_EQ(h.initrd_addr_max, 0x7fffffff);
	CHECK_EQ(h.cmdline_size, 2047);
	CHECK_EQ(h.pref_address, PREF);
	CHECK_EQ(h.init_size, INIT_SIZE);
	bz[BZ_SETUP_SECTS] = 0; /* 0 means 4 */
	w32(bz + BZ_SYSSIZE, 16);
	MUST(bz_parse(bz, 5 * 512 + 256, &h));
	CHECK_EQ(h.setup_sects, 4);
	CHECK_EQ(h.setup_len, 5 * 512);
}

TEST(bzimage_loads_zero_page_kernel_initrd_and_tables)
{
	struct guest_boot_params p;
	struct guest_entry e;

	bzimage();
	p = params(bz, sizeof(bz), 1); /* 0x200 bytes past syssize: a signature, not loaded */
	test_log_clear();
	MUST(guest_load(test_ram_fresh(RAM), &p, &e));
	/* the entry state: 64-bit, load address + 0x200, RSI the zero page */
	CHECK_EQ(e.proto, GUEST_LINUX);
	CHECK(e.long_mode);
	CHECK(e.code64);
	CHECK_EQ(e.rip, PREF + 0x200);
	CHECK_EQ(e.rsi, LINUX_ZERO_PAGE);
	CHECK_EQ(e.cr3, LINUX_PML4);
	CHECK_EQ(e.gdt_base, LINUX_GDT);
	CHECK_EQ(e.gdt_limit, 31);
	CHECK_EQ(e.kernel_end, PREF + INIT_SIZE);
	/* the protected-mode code at its preferred address, nothing after syssize */
	CHECK(!memcmp(test_ram_at(PREF, KBYTES), bz + (SETUP_SECTS + 1) * 512, KBYTES));
	CHECK_EQ(test_ram_u8(PREF + KBYTES), 0xcc);
	/* the zero page: the setup header as in the image but for what the loader fills in */
	uint64_t zp = LINUX_ZERO_PAGE;
	for (unsigned off = BZ_SETUP_SECTS; off < 0x26c; off++) {
		bool filled = off == BZ_TYPE_OF_LOADER || (off >= BZ_RAMDISK_IMAGE && off < 0x220) ||
			      (off >= BZ_CMD_LINE_PTR && off < 0x22c);
		if (!filled && test_ram_u8(zp + off) != bz[off]) {
			CHECK_EQ(off, 0); /* names the first byte that differs */
			break;
		}
	}
	CHECK_EQ(test_ram_u8(zp + BZ_SETUP_SECTS), SETUP_SECTS);
	CHECK_EQ(test_ram_u16(zp + BZ_VERSION), 0x020f);
	CHECK(!memcmp(test_ram_at(zp + BZ_HEADER, 4), "HdrS", 4));
	CHECK_EQ(test_ram_u64(zp + BZ_PREF_ADDRESS), PREF);
	CHECK_EQ(test_ram_u32(zp + BZ_INIT_SIZE), INIT_SIZE);
	CHECK_EQ(test_ram_u8(zp + 0x26c), 0); /* past the header: zero */
	CHECK_EQ(test_ram_u8(zp + 0x1f0), 0);
	CHECK_EQ(test_ram_u8(zp + 0x1ef), 0); /* the sentinel */
	CHECK_EQ(test_ram_u8(zp + BZ_TYPE_OF_LOADER), 0xff);
	CHECK_EQ(test_ram_u32(zp + BZ_CMD_LINE_PTR), LINUX_CMDLINE);
	CHECK_STR(str(LINUX_CMDLINE), "console=ttyS0 panic=-1");
	CHECK_EQ(test_ram_u32(zp + 0x0c8), 0); /* ext_cmd_line_ptr */
	uint32_t rd = test_ram_u32(zp + BZ_RAMDISK_IMAGE);
	CHECK_EQ(rd, (RAM - sizeof(initrd)) & ~0xfffu); /* at the top of RAM, page aligned */
	CHECK_EQ(test_ram_u32(zp + BZ_RAMDISK_SIZE), sizeof(initrd));
	CHECK(!memcmp(test_ram_at(rd, sizeof(initrd)), initrd, sizeof(initrd)));
	CHECK_EQ(test_ram_u64(zp + ZP_ACPI_RSDP_ADDR), GUEST_ACPI_BASE);
	check_map(zp + ZP_E820_TABLE, 20, test_ram_u8(zp + ZP_E820_ENTRIES));
	/* GDT: 0x10 64-bit code, 0x18 data */
	CHECK_EQ(test_ram_u64(LINUX_GDT), 0);
	CHECK_EQ(test_ram_u64(LINUX_GDT + 0x10), 0x00af9b000000ffffull);
	CHECK_EQ(test_ram_u64(LINUX_GDT + 0x18), 0x00cf93000000ffffull);
	/* page tables: 0-4 GiB identity-mapped, 2 MiB pages */
	CHECK_EQ(test_ram_u64(LINUX_PML4), (LINUX_PML4 + 0x1000) | 3);
	CHECK_EQ(test_ram_u64(LINUX_PML4 + 8), 0);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(test_ram_u64(LINUX_PML4 + 0x1000 + 8 * i), (LINUX_PML4 + 0x2000 + 0x1000 * i) | 3);
	CHECK_EQ(test_ram_u64(LINUX_PML4 + 0x1000 + 32), 0);
	CHECK_EQ(test_ram_u64(LINUX_PML4 + 0x2000), 0x83);
	CHECK_EQ(test_ram_u64(LINUX_PML4 + 0x2000 + 8 * 9), 9 * 0x200000ull | 0x83);
	CHECK_EQ(test_ram_u64(LINUX_PML4 + 0x2000 + 8 * 2047), 0xffe00000ull | 0x83);
}

TEST(bzimage_relocates_when_its_preferred_address_does_not_fit)
{
	struct guest_boot_params p;
	struct guest_entry e;

	bzimage();
	w64(bz + BZ_PREF_ADDRESS, 0x1000000); /* 16 MiB: RAM ends there */
	p = params(bz, BZ_LEN, 0);
	test_log_clear();
	MUST(guest_load(test_ram_fresh(RAM), &p, &e));
	CHECK_EQ(e.rip, 0x200000 + 0x200); /* the lowest 2 MiB-aligned address from 1 MiB */
	CHECK_EQ(test_ram_u32(LINUX_ZERO_PAGE + BZ_RAMDISK_IMAGE), 0);
	CHECK_EQ(test_ram_u32(LINUX_ZERO_PAGE + BZ_RAMDISK_SIZE), 0);
	bz[BZ_RELOCATABLE] = 0;
	CHECK(refused(BZ_LEN, "guest: the bzImage is not relocatable and its address 0x1000000 + "
			      "init_size 0x180000 does not fit"));
}

TEST(bzimage_refusals_are_named)
{
	bzimage();
	w16(bz + BZ_VERSION, 0x020b);
	CHECK(refused(BZ_LEN, "guest: Linux boot protocol 2.11 is older than 2.12"));
	bzimage();
	CHECK(refused(BZ_LEN - 1, "guest: truncated bzImage: 2 setup sectors and 0x1000 bytes of "
				  "kernel need 0x1600 bytes, the file has 0x15ff"));
	CHECK(refused(0x300, "guest: truncated bzImage"));
	bzimage();
	w16(bz + BZ_XLOADFLAGS, 0x7e);
	CHECK(refused(BZ_LEN, "guest: the bzImage has no 64-bit entry point"));
	bzimage();
	bz[BZ_LOADFLAGS] = 0;
	CHECK(refused(BZ_LEN, "guest: the bzImage is not loaded high"));
	bzimage();
	bz[BZ_JUMP + 1] = 0x20;
	CHECK(refused(BZ_LEN, "guest: bzImage setup header ends at 0x222"));
	bzimage();
	w32(bz + BZ_CMDLINE_SIZE, 10);
	CHECK(refused(BZ_LEN, "guest: the kernel command line is 22 bytes; this kernel takes at "
			      "most 10"));
	bzimage();
	w32(bz + BZ_INITRD_ADDR_MAX, PREF + INIT_SIZE + 8); /* below the kernel's end + the initrd */
	CHECK(refused(BZ_LEN, "guest: the initrd (0x1c bytes) does not fit"));
	bzimage();
	struct guest_boot_params p = params(bz, BZ_LEN, 1);
	CHECK(test_load_refused(&p, 3 * MIB, "guest: the bzImage needs 0x180000 bytes (init_size) from "
				     "0x200000; the guest has 0x300000 bytes"));
}

/* ---- PVH ---- */

#define PVH_KMAX 0x3000
#define PVH_PADDR 0x100000u
#define PVH_ENTRY 0x100040u

static uint8_t pvh[PVH_KMAX];

/* An ELF64 with one PT_LOAD (0x200 bytes at 1 MiB, bss to 0x1000) and one PT_NOTE holding a
 * "Linux" note and then Xen's PHYS32_ENTRY note with an 8-byte descriptor. */
static uint32_t pvh_kernel(uint32_t note_type)
{
	uint8_t *b = pvh, *n = pvh + 0x800;

	memset(pvh, 0, sizeof(pvh));
	memcpy(b, "\177ELF", 4);
	b[4] = 2, b[5] = 1, b[6] = 1;
	w16(b + 16, 2), w16(b + 18, 62), w32(b + 20, 1);
	w64(b + 24, 0xffffffff81000000ull), w64(b + 32, 0x40), w16(b + 54, 56), w16(b + 56, 2);
	uint8_t *ph = b + 0x40;
	w32(ph, 1), w64(ph + 8, 0x1000), w64(ph + 16, 0xffffffff81000000ull);
	w64(ph + 24, PVH_PADDR), w64(ph + 32, 0x200), w64(ph + 40, 0x1000);
	ph += 56;
	w32(ph, 4), w64(ph + 8, 0x800), w64(ph + 32, 0x30);
	w32(n, 6), w32(n + 4, 4), w32(n + 8, 1), memcpy(n + 12, "Linux", 6); /* desc at 0x14 */
	w32(n + 24, 4), w32(n + 28, 8), w32(n + 32, note_type), memcpy(n + 36, "Xen", 4);
	w64(n + 40, PVH_ENTRY);
	for (unsigned i = 0; i < 0x200; i++)
		b[0x1000 + i] = (uint8_t)(i * 5 + 1);
	return 0x1200;
}

TEST(pvh_loads_segments_and_start_info)
{
	struct guest_boot_params p = params(pvh, pvh_kernel(XEN_ELFNOTE_PHYS32_ENTRY), 2);
	struct guest_entry e;

	test_log_clear();
	MUST(guest_load(test_ram_fresh(RAM), &p, &e));
	CHECK_EQ(e.proto, GUEST_PVH);
	CHECK(!e.long_mode);
	CHECK(e.code64); /* an ELF64 entered in 32-bit mode: GDB's amd64 layout from the start */
	CHECK_EQ(e.eip, PVH_ENTRY);
	CHECK_EQ(e.ebx, LINUX_ZERO_PAGE);
	CHECK(!memcmp(test_ram_at(PVH_PADDR, 0x200), pvh + 0x1000, 0x200));
	CHECK_EQ(test_ram_u8(PVH_PADDR + 0x200), 0); /* bss */
	CHECK_EQ(test_ram_u8(PVH_PADDR + 0xfff), 0);
	uint64_t si = e.ebx;
	CHECK_EQ(test_ram_u32(si), PVH_START_MAGIC);
	CHECK_EQ(test_ram_u32(si + 4), 1);
	CHECK_EQ(test_ram_u32(si + 8), 0);
	CHECK_EQ(test_ram_u32(si + 12), 2);
	CHECK_EQ(test_ram_u64(si + 16), PVH_MODLIST);
	CHECK_STR(str(test_ram_u64(si + 24)), "console=ttyS0 panic=-1");
	CHECK_EQ(test_ram_u64(si + 32), GUEST_ACPI_BASE);
	CHECK_EQ(test_ram_u64(si + 40), PVH_MEMMAP);
	check_map(PVH_MEMMAP, 24, test_ram_u32(si + 48));
	/* the modules after the kernel, page aligned, the initrd first */
	uint64_t m0 = test_ram_u64(PVH_MODLIST), m1 = test_ram_u64(PVH_MODLIST + 32);
	CHECK_EQ(m0, PVH_PADDR + 0x1000);
	CHECK_EQ(test_ram_u64(PVH_MODLIST + 8), sizeof(initrd));
	CHECK(!memcmp(test_ram_at(m0, sizeof(initrd)), initrd, sizeof(initrd)));
	CHECK_STR(str(test_ram_u64(PVH_MODLIST + 16)), "initrd");
	CHECK_EQ(test_ram_u64(PVH_MODLIST + 24), 0);
	CHECK_EQ(m1, m0 + 0x1000);
	CHECK_EQ(test_ram_u64(PVH_MODLIST + 40), 6);
	CHECK(!memcmp(test_ram_at(m1, 6), "second", 6));
	CHECK_STR(str(test_ram_u64(PVH_MODLIST + 48)), "more");
}

TEST(pvh_needs_the_phys32_entry_note)
{
	struct guest_boot_params p = params(pvh, pvh_kernel(17), 1); /* another Xen note only */

	CHECK(test_load_refused(&p, RAM, "guest: not a kernel this loader knows"));
	p = params(pvh, pvh_kernel(XEN_ELFNOTE_PHYS32_ENTRY), 1);
	w32(pvh + 0x800 + 28, 2); /* a 2-byte descriptor */
	CHECK(test_load_refused(&p, RAM, "guest: the ELF's PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) has 2 "
				 "bytes, fewer than 4"));
	p = params(pvh, pvh_kernel(XEN_ELFNOTE_PHYS32_ENTRY), 1);
	w64(pvh + 0x40 + 56 + 32, 0x1000); /* the note segment runs past the file */
	p.kernel_len = 0x1200;
	CHECK(test_load_refused(&p, RAM, "guest: not a kernel this loader knows"));
}
