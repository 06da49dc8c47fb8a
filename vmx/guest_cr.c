/* vmx/guest_cr.c: guest control-register writes that exited (see vmx/guest_cr.h). The checks are
 * those of MOV to CR0/CR3/CR4 (SDM Vol. 2B, "MOV—Move to/from Control Registers", Protected Mode
 * Exceptions), the mode switch those of SDM Vol. 3A, 10.8.5 "Initializing IA-32e Mode". Each
 * write decides everything first and changes the VMCS only when it will not #GP. */
#include "arch/cpu.h"
#include "lib/log.h"
#include "vmx/gmem.h"
#include "vmx/guest_cr.h"
#include "vmx/guest_walk.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

/* The bits whose change, in PAE paging, makes MOV to CR0/CR4 load the PDPTEs (SDM Vol. 3A,
 * 4.4.1 "PDPTE Registers"); MOV to CR3 always does. */
#define CR0_PDPTE_BITS (CR0_PG | CR0_CD | CR0_NW)
#define CR4_PDPTE_BITS (CR4_PAE | CR4_PGE | CR4_PSE | CR4_SMEP | CR4_SMAP)
#define CS_AR_L (1u << 13) /* 64-bit code segment */

struct guest_paging {
	uint64_t cr0, cr3, cr4, efer;
};

uint64_t guest_cr0_current(const struct vcpu *v)
{
	return (vmcs_read_natural(VMCS_GUEST_CR0) & ~v->cr0_mask) |
	       (vmcs_read_natural(VMCS_CR0_READ_SHADOW) & v->cr0_mask);
}

uint64_t guest_cr4_current(const struct vcpu *v)
{
	return (vmcs_read_natural(VMCS_GUEST_CR4) & ~v->cr4_mask) |
	       (vmcs_read_natural(VMCS_CR4_READ_SHADOW) & v->cr4_mask);
}

uint64_t guest_cr0_for_cpu(uint64_t value)
{
	const struct vmx_caps *c = vmx_host_caps();

	return vmx_fixed_cr0_guest(value, c->cr0_fixed0, c->cr0_fixed1, true);
}

static struct guest_paging paging_now(const struct vcpu *v)
{
	return (struct guest_paging){ guest_cr0_current(v), vmcs_read_natural(VMCS_GUEST_CR3),
				      guest_cr4_current(v), vmcs_read64(VMCS_GUEST_EFER) };
}

/* PAE paging: CR0.PG=1, CR4.PAE=1, EFER.LMA=0 (SDM Vol. 3A, 4.1.1, Table 4-1). */
static bool pae_paging(const struct guest_paging *p)
{
	return (p->cr0 & CR0_PG) && (p->cr4 & CR4_PAE) && !(p->efer & EFER_LMA);
}

/* With EPT, VM entry loads the PDPTEs from the VMCS guest PDPTE fields in PAE paging (SDM Vol.
 * 3C, 28.3.2.4 "Loading Page-Directory-Pointer-Table Entries"), not from memory: a write that
 * exited must do what the instruction would have done, read the four at CR3[31:5]. All four
 * are checked before any is written, so a #GP leaves them as they were. */
static bool load_pdptes(struct vcpu *v, uint64_t cr3)
{
	const struct vm *vm = v->vm;
	const struct gmem ram = vm_ram(vm);
	uint64_t gpa = cr3 & 0xffffffe0ull, e[4];
	const void *table = gmem_ptr(&ram, gpa, sizeof(e));
	unsigned maxphyaddr = cpuid_maxphyaddr();

	if (!table) {
		vm_stop(v->vm, "vCPU %u: its PAE page-directory-pointer table at 0x%lx is outside "
			       "guest RAM", v->id, gpa);
		return false;
	}
	memcpy(e, table, sizeof(e));
	for (unsigned i = 0; i < 4; i++)
		if (!gw_pdpte_loadable(e[i], maxphyaddr))
			return false;
	for (unsigned i = 0; i < 4; i++)
		vmcs_write64(VMCS_GUEST_PDPTE0 + 2 * i, e[i]);
	return true;
}

/* EFER.LMA and the "IA-32e mode guest" entry control go together (SDM Vol. 3C, 27.3.1.1: VM
 * entry fails if they differ). */
static void set_efer(uint64_t old, uint64_t efer)
{
	if (old == efer)
		return;
	uint32_t entry = vmcs_read32(VMCS_CTRL_ENTRY);
	vmcs_write64(VMCS_GUEST_EFER, efer);
	vmcs_write32(VMCS_CTRL_ENTRY, (efer & EFER_LMA) ? entry | ENTRY_IA32E_GUEST
						       : entry & ~ENTRY_IA32E_GUEST);
}

/* Paging turned on with EFER.LME activates IA-32e mode, which needs CR4.PAE; turned off, it
 * leaves it, which 64-bit code cannot do (SDM Vol. 3A, 10.8.5; Vol. 2B, MOV CR0 #GP). False for
 * #GP; else *efer is the EFER after the write. */
static bool ia32e_switch(const struct guest_paging *now, uint64_t cr0, uint64_t *efer)
{
	bool pg_on = !(now->cr0 & CR0_PG) && (cr0 & CR0_PG);
	bool pg_off = (now->cr0 & CR0_PG) && !(cr0 & CR0_PG);

	*efer = now->efer;
	if (pg_on && (now->efer & EFER_LME)) {
		if (!(now->cr4 & CR4_PAE))
			return false;
		*efer |= EFER_LMA;
	}
	if (pg_off && (now->efer & EFER_LMA)) {
		if (vmcs_read32(VMCS_GUEST_CS_AR) & CS_AR_L)
			return false;
		*efer &= ~(uint64_t)EFER_LMA;
	}
	return true;
}

/* The read shadow holds what the guest wrote; the CPU gets it with the fixed bits applied. PG
 * and PE are not in the mask: the old value is the guest's current CR0, never the shadow. */
bool vmcs_guest_write_cr0(struct vcpu *v, uint64_t value)
{
	struct guest_paging now = paging_now(v), next = now;

	if ((value >> 32) || ((value & CR0_PG) && !(value & CR0_PE)) ||
	    ((value & CR0_NW) && !(value & CR0_CD)) || (!(value & CR0_WP) && (now.cr4 & CR4_CET)))
		return false;
	next.cr0 = value;
	if (!ia32e_switch(&now, value, &next.efer))
		return false;
	if (pae_paging(&next) && ((now.cr0 ^ value) & CR0_PDPTE_BITS) && !load_pdptes(v, next.cr3))
		return false;
	v->cr0_shadow = value;
	vmcs_write_natural(VMCS_CR0_READ_SHADOW, value);
	vmcs_write_natural(VMCS_GUEST_CR0, guest_cr0_for_cpu(value));
	set_efer(now.efer, next.efer);
	return true;
}

/* In IA-32e mode CR3 bits 63:MAXPHYADDR are reserved and a MOV that sets one is #GP, except bit
 * 63 with CR4.PCIDE = 1, which asks not to flush and is not stored (SDM Vol. 3A, 4.5 and 4.10.4.1;
 * Vol. 2B, MOV to CR3). CR3-load exiting is off with EPT, so this is for the writes that exit. */
bool vmcs_guest_write_cr3(struct vcpu *v, uint64_t value)
{
	struct guest_paging next = paging_now(v);

	if (next.efer & EFER_LMA) {
		unsigned maxphyaddr = cpuid_maxphyaddr();
		if (next.cr4 & CR4_PCIDE)
			value &= ~(1ull << 63);
		if (maxphyaddr < 64 && (value >> maxphyaddr))
			return false;
	}
	next.cr3 = value;
	if (pae_paging(&next) && !load_pdptes(v, value))
		return false;
	vmcs_write_natural(VMCS_GUEST_CR3, value);
	return true;
}

/* VMXE stays the hypervisor's (no nested VMX); bits the CPU cannot set are reserved; in IA-32e
 * mode PAE cannot be cleared nor LA57 changed; PCIDE can be set only in IA-32e mode with
 * CR3[11:0] zero; CET needs CR0.WP (SDM Vol. 2B, MOV to CR4, #GP(0)). */
bool vmcs_guest_write_cr4(struct vcpu *v, uint64_t value)
{
	const struct vmx_caps *c = vmx_host_caps();
	struct guest_paging now = paging_now(v), next = now;
	bool ia32e = now.efer & EFER_LMA;
	bool pcide_on = (value & CR4_PCIDE) && !(now.cr4 & CR4_PCIDE);

	if ((value & CR4_VMXE) || (value & ~c->cr4_fixed1) || (ia32e && !(value & CR4_PAE)) ||
	    (ia32e && ((value ^ now.cr4) & CR4_LA57)) ||
	    (pcide_on && (!ia32e || (now.cr3 & 0xfff))) ||
	    ((value & CR4_CET) && !(now.cr0 & CR0_WP)))
		return false;
	next.cr4 = value;
	if (pae_paging(&next) && ((now.cr4 ^ value) & CR4_PDPTE_BITS) && !load_pdptes(v, next.cr3))
		return false;
	v->cr4_shadow = value;
	vmcs_write_natural(VMCS_CR4_READ_SHADOW, value);
	vmcs_write_natural(VMCS_GUEST_CR4, value | c->cr4_fixed0);
	return true;
}
