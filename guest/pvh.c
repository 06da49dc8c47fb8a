/* guest/pvh.c: the boot information of a PVH kernel (Xen's public arch-x86/hvm/start_info.h,
 * struct hvm_start_info version 1, as KVM and QEMU give it too): the start info, the module list
 * with the initrd first, the memory map in e820 types, the command lines and the RSDP. Linux
 * takes its initrd from the first module (arch/x86/platform/pvh/enlighten.c). Pure; BSP while the
 * VM is built. */
#include "guest/layout.h"
#include "guest/linux_boot.h"
#include "lib/log.h"
#include "lib/string.h"

#define PAGE 4096ull
#define MODLIST_ENTRY 32
#define MEMMAP_ENTRY 24
#define MODULES_MAX ((PVH_MEMMAP - PVH_MODLIST) / MODLIST_ENTRY)


/* Each module's command line in [PVH_MODULE_CMDLINES, LINUX_CMDLINE), the kernel's at
 * LINUX_CMDLINE; 0 when they do not fit. */
static uint64_t put_cmdline(struct gmem *gm, uint64_t *at, uint64_t end, const char *s)
{
	uint64_t n = strlen(s ? s : "") + 1, gpa = *at;

	if (n > end - gpa)
		return 0;
	gmem_write(gm, gpa, s ? s : "", n);
	*at += n;
	return gpa;
}

static bool write_modlist(struct gmem *gm, const struct guest_boot_params *p,
			  const uint32_t *mod_gpa)
{
	uint64_t at = PVH_MODULE_CMDLINES;

	if (p->nmods > MODULES_MAX) {
		log_error("guest: %u modules for a PVH kernel; at most %llu", p->nmods, MODULES_MAX);
		return false;
	}
	for (unsigned i = 0; i < p->nmods; i++) {
		uint8_t *e = gmem_ptr(gm, PVH_MODLIST + i * MODLIST_ENTRY, MODLIST_ENTRY);
		uint64_t cmd = put_cmdline(gm, &at, LINUX_CMDLINE, p->mods[i].cmdline);
		if (!cmd) {
			log_error("guest: the PVH modules' command lines exceed %llu bytes",
				  LINUX_CMDLINE - PVH_MODULE_CMDLINES);
			return false;
		}
		guest_put64(e, mod_gpa[i]), guest_put64(e + 8, p->mods[i].len);
		guest_put64(e + 16, cmd), guest_put64(e + 24, 0);
	}
	return true;
}

static unsigned write_memmap(struct gmem *gm)
{
	uint8_t *table = gmem_ptr(gm, PVH_MEMMAP, GUEST_MEMMAP_MAX * MEMMAP_ENTRY);

	if (!table)
		return 0;
	memset(table, 0, GUEST_MEMMAP_MAX * MEMMAP_ENTRY); /* each entry's reserved word */
	return guest_memmap_put(gm->size, table, MEMMAP_ENTRY);
}

bool linux_pvh_info(struct gmem *gm, const struct guest_boot_params *p, struct guest_entry *out)
{
	uint32_t mod_gpa[GUEST_MAX_MODULES];
	uint64_t start = (out->kernel_end + PAGE - 1) & ~(PAGE - 1), at = LINUX_CMDLINE;
	struct guest_cursor c = { gm, start > GUEST_HIGH_RAM_START ? start : GUEST_HIGH_RAM_START,
				  true };

	if (!guest_place_modules(&c, p, mod_gpa))
		return false;
	gmem_zero(gm, LINUX_ZERO_PAGE, LINUX_CMDLINE + LINUX_CMDLINE_MAX - LINUX_ZERO_PAGE);
	if (!put_cmdline(gm, &at, LINUX_CMDLINE + LINUX_CMDLINE_MAX, p->cmdline)) {
		log_error("guest: the kernel command line is longer than %u bytes",
			  LINUX_CMDLINE_MAX - 1);
		return false;
	}
	if (!write_modlist(gm, p, mod_gpa))
		return false;
	uint8_t *si = gmem_ptr(gm, LINUX_ZERO_PAGE, PVH_START_SIZE);
	guest_put32(si, PVH_START_MAGIC), guest_put32(si + 4, PVH_START_VERSION), guest_put32(si + 8, 0);
	guest_put32(si + 12, p->nmods), guest_put64(si + 16, p->nmods ? PVH_MODLIST : 0);
	guest_put64(si + 24, LINUX_CMDLINE), guest_put64(si + 32, p->rsdp_gpa);
	guest_put64(si + 40, PVH_MEMMAP), guest_put32(si + 48, write_memmap(gm)), guest_put32(si + 52, 0);
	out->proto = GUEST_PVH;
	out->eax = 0;
	out->ebx = (uint32_t)LINUX_ZERO_PAGE;
	out->info_gpa = LINUX_ZERO_PAGE, out->info_len = PVH_START_SIZE;
	return true;
}
