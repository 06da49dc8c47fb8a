/* arch/trap.c: the IDT and what happens on an exception or interrupt in the hypervisor. Any CPU,
 * root mode, interrupts off. An exception here is always a hypervisor bug: report everything that
 * helps find it, stop the other CPUs, and stop (or power off when on_exit=poweroff). */
#include <stdarg.h>
#include <stdbool.h>

#include "apic/host_timer.h"
#include "apic/lapic.h"
#include "arch/console.h"
#include "arch/console_input.h"
#include "arch/cpu.h"
#include "arch/power.h"
#include "arch/symbols.h"
#include "arch/time.h"
#include "arch/trap.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "lib/string.h"

extern const uint64_t trap_stubs[256];

/* Taken once, by the CPU that stops the machine, and never released. */
static struct spinlock panic_lock;
static volatile int panic_cpu = -1; /* that CPU, or -1 */
static volatile unsigned cpus_stopped; /* CPUs that reported in after the stop NMI */

/* Mnemonics and names of the architectural exceptions (SDM Vol. 3A, Table 6-1). */
static const char *const exception_names[32] = {
	[0] = "#DE divide error",
	[1] = "#DB debug",
	[2] = "NMI",
	[3] = "#BP breakpoint",
	[4] = "#OF overflow",
	[5] = "#BR bound range exceeded",
	[6] = "#UD invalid opcode",
	[7] = "#NM device not available",
	[8] = "#DF double fault",
	[9] = "coprocessor segment overrun",
	[10] = "#TS invalid TSS",
	[11] = "#NP segment not present",
	[12] = "#SS stack-segment fault",
	[13] = "#GP general protection",
	[14] = "#PF page fault",
	[16] = "#MF x87 floating-point error",
	[17] = "#AC alignment check",
	[18] = "#MC machine check",
	[19] = "#XM SIMD floating-point",
	[20] = "#VE virtualization exception",
	[21] = "#CP control protection",
	[28] = "#HV hypervisor injection",
	[29] = "#VC VMM communication",
	[30] = "#SX security exception",
};

static void idt_set_gate(struct idt_gate *g, uint64_t handler, uint8_t ist)
{
	g->offset_lo = (uint16_t)handler;
	g->selector = SEL_KERNEL_CS;
	g->ist = ist;
	g->type_attr = 0x8e; /* present, DPL 0, 64-bit interrupt gate: IF cleared on entry */
	g->offset_mid = (uint16_t)(handler >> 16);
	g->offset_hi = (uint32_t)(handler >> 32);
	g->reserved = 0;
}

void trap_init_idt(struct percpu *p)
{
	for (unsigned v = 0; v < 256; v++)
		idt_set_gate(&p->idt[v], trap_stubs[v], 0);
	/* A double fault from a stack overflow has no usable stack; NMIs may arrive anywhere,
	 * even on the first instruction of a handler before it switched stacks (SDM Vol. 3A,
	 * 6.14.5 "Interrupt Stack Table"). */
	idt_set_gate(&p->idt[8], trap_stubs[8], IST_DOUBLE_FAULT);
	idt_set_gate(&p->idt[2], trap_stubs[2], IST_NMI);
}

static bool addr_in(uint64_t a, uint64_t lo, uint64_t hi)
{
	return a >= lo && a + 16 <= hi;
}

/* One backtrace line: `lead`, the address, the function it lies in when it is in the image's code,
 * and how often it came in a row (recursion). A return address is looked up one byte back: a call
 * to a noreturn function may end its caller, and its return address is then the next function's. */
static void print_frame(const char *lead, uint64_t addr, bool is_return, unsigned times)
{
	char line[160];
	uint64_t off;
	const char *name = sym_lookup(addr - is_return, &off);
	size_t n = fmt_snprintf(line, sizeof(line), "%s0x%lx", lead, addr);

	if (name)
		n += fmt_snprintf(line + n, sizeof(line) - n, " %s+0x%lx", name, off + is_return);
	if (times > 1)
		fmt_snprintf(line + n, sizeof(line) - n, " (x%u)", times);
	console_emergency_line(line);
}

#define BACKTRACE_MORE "             " /* continuation lines, under the first address */

/* Walk the frame-pointer chain (the image is built with -fno-omit-frame-pointer), only while it
 * stays inside this CPU's kernel stack so a corrupt chain cannot fault again. One frame a line,
 * innermost first, a run of equal frames as one; `rip_is_return` when `rip` is itself a return
 * address (panic()). */
static void print_backtrace(uint64_t rip, uint64_t rbp, bool rip_is_return)
{
	struct percpu *p = this_cpu();
	uint64_t prev = 0;
	unsigned times = 0;
	int depth;

	print_frame("  backtrace: ", rip, rip_is_return, 1);
	for (depth = 0; depth < 12; depth++) {
		if ((rbp & 7) || !addr_in(rbp, p->stack_base, p->stack_top))
			break;
		uint64_t ret = ((uint64_t *)rbp)[1];
		if (!ret)
			break;
		if (ret != prev && times)
			print_frame(BACKTRACE_MORE, prev, true, times);
		times = ret == prev ? times + 1 : 1;
		prev = ret;
		rbp = ((uint64_t *)rbp)[0];
	}
	if (times)
		print_frame(BACKTRACE_MORE, prev, true, times);
	if (depth == 12)
		console_emergency_line(BACKTRACE_MORE "... (deeper frames not shown)");
}

/* The faulting instruction's function, on a line of its own so the register lines stay as they
 * are. RIP outside the code is a finding in itself (a jump through a bad pointer). */
static void print_rip_symbol(uint64_t rip)
{
	char line[160];
	uint64_t off;
	const char *name = sym_lookup(rip, &off);

	if (name)
		fmt_snprintf(line, sizeof(line), "  RIP is %s+0x%lx", name, off);
	else
		fmt_snprintf(line, sizeof(line), "  RIP is outside the hypervisor's code");
	console_emergency_line(line);
}

static void print_registers(const struct trap_frame *f)
{
	char line[160];

	fmt_snprintf(line, sizeof(line), "  RIP %016lx  CS %04lx  RFLAGS %016lx  RSP %016lx  SS %04lx",
		     f->rip, f->cs, f->rflags, f->rsp, f->ss);
	console_emergency_line(line);
	fmt_snprintf(line, sizeof(line), "  CR0 %016lx  CR2 %016lx  CR3 %016lx  CR4 %016lx",
		     read_cr0(), read_cr2(), read_cr3(), read_cr4());
	console_emergency_line(line);
	fmt_snprintf(line, sizeof(line), "  RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx",
		     f->rax, f->rbx, f->rcx, f->rdx);
	console_emergency_line(line);
	fmt_snprintf(line, sizeof(line), "  RSI %016lx  RDI %016lx  RBP %016lx  R8  %016lx",
		     f->rsi, f->rdi, f->rbp, f->r8);
	console_emergency_line(line);
	fmt_snprintf(line, sizeof(line), "  R9  %016lx  R10 %016lx  R11 %016lx  R12 %016lx",
		     f->r9, f->r10, f->r11, f->r12);
	console_emergency_line(line);
	fmt_snprintf(line, sizeof(line), "  R13 %016lx  R14 %016lx  R15 %016lx", f->r13, f->r14,
		     f->r15);
	console_emergency_line(line);
}

/* Become the one CPU that stops the machine. A second CPU faulting meanwhile just stops. */
static void stop_machine_begin(void)
{
	int me = (int)cpu_id();

	if (panic_cpu != me && !spin_trylock(&panic_lock))
		cpu_halt_forever();
	panic_cpu = me;
	console_enter_panic_mode();
}

static __attribute__((noreturn)) void stop_machine_end(void)
{
	unsigned stopped = lapic_ready() ? lapic_send_nmi_others() : 0;

	if (stopped) {
		log_error("hv: sent NMI to stop the other CPUs");
		/* Let them say where they stopped before the machine goes away (bounded: one may
		 * be wedged with NMIs blocked). */
		for (int i = 0; i < 1000 && cpus_stopped + 1 < cpu_count; i++)
			udelay(1000);
	}
	hv_stop_after_fault();
}

static void (*vcpu_report)(void);

void trap_set_vcpu_report(void (*fn)(void))
{
	vcpu_report = fn;
}

/* When this CPU runs a vCPU, the fault may be about it: vmx/ prints its VMCS. */
static void report_vcpu(void)
{
	if (vcpu_report)
		vcpu_report();
}

static __attribute__((noreturn)) void handle_exception(struct trap_frame *f)
{
	char line[160];
	const char *name = f->vector < 32 && exception_names[f->vector] ?
				   exception_names[f->vector] : "reserved exception";

	stop_machine_begin();
	fmt_snprintf(line, sizeof(line), "EXCEPTION: %s (vector %lu) error code 0x%lx on cpu%u",
		     name, f->vector, f->error, cpu_id());
	console_emergency_line(line);
	if (f->vector == 8)
		console_emergency_line("  a double fault here is most often a kernel stack overflow");
	print_registers(f);
	print_rip_symbol(f->rip);
	print_backtrace(f->rip, f->rbp, false);
	report_vcpu();
	stop_machine_end();
}

/* An NMI is how a faulting CPU stops the others; any other NMI is reported and ignored. */
static void handle_nmi_at(uint64_t rip, const char *where)
{
	if (panic_cpu >= 0 && panic_cpu != (int)cpu_id()) {
		char line[80];

		fmt_snprintf(line, sizeof(line), "cpu%u: stopped (%s RIP 0x%lx)", cpu_id(), where,
			     rip);
		console_emergency_line(line);
		__atomic_add_fetch(&cpus_stopped, 1, __ATOMIC_SEQ_CST);
		cpu_halt_forever();
	}
	log_warn("trap: unexpected NMI at %s RIP 0x%lx, ignored", where, rip);
}

static void handle_nmi(struct trap_frame *f)
{
	handle_nmi_at(f->rip, "hypervisor");
}

void trap_host_nmi(uint64_t guest_rip)
{
	handle_nmi_at(guest_rip, "guest");
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector == 2) {
		handle_nmi(f);
		return;
	}
	if (f->vector < 32)
		handle_exception(f);
	if (f->vector == VEC_SPURIOUS)
		return; /* no EOI for spurious interrupts (SDM Vol. 3A, 11.9) */
	/* A posted-interrupt notification that found its vCPU in root mode only wakes the CPU: the
	 * vCPU takes its posted vectors before the next entry. */
	if (f->vector == VEC_HOST_TIMER) {
		if (host_timer_interrupt())
			console_tick();
	} else if (f->vector != VEC_IPI_KICK && f->vector != VEC_POSTED_INTR)
		log_warn("trap: unexpected interrupt vector %lu", f->vector);
	lapic_eoi();
}

void panic(const char *fmt, ...)
{
	char line[200];
	va_list ap;
	size_t n;

	irq_disable();
	stop_machine_begin();
	n = fmt_snprintf(line, sizeof(line), "PANIC on cpu%u: ", cpu_id());
	va_start(ap, fmt);
	fmt_vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	console_emergency_line(line);
	/* The walk starts at the caller's frame (saved RBP in panic()'s own): panic()'s frame would
	 * repeat the return address already printed first. */
	print_backtrace((uint64_t)__builtin_return_address(0),
			*(uint64_t *)__builtin_frame_address(0), true);
	report_vcpu();
	stop_machine_end();
}

/* Recursion that only a stack overflow ends (the limit is far beyond any stack) and that the
 * compiler cannot turn into a loop: each level keeps a live buffer. */
static __attribute__((noinline)) uint64_t overflow_stack(uint64_t depth)
{
	volatile uint8_t pad[512];

	pad[0] = (uint8_t)depth;
	if (depth > (1ull << 40))
		return pad[0];
	return overflow_stack(depth + 1) + pad[0];
}

void trap_selftest(const char *what)
{
	log_warn("hv: crash=%s requested: faulting on purpose", what);
	if (!strcmp(what, "ud"))
		__asm__ volatile("ud2");
	else if (!strcmp(what, "pf"))
		*(volatile uint64_t *)0xdead0000000ull = 1; /* not mapped */
	else if (!strcmp(what, "stack"))
		overflow_stack(0);
	else if (!strcmp(what, "panic"))
		panic("crash=panic requested");
}
