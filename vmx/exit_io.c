/* vmx/exit_io.c: I/O instruction exits (every port exits: both I/O bitmaps are all ones),
 * dispatched through the VM's port table. Exit qualification layout: SDM Vol. 3C, 28.2.1, Table
 * "Exit Qualification for I/O Instructions". INS and OUTS (with or without REP) go through the
 * same table, element by element (vmx/exit_string_io.c). */
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

struct io_access {
	unsigned size;
	bool in, string;
	uint16_t port;
};

static struct io_access decode(uint64_t q)
{
	return (struct io_access){ (unsigned)(q & 7) + 1, (q >> 3) & 1, (q >> 4) & 1,
				   (uint16_t)(q >> 16) };
}

/* IN writes AL, AX or EAX; like every 32-bit register write in 64-bit mode, EAX zero-extends
 * into RAX, while AL and AX leave the rest alone (SDM Vol. 1, 3.4.1.1 "General-Purpose Registers
 * in 64-Bit Mode"). */
static uint64_t io_in_result(uint64_t rax, uint32_t val, unsigned size)
{
	if (size == 4)
		return val;
	return (rax & ~(uint64_t)((1u << (size * 8)) - 1)) | val;
}

static void log_unclaimed(struct vcpu *v, const struct io_access *a, bool claimed)
{
	if (!claimed && v->io_logged < 16) {
		v->io_logged++;
		log_info("%s: vCPU %u: %s port 0x%x (%u bytes%s): no device there%s", v->vm->name,
			 v->id, a->in ? "read from" : "write to", a->port, a->size,
			 a->string ? ", string I/O" : "",
			 v->io_logged == 16 ? "; further such accesses are not logged" : "");
	}
}

void exit_io(struct vcpu *v)
{
	struct io_access a = decode(vmcs_read_natural(VMCS_EXIT_QUALIFICATION));
	struct vm *vm = v->vm;
	uint32_t mask = a.size == 4 ? 0xffffffffu : (1u << (a.size * 8)) - 1;
	bool claimed;

	if (a.string) {
		exit_io_string(v, vmcs_read_natural(VMCS_EXIT_QUALIFICATION), &claimed);
		log_unclaimed(v, &a, claimed);
		return;
	}
	vm_lock_devices(vm);
	if (a.in) {
		uint32_t val = io_ports_read(&vm->ports, a.port, a.size, &claimed) & mask;
		v->regs.rax = io_in_result(v->regs.rax, val, a.size);
	} else {
		io_ports_write(&vm->ports, a.port, a.size, (uint32_t)v->regs.rax & mask, &claimed);
	}
	vm_unlock_devices(vm);
	log_unclaimed(v, &a, claimed);
	vcpu_skip_instruction(v);
}
