/* vmx/exit_mmio.c: emulated MMIO (the VM's range table, vmx/mmio_ranges.h): the EPT violation
 * is fault-like, so the instruction is fetched, decoded (vmx/mmio_decode.c), done on the device
 * under the VM's device lock, and skipped. The vCPU's own CPU, root mode. */
#include "vmx/exit.h"
#include "vmx/mmio_decode.h"
#include "vmx/mmio_ranges.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

bool exit_mmio_emulate(struct vcpu *v, uint64_t gpa)
{
	const struct mmio_range *r = mmio_ranges_find(&v->vm->mmio, gpa);
	struct mmio_insn in;

	if (!r)
		return false;
	if (!exit_insn_decode_access(v, r->name, gpa, &in))
		return true;
	uint64_t offset = gpa - r->base;
	vm_lock_devices(v->vm);
	if (in.op == MMIO_LOAD) {
		uint64_t val = r->read ? r->read(r->dev, offset, in.size) : ~0ull;
		vcpu_write_gpr(v, in.reg, mmio_load_result(&in, vcpu_read_gpr(v, in.reg), val));
	} else if (r->write) {
		r->write(r->dev, offset, in.size,
			 mmio_store_value(&in, in.src_is_imm ? 0 : vcpu_read_gpr(v, in.reg)));
	}
	vm_unlock_devices(v->vm);
	vcpu_advance_rip(v, in.len);
	return true;
}
