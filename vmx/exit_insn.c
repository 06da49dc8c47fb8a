/* vmx/exit_insn.c: the guest instruction behind a fault-like VM exit, for the handlers that
 * emulate it (vmx/exit_apic.c, vmx/exit_mmio.c, vmx/exit_string_io.c, vmx/gdb_vcpu.c): the code
 * size of the guest's CS, its paging registers, the bytes at CS:RIP read through its own page
 * tables, and that instruction decoded as a memory access (vmx/mmio_decode.c). An APIC-access
 * exit or an EPT violation comes before the instruction executes (SDM Vol. 3C, 28.1
 * "Architectural State Before a VM Exit"), so the VMCS guest state is the instruction's own.
 * The vCPU's own CPU, root mode; through the VMCS accessors only (host-tested with the fake
 * VMCS). */
#include "vmx/exit.h"
#include "vmx/guest_walk.h"
#include "vmx/mmio_decode.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

#define CS_AR_L (1u << 13)  /* 64-bit code segment (IA-32e mode only) */
#define CS_AR_DB (1u << 14) /* default operation size 32 */

/* SDM Vol. 3A, 3.4.5 "Segment Descriptors" (the L and D/B flags) and 5.2.1 "Code-Segment
 * Descriptor in 64-bit Mode": L counts only with IA32_EFER.LMA. */
unsigned exit_insn_code_bits(void)
{
	uint32_t ar = vmcs_read32(VMCS_GUEST_CS_AR);

	if ((vmcs_read64(VMCS_GUEST_EFER) & GW_EFER_LMA) && (ar & CS_AR_L))
		return 64;
	return (ar & CS_AR_DB) ? 32 : 16;
}

struct gw_regs exit_insn_paging(void)
{
	return (struct gw_regs){ vmcs_read_natural(VMCS_GUEST_CR0), vmcs_read_natural(VMCS_GUEST_CR3),
				 vmcs_read_natural(VMCS_GUEST_CR4), vmcs_read64(VMCS_GUEST_EFER) };
}

/* Byte by byte, so an instruction that crosses into an unmapped page yields what precedes it;
 * outside 64-bit mode linear addresses wrap at 4 GiB. */
unsigned exit_insn_fetch(struct vcpu *v, uint8_t buf[EXIT_INSN_MAX], unsigned bits)
{
	struct gw_regs r = exit_insn_paging();
	uint64_t lin = vmcs_read_natural(VMCS_GUEST_CS_BASE) + vmcs_read_natural(VMCS_GUEST_RIP);
	const struct gmem ram = vm_ram(v->vm);
	unsigned n = 0;

	while (n < EXIT_INSN_MAX) {
		uint64_t a = bits == 64 ? lin + n : (uint32_t)(lin + n), gpa;
		const uint8_t *byte;
		if (guest_walk(&r, a, vm_read_pte, v->vm, &gpa) != GW_OK ||
		    !(byte = gmem_ptr(&ram, gpa, 1)))
			break;
		buf[n++] = *byte;
	}
	return n;
}

/* Table 28-7 "Exit Qualification for EPT Violations" (SDM Vol. 3C, 28.2.1). Bit 7 is clear only
 * for the PDPTE loads of a MOV to CR0/CR3/CR4 (and trace-address pre-translation); with bit 7
 * set, bit 8 tells the access to the translation of that linear address from one to a
 * paging-structure entry (the walk, or its accessed/dirty update). With paging off every data
 * access is the translation of its linear address. */
#define EPT_Q_FETCH (1ull << 2)
#define EPT_Q_LINEAR_VALID (1ull << 7)
#define EPT_Q_TRANSLATION (1ull << 8)

const char *exit_insn_ept_not_own_access(uint64_t qualification, uint32_t idt_vectoring)
{
	if (qualification & EPT_Q_FETCH)
		return "an instruction fetch";
	if (!(qualification & EPT_Q_LINEAR_VALID))
		return "a PDPTE load of a MOV to a control register";
	if (!(qualification & EPT_Q_TRANSLATION))
		return "a paging-structure access of the guest's page walk";
	/* During event delivery the access is the delivery's (the IDT, a gate's stack), not that
	 * of the instruction at RIP (SDM Vol. 3C, 28.2.4). */
	if (idt_vectoring & INTR_INFO_VALID)
		return "an access while delivering an event";
	return 0;
}

bool exit_insn_decode_access(struct vcpu *v, const char *what, uint64_t gpa, struct mmio_insn *in)
{
	uint8_t b[EXIT_INSN_MAX] = { 0 };
	unsigned bits = exit_insn_code_bits(), n = exit_insn_fetch(v, b, bits);

	if (n && mmio_decode(b, n, bits, in))
		return true;
	vm_stop(v->vm, "vCPU %u: cannot emulate the %s access at guest-physical 0x%lx from RIP "
		       "0x%lx (bytes %02x %02x %02x %02x %02x %02x)", v->id, what, gpa,
		vmcs_read_natural(VMCS_GUEST_RIP), b[0], b[1], b[2], b[3], b[4], b[5]);
	return false;
}
