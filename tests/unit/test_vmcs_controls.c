/* tests/unit/test_vmcs_controls.c: the controls vmcs_setup() writes before the first launch
 * (vmx/vmcs_controls.c), against the fake VMCS. A VMCLEAR does not zero a VMCS, so a field the
 * CPU consults that is never written holds whatever the region held: each must be written. */
#include "tests/unit/fake_hw.h"
#include "tests/unit/fake_vmcs.h"
#include "tests/unit/test.h"
#include "vmx/vmcs_controls.h"
#include "vmx/vmcs_fields.h"

/* With exception-bitmap bit 14 clear a #PF exits when (PFEC & MASK) != MATCH (SDM Vol. 3C, 26.2):
 * garbage there would send some of the guest's page faults to an exit nobody handles. */
TEST(vmcs_controls_write_the_page_fault_mask_and_match)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);

	fake_vmcs_reset();
	fake_vmcs_set(VMCS_PF_ERROR_CODE_MASK, 0xdead);
	fake_vmcs_set(VMCS_PF_ERROR_CODE_MATCH, 0xbeef);
	CHECK(vmcs_setup_controls(v));
	CHECK(fake_vmcs_written(VMCS_PF_ERROR_CODE_MASK));
	CHECK(fake_vmcs_written(VMCS_PF_ERROR_CODE_MATCH));
	CHECK_EQ(fake_vmcs_get(VMCS_PF_ERROR_CODE_MASK), 0);
	CHECK_EQ(fake_vmcs_get(VMCS_PF_ERROR_CODE_MATCH), 0);
	CHECK_EQ(fake_vmcs_get(VMCS_EXCEPTION_BITMAP), 0);
}

/* "Enable XSAVES/XRSTORS" makes the CPU consult the XSS-exiting bitmap (SDM Vol. 3C, 25.6.20). */
TEST(vmcs_controls_write_the_xss_bitmap_with_xsaves)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);

	fake_controls.proc2 = PROC2_XSAVES | PROC2_EPT;
	fake_vmcs_reset();
	fake_vmcs_set(VMCS_XSS_EXITING_BITMAP, ~0ull);
	CHECK(vmcs_setup_controls(v));
	CHECK(fake_vmcs_written(VMCS_XSS_EXITING_BITMAP));
	CHECK_EQ(fake_vmcs_get(VMCS_XSS_EXITING_BITMAP), 0);
	CHECK(fake_vmcs_get(VMCS_CTRL_PROC_BASED2) & PROC2_XSAVES);

	v = fake_vcpu(1, 1 << 20); /* without the control the field does not exist: not written */
	fake_controls.proc2 = PROC2_EPT;
	fake_vmcs_reset();
	CHECK(vmcs_setup_controls(v));
	CHECK(!fake_vmcs_written(VMCS_XSS_EXITING_BITMAP));
}

/* The window exits start off and "IA-32e mode guest" follows the guest (vmx/guest_cr.c). */
TEST(vmcs_controls_start_without_windows_or_ia32e)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);

	fake_controls.proc = PROC_INTR_WINDOW | PROC_NMI_WINDOW | PROC_HLT_EXITING;
	fake_controls.entry = ENTRY_IA32E_GUEST | ENTRY_LOAD_EFER;
	fake_vmcs_reset();
	CHECK(vmcs_setup_controls(v));
	CHECK_EQ(fake_vmcs_get(VMCS_CTRL_PROC_BASED), PROC_HLT_EXITING);
	CHECK_EQ(v->proc_ctl, PROC_HLT_EXITING);
	CHECK_EQ(fake_vmcs_get(VMCS_CTRL_ENTRY), ENTRY_LOAD_EFER);
	CHECK_EQ(fake_vmcs_get(VMCS_LINK_POINTER), ~0ull);
}
