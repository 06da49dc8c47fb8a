/* tests/guests/vmtest/vmcall.c: the hypercall ABI's answers, errors included (lib/guest_abi.h).
 * vCPU 0. */
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/lib/smp.h"
#include "tests/guests/vmtest/vmtest.h"

#define NO_SUCH_CALL 999

void suite_vmcall(void)
{
	uint32_t n;

	check_int("vmcall.version", "HC_VERSION", hc_version(), HC_ABI_VERSION);
	check_int("vmcall.enosys", "call 999", hc_call(NO_SUCH_CALL, 0, 0, 0, 0), -HC_ENOSYS);
	if (check_int("vmcall.vcpu_info", "HC_VCPU_INFO index on vCPU 0", hc_vcpu_info(&n), 0) &&
	    n == 0)
		check_fail("vmcall.vcpu_info.count", "HC_VCPU_INFO vCPU count (got 0, want >= 1)");
	/* vCPU indices run 0..n-1, so n is the first one out of range. Should the hypervisor start
	 * something anyway, it arrives at the library's AP entry, which halts an index it has no
	 * stack for (or one that is 0). */
	check_int("vmcall.start_einval", "HC_START_VCPU of vCPU count (out of range)",
		  smp_start_vcpu(vmtest_nvcpus), -HC_EINVAL);
	check_int("vmcall.start_ebusy", "HC_START_VCPU of vCPU 0 (running)", smp_start_vcpu(0),
		  -HC_EBUSY);
}
