/* vmx/vm.c: building the VMs (BSP, once, before any vCPU runs), running each on its own CPUs and
 * stopping, resetting or starting one alone (any vCPU, the shell). Each VM's guest RAM is one
 * contiguous run of host pages mapped by its own EPT at GPA 0; its guest kernel and modules come
 * from the GRUB modules; its devices register in its own port table.
 *
 * Several VMs (README, "Several VMs"): a VM is run by its "runner", the CPU of its vCPU 0
 * (cpu0 for vm0, the BSP; the lowest of its CPUs for the others), which starts its other vCPUs on
 * their CPUs, runs vCPU 0 itself, and after a reset rebuilds the VM there. No structure is shared
 * between two VMs: each has its own vms[] entry, RAM, EPT, APIC-access page, port table, devices
 * and locks, and its vCPUs run on CPUs no other VM has (vmx/vm_config.c checks that before any is
 * built). What crosses between VMs is only vm->run_state, read by CPU 0 to know when the last VM
 * has ended and by the shell: a VM's runner stores it with release after the VM's last vCPU has
 * stopped and its exit counts were said, CPU 0 loads it with acquire. */
#include <stdarg.h>

#include "arch/cpu.h"
#include "arch/smp.h"
#include "arch/time.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "mm/pmm.h"
#include "vmx/ept.h"
#include "lib/guest_abi.h"
#include "vmx/msr_policy.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"
#include "vmx/vm.h"
#include "vmx/vm_config.h"
#include "vmx/vmx.h"

#define MIB (1ul << 20)

static struct vm vms[VM_MAX];
static unsigned vms_ready; /* how many of vms[] are built (vm_ready()) */

struct vm *vm_current(void)
{
	return vms_ready ? &vms[0] : 0;
}

unsigned vm_count(void)
{
	return vms_ready;
}

struct vm *vm_get(unsigned id)
{
	return id < vms_ready ? &vms[id] : 0;
}

void vm_lock_devices(struct vm *vm)
{
	spin_lock(&vm->dev_lock);
}

void vm_unlock_devices(struct vm *vm)
{
	spin_unlock(&vm->dev_lock);
}

/* The size vm_config_resolve() gave it (vm.mem=, or a share of what is free); the page allocator
 * hands out zeroed pages, so the VM's RAM holds nothing of an earlier owner when it first runs. */
static bool alloc_ram(struct vm *vm, uint64_t ram_max)
{
	uint64_t want = vm->conf->ram_bytes;

	if (want < 4 * MIB || want > ram_max) {
		log_error("%s: guest RAM of %lu MiB is outside 4 MiB..%lu MiB", vm->name,
			  want / MIB, ram_max / MIB);
		return false;
	}
	vm->ram_hpa = pmm_alloc_pages(want / 4096, 2 * MIB);
	if (!vm->ram_hpa) {
		log_error("%s: cannot allocate %lu MiB of guest RAM (%lu MiB free); try vm.mem=",
			  vm->name, want / MIB, pmm_free_bytes() / MIB);
		return false;
	}
	vm->ram_size = want;
	return true;
}

void vm_msr_run_text(char *buf, size_t size, const struct vcpu *v, uint32_t first, uint32_t last,
		     const char *access)
{
	if (first == last)
		fmt_snprintf(buf, size, "msrbitmap vCPU %u: 0x%08x %s %s", v->id, first, access,
			     msr_policy_find(first)->name);
	else
		fmt_snprintf(buf, size, "msrbitmap vCPU %u: 0x%08x-0x%08x %s", v->id, first, last,
			     access);
}

static void log_run(uint32_t first, uint32_t last, const char *access, void *ctx)
{
	const struct vcpu *v = ctx;
	char text[120];

	vm_msr_run_text(text, sizeof(text), v, first, last, access);
	log_debug("%s: %s", v->vm->name, text);
}

/* At debug level, what this vCPU reads or writes without an exit ("r-" read-only, "rw"). */
void vm_log_msr_bitmap(const struct vcpu *v)
{
	if (log_enabled(LOG_DEBUG))
		msr_bitmap_describe(v->msr_bitmap, log_run, (void *)v);
}

/* The power-on state of a vCPU whose pages are allocated: its APIC after RESET, its bitmap as
 * built, waiting for a start (vCPU 0 too: the platform gives it its entry state). Before its
 * first launch, or with the vCPU stopped and launched cleared (a restart). */
static void vcpu_power_on(struct vcpu *v)
{
	struct vlapic *apic = vcpu_apic(v);

	/* the page's write is the APIC's: vcpu_apic() checked the owner */
	vlapic_reset(apic, (uint8_t *)v->vapic_page, v->id, v->id == 0);
	if (v->pi)
		memset(vcpu_pi(v), 0, sizeof(*v->pi));
	if (v->vm->conf->apic != VM_APIC_XAPIC) /* vm.apic=x2apic: as firmware that enabled it */
		vlapic_set_base(apic, apic->apic_base | APIC_BASE_EXTD);
	msr_bitmap_build(vcpu_msr_bitmap(v)); /* the x2APIC range opens with the mode (vmx/vapic.c) */
	v->state = VCPU_WAIT_START;
}

static struct vcpu *vcpu_create(struct vm *vm, unsigned id, unsigned cpu)
{
	struct vcpu *v = mm_alloc(sizeof(*v));

	if (!v)
		return 0;
	v->vm = vm;
	v->id = id;
	v->owner.cpu = cpu; /* pinned there for the VM's life (vmx/vm_config.h) */
	v->owner.building = true; /* this CPU writes its structures until vm_ready() */
	v->owner.builder = cpu_id();
	/* VPID 0 is the host's (SDM Vol. 3C, 29.1 "VPIDs"); unique over all VMs, although each CPU
	 * runs one VM's vCPU only, so that no TLB entry could ever be shared between two VMs. */
	v->vpid = (uint16_t)(vm->id * MAX_CPUS + id + 1);
	v->vmcs_pa = pmm_alloc_page();
	v->msr_bitmap = mm_alloc(MSR_BITMAP_SIZE);
	if (!v->vmcs_pa || !v->msr_bitmap || !vapic_vcpu_create(v))
		return 0;
	vcpu_power_on(v);
	return v;
}

/* A stopped vCPU as after power-on: everything but its identity and its pages cleared, so
 * vcpu_run() sets up its VMCS again (VMCLEAR, every field) on its own CPU before it launches. */
static void vcpu_restart(struct vcpu *v)
{
	struct vm *vm = v->vm;
	unsigned id = v->id, cpu = v->owner.cpu;
	uint64_t vmcs_pa = v->vmcs_pa;
	const uint8_t *bitmap = v->msr_bitmap, *vapic_page = v->vapic_page;
	const struct pi_desc *pi = v->pi;
	uint16_t vpid = v->vpid;

	memset(v, 0, sizeof(*v));
	v->vm = vm, v->id = id, v->owner.cpu = cpu, v->vmcs_pa = vmcs_pa;
	v->owner.building = true; /* the BSP rebuilds it, as at vm_build(), until vm_restart ends */
	v->owner.builder = cpu_id();
	v->msr_bitmap = bitmap, v->vapic_page = vapic_page, v->pi = pi, v->vpid = vpid;
	vcpu_power_on(v);
}

/* What building the VM takes, measured, not computed: the TSC and what the page allocator has
 * handed out, at each step (README, "Performance"). */
struct build_mark {
	uint64_t tsc, used;
};

static struct build_mark mark(void)
{
	return (struct build_mark){ rdtsc(), pmm_total_bytes() - pmm_free_bytes() };
}

static struct {
	struct build_mark start, ram, ept, platform, vcpus;
} built;

static uint64_t kib(uint64_t bytes)
{
	return (bytes + 1023) / 1024;
}

/* The hypervisor's own memory before any VM: its image (code, data, bss with the console buffer
 * and the boot stack) and what the page allocator has handed out (page tables, per-CPU data and
 * stacks, VMXON regions). */
static void log_host_memory(void)
{
	uint64_t image = mm_image_bytes(), alloc = pmm_total_bytes() - pmm_free_bytes();

	log_info("mem: the hypervisor takes %lu KiB: image %lu KiB, %lu KiB from the page "
		 "allocator (page tables, per-CPU data and stacks, VMXON regions)",
		 kib(image + alloc), kib(image), kib(alloc));
}

static void log_build_cost(const struct vm *vm)
{
	uint64_t vcpus = built.vcpus.used - built.platform.used;

	log_info("%s: built in %lu TSC ticks: %lu MiB of RAM zeroed in %lu, EPT in %lu, the guest "
		 "loaded and its devices in %lu, %u vCPUs in %lu", vm->name,
		 built.vcpus.tsc - built.start.tsc, vm->ram_size / MIB,
		 built.ram.tsc - built.start.tsc, built.ept.tsc - built.ram.tsc,
		 built.platform.tsc - built.ept.tsc, vm->nvcpus, built.vcpus.tsc - built.platform.tsc);
	log_info("%s: memory: %lu KiB for the VM (EPT %lu KiB, APIC-access page, I/O bitmap and "
		 "the platform's %lu KiB) and %lu KiB per vCPU, besides its %lu MiB of RAM",
		 vm->name, kib(built.vcpus.used - built.start.used - vm->ram_size - vcpus),
		 kib(built.ept.used - built.ram.used),
		 kib(built.platform.used - built.ept.used + built.vcpus.used - built.platform.used -
		     vcpus),
		 kib(vcpus / vm->nvcpus), vm->ram_size / MIB);
}

static bool build_vm(struct vm *vm, const struct vm_platform *pf, const unsigned *cpu_of)
{
	if (vm->id == 0) /* before any VM: what the later ones take is theirs */
		log_host_memory();
	built.start = mark();
	if (!alloc_ram(vm, pf->ram_max))
		return false;
	built.ram = mark();
	if (!ept_build_vm(vm))
		return false;
	built.ept = mark();
	if (!vapic_vm_create(vm) || !pf->build(vm, pf->ctx))
		return false;
	vm->io_bitmap = mm_alloc(2 * 4096);
	if (!vm->io_bitmap)
		return false;
	memset(vm->io_bitmap, 0xff, 2 * 4096); /* every port exits to the port table */
	built.platform = mark();
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		vm->vcpus[i] = vcpu_create(vm, i, cpu_of[i]);
		if (!vm->vcpus[i]) {
			log_error("%s: out of memory for vCPU %u", vm->name, i);
			return false;
		}
	}
	built.vcpus = mark();
	log_build_cost(vm);
	return true;
}

/* The CPUs the vCPUs run on, as vm_config_resolve() assigned them (only CPUs in VMX root
 * operation, none in two VMs); said one by one when they are not vCPU k on cpuk. */
static bool choose_cpus(struct vm *vm, unsigned *cpu_of)
{
	bool moved = false;

	vm->nvcpus = vm->conf->nvcpus;
	for (unsigned k = 0; k < vm->nvcpus; k++) {
		cpu_of[k] = vm->conf->cpu_of[k];
		moved |= cpu_of[k] != k;
	}
	if (!vm->nvcpus || !vmx_cpu_in_root(cpu_of[0])) {
		log_error("%s: the CPU of its vCPU 0 is not in VMX root operation", vm->name);
		return false;
	}
	for (unsigned k = 0; moved && k < vm->nvcpus; k++)
		log_info("%s: vCPU %u on cpu%u", vm->name, k, cpu_of[k]);
	return true;
}

struct vm *vm_new(unsigned id, const struct vm_conf *conf)
{
	struct vm *vm = &vms[id];

	vm->id = id;
	vm->conf = conf;
	fmt_snprintf(vm->name, sizeof(vm->name), "vm%u", vm->id);
	return vm;
}

bool vm_build(struct vm *vm, const struct vm_platform *pf)
{
	unsigned cpu_of[MAX_CPUS];

	vm->platform = pf;
	if (!choose_cpus(vm, cpu_of))
		return false;
	if (!build_vm(vm, pf, cpu_of)) {
		log_error("%s: not started", vm->name);
		return false;
	}
	return true;
}

static void end_building(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nvcpus; i++)
		vm->vcpus[i]->owner.building = false; /* from now on, only each one's own CPU */
}

void vm_ready(struct vm *vm)
{
	end_building(vm);
	vms_ready = vm->id + 1; /* built in order, vm0 first */
	log_info("%s: %lu KiB per vCPU (VMCS, MSR bitmap, virtual-APIC page%s, state), as the page "
		 "allocator handed them out", vm->name,
		 kib((built.vcpus.used - built.platform.used) / vm->nvcpus),
		 vm->vcpus[0]->pi ? ", posted-interrupt descriptor" : "");
}

void vm_request_design_rule_break(void)
{
	vms[0].break_design_rule = true;
}

void vm_break_design_rule(void)
{
	struct vm *vm = &vms[0];

	if (vm->nvcpus < 2) {
		log_warn("hv: crash=design-rule needs a VM with 2 vCPUs or more");
		return;
	}
	log_warn("hv: crash=design-rule requested: cpu%u writes vCPU 1's MSR bitmap", cpu_id());
	vcpu_set_msr_bitmap_x2apic(vm->vcpus[1], 0);
	log_error("hv: crash=design-rule: the write was not caught");
}

/* Two lines per vCPU: its exits by reason name, the most frequent first, and how its CPU waited. */
static void log_exit_counts(const struct vcpu *v)
{
	char line[200];
	size_t n = 0;
	uint64_t total = vcpu_exit_total(v), shown = 0;

	for (uint64_t last = ~0ull; shown < total && n < sizeof(line) - 40;) {
		uint64_t best = 0;
		for (unsigned r = 0; r <= VMX_EXIT_REASON_MAX; r++)
			if (v->exits[r] < last && v->exits[r] > best)
				best = v->exits[r];
		if (!best)
			break;
		for (unsigned r = 0; r <= VMX_EXIT_REASON_MAX; r++)
			if (v->exits[r] == best) {
				n += fmt_snprintf(line + n, sizeof(line) - n, " %s %lu",
						  vmx_exit_reason_name(r), best);
				shown += best;
			}
		last = best;
	}
	line[n] = 0;
	log_info("%s: vCPU %u: %lu exits:%s", v->vm->name, v->id, total, line);
	log_info("%s: vCPU %u: its CPU slept %lu times, polled the TSC %lu times", v->vm->name,
		 v->id, v->sleeps, v->timer_polls);
}

/* After a reset (counted against vm.restarts=) or for a start from the shell, with every vCPU
 * stopped, on the VM's runner CPU: the VM as at power-on, RAM zeroed and the guest loaded again
 * from its modules (which GRUB left in hypervisor memory, apart from every VM's RAM). */
static bool vm_restart(struct vm *vm, bool counted)
{
	if (vm->stopped_vcpus < vm->nvcpus) {
		log_error("%s: not restarted: %u of %u vCPUs did not stop", vm->name,
			  vm->nvcpus - vm->stopped_vcpus, vm->nvcpus);
		return false;
	}
	if (counted && vm->conf->restarts_limited && vm->restarts >= vm->conf->restarts) {
		log_info("%s: not restarted: vm.restarts=%u reached", vm->name, vm->conf->restarts);
		return false;
	}
	if (counted) {
		vm->restarts++;
		log_info("%s: restarting from its modules (restart %u)", vm->name, vm->restarts);
	} else {
		log_info("%s: starting again from its modules", vm->name);
	}
	memset((void *)vm->ram_hpa, 0, vm->ram_size);
	for (unsigned i = 0; i < vm->nvcpus; i++)
		vcpu_restart(vm->vcpus[i]);
	if (!vm->platform->restart(vm, vm->platform->ctx)) { /* guest loaded again, devices reset */
		log_error("%s: not restarted: the guest could not be loaded again", vm->name);
		return false;
	}
	end_building(vm);
	vm->stopping = false, vm->stopped_vcpus = 0, vm->poweroff = false, vm->reset = false;
	return true;
}

/* Every vCPU but 0 runs on its own CPU (vm_config.h), handed over through smp_run_on(); vCPU 0
 * runs here, on the runner. Returns when every vCPU has stopped (bounded wait for the others
 * after vCPU 0). */
static void vm_run_once(struct vm *vm)
{
	for (unsigned i = 1; i < vm->nvcpus; i++) {
		unsigned cpu = vm->vcpus[i]->owner.cpu;
		if (!smp_run_on(cpu, vcpu_run, vm->vcpus[i])) {
			vm_stop(vm, "cpu%u cannot take vCPU %u", cpu, i);
			vm->vcpus[i]->state = VCPU_STOPPED;
			__atomic_add_fetch(&vm->stopped_vcpus, 1, __ATOMIC_SEQ_CST);
		}
	}
	vcpu_run(vm->vcpus[0]);
	uint64_t deadline = rdtsc() + time_tsc_hz();
	while (vm->stopped_vcpus < vm->nvcpus && rdtsc() < deadline)
		cpu_relax();
	for (unsigned i = 0; i < vm->nvcpus; i++)
		log_exit_counts(vm->vcpus[i]);
	if (vm->ipis_dropped)
		log_info("%s: %lu IPIs to APIC ids it does not have were dropped", vm->name,
			 vm->ipis_dropped);
}

static void tell_hook(struct vm *vm, bool running)
{
	if (vm->on_run)
		vm->on_run(vm, running);
}

/* The runner (the CPU of vCPU 0): runs the VM, again after each reset, then marks it ended. With
 * `start`, a start from the shell: the VM is built again first. The hook hears of each life's
 * start and end here, on the runner, with no vCPU in the guest at either point. */
static void run_vm(struct vm *vm, bool start)
{
	bool again = !start || vm_restart(vm, false);

	while (again) {
		tell_hook(vm, true);
		vm_run_once(vm);
		tell_hook(vm, false);
		again = vm->reset && vm_restart(vm, true);
	}
	__atomic_store_n(&vm->run_state, VM_ENDED, __ATOMIC_RELEASE); /* see the file's comment */
}

static void run_vm_on_runner(void *arg)
{
	struct vm *vm = arg;

	run_vm(vm, __atomic_exchange_n(&vm->start_request, false, __ATOMIC_ACQ_REL));
}

static bool all_ended(void)
{
	for (unsigned k = 0; k < vms_ready; k++)
		if (__atomic_load_n(&vms[k].run_state, __ATOMIC_ACQUIRE) != VM_ENDED)
			return false;
	return true;
}

bool vm_start(struct vm *vm)
{
	int ended = VM_ENDED;

	if (!__atomic_compare_exchange_n(&vm->run_state, &ended, VM_RUNNING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return false;
	__atomic_store_n(&vm->start_request, true, __ATOMIC_RELEASE);
	/* vm0's runner is CPU 0, which waits for it in vm_run() (it may be this very CPU, in the
	 * shell); any other VM's runner is idle now and takes it as work. */
	if (vm->id != 0 && !smp_run_on(vm->vcpus[0]->owner.cpu, run_vm_on_runner, vm)) {
		__atomic_store_n(&vm->start_request, false, __ATOMIC_RELAXED);
		__atomic_store_n(&vm->run_state, VM_ENDED, __ATOMIC_RELEASE);
		return false;
	}
	return true;
}

void vm_run(void)
{
	for (unsigned k = 1; k < vms_ready; k++) {
		struct vm *vm = &vms[k];
		vm->run_state = VM_RUNNING;
		if (!smp_run_on(vm->vcpus[0]->owner.cpu, run_vm_on_runner, vm)) {
			log_error("%s: not started: cpu%u cannot take it", vm->name,
				  vm->vcpus[0]->owner.cpu);
			vm->run_state = VM_ENDED;
		}
	}
	vms[0].run_state = VM_RUNNING;
	run_vm(&vms[0], false);
	/* vm0 has ended: CPU 0 serves the console (woken by its tick) until the last VM has ended,
	 * and runs vm0 again when the shell starts it. */
	while (!all_ended()) {
		if (__atomic_exchange_n(&vms[0].start_request, false, __ATOMIC_ACQ_REL)) {
			run_vm(&vms[0], true);
			continue;
		}
		irq_enable_and_halt();
		irq_disable();
		if (vcpu_cpu0_work.waiting())
			vcpu_cpu0_work.service();
	}
	if (vms_ready > 1)
		log_info("hv: every VM has ended");
}

/* Every vCPU, this CPU's too, leaves the guest and its loop looks at vm->stopping. */
static void kick_all(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i]) {
			vcpu_note_request(vm->vcpus[i]);
			vcpu_kick(vm->vcpus[i]);
		}
}

static void stop_all(struct vm *vm)
{
	vm_lock_devices(vm);
	if (vm->flush_devices)
		vm->flush_devices(vm);
	vm_unlock_devices(vm);
	kick_all(vm);
}

void vm_stop(struct vm *vm, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	if (__atomic_exchange_n(&vm->stopping, true, __ATOMIC_SEQ_CST))
		return; /* already stopping: the first reason is the one that counts */
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_error("%s: stopped: %s", vm->name, why);
	fmt_snprintf(vm->end_why, sizeof(vm->end_why), "stopped: %s", why);
	stop_all(vm);
}

/* The guest's own power-off or reset: "vm0: powered off" / "vm0: reset". The first way the VM
 * ends wins: a reset after a stop (or a stop after a reset) changes nothing. */
static void guest_ends(struct vm *vm, const char *what, bool reset)
{
	if (__atomic_exchange_n(&vm->stopping, true, __ATOMIC_SEQ_CST))
		return;
	vm->poweroff = !reset;
	vm->reset = reset;
	if (vm->flush_devices)
		vm->flush_devices(vm); /* the caller holds the device lock */
	log_info("%s: %s", vm->name, what);
	fmt_snprintf(vm->end_why, sizeof(vm->end_why), "%s", what);
	kick_all(vm);
}

void vm_poweroff(struct vm *vm, const char *what)
{
	guest_ends(vm, what, false);
}

void vm_reset(struct vm *vm)
{
	guest_ends(vm, "reset", true);
}
