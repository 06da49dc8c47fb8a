/* vmx/vmx.c: entering VMX root operation (Intel SDM Vol. 3C, 24.7 "Enabling and Entering VMX
 * Operation"). vmx_init() runs on the BSP and explains, by name, why a machine cannot run the
 * hypervisor; vmx_enable_all() runs VMXON on every online CPU, each checking that its capability
 * MSRs match the BSP's (a mixed machine would make one set of controls wrong somewhere). */
#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/smp.h"
#include "arch/time.h"
#include "lib/array.h"
#include "lib/log.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "vmx/cpuid_filter.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

#define FC_LOCK (1ull << 0)
#define FC_VMX_OUTSIDE_SMX (1ull << 2)

static struct vmx_caps host_caps;
static struct vmx_controls host_controls;
static unsigned apicv_mask; /* optional features turned off by apicv= */
static uint64_t vmxon_region[MAX_CPUS];
static volatile unsigned cpus_in_root, cpus_failed;
static volatile bool in_root[MAX_CPUS];
static unsigned fail_vmxon_cpu = ~0u; /* crash=vmxon-cpu1 */

uint64_t vmcs_read_failed(uint32_t field)
{
	vmx_insn_report("VMREAD", field, vmx_read_error());
	return 0;
}

bool vmcs_write_failed(uint32_t field)
{
	vmx_insn_report("VMWRITE", field, vmx_read_error());
	return false;
}

const struct vmx_caps *vmx_host_caps(void)
{
	return &host_caps;
}

const struct vmx_controls *vmx_host_controls(void)
{
	return &host_controls;
}

static uint64_t read_msr(uint32_t msr, void *ctx)
{
	return rdmsr(msr);
}

/* apicv=LIST: nopi, novid, noreg, nox2v, notpr, noapic (virtualize APIC accesses), or "off";
 * nopreempt (the VMX-preemption timer). */
bool vmx_apicv_option(const char *value, void *ctx)
{
	static const struct { const char *name; unsigned bit; } words[] = {
		{ "nopi", VMX_OPT_POSTED_INTR }, { "novid", VMX_OPT_VID },
		{ "noreg", VMX_OPT_APIC_REG },   { "nox2v", VMX_OPT_VIRT_X2APIC },
		{ "notpr", VMX_OPT_TPR_SHADOW }, { "noapic", VMX_OPT_VIRT_APIC_ACCESS },
		{ "off", VMX_OPT_APICV_ALL },    { "nopreempt", VMX_OPT_PREEMPTION_TIMER },
	};
	unsigned mask = 0;

	while (*value) {
		const char *end = strchr(value, ',');
		size_t len = end ? (size_t)(end - value) : strlen(value);
		unsigned i;
		for (i = 0; i < ARRAY_SIZE(words); i++)
			if (strlen(words[i].name) == len && !strncmp(words[i].name, value, len))
				break;
		if (i == ARRAY_SIZE(words))
			return false;
		mask |= words[i].bit;
		value += len + (end ? 1 : 0);
	}
	apicv_mask = mask;
	return true;
}

/* No VMX in CPUID: name the likely cause and the fix. */
static void explain_missing_vmx(void)
{
	char vendor[13];

	cpu_vendor(vendor);
	/* Emulators first: QEMU's TCG CPU models may even call themselves AMD. */
	if (cpu_hypervisor_is("TCGTCGTCGTCG"))
		log_error("vmx: running in QEMU without KVM (TCG), which does not emulate VMX: run "
			  "QEMU with -enable-kvm -cpu host on an Intel host whose kvm_intel module "
			  "has nested=1");
	else if (cpu_hypervisor_is("KVMKVMKVM"))
		log_error("vmx: KVM below does not pass VMX through: on the host load kvm_intel with "
			  "nested=1 and start QEMU with -cpu host (or -cpu <model>,+vmx)");
	else if (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine"))
		log_error("vmx: this is an AMD CPU (%s): it has AMD-V (SVM), not Intel VMX, which "
			  "this hypervisor needs", vendor);
	else
		log_error("vmx: the CPU (%s) does not report VMX (CPUID.1:ECX bit 5 is 0): an Intel "
			  "CPU with VT-x is needed; under another hypervisor, enable nested VMX",
			  vendor);
}

/* IA32_FEATURE_CONTROL (SDM Vol. 3C, 24.7): the firmware may have locked VMX off. */
static bool feature_control_allows_vmx(bool quiet)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

	if (!(fc & FC_LOCK)) {
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc | FC_LOCK | FC_VMX_OUTSIDE_SMX);
		return true;
	}
	if (fc & FC_VMX_OUTSIDE_SMX)
		return true;
	if (!quiet)
		log_error("vmx: VMX is disabled in the firmware setup (IA32_FEATURE_CONTROL is locked "
			  "with VMX off): enable \"Intel Virtualization Technology\" (VT-x) there");
	return false;
}

bool vmx_init(void)
{
	if (!(cpuid(1, 0).ecx & (1u << 5))) {
		explain_missing_vmx();
		return false;
	}
	if (!feature_control_allows_vmx(false))
		return false;
	vmx_caps_read(&host_caps, read_msr, 0);
	if (!vmx_compute_controls(&host_caps, apicv_mask, &host_controls)) {
		log_error("vmx: this CPU lacks VMX features the hypervisor needs (listed above)");
		return false;
	}
	log_info("vmx: VMCS revision %u; controls pin 0x%x proc 0x%x proc2 0x%x exit 0x%x entry 0x%x",
		 vmx_revision_id(&host_caps), host_controls.pin, host_controls.proc,
		 host_controls.proc2, host_controls.exit, host_controls.entry);
	for (unsigned i = 0; i < cpu_count; i++) {
		vmxon_region[i] = (uint64_t)mm_alloc(4096);
		if (!vmxon_region[i]) {
			log_error("vmx: out of memory for VMXON regions");
			return false;
		}
	}
	return true;
}

/* The host's CR4 in root mode, which the VMCS host state copies: VMXE, and OSXSAVE where the CPU
 * has XSAVE, because a guest's XSETBV exits and the handler executes XSETBV for it in root mode,
 * which is #UD with CR4.OSXSAVE clear (SDM Vol. 2C, XSETBV; Vol. 3C, 26.1.3: XSETBV exits
 * unconditionally). The hypervisor itself uses no extended state (-mgeneral-regs-only), so the
 * guest's XCR0 may stay loaded while in root mode. */
static uint64_t host_cr4(uint64_t cr4)
{
	if (cpuid(1, 0).ecx & CPUID1_ECX_XSAVE)
		cr4 |= CR4_OSXSAVE;
	return cr4 | CR4_VMXE;
}

/* On each CPU: same capabilities as the BSP, VMX allowed, CR0/CR4 fixed bits, VMXON. */
static void enable_this_cpu(void *unused)
{
	struct vmx_caps mine;
	const char *which = "";
	unsigned cpu = cpu_id();

	vmx_caps_read(&mine, read_msr, 0);
	if (!vmx_caps_same(&mine, &host_caps, &which)) {
		log_error("vmx: cpu%u's %s differs from the boot CPU's; cpu%u stays out", cpu, which,
			  cpu);
		goto fail;
	}
	if (cpu && !feature_control_allows_vmx(true)) {
		log_error("vmx: cpu%u has VMX locked off by the firmware", cpu);
		goto fail;
	}
	write_cr0(vmx_fixed_cr(read_cr0(), host_caps.cr0_fixed0, host_caps.cr0_fixed1));
	write_cr4(vmx_fixed_cr(host_cr4(read_cr4()), host_caps.cr4_fixed0, host_caps.cr4_fixed1));
	*(uint32_t *)vmxon_region[cpu] = vmx_revision_id(&host_caps);
	int r = cpu == fail_vmxon_cpu ? VMX_FAIL_INVALID : vmx_vmxon(vmxon_region[cpu]);
	if (r != VMX_OK) {
		vmx_insn_report("VMXON", VMX_NO_FIELD, r);
		goto fail;
	}
	in_root[cpu] = true;
	log_info("vmx: root mode on cpu %u", cpu);
	__atomic_add_fetch(&cpus_in_root, 1, __ATOMIC_SEQ_CST);
	return;
fail:
	__atomic_add_fetch(&cpus_failed, 1, __ATOMIC_SEQ_CST);
}

unsigned vmx_enable_all(void)
{
	enable_this_cpu(0);
	for (unsigned cpu = 1; cpu < cpu_count; cpu++)
		if (!smp_run_on(cpu, enable_this_cpu, 0))
			__atomic_add_fetch(&cpus_failed, 1, __ATOMIC_SEQ_CST);
	uint64_t deadline = rdtsc() + time_tsc_hz(); /* one second */
	while (cpus_in_root + cpus_failed < cpu_count && rdtsc() < deadline)
		cpu_relax();
	if (cpus_in_root + cpus_failed < cpu_count)
		log_error("vmx: %u CPUs did not answer within a second", cpu_count - cpus_in_root -
								     cpus_failed);
	return cpus_in_root;
}

bool vmx_flush_vpid(uint16_t vpid)
{
	int r = vmx_invvpid(vmx_invvpid_type(&host_controls), vpid, 0);

	if (r != VMX_OK)
		vmx_insn_report("INVVPID", VMX_NO_FIELD, r);
	return r == VMX_OK;
}

bool vmx_flush_ept(uint64_t eptp)
{
	int r = vmx_invept(vmx_invept_type(&host_controls), eptp);

	if (r != VMX_OK)
		vmx_insn_report("INVEPT", VMX_NO_FIELD, r);
	return r == VMX_OK;
}

void vmx_fail_vmxon_on(unsigned cpu)
{
	fail_vmxon_cpu = cpu;
}

bool vmx_cpu_in_root(unsigned cpu)
{
	return cpu < MAX_CPUS && in_root[cpu];
}
