/* vmx/vmx_insn.h: the VMX instructions as C (VMXON, VMXOFF, VMCLEAR, VMPTRLD, VMREAD, VMWRITE,
 * INVEPT, INVVPID) and the width-checked VMCS accessors. Root mode, the calling CPU's current
 * VMCS. VMLAUNCH/VMRESUME live in vmx/vmx_entry.asm; VMCALL is a guest instruction.
 *
 * Every wrapper checks the flags the SDM defines for VMX instructions (Vol. 3C, "VMX Instruction
 * Reference", "Conventions"): CF=1 is VMfailInvalid (no current VMCS to hold an error number),
 * ZF=1 is VMfailValid (the number is in VMCS_VM_INSTRUCTION_ERROR). The result is an int:
 * VMX_OK, VMX_FAIL_INVALID, VMX_FAIL_VALID_UNKNOWN, or the VM-instruction error number (1..28,
 * vmx_insn_error_name()). The asm is left out under HOST_TEST: there the VMCS accessors are the
 * host unit tests' fake VMCS (tests/unit/fake_vmcs.c, a table field -> value), so the exit
 * handlers compile and run on the host unchanged. The seam is compile-time: in the kernel the
 * accessors below are the inline VMREAD/VMWRITE, at no cost on the exit path. */
#ifndef VMX_VMX_INSN_H
#define VMX_VMX_INSN_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/exit_reasons.h"
#include "vmx/vmcs_fields.h"

enum vmx_result {
	VMX_OK = 0,
	VMX_FAIL_INVALID = -1,       /* CF=1 */
	VMX_FAIL_VALID_UNKNOWN = -2, /* ZF=1 but the error field read back 0 or could not be read */
};

/* True when `field` is an encoding of width `width` (enum vmcs_width) accessed whole: the
 * accessors below check it at compile time when the encoding is a constant. */
static inline bool vmcs_width_ok(uint32_t field, unsigned width)
{
	return vmcs_field_width(field) == width && !vmcs_field_is_high(field);
}

#ifndef HOST_TEST

/* Never defined: a call that survives constant folding is a build error (as KVM's vmx_ops.h). */
void vmcs_field_width_mismatch(void)
	__attribute__((error("VMCS accessor used on a field of another width")));

#define VMCS_CHECK_WIDTH(field, width)                                                    \
	do {                                                                              \
		if (__builtin_constant_p(field) && !vmcs_width_ok((field), (width)))       \
			vmcs_field_width_mismatch();                                      \
	} while (0)

/* The VM-instruction error number after a VMfailValid. */
static inline int vmx_read_error(void)
{
	uint64_t err = 0;
	bool cf, zf;

	__asm__ volatile("vmread %[field], %[err]"
			 : [err] "=rm"(err), "=@ccc"(cf), "=@ccz"(zf)
			 : [field] "r"((uint64_t)VMCS_VM_INSTRUCTION_ERROR)
			 : "memory");
	if (cf)
		return VMX_FAIL_INVALID; /* no current VMCS: the failure before was one too */
	if (zf || err == 0)
		return VMX_FAIL_VALID_UNKNOWN;
	return (int)err;
}

static inline __attribute__((always_inline)) int vmx_flags_result(bool cf, bool zf)
{
	if (cf)
		return VMX_FAIL_INVALID;
	if (zf)
		return vmx_read_error();
	return VMX_OK;
}

/* VMXON in VMX root operation fails with error 15 if a VMCS is current, else VMfailInvalid. */
static inline int vmx_vmxon(uint64_t vmxon_pa)
{
	bool cf, zf;

	__asm__ volatile("vmxon %[pa]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [pa] "m"(vmxon_pa)
			 : "memory");
	return vmx_flags_result(cf, zf);
}

static inline int vmx_vmxoff(void)
{
	bool cf, zf;

	__asm__ volatile("vmxoff" : "=@ccc"(cf), "=@ccz"(zf) : : "memory");
	return vmx_flags_result(cf, zf);
}

static inline int vmx_vmclear(uint64_t vmcs_pa)
{
	bool cf, zf;

	__asm__ volatile("vmclear %[pa]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [pa] "m"(vmcs_pa)
			 : "memory");
	return vmx_flags_result(cf, zf);
}

static inline int vmx_vmptrld(uint64_t vmcs_pa)
{
	bool cf, zf;

	__asm__ volatile("vmptrld %[pa]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [pa] "m"(vmcs_pa)
			 : "memory");
	return vmx_flags_result(cf, zf);
}

static inline int vmx_vmread(uint32_t field, uint64_t *value)
{
	uint64_t v = 0;
	bool cf, zf;

	__asm__ volatile("vmread %[field], %[v]"
			 : [v] "=rm"(v), "=@ccc"(cf), "=@ccz"(zf)
			 : [field] "r"((uint64_t)field)
			 : "memory");
	*value = v;
	return vmx_flags_result(cf, zf);
}

/* INVEPT/INVVPID descriptors: SDM Vol. 3C, "VMX Instruction Reference". */
static inline int vmx_invept(uint64_t type, uint64_t eptp)
{
	struct {
		uint64_t eptp, reserved;
	} desc = { eptp, 0 };
	bool cf, zf;

	__asm__ volatile("invept %[desc], %[type]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [desc] "m"(desc), [type] "r"(type)
			 : "memory");
	return vmx_flags_result(cf, zf);
}

static inline int vmx_invvpid(uint64_t type, uint16_t vpid, uint64_t linear)
{
	struct {
		uint64_t vpid, linear; /* VPID in 15:0, 63:16 reserved */
	} desc = { vpid, linear };
	bool cf, zf;

	__asm__ volatile("invvpid %[desc], %[type]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [desc] "m"(desc), [type] "r"(type)
			 : "memory");
	return vmx_flags_result(cf, zf);
}

/*
 * Width-checked accessors. A failure is logged by name (vmx_insn_report); reads then return 0,
 * writes return false so a set-up phase can fold its writes into one verdict.
 *
 * They run several times on every VM exit, so the hot path is the instruction and one branch on
 * CF|ZF ("be"); which of the two failed is sorted out in the cold report: after VMfailInvalid
 * there is still no current VMCS, so reading the error number fails the same way
 * (vmx_read_error). No "memory" clobber on VMREAD: it reads only the VMCS, and volatile asm keeps
 * it in order with VMWRITE and VMPTRLD; VMWRITE keeps one, since a field may hold the address of
 * a structure the caller has just filled in.
 */
/* The cold halves (vmx/vmx.c): log the failure by name; a read then gives 0, a write false. */
uint64_t vmcs_read_failed(uint32_t field) __attribute__((cold));
bool vmcs_write_failed(uint32_t field) __attribute__((cold));

static inline uint64_t vmcs_read_checked(uint32_t field)
{
	uint64_t v;
	bool failed;

	__asm__ volatile("vmread %[field], %[v]"
			 : [v] "=r"(v), "=@ccbe"(failed)
			 : [field] "r"((uint64_t)field));
	if (__builtin_expect(failed, 0))
		return vmcs_read_failed(field);
	return v;
}

/* A field whose width is not known when compiling (the shell, the fault report): VMREAD in
 * 64-bit mode zero-extends the narrower widths (SDM Vol. 3C, 31.3, VMREAD). */
static inline uint64_t vmcs_read_field(uint32_t field)
{
	return vmcs_read_checked(field);
}

static inline bool vmcs_write_checked(uint32_t field, uint64_t value)
{
	bool failed;

	__asm__ volatile("vmwrite %[v], %[field]"
			 : "=@ccbe"(failed)
			 : [field] "r"((uint64_t)field), [v] "rm"(value)
			 : "memory");
	if (__builtin_expect(failed, 0))
		return vmcs_write_failed(field);
	return true;
}

static inline __attribute__((always_inline)) uint16_t vmcs_read16(uint32_t field)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_16);
	return (uint16_t)vmcs_read_checked(field);
}

static inline __attribute__((always_inline)) uint32_t vmcs_read32(uint32_t field)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_32);
	return (uint32_t)vmcs_read_checked(field);
}

static inline __attribute__((always_inline)) uint64_t vmcs_read64(uint32_t field)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_64);
	return vmcs_read_checked(field);
}

static inline __attribute__((always_inline)) uint64_t vmcs_read_natural(uint32_t field)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_NATURAL);
	return vmcs_read_checked(field);
}

static inline __attribute__((always_inline)) bool vmcs_write16(uint32_t field, uint16_t value)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_16);
	return vmcs_write_checked(field, value);
}

static inline __attribute__((always_inline)) bool vmcs_write32(uint32_t field, uint32_t value)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_32);
	return vmcs_write_checked(field, value);
}

static inline __attribute__((always_inline)) bool vmcs_write64(uint32_t field, uint64_t value)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_64);
	return vmcs_write_checked(field, value);
}

static inline __attribute__((always_inline)) bool vmcs_write_natural(uint32_t field,
								     uint64_t value)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_NATURAL);
	return vmcs_write_checked(field, value);
}

#else /* HOST_TEST: the fake VMCS (tests/unit/fake_vmcs.c) */

/* The fake checks each access's width as VMCS_CHECK_WIDTH does at compile time: a mismatch
 * fails the running test. */
uint64_t fake_vmcs_access_read(uint32_t field, unsigned width);
bool fake_vmcs_access_write(uint32_t field, unsigned width, uint64_t value);

static inline uint64_t vmcs_read_field(uint32_t field)
{
	return fake_vmcs_access_read(field, vmcs_field_width(field));
}

#define FAKE_VMCS_ACCESSORS(suffix, type, width)                                  \
	static inline type vmcs_read##suffix(uint32_t field)                      \
	{                                                                         \
		return (type)fake_vmcs_access_read(field, width);                 \
	}                                                                         \
	static inline bool vmcs_write##suffix(uint32_t field, type value)         \
	{                                                                         \
		return fake_vmcs_access_write(field, width, value);               \
	}
FAKE_VMCS_ACCESSORS(16, uint16_t, VMCS_WIDTH_16)
FAKE_VMCS_ACCESSORS(32, uint32_t, VMCS_WIDTH_32)
FAKE_VMCS_ACCESSORS(64, uint64_t, VMCS_WIDTH_64)
FAKE_VMCS_ACCESSORS(_natural, uint64_t, VMCS_WIDTH_NATURAL)
#undef FAKE_VMCS_ACCESSORS

#endif /* !HOST_TEST */

#endif
