/* vmx/vmx_caps.c: reads the VMX capability MSRs and computes this hypervisor's VM-execution,
 * VM-exit and VM-entry control words from them. Pure (host-tested); boot, each CPU once. */
#include <stddef.h>

#include "lib/array.h"
#include "lib/log.h"
#include "lib/string.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_caps.h"

#define CR0_PE_BIT (1ull << 0)
#define CR0_PG_BIT (1ull << 31)

/*
 * The capability MSRs in reading order: an MSR's presence depends only on MSRs above it.
 */
#define ALWAYS SIZE_MAX
static const struct cap_msr {
	uint32_t msr;
	const char *name;
	size_t value;   /* offset of the value in struct vmx_caps */
	size_t present; /* offset of its has_* flag, or ALWAYS */
} cap_msrs[] = {
#define CAP(msr, field, flag) { MSR_##msr, #msr, offsetof(struct vmx_caps, field), flag }
#define HAS(f) offsetof(struct vmx_caps, f)
	CAP(IA32_VMX_BASIC, basic, ALWAYS),
	CAP(IA32_VMX_PINBASED_CTLS, pinbased, ALWAYS),
	CAP(IA32_VMX_PROCBASED_CTLS, procbased, ALWAYS),
	CAP(IA32_VMX_EXIT_CTLS, exit, ALWAYS),
	CAP(IA32_VMX_ENTRY_CTLS, entry, ALWAYS),
	CAP(IA32_VMX_MISC, misc, ALWAYS),
	CAP(IA32_VMX_CR0_FIXED0, cr0_fixed0, ALWAYS),
	CAP(IA32_VMX_CR0_FIXED1, cr0_fixed1, ALWAYS),
	CAP(IA32_VMX_CR4_FIXED0, cr4_fixed0, ALWAYS),
	CAP(IA32_VMX_CR4_FIXED1, cr4_fixed1, ALWAYS),
	CAP(IA32_VMX_VMCS_ENUM, vmcs_enum, ALWAYS),
	CAP(IA32_VMX_PROCBASED_CTLS2, procbased2, HAS(has_procbased2)),
	CAP(IA32_VMX_EPT_VPID_CAP, ept_vpid, HAS(has_ept_vpid)),
	CAP(IA32_VMX_TRUE_PINBASED_CTLS, true_pin, HAS(has_true)),
	CAP(IA32_VMX_TRUE_PROCBASED_CTLS, true_proc, HAS(has_true)),
	CAP(IA32_VMX_TRUE_EXIT_CTLS, true_exit, HAS(has_true)),
	CAP(IA32_VMX_TRUE_ENTRY_CTLS, true_entry, HAS(has_true)),
	CAP(IA32_VMX_VMFUNC, vmfunc, HAS(has_vmfunc)),
	CAP(IA32_VMX_PROCBASED_CTLS3, procbased3, HAS(has_procbased3)),
#undef HAS
#undef CAP
};

static uint64_t *cap_value(struct vmx_caps *c, const struct cap_msr *m)
{
	return (uint64_t *)((char *)c + m->value);
}

static uint64_t cap_get(const struct vmx_caps *c, const struct cap_msr *m)
{
	return *(const uint64_t *)((const char *)c + m->value);
}

static bool cap_present(const struct vmx_caps *c, const struct cap_msr *m)
{
	return m->present == ALWAYS || *(const bool *)((const char *)c + m->present);
}

/* Which optional MSRs exist, from the ones read so far (SDM Vol. 3D, Appendix A: A.2 "Reserved
 * Controls and Default Settings" for the TRUE_ MSRs, A.3.3 and A.3.4 for the secondary and
 * tertiary controls, A.10 "VPID and EPT Capabilities", A.11 "VM Functions"). */
static void caps_update_presence(struct vmx_caps *c)
{
	uint32_t proc_may1 = (uint32_t)(c->procbased >> 32);
	uint32_t proc2_may1 = (uint32_t)(c->procbased2 >> 32);

	c->has_true = (c->basic & VMX_BASIC_TRUE_CTLS) != 0;
	c->has_procbased2 = (proc_may1 & PROC_SECONDARY) != 0;
	c->has_procbased3 = (proc_may1 & PROC_TERTIARY) != 0;
	c->has_ept_vpid = c->has_procbased2 && (proc2_may1 & (PROC2_EPT | PROC2_VPID));
	c->has_vmfunc = c->has_procbased2 && (proc2_may1 & PROC2_VMFUNC);
}

void vmx_caps_read(struct vmx_caps *c, vmx_rdmsr_fn rdmsr, void *ctx)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < ARRAY_SIZE(cap_msrs); i++) {
		caps_update_presence(c);
		if (cap_present(c, &cap_msrs[i]))
			*cap_value(c, &cap_msrs[i]) = rdmsr(cap_msrs[i].msr, ctx);
	}
	caps_update_presence(c);
}

bool vmx_caps_same(const struct vmx_caps *a, const struct vmx_caps *b, const char **which)
{
	for (size_t i = 0; i < ARRAY_SIZE(cap_msrs); i++) {
		const struct cap_msr *m = &cap_msrs[i];
		bool pa = cap_present(a, m), pb = cap_present(b, m);

		if (pa != pb || (pa && cap_get(a, m) != cap_get(b, m))) {
			if (which)
				*which = m->name;
			return false;
		}
	}
	if (which)
		*which = NULL;
	return true;
}

uint32_t vmx_revision_id(const struct vmx_caps *c)
{
	return (uint32_t)(c->basic & VMX_BASIC_REVISION_MASK);
}

uint32_t vmx_vmcs_size(const struct vmx_caps *c)
{
	return (uint32_t)((c->basic >> VMX_BASIC_VMCS_SIZE_SHIFT) & VMX_BASIC_VMCS_SIZE_MASK);
}

unsigned vmx_vmcs_memtype(const struct vmx_caps *c)
{
	return (unsigned)((c->basic >> VMX_BASIC_MEMTYPE_SHIFT) & VMX_BASIC_MEMTYPE_MASK);
}

/*
 * What this hypervisor asks of each control word. "required": no VM without it. "optional":
 * used when the CPU has it, else the named fallback (exits and emulation) is used; `opt` is the
 * VMX_OPT_* bit that lets a boot option turn it off. `at_start` false: only checked to be
 * allowed, set later per VM entry or per vCPU (see struct vmx_controls).
 */
struct ctl_want {
	uint32_t bit;
	bool required;
	bool at_start;
	unsigned opt;
	const char *name;
};

#define REQ(b, n) { b, true, true, 0, n }
#define OPT(b, n, o) { b, false, true, o, n }

/* SDM Vol. 3C, 25.6.1 "Pin-Based VM-Execution Controls". Interrupts and NMIs belong to the host
 * and are forwarded; virtual NMIs give the guest NMI blocking of its own. Posted interrupts also
 * need virtual-interrupt delivery and acknowledge-interrupt-on-exit (apply_dependencies). */
static const struct ctl_want pin_wants[] = {
	REQ(PIN_EXTINT_EXITING, "external-interrupt exiting"),
	REQ(PIN_NMI_EXITING, "NMI exiting"),
	REQ(PIN_VIRTUAL_NMIS, "virtual NMIs"),
	OPT(PIN_POSTED_INTR, "process posted interrupts", VMX_OPT_POSTED_INTR),
	OPT(PIN_PREEMPTION_TIMER, "VMX-preemption timer", VMX_OPT_PREEMPTION_TIMER),
};

/* 25.6.2, primary controls. Ports and MSRs go through the VM's bitmaps; HLT sleeps the vCPU.
 * The PMU is hidden from the guest, so RDPMC exits where the CPU allows it (without the exit, a
 * guest kernel's RDPMC would read the real counters). */
static const struct ctl_want proc_wants[] = {
	REQ(PROC_INTR_WINDOW, "interrupt-window exiting"),
	REQ(PROC_HLT_EXITING, "HLT exiting"),
	REQ(PROC_USE_IO_BITMAPS, "use I/O bitmaps"),
	REQ(PROC_USE_MSR_BITMAPS, "use MSR bitmaps"),
	REQ(PROC_USE_TSC_OFFSET, "use TSC offsetting"), /* IA32_TSC_ADJUST, TSC writes */
	REQ(PROC_SECONDARY, "activate secondary controls"),
	OPT(PROC_TPR_SHADOW, "use TPR shadow", VMX_OPT_TPR_SHADOW),
	OPT(PROC_NMI_WINDOW, "NMI-window exiting", 0),
	OPT(PROC_MWAIT_EXITING, "MWAIT exiting", 0),
	OPT(PROC_MONITOR_EXITING, "MONITOR exiting", 0),
	OPT(PROC_RDPMC_EXITING, "RDPMC exiting", 0),
	/* Set only without the TPR shadow (apply_dependencies). */
	{ PROC_CR8_LOAD, true, false, 0, "CR8-load exiting" },
	{ PROC_CR8_STORE, true, false, 0, "CR8-store exiting" },
};

/* 25.6.2, secondary controls. EPT + unrestricted guest run the guest from real mode on; VPID
 * spares TLB flushes on every exit. The APIC virtualization set is optional (SDM Vol. 3C,
 * chapter "APIC Virtualization and Virtual Interrupts"). */
static const struct ctl_want proc2_wants[] = {
	REQ(PROC2_EPT, "enable EPT"),
	REQ(PROC2_VPID, "enable VPID"),
	REQ(PROC2_UNRESTRICTED, "unrestricted guest"),
	OPT(PROC2_VIRT_APIC_ACCESS, "virtualize APIC accesses", VMX_OPT_VIRT_APIC_ACCESS),
	{ PROC2_VIRT_X2APIC, false, false, VMX_OPT_VIRT_X2APIC, "virtualize x2APIC mode" },
	OPT(PROC2_APIC_REG_VIRT, "APIC-register virtualization", VMX_OPT_APIC_REG),
	OPT(PROC2_VIRT_INTR_DELIVERY, "virtual-interrupt delivery", VMX_OPT_VID),
	OPT(PROC2_RDTSCP, "enable RDTSCP", 0),
	OPT(PROC2_INVPCID, "enable INVPCID", 0),
	OPT(PROC2_XSAVES, "enable XSAVES/XRSTORS", 0),
	OPT(PROC2_WBINVD_EXITING, "WBINVD exiting", 0),
};

/* 25.7.1 "VM-Exit Controls". The host is 64-bit; EFER and PAT are switched by the CPU. Saving
 * the debug controls keeps the guest's DR7/IA32_DEBUGCTL: a VM exit sets DR7 to 400H and clears
 * IA32_DEBUGCTL (SDM Vol. 3C, "Loading Host Control Registers, Debug Registers, MSRs"). */
static const struct ctl_want exit_wants[] = {
	REQ(EXIT_SAVE_DEBUG, "save debug controls"),
	REQ(EXIT_HOST_ADDR64, "host address-space size"),
	REQ(EXIT_ACK_INTR, "acknowledge interrupt on exit"),
	REQ(EXIT_SAVE_PAT, "save IA32_PAT"),
	REQ(EXIT_LOAD_PAT, "load IA32_PAT"),
	REQ(EXIT_SAVE_EFER, "save IA32_EFER"),
	REQ(EXIT_LOAD_EFER, "load IA32_EFER"),
	/* The virtual APIC timer's preemption timer keeps counting across exits. */
	OPT(EXIT_SAVE_PREEMPT, "save VMX-preemption timer value", 0),
};

/* 25.8.1 "VM-Entry Controls". "IA-32e mode guest" must equal the guest's EFER.LMA at each
 * entry, so it is only checked here. */
static const struct ctl_want entry_wants[] = {
	REQ(ENTRY_LOAD_DEBUG, "load debug controls"),
	{ ENTRY_IA32E_GUEST, true, false, 0, "IA-32e mode guest" },
	REQ(ENTRY_LOAD_PAT, "load IA32_PAT"),
	REQ(ENTRY_LOAD_EFER, "load IA32_EFER"),
};

#undef REQ
#undef OPT

enum ctl_word_id { W_PIN, W_PROC, W_PROC2, W_EXIT, W_ENTRY, W_COUNT };

static const struct ctl_word {
	const char *name;
	const struct ctl_want *wants;
	size_t count;
} ctl_words[W_COUNT] = {
	[W_PIN] = { "pin-based", pin_wants, ARRAY_SIZE(pin_wants) },
	[W_PROC] = { "primary processor-based", proc_wants, ARRAY_SIZE(proc_wants) },
	[W_PROC2] = { "secondary processor-based", proc2_wants, ARRAY_SIZE(proc2_wants) },
	[W_EXIT] = { "VM-exit", exit_wants, ARRAY_SIZE(exit_wants) },
	[W_ENTRY] = { "VM-entry", entry_wants, ARRAY_SIZE(entry_wants) },
};

/* The MSR that says what a word allows. With IA32_VMX_BASIC bit 55, the TRUE_ MSRs: in them the
 * "default1" controls may be 0, which the older MSRs report as must-be-1 (SDM Vol. 3D, A.2
 * "Reserved Controls and Default Settings"). */
static uint64_t ctl_msr(const struct vmx_caps *c, enum ctl_word_id w)
{
	switch (w) {
	case W_PIN:
		return c->has_true ? c->true_pin : c->pinbased;
	case W_PROC:
		return c->has_true ? c->true_proc : c->procbased;
	case W_PROC2:
		return c->has_procbased2 ? c->procbased2 : 0;
	case W_EXIT:
		return c->has_true ? c->true_exit : c->exit;
	case W_ENTRY:
		return c->has_true ? c->true_entry : c->entry;
	default:
		return 0;
	}
}

static unsigned bit_index(uint32_t bit)
{
	return (unsigned)__builtin_ctz(bit);
}

/* One word: the forced bits plus every wanted bit the CPU allows. `usable` also holds the
 * allowed bits that are not set at start. */
static bool compute_word(const struct vmx_caps *c, enum ctl_word_id w, unsigned mask_optional,
			 uint32_t *word, uint32_t *usable)
{
	const struct ctl_word *cw = &ctl_words[w];
	uint64_t msr = ctl_msr(c, w);
	uint32_t must1 = (uint32_t)msr, may1 = (uint32_t)(msr >> 32);
	bool ok = true;

	if (must1 & ~may1) {
		log_error("vmx: the %s controls MSR is inconsistent: bits 0x%x must be 1 and "
			  "cannot be", cw->name, must1 & ~may1);
		ok = false;
	}
	*word = must1;
	*usable = must1;
	for (size_t i = 0; i < cw->count; i++) {
		const struct ctl_want *want = &cw->wants[i];

		if (!want->required && (want->opt & mask_optional)) {
			log_info("vmx: optional control %s turned off by a boot option",
				 want->name);
		} else if (may1 & want->bit) {
			*usable |= want->bit;
			if (want->at_start)
				*word |= want->bit;
		} else if (want->required) {
			log_error("vmx: the CPU lacks the required control %s (%s bit %u)",
				  want->name, cw->name, bit_index(want->bit));
			ok = false;
		} else {
			log_info("vmx: optional control %s not available; using the fallback",
				 want->name);
		}
	}
	return ok;
}

static const char *ctl_name(enum ctl_word_id w, uint32_t bit)
{
	for (size_t i = 0; i < ctl_words[w].count; i++)
		if (ctl_words[w].wants[i].bit == bit)
			return ctl_words[w].wants[i].name;
	return "?";
}

/* Drops an optional control whose prerequisite is missing. */
static void drop(uint32_t *word, uint32_t *usable, enum ctl_word_id w, uint32_t bit,
		 const char *needs)
{
	if (!(usable[w] & bit))
		return;
	word[w] &= ~bit;
	usable[w] &= ~bit;
	log_info("vmx: optional control %s needs %s; using the fallback", ctl_name(w, bit), needs);
}

/* SDM Vol. 3C, 27.2.1.1 "VM-Execution Control Fields": x2APIC virtualization, APIC-register
 * virtualization and virtual-interrupt delivery need the TPR shadow; posted interrupts need
 * virtual-interrupt delivery and acknowledge-interrupt-on-exit. 27.2.1.2 "VM-Exit Control
 * Fields": saving the preemption timer's value needs the timer. Ours: APIC-register
 * virtualization and virtual-interrupt delivery are only worth it with an APIC to virtualize. */
static void apply_dependencies(uint32_t *word, uint32_t *usable)
{
	if (!(usable[W_PROC] & PROC_TPR_SHADOW)) {
		drop(word, usable, W_PROC2, PROC2_VIRT_X2APIC, "use TPR shadow");
		drop(word, usable, W_PROC2, PROC2_APIC_REG_VIRT, "use TPR shadow");
		drop(word, usable, W_PROC2, PROC2_VIRT_INTR_DELIVERY, "use TPR shadow");
		/* Without it a 64-bit guest's MOV to or from CR8 would reach the real TPR (SDM Vol.
		 * 3C, 26.3 "Changes to Instruction Behavior in VMX Non-Root Operation"): they exit
		 * and are done on the virtual APIC's TPR (vmx/exit_cr.c). */
		word[W_PROC] |= PROC_CR8_LOAD | PROC_CR8_STORE;
	}
	if (!(usable[W_PROC2] & (PROC2_VIRT_APIC_ACCESS | PROC2_VIRT_X2APIC))) {
		const char *needs = "virtualize APIC accesses or virtualize x2APIC mode";

		drop(word, usable, W_PROC2, PROC2_APIC_REG_VIRT, needs);
		drop(word, usable, W_PROC2, PROC2_VIRT_INTR_DELIVERY, needs);
	}
	if (!(usable[W_PROC2] & PROC2_VIRT_INTR_DELIVERY))
		drop(word, usable, W_PIN, PIN_POSTED_INTR, "virtual-interrupt delivery");
	if (!(usable[W_EXIT] & EXIT_ACK_INTR))
		drop(word, usable, W_PIN, PIN_POSTED_INTR, "acknowledge interrupt on exit");
	if (!(usable[W_PIN] & PIN_PREEMPTION_TIMER))
		drop(word, usable, W_EXIT, EXIT_SAVE_PREEMPT, "VMX-preemption timer");
}

static bool need_cap(uint64_t cap, uint64_t bit, const char *what)
{
	if (cap & bit)
		return true;
	log_error("vmx: the CPU lacks %s (IA32_VMX_EPT_VPID_CAP bit %u)", what,
		  (unsigned)__builtin_ctzll(bit));
	return false;
}

/* SDM Vol. 3D, A.10 "VPID and EPT Capabilities": our EPT tables are 4-level and write-back,
 * and stale translations are flushed with INVEPT/INVVPID of some context-wide type. */
static bool check_ept_vpid(const struct vmx_caps *c, uint32_t proc2, struct vmx_controls *out)
{
	uint64_t cap = c->has_ept_vpid ? c->ept_vpid : 0;
	bool ok = true;

	if (proc2 & PROC2_EPT) {
		ok &= need_cap(cap, VMX_EPT_PWL4, "EPT page-walk length 4");
		ok &= need_cap(cap, VMX_EPT_WB, "the write-back EPT memory type");
		ok &= need_cap(cap, VMX_EPT_INVEPT, "INVEPT");
		if ((cap & VMX_EPT_INVEPT) &&
		    !(cap & (VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL))) {
			log_error("vmx: the CPU has INVEPT but neither its single-context nor its "
				  "all-context type");
			ok = false;
		}
		out->has_ept_exec_only = cap & VMX_EPT_EXEC_ONLY;
		out->has_ept_2m = cap & VMX_EPT_2M;
		out->has_ept_1g = cap & VMX_EPT_1G;
		out->has_ept_ad = cap & VMX_EPT_AD;
		out->has_invept_single = cap & VMX_EPT_INVEPT_SINGLE;
		out->has_invept_all = cap & VMX_EPT_INVEPT_ALL;
	}
	if (proc2 & PROC2_VPID) {
		ok &= need_cap(cap, VMX_VPID_INVVPID, "INVVPID");
		if ((cap & VMX_VPID_INVVPID) &&
		    !(cap & (VMX_VPID_INVVPID_SINGLE | VMX_VPID_INVVPID_ALL))) {
			log_error("vmx: the CPU has INVVPID but neither its single-context nor its "
				  "all-context type");
			ok = false;
		}
		out->has_invvpid_addr = cap & VMX_VPID_INVVPID_ADDR;
		out->has_invvpid_single = cap & VMX_VPID_INVVPID_SINGLE;
		out->has_invvpid_all = cap & VMX_VPID_INVVPID_ALL;
		out->has_invvpid_single_globals = cap & VMX_VPID_INVVPID_SINGLE_GLOBALS;
	}
	return ok;
}

/* A.1: the VMCS fits the 4 KiB page we give it, lives in write-back memory like the rest of
 * ours, and may sit at any physical address (bit 48 is 0 on every Intel 64 processor). */
static bool check_basic(const struct vmx_caps *c)
{
	uint32_t size = vmx_vmcs_size(c);
	bool ok = true;

	if (size == 0 || size > 4096) {
		log_error("vmx: IA32_VMX_BASIC reports a VMCS size of %u bytes (must be 1..4096)",
			  size);
		ok = false;
	}
	if (vmx_vmcs_memtype(c) != VMX_BASIC_MEMTYPE_WB) {
		log_error("vmx: IA32_VMX_BASIC wants VMCS memory type %u, not write-back (6)",
			  vmx_vmcs_memtype(c));
		ok = false;
	}
	if (c->basic & VMX_BASIC_ADDR32) {
		log_error("vmx: IA32_VMX_BASIC limits VMX structures to 32-bit addresses (bit 48)");
		ok = false;
	}
	return ok;
}

static void fill_features(const uint32_t *usable, struct vmx_controls *out)
{
	out->has_tpr_shadow = usable[W_PROC] & PROC_TPR_SHADOW;
	out->has_nmi_window = usable[W_PROC] & PROC_NMI_WINDOW;
	out->has_mwait_exiting = usable[W_PROC] & PROC_MWAIT_EXITING;
	out->has_monitor_exiting = usable[W_PROC] & PROC_MONITOR_EXITING;
	out->has_rdpmc_exiting = usable[W_PROC] & PROC_RDPMC_EXITING;
	out->has_virt_apic_access = usable[W_PROC2] & PROC2_VIRT_APIC_ACCESS;
	out->has_virt_x2apic = usable[W_PROC2] & PROC2_VIRT_X2APIC;
	out->has_apic_reg_virt = usable[W_PROC2] & PROC2_APIC_REG_VIRT;
	out->has_vid = usable[W_PROC2] & PROC2_VIRT_INTR_DELIVERY;
	out->has_rdtscp = usable[W_PROC2] & PROC2_RDTSCP;
	out->has_invpcid = usable[W_PROC2] & PROC2_INVPCID;
	out->has_xsaves = usable[W_PROC2] & PROC2_XSAVES;
	out->has_wbinvd_exiting = usable[W_PROC2] & PROC2_WBINVD_EXITING;
	out->has_posted_intr = usable[W_PIN] & PIN_POSTED_INTR;
	out->has_preemption_timer = usable[W_PIN] & PIN_PREEMPTION_TIMER;
	out->has_save_preemption_timer = usable[W_EXIT] & EXIT_SAVE_PREEMPT;
}

bool vmx_compute_controls(const struct vmx_caps *c, unsigned mask_optional,
			  struct vmx_controls *out)
{
	uint32_t word[W_COUNT], usable[W_COUNT];
	bool ok = check_basic(c);

	memset(out, 0, sizeof(*out));
	for (int w = 0; w < W_COUNT; w++)
		ok &= compute_word(c, (enum ctl_word_id)w, mask_optional, &word[w], &usable[w]);
	apply_dependencies(word, usable);
	ok &= check_ept_vpid(c, usable[W_PROC2], out);

	out->pin = word[W_PIN];
	out->proc = word[W_PROC];
	out->proc2 = word[W_PROC2];
	out->exit = word[W_EXIT];
	out->entry = word[W_ENTRY];
	fill_features(usable, out);
	out->preemption_shift = (unsigned)(c->misc & 0x1f);
	return ok;
}

uint64_t vmx_fixed_cr(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
	return (value | fixed0) & fixed1;
}

bool vmx_fixed_cr_ok(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
	return vmx_fixed_cr(value, fixed0, fixed1) == value;
}

uint64_t vmx_fixed_cr0_guest(uint64_t value, uint64_t fixed0, uint64_t fixed1, bool unrestricted)
{
	if (unrestricted)
		fixed0 &= ~(CR0_PE_BIT | CR0_PG_BIT);
	return vmx_fixed_cr(value, fixed0, fixed1);
}

uint64_t vmx_invvpid_type(const struct vmx_controls *c)
{
	return c->has_invvpid_single ? INVVPID_SINGLE_CONTEXT : INVVPID_ALL_CONTEXT;
}

uint64_t vmx_invept_type(const struct vmx_controls *c)
{
	return c->has_invept_single ? INVEPT_SINGLE_CONTEXT : INVEPT_ALL_CONTEXT;
}
