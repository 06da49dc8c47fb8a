/* guest/linux_boot.c: a Linux bzImage in guest RAM by the 64-bit boot protocol (boot.rst,
 * "64-bit Boot Protocol" and "Loading The Rest of The Kernel"; the zero page's layout in
 * zero-page.rst). Pure; BSP while the VM is built. */
#include "guest/bzimage.h"
#include "guest/layout.h"
#include "guest/linux_boot.h"
#include "lib/log.h"
#include "lib/string.h"

#define PAGE 4096ull
#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define PTE_P_RW 0x3ull
#define PDE_2M 0x80ull
#define LOADER_UNDEFINED 0xff /* type_of_loader: "no assigned ID" (boot.rst) */


/* Where the protected-mode code goes: its preferred address when RAM holds init_size bytes
 * there; a relocatable kernel may move down to the lowest aligned address from 1 MiB on. */
static bool choose_load(const struct gmem *gm, const struct bz_header *h, uint64_t *load)
{
	uint64_t pref = h->pref_address, align = h->kernel_alignment;
	uint64_t low = (GUEST_HIGH_RAM_START + align - 1) & ~(align - 1);

	if (pref >= GUEST_HIGH_RAM_START && pref <= gm->size && h->init_size <= gm->size - pref) {
		*load = pref;
		return true;
	}
	if (!h->relocatable) {
		log_error("guest: the bzImage is not relocatable and its address 0x%lx + init_size "
			  "0x%x does not fit in the guest's 0x%lx bytes of RAM above 1 MiB (raise "
			  "vm.mem=)", pref, h->init_size, gm->size);
		return false;
	}
	if (low > gm->size || h->init_size > gm->size - low) {
		log_error("guest: the bzImage needs 0x%x bytes (init_size) from 0x%lx; the guest has "
			  "0x%lx bytes of RAM (raise vm.mem=)", h->init_size, low, gm->size);
		return false;
	}
	*load = low;
	return true;
}

/* The initrd at the top of RAM, page aligned, below initrd_addr_max and above the kernel's
 * init_size area. */
static bool place_initrd(struct gmem *gm, const struct guest_boot_params *p, uint64_t kernel_top,
			 const struct bz_header *h, uint64_t *gpa)
{
	const struct guest_module *m = &p->mods[0];
	uint64_t top = gm->size;

	if ((uint64_t)h->initrd_addr_max + 1 < top)
		top = (uint64_t)h->initrd_addr_max + 1;
	if (m->len > top || ((top - m->len) & ~(PAGE - 1)) < kernel_top) {
		log_error("guest: the initrd (0x%lx bytes) does not fit between the kernel's end "
			  "0x%lx and 0x%lx (the end of RAM or initrd_addr_max; raise vm.mem=)",
			  m->len, kernel_top, top);
		return false;
	}
	*gpa = (top - m->len) & ~(PAGE - 1);
	gmem_write(gm, *gpa, m->data, m->len);
	return true;
}

/* The VM's memory map as e820 entries (guest/layout.h): the zero page has room for 128. */
static void write_e820(uint8_t *zp, uint64_t ram_size)
{
	zp[ZP_E820_ENTRIES] = (uint8_t)guest_memmap_put(ram_size, zp + ZP_E820_TABLE, 20);
}

/* GDT entries 2 and 3, as the protocol names them: __BOOT_CS a flat 64-bit code segment,
 * __BOOT_DS flat data; accessed, as the VMCS segment state says. */
static void write_gdt(struct gmem *gm)
{
	static const uint64_t gdt[4] = { 0, 0, 0x00af9b000000ffffull, 0x00cf93000000ffffull };

	gmem_write(gm, LINUX_GDT, gdt, sizeof(gdt));
}

/* 0-4 GiB identity-mapped with 2 MiB pages: the PML4, one PDPT, four page directories. */
static void write_page_tables(struct gmem *gm)
{
	uint8_t *pml4 = gmem_ptr(gm, LINUX_PML4, LINUX_PT_END - LINUX_PML4);
	uint8_t *pdpt = pml4 + PAGE, *pd = pml4 + 2 * PAGE;

	memset(pml4, 0, LINUX_PT_END - LINUX_PML4);
	guest_put64(pml4, (LINUX_PML4 + PAGE) | PTE_P_RW);
	for (unsigned i = 0; i < 4; i++) {
		guest_put64(pdpt + 8 * i, (LINUX_PML4 + (2 + i) * PAGE) | PTE_P_RW);
		for (unsigned j = 0; j < 512; j++)
			guest_put64(pd + (i * 512 + j) * 8, (i * GIB + j * 2 * MIB) | PDE_2M | PTE_P_RW);
	}
}

static bool write_cmdline(struct gmem *gm, const struct guest_boot_params *p,
			  const struct bz_header *h)
{
	uint64_t n = strlen(p->cmdline);

	if (n > h->cmdline_size || n + 1 > LINUX_CMDLINE_MAX) {
		log_error("guest: the kernel command line is %lu bytes; this kernel takes at most %u",
			  n, h->cmdline_size < LINUX_CMDLINE_MAX - 1 ? h->cmdline_size
								     : LINUX_CMDLINE_MAX - 1);
		return false;
	}
	gmem_write(gm, LINUX_CMDLINE, p->cmdline, n + 1);
	return true;
}

/* The zero page: the setup header as the image has it, then what boot.rst says a boot loader
 * fills in (type_of_loader, cmd_line_ptr, ramdisk_image/size), the e820 map and the RSDP. */
static void write_zero_page(struct gmem *gm, const uint8_t *k, const struct bz_header *h,
			    uint64_t initrd, uint64_t initrd_len, uint64_t rsdp)
{
	uint8_t *zp = gmem_ptr(gm, LINUX_ZERO_PAGE, ZP_SIZE);

	memset(zp, 0, ZP_SIZE);
	memcpy(zp + BZ_SETUP_SECTS, k + BZ_SETUP_SECTS, h->header_end - BZ_SETUP_SECTS);
	zp[BZ_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	guest_put32(zp + BZ_CMD_LINE_PTR, (uint32_t)LINUX_CMDLINE);
	guest_put32(zp + BZ_RAMDISK_IMAGE, (uint32_t)initrd);
	guest_put32(zp + BZ_RAMDISK_SIZE, (uint32_t)initrd_len);
	guest_put64(zp + ZP_ACPI_RSDP_ADDR, rsdp);
	write_e820(zp, gm->size);
}

bool linux_load_bzimage(struct gmem *gm, const struct guest_boot_params *p,
			struct guest_entry *out)
{
	const uint8_t *k = p->kernel;
	struct bz_header h;
	uint64_t load, initrd = 0, initrd_len = 0;

	if (!bz_parse(k, p->kernel_len, &h) || !write_cmdline(gm, p, &h) ||
	    !choose_load(gm, &h, &load))
		return false;
	if (h.kernel_len > h.init_size) {
		log_error("guest: the bzImage's 0x%lx bytes of kernel exceed its init_size 0x%x",
			  h.kernel_len, h.init_size);
		return false;
	}
	/* syssize covers the protected-mode code; a signature appended after it is not loaded. */
	gmem_write(gm, load, k + h.setup_len, h.kernel_len);
	if (p->nmods) {
		if (!place_initrd(gm, p, load + h.init_size, &h, &initrd))
			return false;
		initrd_len = p->mods[0].len;
	}
	if (p->nmods > 1)
		log_warn("guest: a bzImage takes one initrd; modules 2-%u are not loaded", p->nmods);
	write_zero_page(gm, k, &h, initrd, initrd_len, p->rsdp_gpa);
	write_gdt(gm);
	write_page_tables(gm);
	out->proto = GUEST_LINUX;
	out->long_mode = true;
	out->code64 = true;
	out->rip = load + BZ_ENTRY64_OFFSET;
	out->rsi = LINUX_ZERO_PAGE;
	out->cr3 = LINUX_PML4;
	out->gdt_base = LINUX_GDT, out->gdt_limit = 4 * 8 - 1;
	out->kernel_end = load + h.init_size;
	out->info_gpa = LINUX_ZERO_PAGE, out->info_len = ZP_SIZE;
	log_info("guest: Linux bzImage, boot protocol %u.%02u, at 0x%lx (init_size 0x%x), initrd "
		 "0x%lx bytes at 0x%lx", h.version >> 8, h.version & 0xff, load, h.init_size,
		 initrd_len, initrd);
	return true;
}
