/* tests/unit/fake_hw.c: see fake_hw.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/cpu.h"
#include "arch/host_timer.h"
#include "arch/time.h"
#include "tests/unit/fake_hw.h"
#include "tests/unit/fake_vmcs.h"
#include "tests/unit/guest_ram.h"
#include "tests/unit/test.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"
#include "vmx/vm_config.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"

struct fake_hw fake_hw;
struct vmx_caps fake_caps;
struct vmx_controls fake_controls;

#define CPUID_SLOTS 32
static struct {
	uint32_t leaf, subleaf;
	struct cpuid_regs r;
} cpuid_table[CPUID_SLOTS];
static unsigned cpuid_used;

void fake_cpuid_set(uint32_t leaf, uint32_t subleaf, struct cpuid_regs r)
{
	for (unsigned i = 0; i < cpuid_used; i++) {
		if (cpuid_table[i].leaf == leaf && cpuid_table[i].subleaf == subleaf) {
			cpuid_table[i].r = r;
			return;
		}
	}
	if (cpuid_used == CPUID_SLOTS) {
		printf("    fake CPUID: table full\n");
		test_failed_checks++;
		return;
	}
	cpuid_table[cpuid_used].leaf = leaf;
	cpuid_table[cpuid_used].subleaf = subleaf;
	cpuid_table[cpuid_used++].r = r;
}

struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	for (unsigned i = 0; i < cpuid_used; i++)
		if (cpuid_table[i].leaf == leaf && cpuid_table[i].subleaf == subleaf)
			return cpuid_table[i].r;
	return (struct cpuid_regs){ 0, 0, 0, 0 };
}

void fake_hw_reset(void)
{
	memset(&fake_hw, 0, sizeof(fake_hw));
	cpuid_used = 0;
	fake_cpuid_set(0, 0, (struct cpuid_regs){ 0x16, 0x756e6547, 0x6c65746e, 0x49656e69 });
	fake_cpuid_set(0x80000000u, 0, (struct cpuid_regs){ 0x80000008u, 0, 0, 0 });
	fake_cpuid_set(0x80000008u, 0, (struct cpuid_regs){ 39, 0, 0, 0 });
	memset(&fake_caps, 0, sizeof(fake_caps));
	fake_caps.cr0_fixed0 = CR0_PE | (1ull << 5) | CR0_PG; /* PE, NE, PG */
	fake_caps.cr0_fixed1 = 0xffffffffull;
	fake_caps.cr4_fixed0 = CR4_VMXE;
	fake_caps.cr4_fixed1 = 0x3767ffull; /* through SMAP and PKE, without LA57 */
	memset(&fake_controls, 0, sizeof(fake_controls));
	fake_controls.has_tpr_shadow = true;
	fake_controls.has_nmi_window = true; /* as on every Bochs model */
}

uint64_t rdtsc(void)
{
	return fake_hw.tsc;
}

uint64_t time_tsc_hz(void)
{
	return 1000000000ull;
}

void xsetbv(uint32_t index, uint64_t value)
{
	fake_hw.xsetbvs++;
	fake_hw.xsetbv_index = index;
	fake_hw.xsetbv_value = value;
}

const struct vmx_caps *vmx_host_caps(void)
{
	return &fake_caps;
}

const struct vmx_controls *vmx_host_controls(void)
{
	return &fake_controls;
}

void vcpu_kick(struct vcpu *v)
{
	fake_hw.kicks++;
	fake_hw.kicked = v;
}

void vcpu_assert_owner(struct vcpu *v, const char *what)
{
	fake_hw.owner_checks++;
}

static struct vm_conf fake_conf; /* every option at its default */

/* The virtual APIC's MSRs (vmx/vapic_msr.c) are tested in test_vlapic.c; here only that the MSR
 * table hands them over. */
bool vapic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *value, bool *gp)
{
	fake_hw.apic_msrs++;
	fake_hw.apic_msr = msr;
	*value = 0;
	*gp = fake_hw.apic_msr_gp;
	return true;
}

bool vapic_wrmsr(struct vcpu *v, uint32_t msr, uint64_t value, bool *gp)
{
	fake_hw.apic_msrs++;
	fake_hw.apic_msr = msr;
	*gp = fake_hw.apic_msr_gp;
	return true;
}

void vm_stop(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	if (!fake_hw.stops++) {
		va_start(ap, fmt);
		vsnprintf(fake_hw.stop_reason, sizeof(fake_hw.stop_reason), fmt, ap);
		va_end(ap);
	}
	vm->stopping = true;
}

void vm_lock_devices(struct vm *vm)
{
	fake_hw.lock_depth++;
	fake_hw.locks++;
}

void vm_unlock_devices(struct vm *vm)
{
	fake_hw.lock_depth--;
}

bool host_timer_wake_at(uint64_t tsc)
{
	fake_hw.wake_at = tsc;
	return true;
}

void host_timer_wake_cancel(void)
{
	fake_hw.wake_at = 0;
}

#define FAKE_VCPUS 4
static struct vm vm;
static struct vcpu vcpus[FAKE_VCPUS];
static uint8_t apic_pages[FAKE_VCPUS][4096] __attribute__((aligned(4096)));

static void start_state(void)
{
	fake_vmcs_reset();
	fake_vmcs_set(VMCS_GUEST_CR0, CR0_PE | (1ull << 4) | (1ull << 5));
	fake_vmcs_set(VMCS_CR0_READ_SHADOW, CR0_PE | (1ull << 4));
	fake_vmcs_set(VMCS_GUEST_CR4, CR4_VMXE);
	fake_vmcs_set(VMCS_CR4_READ_SHADOW, 0);
	fake_vmcs_set(VMCS_GUEST_SS_AR, 0xc093);
	fake_vmcs_set(VMCS_GUEST_CS_AR, 0xc09b);
	fake_vmcs_set(VMCS_GUEST_RIP, 0x100000);
	fake_vmcs_set(VMCS_EXIT_INSTRUCTION_LEN, 3);
}

struct vcpu *fake_vcpu(unsigned nvcpus, uint64_t ram)
{
	fake_hw_reset();
	start_state();
	struct gmem *g = test_ram_fresh(ram);
	memset(&vm, 0, sizeof(vm));
	memcpy(vm.name, "vm0", 4);
	memset(&fake_conf, 0, sizeof(fake_conf));
	vm.conf = &fake_conf;
	vm.ram_hpa = (uint64_t)(uintptr_t)g->base;
	vm.ram_size = g->size;
	vm.nvcpus = nvcpus > FAKE_VCPUS ? FAKE_VCPUS : nvcpus;
	for (unsigned i = 0; i < vm.nvcpus; i++) {
		struct vcpu *v = &vcpus[i];
		memset(v, 0, sizeof(*v));
		v->vm = &vm;
		v->id = i;
		v->owner.cpu = i;
		v->state = i ? VCPU_WAIT_START : VCPU_RUNNING;
		v->cr0_mask = (fake_caps.cr0_fixed0 | ~fake_caps.cr0_fixed1) & ~(CR0_PE | CR0_PG);
		v->cr4_mask = fake_caps.cr4_fixed0 | ~fake_caps.cr4_fixed1;
		v->cr0_shadow = CR0_PE | (1ull << 4);
		v->vapic_page = apic_pages[i];
		struct vlapic *apic = vcpu_apic(v); /* as the VM's build does */
		apic->page = apic_pages[i];
		apic->id = i;
		vlapic_init(apic);
		vm.vcpus[i] = v;
	}
	return &vcpus[0];
}
