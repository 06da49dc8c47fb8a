/* tests/kvm/kvm_bench.c: the benchmark guest's exit loops (tests/guests/bench/roundtrip.c) under
 * KVM, for the KVM column of `make bench` (README, "Performance", "Against KVM"). It runs in the
 * busybox initramfs of Debian's kernel booted bare in Bochs (scripts/bench-kvm), as a plain
 * static program against /dev/kvm: one VM with KVM's in-kernel irqchip (KVM_CREATE_IRQCHIP: PIC,
 * I/O APIC, local APIC), one vCPU in 32-bit protected mode without paging, 2 MiB of RAM at 0.
 *
 * The guest is the machine code between kvm_guest_start and kvm_guest_end below, assembled into
 * this program and copied to guest address GUEST_CODE. Each measurement is the loop of
 * roundtrip.c: BENCH_N times "setup; instruction; dec %esi; jnz", then the same loop with a NOP
 * in the instruction's place, each timed by RDTSC; the difference per iteration is the exit,
 * KVM's work and the entry. The guest stores the two TSC deltas of measurement i at
 * GUEST_RESULTS + 8 * i and says it is done with an OUT to DONE_PORT. In Bochs the TSC advances
 * with executed instructions, so the figures are instruction counts of KVM's exit path (the
 * Linux host's own timer interrupts that fall into a loop are in them too).
 *
 * Output: "kvm-bench: KEY: VALUE" lines (scripts/bench-kvm passes them on), keys as the
 * benchmark guest's where the measurement is the same, and "kvm-bench: FAILED: why" on error. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#define BENCH_N 1000u /* as tests/guests/bench/bench.h */
#define GUEST_RAM (2u << 20)
#define GUEST_CODE 0x1000u
#define GUEST_RESULTS 0x8000u
#define USER_PORT 0x600u /* no in-kernel device: KVM_EXIT_IO to this program */
#define DONE_PORT 0xf4u

/* The guest. Flat 32-bit protected mode, CPL 0 (a GDT at GUEST_GDT for the interrupt gate's CS,
 * an IDT at GUEST_IDT with the self-IPI's vector). LOOP is roundtrip.c's LOOP; MEASURE stores
 * the exiting and the plain loop's TSC deltas (low 32 bits: far below 2^32 here) in result slot
 * \slot; the plain loop has a NOP, or a store to RAM below 640 KiB where the exiting instruction
 * is a store. COUNT is apic_exits.c's exits_of(): BENCH_N accesses between two marks. A mark is
 * an OUT to MARK_BEGIN or MARK_END with the slot in AL, outside the timed window: this program
 * reads KVM's exit counters there. The APIC set-up mirrors roundtrip.c's icr_writes(): the
 * destination 0x80 has no vCPU, so an ICR write is the cost of sending alone. */
__asm__(".pushsection .rodata.kvm_guest, \"a\"\n"
	".code32\n"
	".globl kvm_guest_start, kvm_guest_end, kvm_guest_self_ipi\n"
	".macro MARK port, slot\n"
	"	mov $\\slot, %al\n"
	"	out %al, $\\port\n"
	".endm\n"
	".macro LOOP setup, insn\n"
	"	rdtsc\n"
	"	mov %eax, %edi\n"
	"	mov $1000, %esi\n" /* BENCH_N */
	"1:	\\setup\n"
	"	\\insn\n"
	"	dec %esi\n"
	"	jnz 1b\n"
	"	rdtsc\n"
	"	sub %edi, %eax\n"
	".endm\n"
	".macro MEASURE slot, setup, insn, plain=nop\n"
	"	MARK 0xf0, \\slot\n"
	"	LOOP \"\\setup\", \"\\insn\"\n"
	"	mov %eax, 0x8000 + 8 * \\slot\n" /* GUEST_RESULTS */
	"	MARK 0xf1, \\slot\n"
	"	LOOP \"\\setup\", \"\\plain\"\n"
	"	mov %eax, 0x8000 + 8 * \\slot + 4\n"
	".endm\n"
	".macro COUNT slot, insn\n"
	"	MARK 0xf0, \\slot\n"
	"	mov $1000, %esi\n"
	"1:	\\insn\n"
	"	dec %esi\n"
	"	jnz 1b\n"
	"	cli\n"
	"	MARK 0xf1, \\slot\n"
	".endm\n"
	"kvm_guest_start:\n"
	"	MEASURE 0, \"xor %eax, %eax\", cpuid\n"
	"	MEASURE 1, \"xor %eax, %eax\", vmcall\n"
	/* IA32_MISC_ENABLE: KVM emulates it in the kernel (vcpu->arch.ia32_misc_enable_msr) */
	"	MEASURE 2, \"mov $0x1a0, %ecx\", rdmsr\n"
	/* the master PIC's mask register: KVM's in-kernel PIC (arch/x86/kvm/i8259.c) */
	"	MEASURE 3, \"mov $0x21, %dx\", \"inb %dx, %al\"\n"
	/* a port no in-kernel device has: KVM_EXIT_IO, answered by this program */
	"	MEASURE 4, \"mov $0x600, %dx\", \"inw %dx, %ax\"\n"
	/* xAPIC: software-enable (SVR), destination 0x80 in ICR high */
	"	movl $0x1ff, 0xfee000f0\n"
	"	movl $0x80000000, 0xfee00310\n"
	"	MEASURE 5, \"mov $0xf0, %eax\", \"movl %eax, 0xfee00300\", \"movl %eax, 0x9e000\"\n"
	/* x2APIC on (IA32_APIC_BASE.EXTD, SDM Vol. 3A, 11.12.1), then ICR by WRMSR to 0x830 */
	"	mov $0x1b, %ecx\n"
	"	rdmsr\n"
	"	mov %eax, %ebx\n"
	"	or $0x400, %eax\n"
	"	wrmsr\n"
	"	MEASURE 6, \"mov $0x830, %ecx; mov $0xf0, %eax; mov $0x80, %edx\", wrmsr\n"
	/* the exit counts, as apic_exits.c after roundtrip.c: back to xAPIC through the disabled
	 * state (SDM Vol. 3A, 11.12.5) */
	"	mov $0x1b, %ecx\n"
	"	mov %ebx, %eax\n"
	"	and $~0xc00, %eax\n"
	"	xor %edx, %edx\n"
	"	wrmsr\n"
	"	mov %ebx, %eax\n"
	"	wrmsr\n"
	"	movl $0x1ff, 0xfee000f0\n"
	"	COUNT 7, \"movl $0, 0xfee00080\"\n"  /* TPR */
	"	COUNT 8, \"movl $0, 0xfee000b0\"\n"  /* EOI */
	"	COUNT 9, \"mov 0xfee00020, %eax\"\n" /* ID */
	"	mov $0x1b, %ecx\n"
	"	mov %ebx, %eax\n"
	"	or $0x400, %eax\n"
	"	xor %edx, %edx\n"
	"	wrmsr\n"
	"	COUNT 10, \"mov $0x808, %ecx; xor %eax, %eax; xor %edx, %edx; wrmsr\"\n" /* TPR */
	"	COUNT 11, \"mov $0x80b, %ecx; xor %eax, %eax; xor %edx, %edx; wrmsr\"\n" /* EOI */
	"	COUNT 12, \"mov $0x802, %ecx; rdmsr\"\n"                                  /* ID */
	/* SELF IPI, vector 0x70, taken (interrupts on) by kvm_guest_self_ipi */
	"	sti\n"
	"	COUNT 13, \"mov $0x83f, %ecx; mov $0x70, %eax; xor %edx, %edx; wrmsr\"\n"
	/* the x2APIC ICR write once more, after all that: does its cost depend on the history? */
	"	MEASURE 14, \"mov $0x830, %ecx; mov $0xf0, %eax; mov $0x80, %edx\", wrmsr\n"
	"	mov $0xf4, %dx\n" /* DONE_PORT */
	"	out %al, %dx\n"
	"	hlt\n"
	"kvm_guest_self_ipi:\n"
	"	push %eax\n"
	"	push %ecx\n"
	"	push %edx\n"
	"	incl 0x8100\n" /* GUEST_SELF_IPIS */
	"	mov $0x80b, %ecx\n"
	"	xor %eax, %eax\n"
	"	xor %edx, %edx\n"
	"	wrmsr\n"
	"	pop %edx\n"
	"	pop %ecx\n"
	"	pop %eax\n"
	"	iret\n"
	"kvm_guest_end:\n"
	".purgem MARK\n"
	".purgem LOOP\n"
	".purgem MEASURE\n"
	".purgem COUNT\n"
	".code64\n"
	".popsection\n");
extern const unsigned char kvm_guest_start[], kvm_guest_end[], kvm_guest_self_ipi[];

#define GUEST_GDT 0x2000u
#define GUEST_IDT 0x3000u
#define GUEST_SELF_IPIS 0x8100u
#define MARK_BEGIN 0xf0u
#define MARK_END 0xf1u
#define SELF_IPI_VECTOR 0x70u

/* Slot i's key; keys shared with tests/guests/bench are spelt as there so that scripts/bench puts
 * them in the same row. is_ticks() says which slots are MEASUREs; the rest are COUNTs. */
static const char *const keys[] = {
	"ticks per CPUID exit",
	"ticks per VMCALL exit",
	"ticks per RDMSR exit",
	"ticks per port read exit",
	"ticks per port read exit, user space",
	"ticks per xAPIC ICR write exit",
	"ticks per x2APIC ICR write exit",
	"exits per 1000 xAPIC TPR writes",
	"exits per 1000 xAPIC EOIs",
	"exits per 1000 xAPIC register reads",
	"exits per 1000 x2APIC TPR writes",
	"exits per 1000 x2APIC EOIs",
	"exits per 1000 x2APIC register reads",
	"exits per 1000 x2APIC self-IPIs (handled, with EOI)",
	"ticks per x2APIC ICR write exit, after the exit counts",
};
#define NKEYS (sizeof keys / sizeof keys[0])

static int is_ticks(unsigned slot)
{
	return slot < 7 || slot == 14;
}

/* At exit: wait until the console (the serial line) has sent every line, before /init powers
 * the machine off; the tty driver drains it at 115200 baud, long after write() returned. */
static void drain_console(void)
{
	fflush(stdout);
	tcdrain(STDOUT_FILENO);
}

static void fail(const char *what)
{
	printf("kvm-bench: FAILED: %s%s%s\n", what, errno ? ": " : "", errno ? strerror(errno) : "");
	exit(1);
}

static int xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int r = ioctl(fd, req, arg);

	if (r < 0)
		fail(what);
	return r;
}

/* The vCPU's CPUID is KVM's supported set (with x2APIC, which KVM's local APIC emulates; without
 * it KVM refuses IA32_APIC_BASE.EXTD). */
static void set_cpuid(int kvm, int vcpu)
{
	unsigned n = 128;
	struct kvm_cpuid2 *c = calloc(1, sizeof *c + n * sizeof c->entries[0]);

	if (!c)
		fail("calloc");
	c->nent = n;
	xioctl(kvm, KVM_GET_SUPPORTED_CPUID, c, "KVM_GET_SUPPORTED_CPUID");
	xioctl(vcpu, KVM_SET_CPUID2, c, "KVM_SET_CPUID2");
	free(c);
}

/* Flat 4 GiB segments and CR0.PE: protected mode without paging. KVM takes the hidden parts of
 * the segment registers from here; the GDT in guest RAM (the same descriptors) is for the
 * self-IPI's interrupt gate and its IRET, which load CS. The IDT has that one gate. */
static void set_protected_mode(int vcpu, unsigned char *ram)
{
	static const uint64_t gdt[] = { 0, 0x00cf9b000000ffffull, 0x00cf93000000ffffull };
	uint32_t handler = GUEST_CODE + (uint32_t)(kvm_guest_self_ipi - kvm_guest_start);
	/* a 32-bit interrupt gate, present, DPL 0, selector 8 (SDM Vol. 3A, 6.11) */
	uint64_t gate = (handler & 0xffffu) | 8u << 16 | 0x8eull << 40 |
			(uint64_t)(handler >> 16) << 48;
	struct kvm_sregs s;
	struct kvm_segment code = { .base = 0, .limit = 0xffffffff, .selector = 8, .type = 11,
				    .present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1 };
	struct kvm_segment data = code;
	struct kvm_regs r = { .rip = GUEST_CODE, .rsp = GUEST_CODE, .rflags = 2 };

	memcpy(ram + GUEST_GDT, gdt, sizeof gdt);
	memcpy(ram + GUEST_IDT + 8 * SELF_IPI_VECTOR, &gate, sizeof gate);
	data.selector = 16;
	data.type = 3;
	xioctl(vcpu, KVM_GET_SREGS, &s, "KVM_GET_SREGS");
	s.cs = code;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	s.gdt.base = GUEST_GDT;
	s.gdt.limit = sizeof gdt - 1;
	s.idt.base = GUEST_IDT;
	s.idt.limit = 256 * 8 - 1;
	s.cr0 = 0x31; /* PE, ET, NE */
	xioctl(vcpu, KVM_SET_SREGS, &s, "KVM_SET_SREGS");
	xioctl(vcpu, KVM_SET_REGS, &r, "KVM_SET_REGS");
}

/* KVM's counter NAME of this VM (the sum over its one vCPU), from debugfs
 * (/sys/kernel/debug/kvm/PID-VMFD/NAME, which linux-init mounts): "exits" counts every VM exit,
 * "irq_exits" those for the host's own interrupts, "insn_emulation" the instructions its
 * emulator ran. -1 without debugfs. */
static long long kvm_stat(int vm, const char *name)
{
	char path[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/sys/kernel/debug/kvm/%d-%d/%s", (int)getpid(), vm, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int main(void)
{
	int kvm, vm, vcpu;
	long run_size;
	struct kvm_run *run;
	unsigned char *ram;
	uint32_t res[2 * NKEYS], self_ipis;
	long long exits0[NKEYS] = { 0 }, irqs0[NKEYS] = { 0 }, emul0[NKEYS] = { 0 };
	long long exits[NKEYS] = { 0 }, irqs[NKEYS] = { 0 }, emul[NKEYS] = { 0 };
	unsigned long user_reads = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	atexit(drain_console);
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		fail("open /dev/kvm");
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		fail("KVM_GET_API_VERSION: not 12");
	vm = xioctl(kvm, KVM_CREATE_VM, 0, "KVM_CREATE_VM");
	ram = mmap(NULL, GUEST_RAM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		fail("mmap guest RAM");
	memcpy(ram + GUEST_CODE, kvm_guest_start, (size_t)(kvm_guest_end - kvm_guest_start));
	struct kvm_userspace_memory_region mem = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_RAM,
		.userspace_addr = (uintptr_t)ram,
	};
	xioctl(vm, KVM_SET_USER_MEMORY_REGION, &mem, "KVM_SET_USER_MEMORY_REGION");
	/* before the vCPU: its local APIC is then KVM's (with APICv where kvm_intel enables it) */
	xioctl(vm, KVM_CREATE_IRQCHIP, 0, "KVM_CREATE_IRQCHIP");
	vcpu = xioctl(vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
	run_size = xioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		fail("mmap kvm_run");
	set_cpuid(kvm, vcpu);
	set_protected_mode(vcpu, ram);
	printf("kvm-bench: guest code: %zu bytes at 0x%x\n",
	       (size_t)(kvm_guest_end - kvm_guest_start), GUEST_CODE);
	if (kvm_stat(vm, "exits") < 0)
		printf("kvm-bench: no /sys/kernel/debug/kvm/%d-%d/exits: no exit counts\n",
		       (int)getpid(), vm);

	for (;;) {
		xioctl(vcpu, KVM_RUN, 0, "KVM_RUN");
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == USER_PORT &&
		    run->io.direction == KVM_EXIT_IO_IN) {
			memset((char *)run + run->io.data_offset, 0xff,
			       (size_t)run->io.size * run->io.count);
			user_reads++;
			continue;
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_OUT &&
		    (run->io.port == MARK_BEGIN || run->io.port == MARK_END)) {
			unsigned slot = *((unsigned char *)run + run->io.data_offset);

			if (slot >= NKEYS) {
				printf("kvm-bench: FAILED: mark of slot %u\n", slot);
				return 1;
			}
			/* the END mark's own exit is counted at once: it is not the loop's */
			if (run->io.port == MARK_BEGIN) {
				exits0[slot] = kvm_stat(vm, "exits");
				irqs0[slot] = kvm_stat(vm, "irq_exits");
				emul0[slot] = kvm_stat(vm, "insn_emulation");
			} else {
				exits[slot] = kvm_stat(vm, "exits") - exits0[slot] - 1;
				irqs[slot] = kvm_stat(vm, "irq_exits") - irqs0[slot];
				emul[slot] = kvm_stat(vm, "insn_emulation") - emul0[slot];
			}
			continue;
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == DONE_PORT)
			break;
		struct kvm_regs r;
		ioctl(vcpu, KVM_GET_REGS, &r);
		printf("kvm-bench: FAILED: exit reason %u at rip 0x%llx (port 0x%x if I/O)\n",
		       run->exit_reason, (unsigned long long)r.rip,
		       run->exit_reason == KVM_EXIT_IO ? run->io.port : 0);
		return 1;
	}
	if (user_reads != BENCH_N) {
		printf("kvm-bench: FAILED: %lu user-space port reads, not %u\n", user_reads, BENCH_N);
		return 1;
	}
	memcpy(res, ram + GUEST_RESULTS, sizeof res);
	memcpy(&self_ipis, ram + GUEST_SELF_IPIS, sizeof self_ipis);
	for (unsigned i = 0; i < NKEYS; i++) {
		uint32_t exiting = res[2 * i], plain = res[2 * i + 1];

		if (is_ticks(i))
			printf("kvm-bench: %s: %u\n", keys[i],
			       exiting > plain ? (exiting - plain) / BENCH_N : 0);
		else if (exits0[0] >= 0)
			printf("kvm-bench: %s: %lld\n", keys[i], exits[i]);
	}
	/* what each loop held: its exits, those for the host's own (timer) interrupts, and the
	 * instructions KVM's emulator ran (an xAPIC access it decodes) */
	for (unsigned i = 0; i < NKEYS && exits0[0] >= 0; i++)
		printf("kvm-bench: in the loop of \"%s\": %lld exits, %lld for host interrupts, "
		       "%lld instructions emulated\n", keys[i], exits[i], irqs[i], emul[i]);
	printf("kvm-bench: x2APIC self-IPIs handled: %u\n", self_ipis);
	printf("kvm-bench: done\n");
	return 0;
}
