/* vmx/shell_vm.c: the shell's commands about the VMs (arch/shell.h). The vCPU commands address
 * the VM `vm N` selected (vm0 at first); `vms`, `stop`, `start` and `reset` name a VM each. A vCPU's VMCS, registers,
 * MSR bitmap and virtual-APIC page are read on its own CPU (vcpu_debug_call(): a request and a
 * kick, answered between two entries, 1 s at most), never by touching a VMCS loaded elsewhere;
 * guest memory and the EPT are read from here (nothing writes them while the VM runs). */
#include "arch/shell.h"
#include "lib/array.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "mm/phys.h"
#include "vmx/ept_build.h"
#include "vmx/msr_policy.h"
#include "vmx/shell_vm.h"
#include "vmx/vcpu.h"
#include "vmx/vm.h"
#include "vmx/vm_config.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

#define ANSWER_MS 1000

static unsigned selected; /* the VM the vCPU commands address (`vm N`); CPU 0 only */

static struct vm *selected_vm(void)
{
	return vm_get(selected);
}

static const char *const state_names[] = { "waiting for SIPI", "running", "halted", "stopped" };

/* The vCPU named by argv[i], or NULL after an error line. */
static struct vcpu *vcpu_arg(int argc, char **argv, int i)
{
	struct vm *vm = selected_vm();
	uint64_t n;

	if (!vm) {
		shell_out("error: there is no VM");
		return 0;
	}
	if (i >= argc) {
		shell_out("error: %s: want a vCPU number (0..%u)", argv[0], vm->nvcpus - 1);
		return 0;
	}
	if (!shell_number(argv[i], "vCPU", &n))
		return 0;
	if (n >= vm->nvcpus) {
		shell_out("error: %s: no vCPU %lu (the VM has %u)", argv[0], n, vm->nvcpus);
		return 0;
	}
	return vm->vcpus[n];
}

static bool ask(struct vcpu *v, void (*fn)(struct vcpu *, void *), void *arg)
{
	if (vcpu_debug_call(v, fn, arg, ANSWER_MS))
		return true;
	shell_out("error: vCPU %u did not answer on cpu%u within %u ms (stopped or stuck)", v->id,
		  v->owner.cpu, ANSWER_MS);
	return false;
}

static void show_vcpu(struct vcpu *v, void *arg)
{
	shell_out("vCPU %u: cpu%u, %s%s, APIC %s, RIP 0x%lx, last exit %s, %lu exits", v->id,
		  v->owner.cpu, state_names[v->state & 3], v->paused ? " (paused)" : "",
		  apic_mode_name(vlapic_mode(&v->apic)), v->launched ? vmcs_read_natural(VMCS_GUEST_RIP) : 0,
		  vmx_exit_reason_name(v->last_exit), vcpu_exit_total(v));
}

static void cmd_vcpus(int argc, char **argv)
{
	struct vm *vm = selected_vm();

	if (!vm) {
		shell_out("error: there is no VM");
		return;
	}
	for (unsigned i = 0; i < vm->nvcpus; i++)
		ask(vm->vcpus[i], show_vcpu, 0);
}

/* The fields `vmcs N` shows: controls, guest state, host state, the last exit. */
static const uint32_t shown_fields[] = {
	VMCS_CTRL_PIN_BASED, VMCS_CTRL_PROC_BASED, VMCS_CTRL_PROC_BASED2, VMCS_CTRL_EXIT,
	VMCS_CTRL_ENTRY, VMCS_EXCEPTION_BITMAP, VMCS_MSR_BITMAP, VMCS_EPT_POINTER, VMCS_VPID,
	VMCS_VIRTUAL_APIC_ADDR, VMCS_APIC_ACCESS_ADDR, VMCS_TPR_THRESHOLD, VMCS_GUEST_INTR_STATUS,
	VMCS_GUEST_RIP, VMCS_GUEST_RSP, VMCS_GUEST_RFLAGS, VMCS_GUEST_CR0, VMCS_GUEST_CR3,
	VMCS_GUEST_CR4, VMCS_GUEST_EFER, VMCS_GUEST_CS_SEL, VMCS_GUEST_CS_BASE, VMCS_GUEST_CS_AR,
	VMCS_GUEST_INTERRUPTIBILITY, VMCS_GUEST_ACTIVITY_STATE, VMCS_GUEST_PREEMPTION_TIMER,
	VMCS_HOST_RIP, VMCS_HOST_CR3, VMCS_HOST_GS_BASE, VMCS_EXIT_REASON,
	VMCS_EXIT_QUALIFICATION, VMCS_GUEST_PHYS_ADDR, VMCS_ENTRY_INTR_INFO,
};

static void show_vmcs(struct vcpu *v, void *arg)
{
	if (!v->launched) {
		shell_out("vCPU %u has not entered the guest yet", v->id);
		return;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(shown_fields); i++)
		shell_out("vCPU %u: %-32s 0x%lx", v->id, vmcs_field_name(shown_fields[i]),
			  vmcs_read_field(shown_fields[i]));
}

static void cmd_vmcs(int argc, char **argv)
{
	struct vcpu *v = vcpu_arg(argc, argv, 1);

	if (v)
		ask(v, show_vmcs, 0);
}

static void show_run(uint32_t first, uint32_t last, const char *access, void *ctx)
{
	char text[120];

	vm_msr_run_text(text, sizeof(text), ctx, first, last, access);
	shell_out("%s", text);
}

static void show_msrbitmap(struct vcpu *v, void *arg)
{
	shell_out("msrbitmap vCPU %u: what passes without a VM exit (r- read, -w write, rw both); "
		  "everything else exits", v->id);
	msr_bitmap_describe(v->msr_bitmap, show_run, v);
}

static void cmd_msrbitmap(int argc, char **argv)
{
	struct vcpu *v = vcpu_arg(argc, argv, 1);

	if (v)
		ask(v, show_msrbitmap, 0);
}

static void show_vector_reg(struct vcpu *v, const char *name, uint32_t base)
{
	shell_out("apic vCPU %u: %s %08x %08x %08x %08x %08x %08x %08x %08x", v->id, name,
		  vlapic_reg(&v->apic, base + 0x70), vlapic_reg(&v->apic, base + 0x60),
		  vlapic_reg(&v->apic, base + 0x50), vlapic_reg(&v->apic, base + 0x40),
		  vlapic_reg(&v->apic, base + 0x30), vlapic_reg(&v->apic, base + 0x20),
		  vlapic_reg(&v->apic, base + 0x10), vlapic_reg(&v->apic, base));
}

static void show_apic(struct vcpu *v, void *arg)
{
	const struct vlapic *a = &v->apic;

	shell_out("apic vCPU %u: %s mode, IA32_APIC_BASE 0x%lx, accesses %s", v->id,
		  apic_mode_name(vlapic_mode(a)), a->apic_base,
		  v->apic_mmio_direct ? "virtualized" : "emulated or off");
	shell_out("apic vCPU %u: ID %08x VER %08x TPR %02x PPR %02x LDR %08x DFR %08x SVR %03x "
		  "ESR %02x", v->id, vlapic_reg(a, APIC_ID), vlapic_reg(a, APIC_VERSION),
		  vlapic_reg(a, APIC_TPR), vlapic_reg(a, APIC_PPR), vlapic_reg(a, APIC_LDR),
		  vlapic_reg(a, APIC_DFR), vlapic_reg(a, APIC_SVR), vlapic_reg(a, APIC_ESR));
	shell_out("apic vCPU %u: ICR %08x:%08x LVT timer %08x LINT0 %08x LINT1 %08x error %08x "
		  "TMICT %08x DCR %x, timer next at TSC %lu", v->id, vlapic_reg(a, APIC_ICR_HI),
		  vlapic_reg(a, APIC_ICR_LO), vlapic_reg(a, APIC_LVT_TIMER),
		  vlapic_reg(a, APIC_LVT_LINT0), vlapic_reg(a, APIC_LVT_LINT1),
		  vlapic_reg(a, APIC_LVT_ERROR), vlapic_reg(a, APIC_TIMER_INITIAL),
		  vlapic_reg(a, APIC_TIMER_DIVIDE), vlapic_timer_next(a));
	show_vector_reg(v, "IRR", APIC_IRR);
	show_vector_reg(v, "ISR", APIC_ISR);
	show_vector_reg(v, "TMR", APIC_TMR);
}

static void cmd_apic(int argc, char **argv)
{
	struct vcpu *v = vcpu_arg(argc, argv, 1);

	if (v)
		ask(v, show_apic, 0);
}

static void cmd_ept(int argc, char **argv)
{
	struct vm *vm = selected_vm();
	uint64_t gpa, hpa, flags, size;

	if (!vm || argc != 2 || !shell_number(argv[1], "GPA", &gpa)) {
		if (!vm || argc != 2)
			shell_out("error: ept: want one guest-physical address");
		return;
	}
	struct ept e = { vm->ept_root, 0, 0, false, false };
	if (!ept_lookup(&e, gpa, &hpa, &flags, &size)) {
		shell_out("ept 0x%lx: not mapped (an access is an EPT violation)", gpa);
		return;
	}
	shell_out("ept 0x%lx: host 0x%lx, %c%c%c, memory type %s, %lu KiB page", gpa,
		  hpa + (gpa & (size - 1)), (flags & EPT_READ) ? 'r' : '-',
		  (flags & EPT_WRITE) ? 'w' : '-', (flags & EPT_EXEC) ? 'x' : '-',
		  ((flags >> 3) & 7) == 6 ? "WB" : ((flags >> 3) & 7) == 0 ? "UC" : "other",
		  size / 1024);
}

static void reset_exits(struct vcpu *v, void *arg)
{
	memset(v->exits, 0, sizeof(v->exits));
}

static void show_exits(struct vcpu *v, void *arg)
{
	/* the tick (on the vCPU's own CPU) bounds a count (scripts/bench-linux) */
	shell_out("exits vCPU %u: %lu in all at TSC %lu", v->id, vcpu_exit_total(v), rdtsc());
	for (unsigned r = 0; r <= VMX_EXIT_REASON_MAX; r++)
		if (v->exits[r])
			shell_out("exits vCPU %u: %-24s %lu", v->id, vmx_exit_reason_name(r),
				  v->exits[r]);
}

static void cmd_exits(int argc, char **argv)
{
	struct vm *vm = selected_vm();
	bool reset = argc > 1 && !strcmp(argv[argc - 1], "reset");
	int nargs = argc - (reset ? 1 : 0);

	if (!vm) {
		shell_out("error: there is no VM");
		return;
	}
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct vcpu *v = vm->vcpus[i];
		if (nargs > 1 && v != vcpu_arg(nargs, argv, 1))
			continue;
		ask(v, reset ? reset_exits : show_exits, 0);
	}
	if (reset) /* the tick says where a count that starts here begins (scripts/bench-linux) */
		shell_out("exit counters reset at TSC %lu", rdtsc());
}

static void cmd_mem(int argc, char **argv)
{
	struct vm *vm = selected_vm();
	uint64_t gpa, len;

	if (!vm || argc != 3) {
		shell_out("error: mem: want GPA LEN (LEN at most 256)");
		return;
	}
	if (!shell_number(argv[1], "GPA", &gpa) || !shell_number(argv[2], "LEN", &len))
		return;
	const struct gmem ram = vm_ram(vm);
	const uint8_t *p = len && len <= 256 ? gmem_ptr(&ram, gpa, len) : 0;
	if (!p) {
		shell_out("error: mem: 0x%lx+%lu is not inside guest RAM [0, 0x%lx) or LEN is not "
			  "1..256", gpa, len, vm->ram_size);
		return;
	}
	for (uint64_t off = 0; off < len; off += 16) {
		char hex[16 * 3 + 1] = { 0 };
		for (uint64_t i = 0; i < 16 && off + i < len; i++) {
			static const char digits[] = "0123456789abcdef";
			hex[i * 3] = digits[p[off + i] >> 4];
			hex[i * 3 + 1] = digits[p[off + i] & 15];
			hex[i * 3 + 2] = ' ';
		}
		shell_out("mem 0x%08lx: %s", gpa + off, hex);
	}
}

static void cmd_pause(int argc, char **argv)
{
	struct vcpu *v = vcpu_arg(argc, argv, 1);
	bool pause = !strcmp(argv[0], "pause");

	if (!v)
		return;
	if (pause && v->owner.cpu == 0) { /* vm0's vCPU 0 */
		shell_out("error: pause: vCPU %u shares cpu0 with the shell; pause another", v->id);
		return;
	}
	v->paused = pause;
	vcpu_note_request(v);
	vcpu_kick(v);
	if (pause)
		ask(v, show_vcpu, 0); /* answered from root mode: it is out of the guest now */
	else
		shell_out("vCPU %u resumed", v->id);
}

/* A VM named by "N" or "vmN", or NULL after an error line. */
static struct vm *vm_arg(int argc, char **argv)
{
	const char *a = argc == 2 ? argv[1] : 0;
	uint64_t n;

	if (!a) {
		shell_out("error: %s: want a VM (0..%u, or vm0..)", argv[0],
			  vm_count() ? vm_count() - 1 : 0);
		return 0;
	}
	if (a[0] == 'v' && a[1] == 'm')
		a += 2;
	if (!shell_number(a, "VM", &n))
		return 0;
	if (!vm_get(n)) {
		shell_out("error: %s: no vm%lu (there are %u VMs)", argv[0], n, vm_count());
		return 0;
	}
	return vm_get(n);
}

static const char *const run_state_names[] = { "built", "running", "ended" };

/* "0-1", "2,4": the CPUs of its vCPUs, in order. */
static void cpu_list(const struct vm *vm, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned k = 0; k < vm->nvcpus && n + 12 < size;) {
		unsigned first = vm->vcpus[k]->owner.cpu, j = k;
		while (j + 1 < vm->nvcpus && vm->vcpus[j + 1]->owner.cpu == vm->vcpus[j]->owner.cpu + 1)
			j++;
		n += fmt_snprintf(buf + n, size - n, j > k ? "%s%u-%u" : "%s%u", n ? "," : "", first,
				  vm->vcpus[j]->owner.cpu);
		k = j + 1;
	}
}

static void cmd_vms(int argc, char **argv)
{
	static const char *const apic_names[] = { "xapic", "x2apic", "x2apic-locked" };
	char cpus_text[64];

	if (!vm_count())
		shell_out("error: there is no VM");
	for (unsigned k = 0; k < vm_count(); k++) {
		struct vm *vm = vm_get(k);
		cpu_list(vm, cpus_text, sizeof(cpus_text));
		shell_out("vms: %s: cpus %s, %u vCPUs, %lu MiB, %s, %s%s, %u restarts, %lu IPIs "
			  "dropped%s", vm->name, cpus_text, vm->nvcpus, vm->ram_size >> 20,
			  apic_names[vm->conf->apic % 3], run_state_names[vm->run_state % 3],
			  vm->run_state == VM_RUNNING && vm->stopping ? " (stopping)" : "",
			  vm->restarts, vm->ipis_dropped, k == selected ? " (selected)" : "");
	}
}

static void cmd_vm(int argc, char **argv)
{
	struct vm *vm = vm_arg(argc, argv);

	if (!vm)
		return;
	selected = vm->id;
	shell_out("the vCPU commands now address %s (vCPUs 0..%u)", vm->name, vm->nvcpus - 1);
}

/* stop, reset and start one VM; the others run on. A stop and a reset come as the guest's own
 * would (vm_stop(), vm_reset(): every vCPU of that VM leaves the guest, its runner takes it from
 * there); a start is the runner's (vm_start()). */
static void cmd_vm_power(int argc, char **argv)
{
	struct vm *vm = vm_arg(argc, argv);

	if (!vm)
		return;
	if (!strcmp(argv[0], "start")) {
		if (!vm_start(vm))
			shell_out("error: start: %s has not ended (stop it first)", vm->name);
		else
			shell_out("%s starts again from its modules", vm->name);
		return;
	}
	if (vm->run_state != VM_RUNNING || vm->stopping) {
		shell_out("error: %s: %s is not running", argv[0], vm->name);
		return;
	}
	if (!strcmp(argv[0], "stop")) {
		vm_stop(vm, "from the shell (stop %s)", vm->name);
	} else {
		vm_lock_devices(vm); /* vm_reset() flushes the devices with it held */
		vm_reset(vm);
		vm_unlock_devices(vm);
	}
}

static const struct shell_cmd cmds[] = {
	{ "vms", "", "each VM: CPUs, memory, APIC mode, state", cmd_vms },
	{ "vm", "N", "the VM the vCPU commands address (vm0 at first)", cmd_vm },
	{ "stop", "N", "stop VM N (the others run on)", cmd_vm_power },
	{ "reset", "N", "reset VM N: it restarts from its modules, RAM cleared", cmd_vm_power },
	{ "start", "N", "start VM N again after it ended", cmd_vm_power },
	{ "vcpus", "", "each vCPU: state, APIC mode, RIP, last exit, exit count", cmd_vcpus },
	{ "vmcs", "N", "vCPU N's VMCS: controls, guest and host state by name", cmd_vmcs },
	{ "msrbitmap", "N", "what vCPU N reads or writes without an exit", cmd_msrbitmap },
	{ "apic", "N", "vCPU N's virtual APIC: mode, registers, IRR/ISR/TMR", cmd_apic },
	{ "ept", "GPA", "the EPT walk for a guest-physical address", cmd_ept },
	{ "exits", "[N] [reset]", "exit counts by reason (or zero them)", cmd_exits },
	{ "mem", "GPA LEN", "hexdump of guest memory (LEN <= 256)", cmd_mem },
	{ "pause", "N", "hold vCPU N out of the guest", cmd_pause },
	{ "resume", "N", "let vCPU N run again", cmd_pause },
};

/* After "cpuN: APIC id K" in `cpus`: whether the CPU is in VMX root operation, and its vCPU. */
static void cpu_info(unsigned cpu, char *buf, size_t size)
{
	struct vcpu *v = vcpu_on_cpu(cpu);
	const char *root = vmx_cpu_in_root(cpu) ? "yes" : "no";

	if (v)
		fmt_snprintf(buf, size, ", VMX root: %s, runs %s vCPU %u", root, v->vm->name, v->id);
	else
		fmt_snprintf(buf, size, ", VMX root: %s, no vCPU", root);
}

void shell_vm_init(void)
{
	shell_register(cmds, ARRAY_SIZE(cmds));
	shell_set_cpu_info(cpu_info);
}
