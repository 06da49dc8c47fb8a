/* vmx/ept.c: building the VM's EPT and reporting EPT exits. Entry format: SDM Vol. 3C, 29.3.2
 * "EPT Translation Mechanism", tables "Format of an EPT PML4 Entry" ... "Format of an EPT
 * Page-Directory Entry that Maps a 2-MByte Page". */
#include "lib/log.h"
#include "mm/mm.h"
#include "vmx/ept.h"
#include "vmx/exit.h"
#include "vmx/vm.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

#define EPT_RWX 7ull
#define EPT_MT_WB (6ull << 3)
#define EPT_LARGE (1ull << 7)
#define EPT_ADDR_MASK 0x000ffffffffff000ull
#define EPTP_WALK_4 (3ull << 3)
#define PAGE_2M (2ull << 20)

extern uint8_t __image_start[], __image_end[];

static uint64_t *table_at(uint64_t *entry)
{
	if (!(*entry & EPT_RWX)) {
		void *t = mm_alloc(4096);
		if (!t)
			return 0;
		*entry = (uint64_t)t | EPT_RWX;
	}
	return (uint64_t *)(*entry & EPT_ADDR_MASK);
}

/* Map [gpa, gpa + size) to host memory at hpa, 2 MiB at a time. */
static bool map_2m(uint64_t root, uint64_t gpa, uint64_t hpa, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += PAGE_2M) {
		uint64_t g = gpa + off;
		uint64_t *pdpt = table_at(&((uint64_t *)root)[(g >> 39) & 511]);
		uint64_t *pd = pdpt ? table_at(&pdpt[(g >> 30) & 511]) : 0;
		if (!pd)
			return false;
		pd[(g >> 21) & 511] = (hpa + off) | EPT_LARGE | EPT_MT_WB | EPT_RWX;
	}
	return true;
}

bool ept_build_vm(struct vm *vm)
{
	const struct vmx_controls *ctl = vmx_host_controls();
	uint64_t img_lo = (uint64_t)__image_start, img_hi = (uint64_t)__image_end;

	/* The design's promise: no hypervisor memory in a guest. The RAM comes from the page
	 * allocator, which never hands out the image; check anyway, it costs nothing. */
	if (vm->ram_hpa < img_hi && img_lo < vm->ram_hpa + vm->ram_size) {
		log_error("%s: guest RAM would overlap the hypervisor image; refused", vm->name);
		return false;
	}
	if (!ctl->has_ept_2m || (vm->ram_hpa | vm->ram_size) & (PAGE_2M - 1)) {
		log_error("%s: guest RAM needs 2 MiB EPT pages and 2 MiB alignment", vm->name);
		return false;
	}
	vm->ept_root = (uint64_t)mm_alloc(4096);
	if (!vm->ept_root || !map_2m(vm->ept_root, 0, vm->ram_hpa, vm->ram_size)) {
		log_error("%s: out of memory for the EPT", vm->name);
		return false;
	}
	vm->eptp = vm->ept_root | EPTP_WALK_4 | 6; /* write-back paging structures */
	/* Translations cached for this EPTP by an earlier VM must go (SDM Vol. 3C, 29.4.3.1). */
	vmx_invept(INVEPT_SINGLE_CONTEXT, vm->eptp);
	return true;
}

/* The guest touched a guest-physical address with no mapping: outside its RAM (MMIO this VM does
 * not have, or a probe for someone else's memory). Stop and say exactly where. */
void exit_ept_violation(struct vcpu *v)
{
	uint64_t q = vmcs_read_natural(VMCS_EXIT_QUALIFICATION);
	uint64_t gpa = vmcs_read64(VMCS_GUEST_PHYS_ADDR);
	const char *access = (q & 2) ? "write" : (q & 4) ? "instruction fetch" : "read";

	vm_stop(v->vm, "EPT violation: vCPU %u %s at guest-physical 0x%lx (guest RAM ends at "
		       "0x%lx) from RIP 0x%lx", v->id, access, gpa, v->vm->ram_size,
		vmcs_read_natural(VMCS_GUEST_RIP));
}

void exit_ept_misconfig(struct vcpu *v)
{
	vm_stop(v->vm, "EPT misconfiguration at guest-physical 0x%lx on vCPU %u (a hypervisor bug)",
		vmcs_read64(VMCS_GUEST_PHYS_ADDR), v->id);
}
