/* tests/unit/test_vmx_caps.c: the VMX capability reader and the control computation
 * (vmx/vmx_caps.c) against the capability MSRs of every Bochs 2.7 CPU model we test on and of one
 * real CPU, plus synthetic capabilities for the TRUE-MSR rule, the dependencies and bad input. */
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_caps.h"

#define IDX(name) (MSR_IA32_VMX_##name - MSR_IA32_VMX_BASIC)
#define M(name) [IDX(name)]
#define NMSRS (MSR_IA32_VMX_PROCBASED_CTLS3 - MSR_IA32_VMX_BASIC + 1)

enum model_id {
	HASWELL,
	SKYLAKE,
	ICELAKE,
	TIGERLAKE,
	SANDY_BRIDGE,
	ARRANDALE,
	PENRYN,
	I7_6700K,
	NMODELS,
};

/*
 * IA32_VMX_* as read on each CPU. Every MSR listed is non-zero, so 0 marks an MSR the CPU does
 * not have (an RDMSR of it would #GP); the fake RDMSR below counts such reads.
 *
 * The Bochs models are copied from /work/shared/notes/bochs-vmx-capabilities.txt (a probe kernel
 * in Bochs 2.7; "ryzen" has no VMX and is left out). For core2_penryn_t9600 the probe recorded no
 * TRUE_ MSRs although IA32_VMX_BASIC bit 55 is set; Bochs (cpu/msr.cc) answers them from the same
 * allowed-1 halves as the non-TRUE MSRs and the low halves every other model shows, so those four
 * values are derived that way.
 *
 * i7_6700K is a real Skylake client CPU: VirtualBox's CPU database,
 * src/VBox/VMM/VMMR3/cpus/Intel_Core_i7_6700K.h (VBoxCpuReport run of 2015-11-04). It lacks
 * APIC-register virtualization and virtual-interrupt delivery, as client Skylakes do.
 */
static const struct model {
	const char *name;
	uint64_t msr[NMSRS];
} models[NMODELS] = {
	[HASWELL] = {
		.name = "corei7_haswell_4770",
		.msr = {
			M(BASIC) = 0x00d810000000002bull,
			M(PINBASED_CTLS) = 0x0000007f00000016ull,
			M(PROCBASED_CTLS) = 0xf7f9fffe0401e172ull,
			M(EXIT_CTLS) = 0x007fffff00036dffull,
			M(ENTRY_CTLS) = 0x0000ffff000011ffull,
			M(MISC) = 0x00000000200401e0ull,
			M(CR0_FIXED0) = 0x0000000080000021ull,
			M(CR0_FIXED1) = 0x00000000ffffffffull,
			M(CR4_FIXED0) = 0x0000000000002000ull,
			M(CR4_FIXED1) = 0x00000000001727ffull,
			M(VMCS_ENUM) = 0x0000000000000034ull,
			M(PROCBASED_CTLS2) = 0x00047fff00000000ull,
			M(EPT_VPID_CAP) = 0x00000f0106334141ull,
			M(TRUE_PINBASED_CTLS) = 0x0000007f00000016ull,
			M(TRUE_PROCBASED_CTLS) = 0xf7f9fffe04006172ull,
			M(TRUE_EXIT_CTLS) = 0x007fffff00036dfbull,
			M(TRUE_ENTRY_CTLS) = 0x0000ffff000011fbull,
			M(VMFUNC) = 0x0000000000000001ull,
		},
	},
	[SKYLAKE] = {
		.name = "corei7_skylake_x",
		.msr = {
			M(BASIC) = 0x00d810000000002bull,
			M(PINBASED_CTLS) = 0x0000007f00000016ull,
			M(PROCBASED_CTLS) = 0xf7f9fffe0401e172ull,
			M(EXIT_CTLS) = 0x007fffff00036dffull,
			M(ENTRY_CTLS) = 0x0000ffff000011ffull,
			M(MISC) = 0x00000000600401e0ull,
			M(CR0_FIXED0) = 0x0000000080000021ull,
			M(CR0_FIXED1) = 0x00000000ffffffffull,
			M(CR4_FIXED0) = 0x0000000000002000ull,
			M(CR4_FIXED1) = 0x00000000003727ffull,
			M(VMCS_ENUM) = 0x0000000000000034ull,
			M(PROCBASED_CTLS2) = 0x02177fff00000000ull,
			M(EPT_VPID_CAP) = 0x00000f0106334141ull,
			M(TRUE_PINBASED_CTLS) = 0x0000007f00000016ull,
			M(TRUE_PROCBASED_CTLS) = 0xf7f9fffe04006172ull,
			M(TRUE_EXIT_CTLS) = 0x007fffff00036dfbull,
			M(TRUE_ENTRY_CTLS) = 0x0000ffff000011fbull,
			M(VMFUNC) = 0x0000000000000001ull,
		},
	},
	[ICELAKE] = {
		.name = "corei7_icelake_u",
		.msr = {
			M(BASIC) = 0x00d8100000000004ull,
			M(PINBASED_CTLS) = 0x0000007f00000016ull,
			M(PROCBASED_CTLS) = 0xfff9fffe0401e172ull,
			M(EXIT_CTLS) = 0x007fffff00036dffull,
			M(ENTRY_CTLS) = 0x0000ffff000011ffull,
			M(MISC) = 0x00000000600401e0ull,
			M(CR0_FIXED0) = 0x0000000080000021ull,
			M(CR0_FIXED1) = 0x00000000ffffffffull,
			M(CR4_FIXED0) = 0x0000000000002000ull,
			M(CR4_FIXED1) = 0x0000000000772fffull,
			M(VMCS_ENUM) = 0x0000000000000034ull,
			M(PROCBASED_CTLS2) = 0x02977fff00000000ull,
			M(EPT_VPID_CAP) = 0x00000f0106334141ull,
			M(TRUE_PINBASED_CTLS) = 0x0000007f00000016ull,
			M(TRUE_PROCBASED_CTLS) = 0xfff9fffe04006172ull,
			M(TRUE_EXIT_CTLS) = 0x007fffff00036dfbull,
			M(TRUE_ENTRY_CTLS) = 0x0000ffff000011fbull,
			M(VMFUNC) = 0x0000000000000001ull,
		},
	},
	[TIGERLAKE] = {
		.name = "tigerlake",
		.msr = {
			M(BASIC) = 0x01d8100000000004ull,
			M(PINBASED_CTLS) = 0x0000007f00000016ull,
			M(PROCBASED_CTLS) = 0xfff9fffe0401e172ull,
			M(EXIT_CTLS) = 0x107fffff00036dffull,
			M(ENTRY_CTLS) = 0x0010ffff000011ffull,
			M(MISC) = 0x00000000600401e0ull,
			M(CR0_FIXED0) = 0x0000000080000021ull,
			M(CR0_FIXED1) = 0x00000000ffffffffull,
			M(CR4_FIXED0) = 0x0000000000002000ull,
			M(CR4_FIXED1) = 0x0000000000f72fffull,
			M(VMCS_ENUM) = 0x0000000000000034ull,
			M(PROCBASED_CTLS2) = 0x02977fff00000000ull,
			M(EPT_VPID_CAP) = 0x00000f0106b34141ull,
			M(TRUE_PINBASED_CTLS) = 0x0000007f00000016ull,
			M(TRUE_PROCBASED_CTLS) = 0xfff9fffe04006172ull,
			M(TRUE_EXIT_CTLS) = 0x107fffff00036dfbull,
			M(TRUE_ENTRY_CTLS) = 0x0010ffff000011fbull,
			M(VMFUNC) = 0x0000000000000001ull,
		},
	},
	[SANDY_BRIDGE] = {
		.name = "corei7_sandy_bridge_2600k",
		.msr = {
			M(BASIC) = 0x00d810000000002bull,
			M(PINBASED_CTLS) = 0x0000007f00000016ull,
			M(PROCBASED_CTLS) = 0xf7f9fffe0401e172ull,
			M(EXIT_CTLS) = 0x007fffff00036dffull,
			M(ENTRY_CTLS) = 0x0000ffff000011ffull,
			M(MISC) = 0x00000000000401e0ull,
			M(CR0_FIXED0) = 0x0000000080000021ull,
			M(CR0_FIXED1) = 0x00000000ffffffffull,
			M(CR4_FIXED0) = 0x0000000000002000ull,
			M(CR4_FIXED1) = 0x00000000000627ffull,
			M(VMCS_ENUM) = 0x0000000000000034ull,
			M(PROCBASED_CTLS2) = 0x000000ff00000000ull,
			M(EPT_VPID_CAP) = 0x00000f0106114141ull,
			M(TRUE_PINBASED_CTLS) = 0x0000007f00000016ull,
			M(TRUE_PROCBASED_CTLS) = 0xf7f9fffe04006172ull,
			M(TRUE_EXIT_CTLS) = 0x007fffff00036dfbull,
			M(TRUE_ENTRY_CTLS) = 0x0000ffff000011fbull,
		},
	},
	[ARRANDALE] = {
		.name = "corei5_arrandale_m520",
		.msr = {
			M(BASIC) = 0x00d810000000002bull,
			M(PINBASED_CTLS) = 0x0000007f00000016ull,
			M(PROCBASED_CTLS) = 0xf7f9fffe0401e172ull,
			M(EXIT_CTLS) = 0x007fffff00036dffull,
			M(ENTRY_CTLS) = 0x0000ffff000011ffull,
			M(MISC) = 0x00000000000401e0ull,
			M(CR0_FIXED0) = 0x0000000080000021ull,
			M(CR0_FIXED1) = 0x00000000ffffffffull,
			M(CR4_FIXED0) = 0x0000000000002000ull,
			M(CR4_FIXED1) = 0x00000000000067ffull,
			M(VMCS_ENUM) = 0x0000000000000034ull,
			M(PROCBASED_CTLS2) = 0x000000ff00000000ull,
			M(EPT_VPID_CAP) = 0x00000f0106114141ull,
			M(TRUE_PINBASED_CTLS) = 0x0000007f00000016ull,
			M(TRUE_PROCBASED_CTLS) = 0xf7f9fffe04006172ull,
			M(TRUE_EXIT_CTLS) = 0x007fffff00036dfbull,
			M(TRUE_ENTRY_CTLS) = 0x0000ffff000011fbull,
		},
	},
	[PENRYN] = {
		.name = "core2_penryn_t9600",
		.msr = {
			M(BASIC) = 0x00d810000000002bull,
			M(PINBASED_CTLS) = 0x0000003f00000016ull,
			M(PROCBASED_CTLS) = 0xf7f9fffe0401e172ull,
			M(EXIT_CTLS) = 0x0003ffff00036dffull,
			M(ENTRY_CTLS) = 0x00003fff000011ffull,
			M(MISC) = 0x00000000000401e0ull,
			M(CR0_FIXED0) = 0x0000000080000021ull,
			M(CR0_FIXED1) = 0x00000000ffffffffull,
			M(CR4_FIXED0) = 0x0000000000002000ull,
			M(CR4_FIXED1) = 0x00000000000467ffull,
			M(VMCS_ENUM) = 0x0000000000000034ull,
			M(PROCBASED_CTLS2) = 0x0000004100000000ull,
			/* derived, see above */
			M(TRUE_PINBASED_CTLS) = 0x0000003f00000016ull,
			M(TRUE_PROCBASED_CTLS) = 0xf7f9fffe04006172ull,
			M(TRUE_EXIT_CTLS) = 0x0003ffff00036dfbull,
			M(TRUE_ENTRY_CTLS) = 0x00003fff000011fbull,
		},
	},
	[I7_6700K] = {
		.name = "Intel Core i7-6700K",
		.msr = {
			M(BASIC) = 0x00da040000000004ull,
			M(PINBASED_CTLS) = 0x0000007f00000016ull,
			M(PROCBASED_CTLS) = 0xfff9fffe0401e172ull,
			M(EXIT_CTLS) = 0x01ffffff00036dffull,
			M(ENTRY_CTLS) = 0x0003ffff000011ffull,
			M(MISC) = 0x000000007004c1e7ull,
			M(CR0_FIXED0) = 0x0000000080000021ull,
			M(CR0_FIXED1) = 0x00000000ffffffffull,
			M(CR4_FIXED0) = 0x0000000000002000ull,
			M(CR4_FIXED1) = 0x00000000003727ffull,
			M(VMCS_ENUM) = 0x000000000000002eull,
			M(PROCBASED_CTLS2) = 0x001ffcff00000000ull,
			M(EPT_VPID_CAP) = 0x00000f0106334141ull,
			M(TRUE_PINBASED_CTLS) = 0x0000007f00000016ull,
			M(TRUE_PROCBASED_CTLS) = 0xfff9fffe04006172ull,
			M(TRUE_EXIT_CTLS) = 0x01ffffff00036dfbull,
			M(TRUE_ENTRY_CTLS) = 0x0003ffff000011fbull,
			M(VMFUNC) = 0x0000000000000001ull,
		},
	},
};

/* The fake RDMSR: answers from one model and counts reads the CPU would refuse. */
struct fake_cpu {
	const struct model *m;
	unsigned bad_reads;
	uint32_t read_mask; /* bit (msr - 0x480) for each MSR read */
};

static uint64_t fake_rdmsr(uint32_t msr, void *ctx)
{
	struct fake_cpu *f = ctx;
	uint32_t i = msr - MSR_IA32_VMX_BASIC;

	if (msr < MSR_IA32_VMX_BASIC || i >= NMSRS || f->m->msr[i] == 0) {
		printf("    %s: RDMSR 0x%x would #GP\n", f->m->name, msr);
		f->bad_reads++;
		return 0;
	}
	f->read_mask |= 1u << i;
	return f->m->msr[i];
}

static struct vmx_caps caps_of(enum model_id id)
{
	struct fake_cpu f = { &models[id], 0, 0 };
	struct vmx_caps c;

	vmx_caps_read(&c, fake_rdmsr, &f);
	return c;
}

/* Computes with a clean log; returns the verdict. */
static bool compute(const struct vmx_caps *c, unsigned mask, struct vmx_controls *out)
{
	test_log_clear();
	return vmx_compute_controls(c, mask, out);
}

TEST(vmx_caps_read_touches_exactly_the_msrs_each_model_has)
{
	for (int id = 0; id < NMODELS; id++) {
		struct fake_cpu f = { &models[id], 0, 0 };
		uint32_t recorded = 0;
		struct vmx_caps c;

		for (unsigned i = 0; i < NMSRS; i++)
			if (models[id].msr[i])
				recorded |= 1u << i;
		vmx_caps_read(&c, fake_rdmsr, &f);
		CHECK_EQ(f.bad_reads, 0);
		CHECK_EQ(f.read_mask, recorded);
		CHECK(c.has_true);
		CHECK(c.has_procbased2);
		CHECK(!c.has_procbased3);
		CHECK_EQ(c.basic, models[id].msr[0]);
		CHECK_EQ(c.procbased2, models[id].msr[IDX(PROCBASED_CTLS2)]);
	}
}

TEST(vmx_caps_presence_flags_follow_the_sdm_rules)
{
	struct vmx_caps c = caps_of(HASWELL);

	CHECK(c.has_ept_vpid && c.has_vmfunc);
	c = caps_of(SANDY_BRIDGE);
	CHECK(c.has_ept_vpid && !c.has_vmfunc);
	CHECK_EQ(c.vmfunc, 0);
	c = caps_of(PENRYN); /* secondary controls without EPT or VPID: no EPT_VPID_CAP */
	CHECK(!c.has_ept_vpid && !c.has_vmfunc);
	CHECK_EQ(c.ept_vpid, 0);
}

TEST(vmx_caps_without_secondary_or_true_reads_neither)
{
	struct model m = models[HASWELL];
	struct fake_cpu f = { &m, 0, 0 };
	struct vmx_caps c;

	m.msr[IDX(BASIC)] &= ~VMX_BASIC_TRUE_CTLS;
	m.msr[IDX(PROCBASED_CTLS)] &= ~((uint64_t)PROC_SECONDARY << 32);
	for (unsigned i = IDX(PROCBASED_CTLS2); i < NMSRS; i++)
		m.msr[i] = 0; /* the CPU has none of these: reading any is a #GP */
	vmx_caps_read(&c, fake_rdmsr, &f);
	CHECK_EQ(f.bad_reads, 0);
	CHECK(!c.has_true && !c.has_procbased2 && !c.has_ept_vpid && !c.has_vmfunc);
	CHECK_EQ(c.true_proc, 0);
}

TEST(vmx_caps_basic_fields)
{
	struct vmx_caps c = caps_of(HASWELL);

	CHECK_EQ(vmx_revision_id(&c), 0x2b);
	CHECK_EQ(vmx_vmcs_size(&c), 4096);
	CHECK_EQ(vmx_vmcs_memtype(&c), VMX_BASIC_MEMTYPE_WB);
	c = caps_of(I7_6700K);
	CHECK_EQ(vmx_revision_id(&c), 4);
	CHECK_EQ(vmx_vmcs_size(&c), 1024);
	CHECK_EQ(vmx_vmcs_memtype(&c), VMX_BASIC_MEMTYPE_WB);
	c.basic = 0xffffffffull | (0x1fffull << 32);
	CHECK_EQ(vmx_revision_id(&c), 0x7fffffff); /* bit 31 is not part of the id */
	CHECK_EQ(vmx_vmcs_size(&c), 0x1fff);
}

static void check_full_apicv(enum model_id id)
{
	struct vmx_caps c = caps_of(id);
	struct vmx_controls out;

	CHECK(compute(&c, 0, &out));
	CHECK(!test_log_find("lacks"));
	CHECK(out.has_tpr_shadow && out.has_virt_apic_access && out.has_virt_x2apic);
	CHECK(out.has_apic_reg_virt && out.has_vid);
	CHECK(!out.has_posted_intr); /* no Bochs model has it */
	CHECK(test_log_find("optional control process posted interrupts not available"));
	CHECK(out.has_nmi_window && out.has_mwait_exiting && out.has_monitor_exiting);
	CHECK(out.has_rdpmc_exiting && out.has_rdtscp && out.has_invpcid && out.has_wbinvd_exiting);
	CHECK(out.has_ept_2m && out.has_ept_1g && out.has_ept_ad && out.has_ept_exec_only);
	CHECK(out.has_invept_single && out.has_invept_all);
	CHECK(out.has_invvpid_addr && out.has_invvpid_single && out.has_invvpid_all);
	CHECK(out.has_invvpid_single_globals);
	/* x2APIC virtualization is usable but off at start: it excludes APIC-access
	 * virtualization */
	CHECK(!(out.proc2 & PROC2_VIRT_X2APIC));
	CHECK(out.proc2 & PROC2_VIRT_APIC_ACCESS);
	CHECK(!(out.entry & ENTRY_IA32E_GUEST));
}

TEST(vmx_controls_recent_bochs_models_have_every_feature)
{
	check_full_apicv(HASWELL);
	check_full_apicv(SKYLAKE);
	check_full_apicv(ICELAKE);
	check_full_apicv(TIGERLAKE);
}

TEST(vmx_controls_xsaves_only_where_the_model_has_it)
{
	struct vmx_caps c = caps_of(HASWELL);
	struct vmx_controls out;

	CHECK(compute(&c, 0, &out));
	CHECK(!out.has_xsaves);
	CHECK(test_log_find("optional control enable XSAVES/XRSTORS not available"));
	c = caps_of(SKYLAKE);
	CHECK(compute(&c, 0, &out));
	CHECK(out.has_xsaves);
	CHECK(out.proc2 & PROC2_XSAVES);
}

static void check_no_apicv_regs(enum model_id id)
{
	struct vmx_caps c = caps_of(id);
	struct vmx_controls out;

	CHECK(compute(&c, 0, &out));
	CHECK(!out.has_apic_reg_virt && !out.has_vid && !out.has_posted_intr);
	CHECK(out.has_tpr_shadow && out.has_virt_apic_access && out.has_virt_x2apic);
	CHECK(test_log_find("vmx: optional control APIC-register virtualization not available; "
			    "using the fallback"));
	CHECK(test_log_find("vmx: optional control virtual-interrupt delivery not available; "
			    "using the fallback"));
	CHECK(!test_log_find("lacks"));
	CHECK(!(out.proc2 & (PROC2_APIC_REG_VIRT | PROC2_VIRT_INTR_DELIVERY)));
}

TEST(vmx_controls_sandy_bridge_and_arrandale_fall_back)
{
	struct vmx_caps c = caps_of(SANDY_BRIDGE);
	struct vmx_controls out;

	check_no_apicv_regs(SANDY_BRIDGE);
	check_no_apicv_regs(ARRANDALE);
	CHECK(compute(&c, 0, &out));
	CHECK(out.has_ept_2m && !out.has_ept_1g && !out.has_ept_ad); /* EPT_VPID 0x...06114141 */
	CHECK(!out.has_invpcid && !out.has_xsaves);
}

TEST(vmx_controls_real_skylake_client_falls_back)
{
	check_no_apicv_regs(I7_6700K);
}

TEST(vmx_controls_penryn_is_refused_with_everything_missing)
{
	struct vmx_caps c = caps_of(PENRYN);
	struct vmx_controls out;

	CHECK(!compute(&c, 0, &out));
	CHECK(test_log_find("vmx: the CPU lacks the required control enable EPT "
			    "(secondary processor-based bit 1)"));
	CHECK(test_log_find("vmx: the CPU lacks the required control unrestricted guest "
			    "(secondary processor-based bit 7)"));
	CHECK(test_log_find("required control enable VPID"));
	CHECK(test_log_find("required control save IA32_PAT (VM-exit bit 18)"));
	CHECK(test_log_find("required control load IA32_EFER (VM-exit bit 21)"));
	CHECK(test_log_find("required control load IA32_PAT (VM-entry bit 14)"));
	CHECK(test_log_find("required control load IA32_EFER (VM-entry bit 15)"));
	/* what it does have is not blamed, nor EPT details of an EPT it lacks */
	CHECK(!test_log_find("external-interrupt exiting"));
	CHECK(!test_log_find("use MSR bitmaps"));
	CHECK(!test_log_find("EPT_VPID_CAP"));
}

/*
 * Expected words, worked out by hand from the MSRs (TRUE_ MSRs, since bit 55 is set):
 *  pin   = TRUE_PIN low 0x16 | ext-int 0x1 | NMI 0x8 | virtual NMIs 0x20          = 0x3f
 *          | preemption timer 0x40 (checked as 0x3f | PIN_PREEMPTION_TIMER)
 *  proc  = TRUE_PROC low 0x04006172 | interrupt window 0x4 | TSC offsetting 0x8 | HLT 0x80
 *          | MWAIT 0x400
 *          | RDPMC 0x800 | TPR shadow 0x200000 | NMI window 0x400000 | I/O bitmaps
 *          0x2000000 | MSR bitmaps 0x10000000 | MONITOR 0x20000000 | secondary 0x80000000
 *                                                                             = 0xb6606dfe
 *  exit  = TRUE_EXIT low 0x36dfb | save debug 0x4 | host 64-bit 0x200 | ack 0x8000
 *          | save/load PAT 0xc0000 | save/load EFER 0x300000                        = 0x3fefff
 *          | save preemption timer 0x400000 (checked as 0x3fefff | EXIT_SAVE_PREEMPT)
 *  entry = TRUE_ENTRY low 0x11fb | load debug 0x4 | load PAT 0x4000 | load EFER 0x8000
 *                                                                                 = 0xd1ff
 *  proc2 (allowed-1 0x47fff on Haswell): APIC accesses 0x1 | EPT 0x2 | RDTSCP 0x8 | VPID 0x20
 *          | WBINVD 0x40 | unrestricted 0x80 | APIC-register 0x100 | VID 0x200
 *          | INVPCID 0x1000                                                        = 0x13eb
 *  proc2 (allowed-1 0xff on Sandy Bridge): 0x1 | 0x2 | 0x8 | 0x20 | 0x40 | 0x80  = 0xeb
 *  proc2 (allowed-1 0x1ffcff on the i7-6700K): 0xeb | INVPCID 0x1000 | XSAVES 0x100000
 *                                                                              = 0x1010eb
 */
static void check_words(enum model_id id, uint32_t proc2)
{
	struct vmx_caps c = caps_of(id);
	struct vmx_controls out;

	CHECK(compute(&c, 0, &out));
	CHECK_EQ(out.pin, 0x3f | PIN_PREEMPTION_TIMER);
	CHECK(out.has_preemption_timer);
	CHECK_EQ(out.proc, 0xb6606dfe);
	CHECK_EQ(out.proc2, proc2);
	CHECK_EQ(out.exit, 0x3fefff | EXIT_SAVE_PREEMPT);
	CHECK_EQ(out.entry, 0xd1ff);
}

TEST(vmx_controls_exact_words)
{
	check_words(HASWELL, 0x13eb);
	check_words(SANDY_BRIDGE, 0xeb);
	check_words(I7_6700K, 0x1010eb);
}

TEST(vmx_controls_true_msrs_let_default1_bits_be_0)
{
	struct vmx_caps c = caps_of(HASWELL);
	struct vmx_controls out;

	/* IA32_VMX_PROCBASED_CTLS says CR3-load/store exiting must be 1 (default1); the TRUE MSR
	 * lets them be 0 and we do not want them: they stay 0. */
	CHECK(c.procbased & PROC_CR3_LOAD);
	CHECK(compute(&c, 0, &out));
	CHECK(!(out.proc & (PROC_CR3_LOAD | PROC_CR3_STORE)));

	/* Without bit 55 only the old MSRs count: the default1 bits are forced. */
	c.basic &= ~VMX_BASIC_TRUE_CTLS;
	c.has_true = false;
	CHECK(compute(&c, 0, &out));
	CHECK_EQ(out.proc, 0xb6606dfe | PROC_CR3_LOAD | PROC_CR3_STORE);
	CHECK_EQ(out.exit, 0x3fefff | EXIT_SAVE_PREEMPT);
	CHECK_EQ(out.entry, 0xd1ff);

	/* A TRUE MSR that forbids a control the old MSR allows: the TRUE one rules. */
	c = caps_of(HASWELL);
	c.true_proc &= ~((uint64_t)PROC_MWAIT_EXITING << 32);
	CHECK(compute(&c, 0, &out));
	CHECK(!out.has_mwait_exiting && !(out.proc & PROC_MWAIT_EXITING));
	CHECK(test_log_find("optional control MWAIT exiting not available; using the fallback"));
}

TEST(vmx_controls_masks_turn_optional_features_off)
{
	struct vmx_caps c = caps_of(SKYLAKE);
	struct vmx_controls out;

	CHECK(compute(&c, VMX_OPT_APICV_ALL, &out));
	CHECK(!out.has_tpr_shadow && !out.has_virt_apic_access && !out.has_virt_x2apic);
	CHECK(!out.has_apic_reg_virt && !out.has_vid && !out.has_posted_intr);
	/* Without the TPR shadow, MOV CR8 exits (it would reach the real TPR). */
	CHECK_EQ(out.proc, (0xb6606dfe & ~PROC_TPR_SHADOW) | PROC_CR8_LOAD | PROC_CR8_STORE);
	CHECK_EQ(out.proc2, 0x1013eb & ~(PROC2_VIRT_APIC_ACCESS | PROC2_APIC_REG_VIRT |
					  PROC2_VIRT_INTR_DELIVERY));
	CHECK(test_log_find("optional control use TPR shadow turned off by a boot option"));
	CHECK(test_log_find("optional control virtual-interrupt delivery turned off by a boot "
			    "option"));

	/* Only the TPR shadow off: what needs it goes too, APIC-access virtualization stays. */
	CHECK(compute(&c, VMX_OPT_TPR_SHADOW, &out));
	CHECK(!out.has_tpr_shadow && out.has_virt_apic_access);
	CHECK((out.proc & (PROC_CR8_LOAD | PROC_CR8_STORE)) == (PROC_CR8_LOAD | PROC_CR8_STORE));
	CHECK(!out.has_virt_x2apic && !out.has_apic_reg_virt && !out.has_vid);
	CHECK(test_log_find("optional control virtualize x2APIC mode needs use TPR shadow"));
	CHECK(test_log_find("optional control virtual-interrupt delivery needs use TPR shadow"));

	/* Neither kind of APIC virtualization: register virtualization and VID have nothing to
	 * do. */
	CHECK(compute(&c, VMX_OPT_VIRT_APIC_ACCESS | VMX_OPT_VIRT_X2APIC, &out));
	CHECK(out.has_tpr_shadow && !out.has_apic_reg_virt && !out.has_vid);
	CHECK(test_log_find("APIC-register virtualization needs virtualize APIC accesses or"));

	/* Only x2APIC virtualization off: xAPIC virtualization keeps them. */
	CHECK(compute(&c, VMX_OPT_VIRT_X2APIC, &out));
	CHECK(out.has_apic_reg_virt && out.has_vid && !out.has_virt_x2apic);

	/* The preemption timer is not APIC virtualization: "off" keeps it, its own bit does not. */
	CHECK(compute(&c, VMX_OPT_APICV_ALL, &out));
	CHECK(out.has_preemption_timer && (out.pin & PIN_PREEMPTION_TIMER));
	CHECK(compute(&c, VMX_OPT_PREEMPTION_TIMER, &out));
	CHECK(!out.has_preemption_timer && !(out.pin & PIN_PREEMPTION_TIMER));
	/* saving its value without it would fail VM entry (SDM Vol. 3C, 27.2.1.2) */
	CHECK(!out.has_save_preemption_timer && !(out.exit & EXIT_SAVE_PREEMPT));
	CHECK(out.has_vid && out.has_apic_reg_virt);
	CHECK(test_log_find("optional control VMX-preemption timer turned off by a boot option"));
}

/* Skylake with posted interrupts, as server parts have them. */
static struct vmx_caps caps_with_posted(void)
{
	struct vmx_caps c = caps_of(SKYLAKE);

	c.true_pin |= (uint64_t)PIN_POSTED_INTR << 32;
	return c;
}

TEST(vmx_controls_posted_interrupts_need_vid_and_ack)
{
	struct vmx_caps c = caps_with_posted();
	struct vmx_controls out;

	CHECK(compute(&c, 0, &out));
	CHECK(out.has_posted_intr);
	CHECK_EQ(out.pin, 0x3f | PIN_PREEMPTION_TIMER | PIN_POSTED_INTR);

	CHECK(compute(&c, VMX_OPT_VID, &out));
	CHECK(!out.has_posted_intr && !(out.pin & PIN_POSTED_INTR));
	CHECK(test_log_find("optional control process posted interrupts needs virtual-interrupt "
			    "delivery; using the fallback"));

	c.procbased2 &= ~((uint64_t)PROC2_VIRT_INTR_DELIVERY << 32); /* a CPU without VID */
	CHECK(compute(&c, 0, &out));
	CHECK(!out.has_posted_intr && !out.has_vid);

	c = caps_with_posted();
	c.true_exit &= ~((uint64_t)EXIT_ACK_INTR << 32);
	CHECK(!compute(&c, 0, &out)); /* ack-on-exit is required in its own right */
	CHECK(!out.has_posted_intr);
	CHECK(test_log_find("required control acknowledge interrupt on exit (VM-exit bit 15)"));
	CHECK(test_log_find("process posted interrupts needs acknowledge interrupt on exit"));

	c = caps_with_posted();
	CHECK(compute(&c, VMX_OPT_POSTED_INTR, &out));
	CHECK(!out.has_posted_intr && out.has_vid);
}

TEST(vmx_controls_ept_vpid_capabilities_are_checked)
{
	struct vmx_caps c = caps_of(HASWELL);
	struct vmx_controls out;

	c.ept_vpid &= ~(VMX_EPT_PWL4 | VMX_EPT_WB);
	CHECK(!compute(&c, 0, &out));
	CHECK(test_log_find("vmx: the CPU lacks EPT page-walk length 4 (IA32_VMX_EPT_VPID_CAP "
			    "bit 6)"));
	CHECK(test_log_find("the write-back EPT memory type (IA32_VMX_EPT_VPID_CAP bit 14)"));

	c = caps_of(HASWELL);
	c.ept_vpid &= ~(VMX_EPT_INVEPT | VMX_VPID_INVVPID);
	CHECK(!compute(&c, 0, &out));
	CHECK(test_log_find("lacks INVEPT (IA32_VMX_EPT_VPID_CAP bit 20)"));
	CHECK(test_log_find("lacks INVVPID (IA32_VMX_EPT_VPID_CAP bit 32)"));

	c = caps_of(HASWELL);
	c.ept_vpid &= ~(VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL);
	CHECK(!compute(&c, 0, &out));
	CHECK(test_log_find("INVEPT but neither its single-context nor its all-context type"));

	c = caps_of(HASWELL);
	c.ept_vpid &= ~VMX_EPT_INVEPT_SINGLE; /* all-context alone will do */
	CHECK(compute(&c, 0, &out));
	CHECK(!out.has_invept_single && out.has_invept_all);
}

TEST(vmx_controls_bad_capabilities_are_refused_by_name)
{
	struct vmx_caps c = caps_of(HASWELL);
	struct vmx_controls out;

	/* a control the MSR says must be 1 and cannot be 1 */
	c.true_pin &= ~((uint64_t)0x10 << 32);
	CHECK(!compute(&c, 0, &out));
	CHECK(test_log_find("vmx: the pin-based controls MSR is inconsistent: bits 0x10 must "
			    "be 1"));

	c = caps_of(HASWELL);
	c.basic &= ~(0x1fffull << 32);
	CHECK(!compute(&c, 0, &out));
	CHECK(test_log_find("VMCS size of 0 bytes"));
	c.basic |= 0x1001ull << 32;
	CHECK(!compute(&c, 0, &out));
	CHECK(test_log_find("VMCS size of 4097 bytes"));

	c = caps_of(HASWELL);
	c.basic &= ~(0xfull << 50); /* uncacheable */
	CHECK(!compute(&c, 0, &out));
	CHECK(test_log_find("VMCS memory type 0, not write-back"));

	c = caps_of(HASWELL);
	c.basic |= VMX_BASIC_ADDR32;
	CHECK(!compute(&c, 0, &out));
	CHECK(test_log_find("32-bit addresses"));

	struct vmx_caps zero = { 0 };
	CHECK(!compute(&zero, 0, &out));
	CHECK(test_log_find("required control external-interrupt exiting (pin-based bit 0)"));
	CHECK(test_log_find("required control enable EPT"));
	CHECK_EQ(out.proc2, 0);
}

TEST(vmx_caps_same_names_the_first_difference)
{
	struct vmx_caps bsp = caps_of(SKYLAKE), ap = caps_of(SKYLAKE);
	const char *which = "x";

	CHECK(vmx_caps_same(&bsp, &ap, &which));
	CHECK(which == NULL);

	ap.procbased2 ^= (uint64_t)PROC2_VIRT_INTR_DELIVERY << 32;
	CHECK(!vmx_caps_same(&bsp, &ap, &which));
	CHECK_STR(which, "IA32_VMX_PROCBASED_CTLS2");

	ap = caps_of(ICELAKE); /* differs first in IA32_VMX_BASIC (revision id 4 vs 0x2b) */
	CHECK(!vmx_caps_same(&bsp, &ap, &which));
	CHECK_STR(which, "IA32_VMX_BASIC");

	ap = caps_of(SKYLAKE);
	ap.cr4_fixed1 = 0x1727ff;
	CHECK(!vmx_caps_same(&bsp, &ap, &which));
	CHECK_STR(which, "IA32_VMX_CR4_FIXED1");

	ap = caps_of(SKYLAKE); /* same value, but one CPU claims the MSR does not exist */
	ap.has_vmfunc = false;
	CHECK(!vmx_caps_same(&bsp, &ap, &which));
	CHECK_STR(which, "IA32_VMX_VMFUNC");

	/* An absent MSR's stale value does not count. */
	bsp = caps_of(SANDY_BRIDGE);
	ap = caps_of(SANDY_BRIDGE);
	ap.vmfunc = 1;
	CHECK(vmx_caps_same(&bsp, &ap, NULL));
}

TEST(vmx_fixed_cr_applies_fixed0_and_fixed1)
{
	struct vmx_caps c = caps_of(HASWELL);

	/* CR0 at reset (CD|NW|ET) gains PE, NE, PG; CR4 gains VMXE. */
	CHECK_EQ(vmx_fixed_cr(0x60000010, c.cr0_fixed0, c.cr0_fixed1), 0xe0000031);
	CHECK_EQ(vmx_fixed_cr(0, c.cr4_fixed0, c.cr4_fixed1), 0x2000);
	/* bits the CPU does not allow are cleared: CR4.CET (23) and CR4 bit 32 on Haswell */
	CHECK_EQ(vmx_fixed_cr(0x8006b0 | (1ull << 32), c.cr4_fixed0, c.cr4_fixed1), 0x26b0);
	/* CR0 bits 63:32 are reserved: fixed1 is 0 there */
	CHECK_EQ(vmx_fixed_cr(1ull << 40 | 0x80000031, c.cr0_fixed0, c.cr0_fixed1), 0x80000031);

	CHECK(vmx_fixed_cr_ok(0x80000031, c.cr0_fixed0, c.cr0_fixed1));
	CHECK(!vmx_fixed_cr_ok(0x80000011, c.cr0_fixed0, c.cr0_fixed1)); /* NE clear */
	CHECK(!vmx_fixed_cr_ok(0x6b0, c.cr4_fixed0, c.cr4_fixed1));      /* VMXE clear */
	CHECK(vmx_fixed_cr_ok(0x26b0, c.cr4_fixed0, c.cr4_fixed1));
	CHECK(!vmx_fixed_cr_ok(0x8026b0, c.cr4_fixed0, c.cr4_fixed1)); /* CET not allowed */
}

TEST(vmx_fixed_cr0_guest_lets_unrestricted_guests_leave_pe_pg_clear)
{
	struct vmx_caps c = caps_of(HASWELL);

	/* real mode at reset: only NE is forced */
	CHECK_EQ(vmx_fixed_cr0_guest(0x60000010, c.cr0_fixed0, c.cr0_fixed1, true), 0x60000030);
	CHECK_EQ(vmx_fixed_cr0_guest(0x10, c.cr0_fixed0, c.cr0_fixed1, true), 0x30);
	/* a paging guest keeps what it set */
	CHECK_EQ(vmx_fixed_cr0_guest(0x80000011, c.cr0_fixed0, c.cr0_fixed1, true), 0x80000031);
	/* without unrestricted guest, PE and PG are forced */
	CHECK_EQ(vmx_fixed_cr0_guest(0x10, c.cr0_fixed0, c.cr0_fixed1, false), 0x80000031);
}

/* The flush types follow IA32_VMX_EPT_VPID_CAP: single-context only where the CPU has it. */
TEST(vmx_flush_types_follow_the_capabilities)
{
	struct vmx_controls c = { 0 };

	c.has_invvpid_all = c.has_invept_all = true;
	CHECK_EQ(vmx_invvpid_type(&c), INVVPID_ALL_CONTEXT);
	CHECK_EQ(vmx_invept_type(&c), INVEPT_ALL_CONTEXT);
	c.has_invvpid_single = c.has_invept_single = true;
	CHECK_EQ(vmx_invvpid_type(&c), INVVPID_SINGLE_CONTEXT);
	CHECK_EQ(vmx_invept_type(&c), INVEPT_SINGLE_CONTEXT);
	c.has_invvpid_all = c.has_invept_all = false;
	CHECK_EQ(vmx_invvpid_type(&c), INVVPID_SINGLE_CONTEXT);
	CHECK_EQ(vmx_invept_type(&c), INVEPT_SINGLE_CONTEXT);
}
