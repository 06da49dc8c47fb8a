/* vmx/gdb_vm.c: the GDB stub's VM side on CPU 0 (see vmx/gdb_vm.h). Everything here but
 * gdb_vm_vcpu_stopped() and the two lookups runs on CPU 0 in root mode with interrupts off, in
 * its vCPU loop's host work: between two VM entries of vCPU 0, whose VMCS is current there. */
#include "arch/console.h"
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
};

static struct console_spec spec;
static bool wanted;
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

	if (wait)
		len -= suffix;
	if (len >= sizeof(where))
		return false;
	memcpy(where, value, len);
	where[len] = 0;
	if (!console_parse_spec(where, &spec) || spec.kind == CONSOLE_SPCR ||
	    spec.kind == CONSOLE_AUTO)
		return false;
	wanted = true;
	wait_first = wait;
	return true;
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

static bool op_read_regs(void *ctx, unsigned vcpu, uint64_t *vals)
{
	struct gdb_vcpu_req r = { .ok = false };

	if (!call(vcpu, gdb_vcpu_read_regs, &r) || !r.ok)
		return false;
	memcpy(vals, r.vals, sizeof(r.vals));
	return true;
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
}

static void op_kill(void *ctx)
{
	vm_stop(g.vm, "killed by GDB");
	for (unsigned i = 0; i < g.vm->nvcpus; i++)
		unpause(g.vm->vcpus[i]); /* each loop then sees the VM stopping */
}

static void op_send(void *ctx, const char *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		serial_putc(&g.uart, bytes[i]);
}

static const struct gdb_target_ops ops = {
	op_threads, op_long_mode, op_read_regs, op_write_reg, op_read_mem, op_write_mem,
	op_stop, op_resume, op_set_hw, op_attach, op_kill, op_send,
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
		g.byte = serial_getc(&g.uart);
	return console || g.byte >= 0 ||
	       __atomic_load_n(&g.stop_state, __ATOMIC_ACQUIRE) == STOP_READY;
}

/* The line is read while a packet lasts: a 16550's FIFO holds 16 bytes, and the loop comes
 * round only every few milliseconds when the guest is quiet. */
static void read_line(void)
{
	uint64_t gap = time_tsc_hz() / 1000 * PACKET_GAP_MS, last = rdtsc();

	while (g.byte >= 0 || gdb_rx_busy(&g.stub.rx)) {
		if (g.byte >= 0) {
			gdb_stub_feed(&g.stub, (uint8_t)g.byte);
			last = rdtsc();
		} else if (rdtsc() - last > gap) {
			break;
		} else {
			cpu_relax();
		}
		g.byte = serial_getc(&g.uart);
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

void gdb_vm_start(struct vm *vm)
{
	if (!wanted || !vm || !find_uart())
		return;
	g.vm = vm;
	g.byte = -1;
	g.stop_state = STOP_NONE;
	gdb_stub_init(&g.stub, &ops, 0);
	g.chained = vcpu_cpu0_work;
	vcpu_set_cpu0_work(&(struct vcpu_host_work){ gdb_waiting, gdb_service, gdb_tick });
	/* ,wait: each vCPU's loop starts held, as after a stop, so GDB's first look is at the
	 * guest's first instruction (its boot state is loaded while held: vmx/vcpu.c); GDB's
	 * continue lets it go. Nothing runs the vCPUs yet, so the plain stores are seen. */
	for (unsigned i = 0; wait_first && i < vm->nvcpus; i++)
		vm->vcpus[i]->paused = true;
	log_info("gdb: waiting for GDB on %s 0x%lx, %u baud, for %s (%u vCPUs)%s",
		 g.uart.mmio ? "UART at" : "port", g.uart.base, spec.baud, vm->name, vm->nvcpus,
		 wait_first ? ", held before its first instruction" : "");
}
