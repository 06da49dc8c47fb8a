/* tests/guests/lib/hypercall.c: VMCALL wrappers and the #UD fallback for running without the
 * hypervisor. Any vCPU. */
#include <stdbool.h>

#include "tests/guests/lib/console.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/lib/spinlock.h"
#include "tests/guests/lib/trap.h"

static uint32_t ud_reported;

/* VMCALL is 0F 01 C1 (Intel SDM Vol. 2C, VMCALL). Without VMX it raises #UD; then the call
 * "returns" -HC_NO_HYPERVISOR and execution goes on after it. Other #UDs are not ours. */
static bool vmcall_ud(struct trap_frame *f)
{
	const uint8_t *insn = (const uint8_t *)(uintptr_t)f->eip;

	if (insn[0] != 0x0f || insn[1] != 0x01 || insn[2] != 0xc1)
		return false;
	if (atomic_cas(&ud_reported, 0, 1))
		con_printf("VMCALL raised #UD: not running under the hypervisor; hypercalls fail");
	f->eax = (uint32_t)-HC_NO_HYPERVISOR;
	f->eip += 3;
	return true;
}

void hc_init(void)
{
	trap_set_hook(TRAP_UD, vmcall_ud);
}

int32_t hc_call(uint32_t nr, uint32_t a, uint32_t b, uint32_t c, uint32_t *ebx_out)
{
	/* Every argument register is in-out: the ABI preserves them, but the compiler need not
	 * trust that. */
	__asm__ volatile("vmcall" : "+a"(nr), "+b"(a), "+c"(b), "+d"(c) : : "memory");
	if (ebx_out)
		*ebx_out = a;
	return (int32_t)nr;
}

int32_t hc_version(void)
{
	return hc_call(HC_VERSION, 0, 0, 0, 0);
}

int32_t hc_start_vcpu(uint32_t index, uint32_t eip, uint32_t eax)
{
	return hc_call(HC_START_VCPU, index, eip, eax, 0);
}

int32_t hc_exit_count(uint32_t index, uint32_t reason)
{
	return hc_call(HC_EXIT_COUNT, index, reason, 0, 0);
}

int32_t hc_wake(uint32_t index, uint32_t vector)
{
	return hc_call(HC_WAKE, index, vector, 0, 0);
}

int32_t hc_vcpu_info(uint32_t *count)
{
	uint32_t ebx = 0;
	int32_t r = hc_call(HC_VCPU_INFO, 0, 0, 0, &ebx);

	*count = r < 0 ? 0 : ebx;
	return r;
}

const char *hc_strerror(int32_t ret)
{
	switch (ret) {
	case -HC_ENOSYS:
		return "ENOSYS";
	case -HC_EINVAL:
		return "EINVAL";
	case -HC_EBUSY:
		return "EBUSY";
	case -HC_EPERM:
		return "EPERM";
	case -HC_NO_HYPERVISOR:
		return "no hypervisor (VMCALL raised #UD)";
	default:
		return ret >= 0 ? "ok" : "unknown error";
	}
}
