/* tests/unit/test_exit_reasons.c: the VMX name tables (vmx/exit_reasons.c) and the VMCS field
 * encoding helpers (vmx/vmcs_fields.h, vmx/vmx_insn.h's host-visible part). */
#include "lib/array.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"
#include "vmx/exit_reasons.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

TEST(exit_reason_names_sample)
{
	CHECK_STR(vmx_exit_reason_name(0), "EXCEPTION_NMI");
	CHECK_STR(vmx_exit_reason_name(1), "EXTERNAL_INTERRUPT");
	CHECK_STR(vmx_exit_reason_name(2), "TRIPLE_FAULT");
	CHECK_STR(vmx_exit_reason_name(3), "INIT");
	CHECK_STR(vmx_exit_reason_name(4), "SIPI");
	CHECK_STR(vmx_exit_reason_name(10), "CPUID");
	CHECK_STR(vmx_exit_reason_name(12), "HLT");
	CHECK_STR(vmx_exit_reason_name(18), "VMCALL");
	CHECK_STR(vmx_exit_reason_name(28), "CR_ACCESS");
	CHECK_STR(vmx_exit_reason_name(30), "IO_INSTRUCTION");
	CHECK_STR(vmx_exit_reason_name(31), "RDMSR");
	CHECK_STR(vmx_exit_reason_name(32), "WRMSR");
	CHECK_STR(vmx_exit_reason_name(33), "ENTRY_FAIL_GUEST");
	CHECK_STR(vmx_exit_reason_name(44), "APIC_ACCESS");
	CHECK_STR(vmx_exit_reason_name(45), "VIRTUALIZED_EOI");
	CHECK_STR(vmx_exit_reason_name(48), "EPT_VIOLATION");
	CHECK_STR(vmx_exit_reason_name(49), "EPT_MISCONFIG");
	CHECK_STR(vmx_exit_reason_name(52), "PREEMPTION_TIMER");
	CHECK_STR(vmx_exit_reason_name(55), "XSETBV");
	CHECK_STR(vmx_exit_reason_name(56), "APIC_WRITE");
	CHECK_STR(vmx_exit_reason_name(74), "BUS_LOCK");
	CHECK_STR(vmx_exit_reason_name(79), "WRMSRLIST");
	CHECK_STR(vmx_exit_reason_name(VMX_EXIT_REASON_MAX), "UWRMSR");
	/* numbers the SDM leaves unused */
	CHECK_STR(vmx_exit_reason_name(35), "RESERVED_35");
	CHECK_STR(vmx_exit_reason_name(38), "RESERVED_38");
	CHECK_STR(vmx_exit_reason_name(42), "RESERVED_42");
	CHECK_STR(vmx_exit_reason_name(71), "RESERVED_71");
}

TEST(exit_reason_constants_match_the_sdm)
{
	CHECK_EQ(VMX_EXIT_TRIPLE_FAULT, 2);
	CHECK_EQ(VMX_EXIT_INTERRUPT_WINDOW, 7);
	CHECK_EQ(VMX_EXIT_NMI_WINDOW, 8);
	CHECK_EQ(VMX_EXIT_HLT, 12);
	CHECK_EQ(VMX_EXIT_IO_INSTRUCTION, 30);
	CHECK_EQ(VMX_EXIT_ENTRY_FAIL_MSR, 34);
	CHECK_EQ(VMX_EXIT_ENTRY_FAIL_MCE, 41);
	CHECK_EQ(VMX_EXIT_TPR_BELOW_THRESHOLD, 43);
	CHECK_EQ(VMX_EXIT_APIC_ACCESS, 44);
	CHECK_EQ(VMX_EXIT_EPT_VIOLATION, 48);
	CHECK_EQ(VMX_EXIT_EPT_MISCONFIG, 49);
	CHECK_EQ(VMX_EXIT_APIC_WRITE, 56);
	CHECK_EQ(VMX_EXIT_XSAVES, 63);
	CHECK_EQ(VMX_EXIT_TDCALL, 77);
	CHECK_EQ(VMX_EXIT_REASON_BASIC(0x80000021u), 33);
	CHECK_EQ(VMX_EXIT_REASON_BASIC(0x0830000cu), 12); /* bits 27:16 are flags, not the reason */
}

TEST(exit_reason_out_of_range_is_unknown)
{
	CHECK_STR(vmx_exit_reason_name(VMX_EXIT_REASON_MAX + 1), "unknown");
	CHECK_STR(vmx_exit_reason_name(0xffff), "unknown");
	CHECK_STR(vmx_exit_reason_name(0x80000021u), "unknown"); /* the raw field: mask it first */
	CHECK_STR(vmx_exit_reason_name(0xffffffffu), "unknown");
}

TEST(exit_reason_every_index_has_its_own_name)
{
	for (uint32_t i = 0; i <= VMX_EXIT_REASON_MAX; i++) {
		const char *n = vmx_exit_reason_name(i);

		CHECK(n != NULL);
		if (!n)
			continue;
		if (strcmp(n, "unknown") == 0)
			printf("    exit reason %u has no name\n", i);
		CHECK(strcmp(n, "unknown") != 0);
		for (uint32_t j = 0; j < i; j++)
			CHECK(strcmp(n, vmx_exit_reason_name(j)) != 0);
	}
}

TEST(entry_failure_names)
{
	CHECK_STR(vmx_entry_failure_name(33), "VM-entry failure due to invalid guest state");
	CHECK_STR(vmx_entry_failure_name(34), "VM-entry failure due to MSR loading");
	CHECK_STR(vmx_entry_failure_name(41), "VM-entry failure due to machine-check event");
	CHECK(vmx_entry_failure_name(0) == NULL);
	CHECK(vmx_entry_failure_name(48) == NULL);
	CHECK(vmx_entry_failure_name(0x80000021u) == NULL);
}

TEST(insn_error_names)
{
	CHECK_STR(vmx_insn_error_name(0), "no error");
	CHECK_STR(vmx_insn_error_name(1), "VMCALL executed in VMX root operation");
	CHECK_STR(vmx_insn_error_name(4), "VMLAUNCH with non-clear VMCS");
	CHECK_STR(vmx_insn_error_name(5), "VMRESUME with non-launched VMCS");
	CHECK_STR(vmx_insn_error_name(7), "VM entry with invalid control field(s)");
	CHECK_STR(vmx_insn_error_name(8), "VM entry with invalid host-state field(s)");
	CHECK_STR(vmx_insn_error_name(11), "VMPTRLD with incorrect VMCS revision identifier");
	CHECK_STR(vmx_insn_error_name(12), "VMREAD/VMWRITE from/to unsupported VMCS component");
	CHECK_STR(vmx_insn_error_name(13), "VMWRITE to read-only VMCS component");
	CHECK_STR(vmx_insn_error_name(15), "VMXON executed in VMX root operation");
	CHECK_STR(vmx_insn_error_name(26), "VM entry with events blocked by MOV SS");
	CHECK_STR(vmx_insn_error_name(28), "invalid operand to INVEPT/INVVPID");
	CHECK_STR(vmx_insn_error_name(14), "reserved");
	CHECK_STR(vmx_insn_error_name(21), "reserved");
	CHECK_STR(vmx_insn_error_name(27), "reserved");
	CHECK_STR(vmx_insn_error_name(29), "unknown");
	CHECK_STR(vmx_insn_error_name(0xffffffffu), "unknown");
	for (uint32_t e = 1; e <= 28; e++)
		CHECK(strcmp(vmx_insn_error_name(e), "unknown") != 0);
}

TEST(insn_results_and_reports)
{
	CHECK_STR(vmx_result_name(VMX_OK), "success");
	CHECK_STR(vmx_result_name(VMX_FAIL_INVALID), "VMfailInvalid (no current VMCS)");
	CHECK_STR(vmx_result_name(VMX_FAIL_VALID_UNKNOWN), "VMfailValid without an error number");
	CHECK_STR(vmx_result_name(12), "VMREAD/VMWRITE from/to unsupported VMCS component");
	CHECK_STR(vmx_result_name(-7), "unknown");

	test_log_clear();
	vmx_insn_report("VMWRITE", VMCS_GUEST_RIP, 12);
	CHECK(test_log_find("vmx: VMWRITE VMCS_GUEST_RIP failed: VMfailValid 12 (VMREAD/VMWRITE "
			    "from/to unsupported VMCS component)"));
	vmx_insn_report("VMREAD", VMCS_VPID, VMX_FAIL_INVALID); /* encoding 0 is a real field */
	CHECK(test_log_find("vmx: VMREAD VMCS_VPID failed: VMfailInvalid (no current VMCS)"));
	vmx_insn_report("VMXON", VMX_NO_FIELD, VMX_FAIL_INVALID);
	CHECK(test_log_find("vmx: VMXON failed: VMfailInvalid"));
	vmx_insn_report("VMXOFF", 0, VMX_FAIL_INVALID); /* 0 from a fieldless instruction */
	CHECK(test_log_find("vmx: VMXOFF failed: VMfailInvalid"));
	CHECK(!test_log_find("VMXOFF VMCS_VPID"));
	vmx_insn_report("VMPTRLD", VMX_NO_FIELD, 11);
	CHECK(test_log_find("vmx: VMPTRLD failed: VMfailValid 11 (VMPTRLD with incorrect VMCS "
			    "revision identifier)"));
}

TEST(vmcs_field_width_and_type)
{
	CHECK_EQ(vmcs_field_width(VMCS_VPID), VMCS_WIDTH_16);
	CHECK_EQ(vmcs_field_type(VMCS_VPID), VMCS_TYPE_CONTROL);
	CHECK_EQ(vmcs_field_width(VMCS_GUEST_CS_SEL), VMCS_WIDTH_16);
	CHECK_EQ(vmcs_field_type(VMCS_GUEST_INTR_STATUS), VMCS_TYPE_GUEST);
	CHECK_EQ(vmcs_field_type(VMCS_HOST_TR_SEL), VMCS_TYPE_HOST);
	CHECK_EQ(vmcs_field_width(VMCS_EPT_POINTER), VMCS_WIDTH_64);
	CHECK_EQ(vmcs_field_type(VMCS_EPT_POINTER), VMCS_TYPE_CONTROL);
	CHECK_EQ(vmcs_field_width(VMCS_GUEST_PHYS_ADDR), VMCS_WIDTH_64);
	CHECK_EQ(vmcs_field_type(VMCS_GUEST_PHYS_ADDR), VMCS_TYPE_RO_DATA);
	CHECK_EQ(vmcs_field_type(VMCS_LINK_POINTER), VMCS_TYPE_GUEST);
	CHECK_EQ(vmcs_field_type(VMCS_HOST_EFER), VMCS_TYPE_HOST);
	CHECK_EQ(vmcs_field_width(VMCS_CTRL_PROC_BASED), VMCS_WIDTH_32);
	CHECK_EQ(vmcs_field_width(VMCS_EXIT_REASON), VMCS_WIDTH_32);
	CHECK_EQ(vmcs_field_type(VMCS_EXIT_REASON), VMCS_TYPE_RO_DATA);
	CHECK_EQ(vmcs_field_type(VMCS_GUEST_ACTIVITY_STATE), VMCS_TYPE_GUEST);
	CHECK_EQ(vmcs_field_type(VMCS_HOST_SYSENTER_CS), VMCS_TYPE_HOST);
	CHECK_EQ(vmcs_field_width(VMCS_GUEST_RIP), VMCS_WIDTH_NATURAL);
	CHECK_EQ(vmcs_field_type(VMCS_GUEST_RIP), VMCS_TYPE_GUEST);
	CHECK_EQ(vmcs_field_width(VMCS_EXIT_QUALIFICATION), VMCS_WIDTH_NATURAL);
	CHECK_EQ(vmcs_field_type(VMCS_EXIT_QUALIFICATION), VMCS_TYPE_RO_DATA);
	CHECK_EQ(vmcs_field_width(VMCS_HOST_CR3), VMCS_WIDTH_NATURAL);
	CHECK_EQ(vmcs_field_type(VMCS_HOST_CR3), VMCS_TYPE_HOST);
	CHECK_EQ(vmcs_field_type(VMCS_CR0_READ_SHADOW), VMCS_TYPE_CONTROL);

	CHECK(!vmcs_field_is_high(VMCS_TSC_OFFSET));
	CHECK(vmcs_field_is_high(VMCS_FIELD_HIGH(VMCS_TSC_OFFSET)));
	CHECK_EQ(VMCS_FIELD_HIGH(VMCS_TSC_OFFSET), 0x2011);

	/* what the accessors of vmx/vmx_insn.h check at compile time */
	CHECK(vmcs_width_ok(VMCS_GUEST_RIP, VMCS_WIDTH_NATURAL));
	CHECK(!vmcs_width_ok(VMCS_GUEST_RIP, VMCS_WIDTH_64));
	CHECK(vmcs_width_ok(VMCS_MSR_BITMAP, VMCS_WIDTH_64));
	CHECK(!vmcs_width_ok(VMCS_FIELD_HIGH(VMCS_MSR_BITMAP), VMCS_WIDTH_64));
	CHECK(vmcs_width_ok(VMCS_TPR_THRESHOLD, VMCS_WIDTH_32));
	CHECK(!vmcs_width_ok(VMCS_TPR_THRESHOLD, VMCS_WIDTH_16));
	CHECK(vmcs_width_ok(VMCS_POSTED_INTR_NV, VMCS_WIDTH_16));
}

TEST(vmcs_field_encodings_match_the_sdm)
{
	/* spot checks against Appendix B, including the one vmx/vmx_entry.asm repeats */
	CHECK_EQ(VMCS_HOST_RSP, 0x6c14);
	CHECK_EQ(VMCS_HOST_RIP, 0x6c16);
	CHECK_EQ(VMCS_GUEST_RIP, 0x681e);
	CHECK_EQ(VMCS_CTRL_PROC_BASED2, 0x401e);
	CHECK_EQ(VMCS_EOI_EXIT_BITMAP3, 0x2022);
	CHECK_EQ(VMCS_GUEST_INTR_STATUS, 0x0810);
	CHECK_EQ(VMCS_VM_INSTRUCTION_ERROR, 0x4400);
	CHECK_EQ(VMCS_GUEST_PREEMPTION_TIMER, 0x482e);
	CHECK_EQ(VMCS_IO_RIP, 0x6408);
}

TEST(vmcs_field_names)
{
	CHECK_STR(vmcs_field_name(VMCS_GUEST_RIP), "VMCS_GUEST_RIP");
	CHECK_STR(vmcs_field_name(0x681e), "VMCS_GUEST_RIP");
	CHECK_STR(vmcs_field_name(VMCS_VPID), "VMCS_VPID");
	CHECK_STR(vmcs_field_name(VMCS_CTRL_PROC_BASED), "VMCS_CTRL_PROC_BASED");
	CHECK_STR(vmcs_field_name(VMCS_EPT_POINTER), "VMCS_EPT_POINTER");
	CHECK_STR(vmcs_field_name(VMCS_HOST_INTR_SSP_TABLE), "VMCS_HOST_INTR_SSP_TABLE");
	CHECK_STR(vmcs_field_name(0x6c1e), "unknown");
	CHECK_STR(vmcs_field_name(0x201b), "unknown"); /* the high half of VMCS_EPT_POINTER */
	CHECK_STR(vmcs_field_name(0x482c), "unknown"); /* an unused guest-state index */
	CHECK_STR(vmcs_field_name(0xffffffffu), "unknown");
}

/* Each named encoding is a "full" one, and its name agrees with its type bits: a typo in an
 * encoding shows up here. 181 is the count of vmx/vmcs_fields.h's enum, by hand: 23 16-bit,
 * 37 + 1 + 13 + 4 64-bit, 19 + 8 + 23 + 1 32-bit, 8 + 6 + 23 + 15 natural-width. */
TEST(vmcs_field_name_table_is_consistent)
{
	unsigned named = 0;

	for (uint32_t enc = 0; enc < 0x8000; enc++) {
		const char *n = vmcs_field_name(enc);
		unsigned type = vmcs_field_type(enc);

		if (strcmp(n, "unknown") == 0)
			continue;
		named++;
		CHECK_EQ(enc & 0x1001, 0);
		CHECK(strncmp(n, "VMCS_", 5) == 0);
		if (strncmp(n, "VMCS_HOST_", 10) == 0 || type == VMCS_TYPE_HOST)
			CHECK(strncmp(n, "VMCS_HOST_", 10) == 0 && type == VMCS_TYPE_HOST);
		if (type == VMCS_TYPE_GUEST)
			CHECK(strncmp(n, "VMCS_GUEST_", 11) == 0 ||
			      strcmp(n, "VMCS_LINK_POINTER") == 0);
		if (strncmp(n, "VMCS_GUEST_", 11) == 0)
			CHECK(type == VMCS_TYPE_GUEST || type == VMCS_TYPE_RO_DATA);
		if (strncmp(n, "VMCS_CTRL_", 10) == 0)
			CHECK(type == VMCS_TYPE_CONTROL);
	}
	CHECK_EQ(named, 181);
}

TEST(control_bits_match_the_sdm)
{
	CHECK_EQ(PIN_VIRTUAL_NMIS, 0x20);
	CHECK_EQ(PIN_POSTED_INTR, 0x80);
	CHECK_EQ(PROC_HLT_EXITING, 0x80);
	CHECK_EQ(PROC_TPR_SHADOW, 0x200000);
	CHECK_EQ(PROC_USE_MSR_BITMAPS, 0x10000000);
	CHECK_EQ(PROC_SECONDARY, 0x80000000);
	CHECK_EQ(PROC2_UNRESTRICTED, 0x80);
	CHECK_EQ(PROC2_VIRT_INTR_DELIVERY, 0x200);
	CHECK_EQ(PROC2_XSAVES, 0x100000);
	CHECK_EQ(EXIT_HOST_ADDR64, 0x200);
	CHECK_EQ(EXIT_ACK_INTR, 0x8000);
	CHECK_EQ(EXIT_LOAD_EFER, 0x200000);
	CHECK_EQ(ENTRY_IA32E_GUEST, 0x200);
	CHECK_EQ(ENTRY_LOAD_EFER, 0x8000);
	CHECK_EQ(MSR_IA32_VMX_VMFUNC, 0x491);
	CHECK_EQ(MSR_IA32_VMX_PROCBASED_CTLS3, 0x492);
	CHECK_EQ(VMX_EPT_WB, 1ull << 14);
	CHECK_EQ(VMX_VPID_INVVPID_SINGLE_GLOBALS, 1ull << 43);
}

/* The exits that read the IDT-vectoring information: exactly the SDM's list (Vol. 3C, 28.2.4) of
 * exits that can happen while an event is being delivered, so an event caught by one of them is
 * never lost, and no instruction exit pays for the read. */
TEST(exits_during_event_delivery_are_the_sdms)
{
	static const uint32_t during[] = { VMX_EXIT_EXCEPTION_NMI, VMX_EXIT_TASK_SWITCH,
					   VMX_EXIT_APIC_ACCESS,   VMX_EXIT_EPT_VIOLATION,
					   VMX_EXIT_EPT_MISCONFIG, VMX_EXIT_PML_FULL,
					   VMX_EXIT_SPP_EVENT };
	unsigned n = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(during); i++)
		CHECK(vmx_exit_may_be_during_delivery(during[i]));
	for (uint32_t r = 0; r <= 0xffff; r++)
		n += vmx_exit_may_be_during_delivery(r);
	CHECK_EQ(n, ARRAY_SIZE(during));
	CHECK(!vmx_exit_may_be_during_delivery(VMX_EXIT_CPUID));
	CHECK(!vmx_exit_may_be_during_delivery(VMX_EXIT_TRIPLE_FAULT));
	CHECK(!vmx_exit_may_be_during_delivery(VMX_EXIT_EXTERNAL_INTERRUPT));
}
