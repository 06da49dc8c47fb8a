/* vmx/exit_string_io.c: INS and OUTS, with and without REP, emulated through the VM's port
 * table (decoding and register stepping: vmx/string_io.c). Each element's bytes are translated
 * through the guest's page tables (vmx/guest_walk.c) before its port access, so an element that
 * faults has not touched the device: the CPU's order, where the iteration that faults is not
 * done and rCX/rSI/rDI show the ones that were (SDM Vol. 2B, REP: "interrupted" string
 * instructions). A not-present page or a reserved bit is a #PF with CR2 as the CPU reports it;
 * memory outside guest RAM (MMIO) stops the VM, named. Not checked, as the CPU would before
 * each element: segment limits and the page's write/user permissions (flat segments and the
 * guest's own buffers are what drivers use). At most SIO_BATCH elements per exit: the rest are
 * left in rCX and the instruction runs again, so interrupts are taken in between as on hardware.
 * The vCPU's own CPU; through the VMCS accessors only (host-tested with the fake VMCS). */
#include "lib/log.h"
#include "lib/string.h"
#include "vmx/exit.h"
#include "vmx/guest_walk.h"
#include "vmx/string_io.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

#define SIO_BATCH 1024
#define RFLAGS_DF (1ull << 10)
#define PF_PRESENT 0x1u
#define PF_WRITE 0x2u
#define PF_USER 0x4u
#define PF_RSVD 0x8u

static const uint32_t seg_base_field[6] = { VMCS_GUEST_ES_BASE, VMCS_GUEST_CS_BASE,
					    VMCS_GUEST_SS_BASE, VMCS_GUEST_DS_BASE,
					    VMCS_GUEST_FS_BASE, VMCS_GUEST_GS_BASE };

struct sio_ctx {
	struct vcpu *v;
	struct sio_op op;
	struct gw_regs gw;
	bool long_mode;   /* 64-bit code: only FS/GS bases, no 32-bit wrap */
	uint64_t seg_base;
};

/* The host address of each byte of the element at offset `reg` (pages may differ); false when
 * it faulted (the #PF is injected) or the VM was stopped. */
static bool translate(struct sio_ctx *c, uint64_t reg, uint8_t *host[4])
{
	struct vcpu *v = c->v;
	uint64_t lin = sio_linear(&c->op, c->long_mode, c->seg_base, reg);

	for (unsigned i = 0; i < c->op.size; i++) {
		uint64_t a = c->long_mode ? lin + i : (uint32_t)(lin + i), gpa = 0;
		enum gw_result r = guest_walk(&c->gw, a, vm_read_pte, v->vm, &gpa);
		if (r == GW_NOT_PRESENT || r == GW_RESERVED) {
			uint32_t err = (c->op.in ? PF_WRITE : 0) |
				       ((vmcs_read32(VMCS_GUEST_SS_AR) >> 5 & 3) == 3 ? PF_USER : 0) |
				       (r == GW_RESERVED ? PF_PRESENT | PF_RSVD : 0);
			v->regs.cr2 = a;
			vcpu_inject_exception(v, 14, true, err);
			return false;
		}
		struct gmem ram = vm_ram(v->vm);
		host[i] = r == GW_OK ? gmem_ptr(&ram, gpa, 1) : 0;
		if (!host[i]) {
			vm_stop(v->vm, "vCPU %u: %s at RIP 0x%lx on port 0x%x reaches guest-physical 0x%lx, "
				       "outside guest RAM", v->id, c->op.in ? "INS" : "OUTS",
				vmcs_read_natural(VMCS_GUEST_RIP), c->op.port, gpa);
			return false;
		}
	}
	return true;
}

/* One element; false when it faulted. */
static bool element(struct sio_ctx *c, uint64_t reg, bool *claimed)
{
	uint8_t *host[4];
	uint32_t val = 0;

	if (!translate(c, reg, host))
		return false;
	if (c->op.in) {
		val = io_ports_read(&c->v->vm->ports, c->op.port, c->op.size, claimed);
		for (unsigned i = 0; i < c->op.size; i++)
			*host[i] = (uint8_t)(val >> (8 * i));
	} else {
		for (unsigned i = 0; i < c->op.size; i++)
			val |= (uint32_t)*host[i] << (8 * i);
		io_ports_write(&c->v->vm->ports, c->op.port, c->op.size, val, claimed);
	}
	return true;
}

static bool setup(struct sio_ctx *c, struct vcpu *v, uint64_t q)
{
	c->v = v;
	if (!(vmx_host_caps()->basic & VMX_BASIC_INOUT_INFO) ||
	    !sio_decode(q, vmcs_read32(VMCS_EXIT_INSTRUCTION_INFO), &c->op)) {
		vm_stop(v->vm, "vCPU %u: string I/O on port 0x%x at RIP 0x%lx: the CPU gives no "
			       "INS/OUTS instruction information to emulate it", v->id,
			(unsigned)(q >> 16) & 0xffff, vmcs_read_natural(VMCS_GUEST_RIP));
		return false;
	}
	c->gw = exit_insn_paging();
	c->long_mode = exit_insn_code_bits() == 64;
	c->seg_base = vmcs_read_natural(seg_base_field[c->op.seg]);
	return true;
}

/* Returns whether a device answered the port (for the caller's log). */
bool exit_io_string(struct vcpu *v, uint64_t q, bool *claimed)
{
	struct sio_ctx c;

	*claimed = true;
	if (!setup(&c, v, q))
		return true;
	bool down = vmcs_read_natural(VMCS_GUEST_RFLAGS) & RFLAGS_DF;
	int64_t step = down ? -(int64_t)c.op.size : (int64_t)c.op.size;
	uint64_t left = sio_count(&c.op, v->regs.rcx), done = 0;
	uint64_t *reg = c.op.in ? &v->regs.rdi : &v->regs.rsi;
	bool faulted = false;

	vm_lock_devices(v->vm);
	while (done < left && done < SIO_BATCH) {
		if (!element(&c, *reg, claimed)) {
			faulted = true;
			break;
		}
		*reg = sio_step(*reg, step, c.op.addr_bits);
		done++;
	}
	vm_unlock_devices(v->vm);
	if (c.op.rep)
		v->regs.rcx = sio_step(v->regs.rcx, -(int64_t)done, c.op.addr_bits);
	if (!faulted && done == left && !v->vm->stopping)
		vcpu_skip_instruction(v); /* else it runs again: from the fault, or the rest */
	return true;
}
