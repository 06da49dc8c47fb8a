/* vmx/vm.h: a VM and its vCPUs. The VM is built by the BSP before any vCPU runs; afterwards each
 * vCPU's state belongs to its own physical CPU (vmx/vcpu_owner.h), and the VM-wide parts are
 * either read-only (RAM layout, EPT, port table, I/O bitmaps) or behind vm->dev_lock (devices). */
#ifndef VMX_VM_H
#define VMX_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "apic/vlapic.h"
#include "arch/percpu.h"
#include "apic/vioapic.h"
#include "vmx/gmem.h"
#include "lib/spinlock.h"
#include "vmx/cpuid_cache.h"
#include "vmx/exit_reasons.h"
#include "vmx/guest_regs.h"
#include "vmx/io_ports.h"
#include "vmx/msr_policy.h"
#include "vmx/mmio_ranges.h"
#include "vmx/posted_intr.h"
#include "vmx/vcpu_owner.h"

enum vcpu_state {
	VCPU_WAIT_START = 0, /* an AP before the guest starts it */
	VCPU_RUNNING,
	VCPU_HALTED, /* executed HLT; sleeps until an interrupt is pending */
	VCPU_STOPPED,
};

/* The start request (HC_START_VCPU, and the BSP's own start): a caller claims it with a CAS
 * from NONE, writes start_eip/eax/ebx and releases READY; the target's CPU takes it at READY
 * only (vmx/vcpu_state.c, vmx/vcpu.c ready_to_run). */
enum vcpu_start {
	VCPU_START_NONE = 0,
	VCPU_START_CLAIMED,
	VCPU_START_READY,
};

struct vm;
struct vm_conf; /* vmx/vm_config.h */
struct vm_devices; /* guest/vm_devices.c */

struct vcpu {
	/* First: the exit stub (vmx/vmx_entry.asm) hands vmx_handle_exit() the registers, and that
	 * pointer is then the vCPU's too, at no cost on every exit. */
	struct guest_regs regs;
	struct vm *vm;
	unsigned id;    /* index in the VM; also its APIC id */
	struct vcpu_owner owner;

	uint64_t vmcs_pa;
	const uint8_t *msr_bitmap; /* this vCPU's own page; written through vcpu_msr_bitmap() */
	uint16_t vpid;
	bool launched;

	volatile int state;           /* enum vcpu_state */
	bool halted_with_if_clear;

	/* Requests from any CPU, taken on the vCPU's own CPU before its next entry (vmx/vapic_irq.c):
	 * nothing another CPU does touches the vCPU's VMCS, MSR bitmap or virtual-APIC page. */
	volatile uint32_t requests;   /* set after any of the below, and by a stop, a pause and a
				       * shell call: the cheap test after each exit */
	volatile uint64_t pending[4]; /* fixed interrupt vectors for its virtual APIC's IRR */
	volatile uint64_t pending_level[4]; /* of those, the level-triggered ones (I/O APIC) */
	volatile bool eoi_rescan; /* the I/O APIC's routes changed (vmx/vm_ioapic.c) */
	uint64_t eoi_exit[4]; /* its EOI-exit bitmap as last written */
	volatile uint64_t extint[4];  /* HC_WAKE: external interrupts that bypass the APIC, as
				       * a legacy PIC's through LINT0 in ExtINT mode would */
	volatile uint32_t nmi_request; /* NMIs sent to it since its CPU last took them */
	volatile bool init_request;
	volatile uint16_t sipi_request; /* 0x100 | vector */
	volatile uint8_t start_request; /* enum vcpu_start (vmx/vcpu_state.c) */
	volatile uint32_t start_eip, start_eax, start_ebx;
	/* A start in 64-bit mode instead (a Linux bzImage, guest/linux_boot.c): RIP, RSI, CR3 and
	 * the GDT with the protocol's CS 0x10 and DS 0x18. Written with the fields above. */
	bool start_long;
	uint64_t start_rip, start_rsi, start_cr3, start_gdt;
	uint16_t start_gdt_limit;

	/* The virtual local APIC (apic/vlapic.h) on this vCPU's own virtual-APIC page, and its
	 * posted-interrupt descriptor where the CPU has them. Const here: written only through
	 * vcpu_apic() and vcpu_pi() (vmx/vcpu.h), which check the design rule. */
	const struct vlapic apic;
	const uint8_t *vapic_page;
	const struct pi_desc *pi;
	uint8_t nmi_pending;   /* NMIs not yet injected, at most 2 (vapic_irq.c, nmi_latch) */
	/* An interrupt or NMI whose delivery an exception interrupted (vcpu_inject_exception), in
	 * the interruption-information format; 0 for none. Injected before anything new. */
	uint32_t held_event;
	bool apic_mmio_direct; /* "virtualize APIC accesses" on in this vCPU's VMCS */

	uint32_t proc_ctl; /* the primary processor-based controls as last written */
	uint32_t proc2_ctl; /* the secondary ones */
	uint32_t tpr_threshold; /* as last written */
	bool want_intr_window;
	/* Something the injection logic must look at changed (an APIC exit, a request, the timer);
	 * exits that touch no interrupt state (CPUID, VMCALL, ports, APIC reads, an IPI sent
	 * elsewhere, ...) leave it clear, and the exit stub resumes the guest without the loop
	 * (vcpu_may_resume_from_stub, vmx/vcpu.h; the injection itself is vmx/vapic_irq.c). */
	bool apic_dirty;

	/* The shell (vmx/shell_vm.c): work run on the vCPU's own CPU, and holding it out of the
	 * guest. */
	void (*volatile debug_fn)(struct vcpu *v, void *arg);
	void *volatile debug_arg;
	volatile bool paused;
	/* GDB's single step (vmx/gdb_vcpu.c): armed for one instruction, by the monitor trap flag
	 * or, on a CPU without it, by RFLAGS.TF (gdb_step_tf). Its own CPU only. */
	bool gdb_step, gdb_step_tf;
	uint64_t cr0_shadow, cr4_shadow, cr0_mask, cr4_mask;
	uint64_t mtrr_def_type;
	uint64_t misc_enable; /* IA32_MISC_ENABLE as the guest wrote it (msr_misc_enable_write) */
	/* Its TSC offset and IA32_TSC_ADJUST: the VMCS TSC offset is tsc.offset. The guest's TSC
	 * (vcpu_guest_tsc) is the virtual APIC timer's clock, as the TSC is the APIC's. */
	struct msr_tsc tsc;

	uint32_t last_exit;
	uint64_t exits[VMX_EXIT_REASON_MAX + 1];
	uint64_t timer_exits; /* the host timer's (arch/host_timer.h), not counted in exits[] */
	/* Its CPU while it could not run (vcpu_sleep, vmx/vcpu.c): HLTs, and turns round the loop
	 * polling the TSC for its APIC timer where the host timer cannot wake the CPU. */
	uint64_t sleeps, timer_polls;
	unsigned io_logged; /* rate limit for unclaimed port messages */
	unsigned stub_resumes; /* exits it may still resume from the stub (vmx/vcpu.h) */
	struct cpuid_cache cpuid; /* its CPUID answers (vmx/exit_cpuid.c) */
};

_Static_assert(offsetof(struct vcpu, regs) == 0, "vmx_handle_exit: the regs are the vCPU");

/* Where a VM is in its life (vm->run_state). */
enum vm_run_state {
	VM_BUILT = 0, /* built, not yet run */
	VM_RUNNING,   /* its runner runs it (also while it restarts after a reset) */
	VM_ENDED,     /* powered off, stopped, or reset with no restart left; `start` runs it again */
};

struct vm {
	unsigned id; /* its index, 0..VM_MAX-1 */
	char name[8]; /* "vm0": the prefix of its lines on the console */
	const struct vm_conf *conf; /* its CPUs, RAM size, APIC mode, ... (vmx/vm_config.h) */
	volatile int run_state; /* enum vm_run_state; vmx/vm.c says who writes it and when */
	volatile bool start_request; /* `start` from the shell, for its runner */
	volatile uint64_t ipis_dropped; /* IPIs to APIC ids none of its vCPUs has (vapic_ipi.c) */

	uint64_t ram_hpa, ram_size; /* guest RAM: GPA [0, ram_size) -> HPA [ram_hpa, ...) */
	uint64_t ept_root, eptp;
	/* The APIC-access page (SDM Vol. 3C, 30.4): this VM's alone, mapped in its EPT at
	 * APIC_BASE_DEFAULT_ADDR from creation to the end and never remapped; 0 when the CPU cannot
	 * virtualize APIC accesses (the page is then left unmapped and accesses exit as EPT
	 * violations). */
	uint64_t apic_access_hpa;
	uint8_t *io_bitmap; /* two pages, A then B: every port exits; never written after build */

	struct io_ports ports;
	/* Its platform's devices (guest/vm_devices.c), whose state vmx/ does not see, behind
	 * dev_lock; flush_devices(), with it held, writes out what they still hold when the VM
	 * stops (a partial COM1 line). */
	struct vm_devices *devices;
	void (*flush_devices)(struct vm *vm);
	struct mmio_ranges mmio; /* emulated MMIO (the I/O APIC), unmapped in the EPT */
	struct vioapic ioapic;
	struct spinlock dev_lock;
	/* Held while a vCPU leaves a parked state or checks whether every vCPU is parked (vmx/vcpu.c,
	 * vcpu_park_check): a vCPU halted with interrupts off, waiting for a SIPI, or stopped can only
	 * be woken by another vCPU of the VM, so when all are parked the VM is over. */
	struct spinlock park_lock;

	unsigned nvcpus;
	struct vcpu *vcpus[MAX_CPUS];

	volatile bool stopping;
	volatile unsigned stopped_vcpus;
	bool poweroff; /* the guest asked for it (vs. a fault) */
	bool reset;    /* the guest reset the VM: vm_run() starts it again */
	char end_why[120]; /* how it ended, as its "vm0: ..." line says it (without the name) */
	/* The GDB stub's hook (vmx/gdb_vm.c), NULL without one: called by the VM's runner once every
	 * vCPU has stopped (running false; poweroff, reset and end_why say how), and when it runs
	 * again after a reset or `start` (running true), before any vCPU enters the guest. */
	void (*on_run)(struct vm *vm, bool running);
	unsigned restarts; /* how often it did */
	const struct vm_platform *platform; /* what it is built (and rebuilt) from */
	bool break_design_rule; /* crash=design-rule: vCPU 0 breaks it on its loop after an exit */
	/* Its kernel is x86-64 code (guest/loader.h, code64), set by the platform at each load:
	 * the GDB stub's amd64 layout also while that kernel still runs 32-bit code. */
	bool kernel64;
};

/* What the VM's platform (guest/vm_build.c) adds while vm_build() builds it: RAM of at most
 * ram_max bytes (vm.mem=), and build(), called once RAM, EPT and the APIC-access page are there,
 * which loads the guest and registers its devices (false, said on the console, to give up). */
/* What the layer above (guest/) gives a VM: build() loads the guest into RAM and registers the
 * devices (the platform gives vCPU 0 its entry state after vm_build(), before vm_ready());
 * restart(), after a reset with every vCPU stopped and back at power-on and RAM zeroed, loads
 * the guest again, puts the devices back to power-on and gives vCPU 0 its entry state again.
 * Both run on the BSP; the platform outlives the VM. */
struct vm_platform {
	uint64_t ram_max;
	bool (*build)(struct vm *vm, void *ctx);
	bool (*restart)(struct vm *vm, void *ctx);
	void *ctx;
};

/* Each VM is built in three steps, BSP, before any vCPU runs, vm0 first: vm_new() names VM `id`
 * with its resolved configuration; vm_build() gives it vCPUs on its CPUs, RAM, EPT, APIC-access
 * page, the platform's part and the I/O bitmap (false, said on the console, when it cannot);
 * vm_ready() ends the build (vCPU 0 has its entry state from the platform) and makes the VM
 * vm_get(id) (vm0 also vm_current()). */
struct vm *vm_new(unsigned id, const struct vm_conf *conf);
bool vm_build(struct vm *vm, const struct vm_platform *pf);
void vm_ready(struct vm *vm);
/* The VM's RAM, for the checked accessors of vmx/gmem.h: every access to guest RAM by GPA goes
 * through gmem_ptr() and its bounds check, none checks the bounds by hand. */
static inline struct gmem vm_ram(const struct vm *vm)
{
	return (struct gmem){ (uint8_t *)(uintptr_t)vm->ram_hpa, vm->ram_size };
}
/* guest_walk()'s entry reader (vmx/guest_walk.h) over a VM's RAM, `ctx` the struct vm: the walks
 * of instruction fetch, string I/O and the GDB stub all read the guest's tables through it. 32-bit
 * paging reads its 4-byte entries through this 8-byte reader, so the last entry in RAM is read as
 * 4 bytes (copied, not loaded: entries are only 4-byte aligned there). */
static inline bool vm_read_pte(void *ctx, uint64_t gpa, uint64_t *value)
{
	const struct gmem ram = vm_ram(ctx);
	const void *p8 = gmem_ptr(&ram, gpa, 8), *p4 = p8 ? p8 : gmem_ptr(&ram, gpa, 4);

	if (!p4)
		return false;
	*value = 0;
	__builtin_memcpy(value, p4, p8 ? 8 : 4);
	return true;
}
/* crash=design-rule: vm_request_design_rule_break() asks vCPU 0 to write vCPU 1's MSR bitmap
 * after an exit (vm_break_design_rule()), which only CPU 1 may do; the checked writer must
 * stop the machine and name the structure and the vCPU, and the report shows vCPU 0's VMCS. */
void vm_request_design_rule_break(void);
void vm_break_design_rule(void);
/* vm0, once vm_ready(); NULL before or without one. */
struct vm *vm_current(void);
/* The VMs that are built, and VM `id` of them (NULL past the last). */
unsigned vm_count(void);
struct vm *vm_get(unsigned id);
/* Run every VM, each on its own CPUs (vm0 here, on the BSP); a reset restarts only the VM that
 * reset. Returns on the BSP when the last VM has ended (then on_exit= applies). */
void vm_run(void);
/* The shell's `start`: an ended VM is built again from its modules (RAM zeroed) and runs; false
 * when it has not ended. CPU 0. */
bool vm_start(struct vm *vm);

/* Stop the VM (any vCPU, any reason): logs "<vm>: stopped: <reason>" once, or for a guest
 * power-off/reset the line the README documents, and makes every vCPU leave the guest. */
void vm_stop(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vm_poweroff(struct vm *vm, const char *what);
/* The guest's reset (0xcf9, 0xfe to 0x64): "vm0: reset", every vCPU leaves the guest, and
 * vm_run() builds the VM again from its modules (up to vm.restarts= times). */
void vm_reset(struct vm *vm);

/* At debug level: "vm0: msrbitmap vCPU N: ..." lines, what the vCPU's bitmap lets through. */
void vm_log_msr_bitmap(const struct vcpu *v);
/* One run of msr_bitmap_describe() as those lines and the shell's `msrbitmap N` say it:
 * "msrbitmap vCPU N: 0x000006e0 rw IA32_TSC_DEADLINE", or a range "0x00000800-0x000008ff r-". */
void vm_msr_run_text(char *buf, size_t size, const struct vcpu *v, uint32_t first, uint32_t last,
		     const char *access);

void vm_lock_devices(struct vm *vm);
void vm_unlock_devices(struct vm *vm);

/* Raise an external interrupt in a vCPU (HC_WAKE: not through its APIC) and kick its CPU. */
void vcpu_raise_interrupt(struct vcpu *v, uint8_t vector);
/* Wake a vCPU's CPU so it looks at its vCPU's state (start, stop, pending interrupt). */
void vcpu_kick(struct vcpu *v);
/* After leaving a request in `t` (any CPU): tells its next entry to look. */
static inline void vcpu_note_request(struct vcpu *t)
{
	__atomic_store_n(&t->requests, 1, __ATOMIC_SEQ_CST);
}

#endif
