/* guest/loader.c: finding the multiboot header, placing the kernel's segments, then the modules
 * and the boot information after the kernel (see guest/loader.h). */
#include "guest/elf.h"
#include "guest/layout.h"
#include "guest/loader.h"
#include "lib/log.h"
#include "lib/unaligned.h"

#define MB1_HEADER_MAGIC 0x1badb002u
#define MB2_HEADER_MAGIC 0xe85250d6u
#define MB1_SEARCH 8192
#define MB2_SEARCH 32768

/* Multiboot2 header tags this loader can honour; a required tag it cannot is a refusal
 * (Multiboot2 spec 3.1.3-3.1.12). */
static bool mb2_header_ok(const uint8_t *h, uint32_t hlen, uint32_t *entry_override)
{
	for (uint32_t off = 16; off + 8 <= hlen;) {
		uint16_t type, flags;
		uint32_t size;
		memcpy(&type, h + off, 2);
		memcpy(&flags, h + off + 2, 2);
		size = get_u32(h + off + 4);
		if (type == 0)
			return true;
		if (size < 8 || size > hlen - off) {
			log_error("guest: multiboot2 header tag %u has a bad size %u", type, size);
			return false;
		}
		bool optional = flags & 1;
		if (type == 1 && !optional) {
			for (uint32_t i = 8; i + 4 <= size; i += 4) {
				uint32_t want = get_u32(h + off + i);
				if (want > 6 && want != 14 && want != 15 && want != 5) {
					log_error("guest: the kernel requires multiboot2 information tag "
						  "%u, which this hypervisor does not provide", want);
					return false;
				}
			}
		} else if (type == 3 && size >= 12) {
			*entry_override = get_u32(h + off + 8);
		} else if ((type == 5 || type == 7 || type == 8 || type == 9) && !optional) {
			log_error("guest: the kernel requires multiboot2 header tag %u (framebuffer or "
				  "EFI), which this hypervisor does not provide", type);
			return false;
		} else if (type > 10 && !optional) {
			log_error("guest: unknown required multiboot2 header tag %u", type);
			return false;
		}
		off += (size + 7) & ~7u;
	}
	return true;
}

static int find_mb2(const uint8_t *k, uint64_t len, uint32_t *entry_override)
{
	for (uint64_t off = 0; off + 16 <= len && off < MB2_SEARCH; off += 8) {
		if (get_u32(k + off) != MB2_HEADER_MAGIC)
			continue;
		uint32_t arch = get_u32(k + off + 4), hlen = get_u32(k + off + 8);
		if (get_u32(k + off) + arch + hlen + get_u32(k + off + 12)) {
			log_error("guest: multiboot2 header at 0x%lx has a bad checksum", off);
			return -1;
		}
		if (arch != 0 || hlen < 16 || hlen > len - off) {
			log_error("guest: multiboot2 header at 0x%lx: architecture %u or length %u not "
				  "usable", off, arch, hlen);
			return -1;
		}
		return mb2_header_ok(k + off, hlen, entry_override) ? 1 : -1;
	}
	return 0;
}

static int find_mb1(const uint8_t *k, uint64_t len)
{
	for (uint64_t off = 0; off + 12 <= len && off < MB1_SEARCH; off += 4) {
		if (get_u32(k + off) != MB1_HEADER_MAGIC)
			continue;
		uint32_t flags = get_u32(k + off + 4);
		if (MB1_HEADER_MAGIC + flags + get_u32(k + off + 8)) {
			log_error("guest: multiboot header at 0x%lx has a bad checksum", off);
			return -1;
		}
		if (flags & 0xfff8) {
			log_error("guest: the kernel requires multiboot features 0x%x this hypervisor "
				  "does not provide", flags & 0xfff8);
			return -1;
		}
		if (flags & (1u << 16)) {
			log_error("guest: a.out kludge (multiboot flag 16) kernels are not supported; "
				  "give an ELF kernel");
			return -1;
		}
		return 1;
	}
	return 0;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Each segment inside RAM, clear of the VM's ACPI tables, apart from every other segment. The
 * rest of the BIOS area below 1 MiB is RAM in this VM, so kernels linked at 1 MiB whose first
 * segment starts with their ELF headers a page lower still load. */
static bool place_segments(struct gmem *gm, const uint8_t *k, const struct elf_image *e,
			   uint64_t *end)
{
	*end = 0;
	for (unsigned i = 0; i < e->nseg; i++) {
		const struct elf_segment *s = &e->seg[i];
		if (!gmem_ptr(gm, s->paddr, s->memsz)) {
			log_error("guest: segment %u at 0x%lx-0x%lx lies outside the guest's 0x%lx bytes "
				  "of RAM", i, s->paddr, s->paddr + s->memsz - 1, gm->size);
			return false;
		}
		if (overlaps(s->paddr, s->memsz, GUEST_ACPI_BASE, GUEST_ACPI_END - GUEST_ACPI_BASE)) {
			log_error("guest: segment %u at 0x%lx-0x%lx overlaps the VM's ACPI tables at "
				  "0x%lx-0x%lx", i, s->paddr, s->paddr + s->memsz - 1, GUEST_ACPI_BASE,
				  GUEST_ACPI_END - 1);
			return false;
		}
		for (unsigned j = 0; j < i; j++) {
			if (overlaps(s->paddr, s->memsz, e->seg[j].paddr, e->seg[j].memsz)) {
				log_error("guest: segments %u and %u overlap at 0x%lx", j, i, s->paddr);
				return false;
			}
		}
		gmem_write(gm, s->paddr, k + s->offset, s->filesz);
		gmem_zero(gm, s->paddr + s->filesz, s->memsz - s->filesz);
		if (s->paddr + s->memsz > *end)
			*end = s->paddr + s->memsz;
	}
	return true;
}

bool guest_load(struct gmem *gm, const struct guest_boot_params *p, struct guest_entry *out)
{
	const uint8_t *k = p->kernel;
	struct elf_image e;
	uint32_t entry_override = 0;
	int mb2 = find_mb2(k, p->kernel_len, &entry_override), mb1 = 0;

	if (mb2 < 0)
		return false;
	if (!mb2 && (mb1 = find_mb1(k, p->kernel_len)) <= 0) {
		if (!mb1)
			log_error("guest: no multiboot or multiboot2 header in the first 32 KiB: not a "
				  "multiboot kernel");
		return false;
	}
	if (!elf_parse(k, p->kernel_len, &e) || !place_segments(gm, k, &e, &out->kernel_end))
		return false;
	uint64_t entry = entry_override ? entry_override : e.entry;
	if (entry >> 32) {
		log_error("guest: entry point 0x%lx is above 4 GiB; multiboot enters in 32-bit mode",
			  entry);
		return false;
	}
	uint64_t cursor = (out->kernel_end + 4095) & ~4095ull, info;
	bool ok = mb2 ? mb2_build_info(gm, p, &cursor, &info) : mb1_build_info(gm, p, &cursor, &info);
	if (!ok)
		return false;
	out->proto = mb2 ? GUEST_MULTIBOOT2 : GUEST_MULTIBOOT1;
	out->eip = (uint32_t)entry;
	out->eax = mb2 ? MB2_BOOTLOADER_MAGIC : MB1_BOOTLOADER_MAGIC;
	out->ebx = (uint32_t)info;
	out->info_gpa = info;
	out->info_len = cursor - info;
	return true;
}
