/* vmx/gdb_vm.c: the GDB stub's VM side on CPU 0 (see vmx/gdb_vm.h). Everything here but
 * gdb_vm_vcpu_stopped() and the two lookups runs on CPU 0 in root mode with interrupts off, in
 * its vCPU loop's host work: between two VM entries of vCPU 0, whose VMCS is current there;
 * gdb_on_run() runs on CPU 0 too, as vm0's runner, when no vCPU of it is in the guest (on the
 * console's line only vm0's end is told to GDB: another VM's runner is another CPU). */
#include "arch/console.h"
#include "arch/console_input.h"
#include "arch/console_spec.h"
#include "arch/cpu.h"
#include "arch/lapic.h"
#include "arch/pci.h"
#include "arch/pci_uart.h"
#include "arch/percpu.h"
#include "arch/serial.h"
#include "arch/time.h"
#include "arch/trap.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "vmx/gdb_vcpu.h"
#include "vmx/gdb_vm.h"
#include "vmx/vcpu.h"
#include "vmx/vm.h"

#define ANSWER_MS 1000
/* How long a packet that has begun may pause between two bytes before the stub stops waiting
 * for the rest (GDB resends it after its own timeout). */
#define PACKET_GAP_MS 200

enum { STOP_NONE, STOP_WRITING, STOP_READY };

struct gdb_vm {
	struct vm *vm;
	struct uart uart;
	uint32_t baud;
	struct gdb_stub stub;
	/* A stop a vCPU reported from its own CPU: claimed NONE -> WRITING by one vCPU, then
	 * READY with the stop filled in; CPU 0 takes it and puts it back to NONE. */
	volatile int stop_state;
	struct gdb_stop stop;
	struct vcpu_host_work chained; /* the console's work, which runs first */
	int byte;                      /* read ahead by waiting(), or -1 */
	/* The one-line mode: the stub is on the console's line, which it has (has_line) from
	 * Ctrl-a g to a detach, a kill (then give_back is set, and the line goes back once the
	 * packet is answered) or the VM's end told to GDB. */
	bool on_console, has_line, give_back;
};

/* gdb=: a UART of GDB's own, the console's line after Ctrl-a g (the default), or neither. */
static enum { LINE_CONSOLE, LINE_UART, LINE_OFF } line_kind;
static struct console_spec spec;
static bool wait_first; /* gdb=...,wait: the VM's vCPUs hold before their first instruction */
/* One UART, one debugger: the stub's state. The VM it debugs is g.vm, set by gdb_vm_start(). */
static struct gdb_vm g;

#define WAIT_SUFFIX ",wait"

/* The UART's part is console=''s; a trailing ",wait" is this option's own. */
bool gdb_option(const char *value, void *ctx)
{
	char where[64];
	size_t len = strlen(value), suffix = strlen(WAIT_SUFFIX);
	bool wait = len > suffix && !strcmp(value + len - suffix, WAIT_SUFFIX);

	if (!strcmp(value, "console") || !strcmp(value, "off")) {
		line_kind = value[0] == 'c' ? LINE_CONSOLE : LINE_OFF;
		return true;
	}
	if (wait)
		len -= suffix;
	if (len >= sizeof(where))
		return false;
	memcpy(where, value, len);
	where[len] = 0;
	if (!console_parse_spec(where, &spec) || spec.kind == CONSOLE_SPCR ||
	    spec.kind == CONSOLE_AUTO)
		return false;
	line_kind = LINE_UART;
	wait_first = wait;
	return true;
}

/* The line's bytes, on whichever it is. */
static int line_getc(void)
{
	return g.on_console ? console_gdb_getc() : serial_getc(&g.uart);
}

/* --- the target operations (lib/gdb_stub.h), CPU 0 --------------------------------------- */

static bool call(unsigned vcpu, void (*fn)(struct vcpu *, void *), struct gdb_vcpu_req *r)
{
	if (vcpu >= g.vm->nvcpus)
		return false;
	return vcpu_debug_call(g.vm->vcpus[vcpu], fn, r, ANSWER_MS);
}

static unsigned op_threads(void *ctx)
{
	return g.vm->nvcpus;
}

static bool op_long_mode(void *ctx)
{
	struct gdb_vcpu_req r = { .ok = false };

	return call(0, gdb_vcpu_long_mode, &r) && r.ok;
}

static bool op_read_regs(void *ctx, unsigned vcpu, struct gdb_regvals *vals)
{
	struct gdb_vcpu_req r = { .vals = vals, .ok = false };

	return call(vcpu, gdb_vcpu_read_regs, &r) && r.ok;
}

static bool op_write_fx(void *ctx, unsigned vcpu, const struct gdb_regvals *vals)
{
	struct gdb_vcpu_req r = { .vals = (struct gdb_regvals *)vals, .write = true };

	return call(vcpu, gdb_vcpu_fx, &r) && r.ok;
}

static bool op_write_reg(void *ctx, unsigned vcpu, enum gdb_src src, uint64_t value)
{
	struct gdb_vcpu_req r = { .src = src, .value = value };

	return call(vcpu, gdb_vcpu_write_reg, &r) && r.ok;
}

static size_t mem(unsigned vcpu, uint64_t addr, uint8_t *buf, size_t len, bool write)
{
	struct gdb_vcpu_req r = { .addr = addr, .buf = buf, .len = len, .write = write };

	return call(vcpu, gdb_vcpu_mem, &r) ? r.done : 0;
}

static size_t op_read_mem(void *ctx, unsigned vcpu, uint64_t addr, uint8_t *buf, size_t len)
{
	return mem(vcpu, addr, buf, len, false);
}

static size_t op_write_mem(void *ctx, unsigned vcpu, uint64_t addr, const uint8_t *buf,
			   size_t len)
{
	return mem(vcpu, addr, (uint8_t *)buf, len, true);
}

/* All-stop: each vCPU holds itself out of the guest at its next loop round (the kick makes it
 * leave the guest now). The register and memory calls that follow are answered from that
 * loop, so they see the vCPU where it stopped. */
static void op_stop(void *ctx)
{
	for (unsigned i = 0; i < g.vm->nvcpus; i++) {
		struct vcpu *v = g.vm->vcpus[i];
		v->paused = true;
		vcpu_note_request(v);
		vcpu_kick(v);
	}
}

static void unpause(struct vcpu *v)
{
	v->paused = false;
	vcpu_note_request(v);
	vcpu_kick(v);
}

/* A stop reported while GDB had the VM stopped anyway is dropped first: the vCPU that reported
 * it is still at its breakpoint and reports it again when it runs. */
static void op_resume(void *ctx, unsigned vcpu, bool step)
{
	struct gdb_vcpu_req r = { .ok = false };

	__atomic_store_n(&g.stop_state, STOP_NONE, __ATOMIC_SEQ_CST);
	if (step && vcpu < g.vm->nvcpus) {
		if (call(vcpu, gdb_vcpu_arm_step, &r) && r.ok) {
			unpause(g.vm->vcpus[vcpu]);
			return;
		}
		log_warn("gdb: vCPU %u did not answer: it runs on without a step", vcpu);
	}
	for (unsigned i = 0; i < g.vm->nvcpus; i++)
		unpause(g.vm->vcpus[i]);
}

static bool op_set_hw(void *ctx, const struct gdb_bps *bps)
{
	bool ok = true;

	for (unsigned i = 0; i < g.vm->nvcpus; i++) {
		struct gdb_vcpu_req r = { .bps = bps };
		ok &= call(i, gdb_vcpu_set_hw, &r) && r.ok;
	}
	return ok;
}

static void op_attach(void *ctx, bool on)
{
	for (unsigned i = 0; i < g.vm->nvcpus; i++) {
		struct gdb_vcpu_req r = { .ok = on };
		call(i, gdb_vcpu_intercept, &r);
	}
	console_printf("gdb: %s %s (%u vCPUs)", on ? "attached to" : "detached from", g.vm->name,
		       g.vm->nvcpus);
	g.give_back = !on && g.on_console;
}

static void op_kill(void *ctx)
{
	g.give_back = g.on_console;
	vm_stop(g.vm, "killed by GDB");
	for (unsigned i = 0; i < g.vm->nvcpus; i++)
		unpause(g.vm->vcpus[i]); /* each loop then sees the VM stopping */
}

static void op_send(void *ctx, const char *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (g.on_console)
			console_gdb_putc(bytes[i]);
		else
			serial_putc(&g.uart, bytes[i]);
	}
}

static const struct gdb_target_ops ops = {
	op_threads, op_long_mode, op_read_regs, op_write_reg, op_write_fx, op_read_mem,
	op_write_mem, op_stop, op_resume, op_set_hw, op_attach, op_kill, op_send,
};

/* --- the vCPUs' side, on their own CPUs --------------------------------------------------- */

void gdb_vm_vcpu_stopped(struct vcpu *v, const struct gdb_stop *st)
{
	int none = STOP_NONE;

	v->paused = true;
	vcpu_note_request(v); /* not resumed from the exit stub: the loop sees the hold */
	if (__atomic_compare_exchange_n(&g.stop_state, &none, STOP_WRITING, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		g.stop = *st;
		__atomic_store_n(&g.stop_state, STOP_READY, __ATOMIC_RELEASE);
	}
	if (v->owner.cpu != 0)
		lapic_send_fixed(cpus[0]->apic_id, VEC_IPI_KICK); /* the stub's CPU looks now */
}

bool gdb_vm_owns_int3(struct vm *vm, uint64_t addr)
{
	return vm == g.vm && gdb_stub_owns_int3(&g.stub, addr);
}

bool gdb_vm_hw_hit(struct vm *vm, uint64_t b_bits, struct gdb_stop *st)
{
	int slot = vm == g.vm ? gdb_hw_hit(&g.stub.bps, b_bits) : -1;

	if (slot < 0)
		return false;
	const struct gdb_hw_bp *h = &g.stub.bps.hw[slot];
	st->kind = h->type == GDB_BP_HW ? GDB_STOP_HWBREAK : GDB_STOP_WATCH;
	st->addr = h->addr;
	st->access = h->type == GDB_WATCH_ACCESS;
	return true;
}

/* --- CPU 0's host work -------------------------------------------------------------------- */

static bool gdb_waiting(void)
{
	bool console = g.chained.waiting();

	if (g.byte < 0)
		g.byte = line_getc();
	return console || g.byte >= 0 ||
	       __atomic_load_n(&g.stop_state, __ATOMIC_ACQUIRE) == STOP_READY;
}

static void give_back(void)
{
	g.give_back = false;
	g.has_line = false;
	console_gdb_done();
}

/* The line is read while a packet lasts: a 16550's FIFO holds 16 bytes, and the loop comes
 * round only every few milliseconds when the guest is quiet. */
static void read_line(void)
{
	uint64_t gap = time_tsc_hz() / 1000 * PACKET_GAP_MS, last = rdtsc();

	while (g.byte >= 0 || gdb_rx_busy(&g.stub.rx)) {
		if (g.byte >= 0) {
			gdb_stub_feed(&g.stub, (uint8_t)g.byte);
			g.byte = -1;
			last = rdtsc();
			if (g.give_back) { /* the reply went out: what follows is the console's */
				give_back();
				return;
			}
		} else if (rdtsc() - last > gap) {
			break;
		} else {
			cpu_relax();
		}
		g.byte = line_getc();
	}
}

static void gdb_service(void)
{
	if (g.chained.waiting())
		g.chained.service();
	read_line();
	if (__atomic_load_n(&g.stop_state, __ATOMIC_ACQUIRE) == STOP_READY) {
		struct gdb_stop st = g.stop;
		__atomic_store_n(&g.stop_state, STOP_NONE, __ATOMIC_SEQ_CST);
		gdb_stub_stopped(&g.stub, &st);
	}
}

static void gdb_tick(void)
{
	g.chained.tick();
}

/* --- the VM's end and restart, on its runner (CPU 0 for vm0) -------------------------------- */

/* A power-off is an exit with status 0; a reset ends GDB's session too, as SIGHUP (the VM GDB
 * knew, its RAM and breakpoints, is gone; GDB attaches again to the restarted one); any stop
 * (the shell's, a fault, a triple fault, GDB's kill) is SIGKILL. GDB's console gets the line. */
static struct gdb_end how_it_ended(struct vm *vm)
{
	static char why[sizeof(vm->end_why) + 16];

	fmt_snprintf(why, sizeof(why), "%s: %s\n", vm->name, vm->end_why);
	if (vm->poweroff)
		return (struct gdb_end){ false, 0, why };
	return (struct gdb_end){ true, vm->reset ? 1 : 9, why };
}

/* With GDB at its prompt when the VM ended, its next command gets the end: until then this CPU
 * serves the line (and the console it chains) instead of going on to restart the VM or to
 * on_exit=, as it would hold a VM stopped for GDB. The bytes are out of the UART before the
 * machine may power off. */
static void gdb_on_run(struct vm *vm, bool running)
{
	if (vm != g.vm || (g.on_console && !g.has_line))
		return;
	if (running) {
		gdb_stub_running(&g.stub);
		return;
	}
	__atomic_store_n(&g.stop_state, STOP_NONE, __ATOMIC_SEQ_CST);
	struct gdb_end e = how_it_ended(vm);
	gdb_stub_ended(&g.stub, &e);
	while (gdb_stub_owes_end(&g.stub)) {
		if (gdb_waiting()) {
			gdb_service();
			continue;
		}
		irq_enable_and_halt(); /* CPU 0's tick wakes it (arch/host_timer.h) */
		irq_disable();
	}
	if (g.on_console && g.has_line) /* the session is over: its last reply went out */
		give_back();
	else if (!g.on_console)
		while (!serial_tx_empty(&g.uart))
			cpu_relax();
}

static bool find_uart(void)
{
	struct pci_uart p;
	const char *why = "not a serial controller";

	switch (spec.kind) {
	case CONSOLE_IO:
		g.uart = (struct uart){ false, spec.port, 1 };
		break;
	case CONSOLE_MMIO:
		g.uart = (struct uart){ true, spec.mmio, spec.reg_width };
		break;
	case CONSOLE_PCI:
		if (!pci_uart_find(pci_cfg_read32, 0, &spec.pci, &p, &why)) {
			log_error("gdb: PCI %02x:%02x.%x: %s", spec.pci.bus, spec.pci.dev,
				  spec.pci.fn, why);
			return false;
		}
		uint32_t need = p.mmio ? 2 : 1; /* command register: memory or I/O decoding */
		if ((p.command & need) != need)
			pci_cfg_write32(p.bdf.bus, p.bdf.dev, p.bdf.fn, 4, p.command | need);
		g.uart = (struct uart){ p.mmio, p.address, 1 };
		break;
	default:
		return false;
	}
	if (!serial_probe(&g.uart)) {
		log_error("gdb: no UART answers at %s 0x%lx: GDB's line is off", g.uart.mmio ?
			  "address" : "port", g.uart.base);
		return false;
	}
	serial_init(&g.uart, spec.baud);
	return true;
}

/* gdb= naming the console's own UART: the one-line mode, as Ctrl-a g gives it. */
static bool names_the_console(void)
{
	struct uart u = { spec.kind == CONSOLE_MMIO, spec.kind == CONSOLE_MMIO ? spec.mmio :
			  spec.port, 1 };

	return (spec.kind == CONSOLE_IO || spec.kind == CONSOLE_MMIO) && console_uart_is(&u);
}

static void session_init(struct vm *vm)
{
	g.vm = vm;
	g.byte = -1;
	g.give_back = false;
	g.stop_state = STOP_NONE;
	gdb_stub_init(&g.stub, &ops, 0);
}

/* Ctrl-a g (arch/console_input.h's hook), CPU 0: a new session on the console's line for VM
 * `index`, or why not. */
static const char *take_console(unsigned index)
{
	struct vm *vm = vm_get(index);

	if (line_kind == LINE_OFF) {
		console_printf("gdb: Ctrl-a g is off (gdb=off)");
		return 0;
	}
	if (!g.on_console) {
		console_printf("gdb: GDB's line is %s 0x%lx (gdb=), not the console's",
			       g.uart.mmio ? "the UART at" : "port", g.uart.base);
		return 0;
	}
	if (!vm || vm->run_state != VM_RUNNING) {
		console_printf("gdb: vm%u is not running: nothing for GDB", index);
		return 0;
	}
	session_init(vm);
	g.has_line = true;
	if (vm->id == 0)
		vm->on_run = gdb_on_run; /* vm0's runner is CPU 0, where the stub runs */
	return vm->name;
}

void gdb_vm_start(struct vm *vm)
{
	if (!vm)
		return;
	console_set_gdb_hook(take_console);
	if (line_kind == LINE_UART && names_the_console()) {
		log_info("gdb: gdb= names the console's line: Ctrl-a g gives it to GDB");
		line_kind = LINE_CONSOLE;
	}
	if (line_kind == LINE_OFF || (line_kind == LINE_UART && !find_uart()))
		return;
	g.on_console = line_kind == LINE_CONSOLE;
	session_init(g.on_console ? 0 : vm);
	g.chained = vcpu_cpu0_work;
	vcpu_set_cpu0_work(&(struct vcpu_host_work){ gdb_waiting, gdb_service, gdb_tick });
	if (g.on_console)
		return;
	vm->on_run = gdb_on_run;
	/* ,wait: each vCPU's loop starts held, as after a stop, so GDB's first look is at the
	 * guest's first instruction (its boot state is loaded while held: vmx/vcpu.c); GDB's
	 * continue lets it go. Nothing runs the vCPUs yet, so the plain stores are seen. */
	for (unsigned i = 0; wait_first && i < vm->nvcpus; i++)
		vm->vcpus[i]->paused = true;
	log_info("gdb: waiting for GDB on %s 0x%lx, %u baud, for %s (%u vCPUs)%s",
		 g.uart.mmio ? "UART at" : "port", g.uart.base, spec.baud, vm->name, vm->nvcpus,
		 wait_first ? ", held before its first instruction" : "");
}
