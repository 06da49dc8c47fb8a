/* guest/vmtest/vmtest.c: the test guest. Its multiboot command line picks a suite (test=NAME;
 * default all non-destructive ones); each check prints "vmtest: ok   NAME" or "vmtest: FAIL NAME"
 * with the value seen and the one wanted, and the run ends with "vmtest: N passed, M failed" and
 * an ACPI power-off. The destructive suites end the VM on purpose; the hypervisor reports how. */
#include "../lib/guest.h"
#include "../../vmx/hypercall.h"

#define EXIT_CPUID 10
#define EXIT_HLT 12
#define EXIT_VMCALL 18
#define SELF 0xffffffffu

static unsigned passed, failed;
static uint32_t nvcpus, ram_top;
static volatile uint32_t gp_count, irq_count, ap_ready, ap_done, ap_result;

/* Each argument is evaluated once (some are hypercalls that count themselves). */
static void check_eq(const char *name, uint32_t got, uint32_t want)
{
	bool ok = got == want;

	if (ok) {
		passed++;
		guest_print_pair("vmtest: ok   ", name, 0, 0, 0);
	} else {
		failed++;
		guest_print_pair("vmtest: FAIL ", name, ": got ", got, "");
		guest_print("vmtest:      want ", want, "", 0, 0);
	}
}

#define CHECK_EQ(name, got, want) check_eq(name, (uint32_t)(got), (uint32_t)(want))

/* #GP from RDMSR/WRMSR (2-byte instructions): count it and skip the instruction. */
void guest_trap(struct guest_frame *f)
{
	if (f->vector == 13) {
		gp_count++;
		f->eip += 2;
		return;
	}
	if (f->vector == 0x40) {
		irq_count++;
		return;
	}
	guest_print("vmtest: unexpected exception ", f->vector, " at EIP ", f->eip, "");
	for (;;)
		__asm__ volatile("cli; hlt");
}

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo = 0, hi = 0;

	__asm__ volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static bool msr_faults(uint32_t msr, bool write)
{
	uint32_t before = gp_count;

	if (write)
		wrmsr(msr, 0);
	else
		rdmsr(msr);
	return gp_count == before + 1;
}

static void test_cpuid(void)
{
	uint32_t a, b, c, d;
	char sig[13] = { 0 };

	cpuid(1, &a, &b, &c, &d);
	CHECK_EQ("cpuid.1 ecx.vmx hidden", c & (1u << 5), 0);
	CHECK_EQ("cpuid.1 ecx.hypervisor set", c >> 31, 1);
	CHECK_EQ("cpuid.1 ecx.pdcm hidden", c & (1u << 15), 0);
	CHECK_EQ("cpuid.1 ecx.monitor hidden", c & (1u << 3), 0);
	CHECK_EQ("cpuid.1 ebx apic id of vCPU 0", b >> 24, 0);
	cpuid(0xa, &a, &b, &c, &d);
	CHECK_EQ("cpuid.0xa empty (no PMU)", a | b | c | d, 0);
	cpuid(0x40000000, &a, (uint32_t *)sig, (uint32_t *)(sig + 4), (uint32_t *)(sig + 8));
	CHECK_EQ("cpuid.0x40000000 max leaf", a >= 0x40000001, 1);
	const char *want = HV_CPUID_SIGNATURE;
	bool same = true;
	for (int i = 0; i < 12; i++)
		same &= sig[i] == (i < (int)sizeof(HV_CPUID_SIGNATURE) - 1 ? want[i] : 0);
	CHECK_EQ("cpuid.0x40000000 signature", same, 1);
	cpuid(0x40000001, &a, &b, &c, &d);
	CHECK_EQ("cpuid.0x40000001 ABI version", a, HC_ABI_VERSION);
}

static void test_exitcount(void)
{
	uint32_t a, b, c, d;
	int32_t before = hypercall(HC_EXIT_COUNT, SELF, EXIT_CPUID, 0, 0);

	for (int i = 0; i < 100; i++)
		cpuid(0, &a, &b, &c, &d);
	CHECK_EQ("100 CPUIDs are 100 CPUID exits", hypercall(HC_EXIT_COUNT, SELF, EXIT_CPUID, 0, 0) -
							    before, 100);
	/* The first query's own VMCALL is counted when it exits, before it reads the counter, so
	 * it is included in `before`; then 10 HC_VERSION calls and the second query: 11. */
	before = hypercall(HC_EXIT_COUNT, SELF, EXIT_VMCALL, 0, 0);
	for (int i = 0; i < 10; i++)
		hypercall(HC_VERSION, 0, 0, 0, 0);
	CHECK_EQ("10 VMCALLs between two queries count 11", hypercall(HC_EXIT_COUNT, SELF,
							EXIT_VMCALL, 0, 0) - before, 11);
}

static void test_msr(void)
{
	uint64_t fc = rdmsr(0x3a);

	CHECK_EQ("feature control locked", fc & 1, 1);
	CHECK_EQ("feature control: no VMX", fc & 4, 0);
	CHECK_EQ("wrmsr feature control -> #GP", msr_faults(0x3a, true), 1);
	CHECK_EQ("apic base of vCPU 0", (uint32_t)rdmsr(0x1b), 0xfee00900);
	wrmsr(0x174, 0x10);
	CHECK_EQ("sysenter_cs round trip", (uint32_t)rdmsr(0x174), 0x10);
	wrmsr(0xc0000100, 0x12345000);
	CHECK_EQ("fs_base round trip", (uint32_t)rdmsr(0xc0000100), 0x12345000);
	uint64_t t1 = rdmsr(0x10), t2 = rdmsr(0x10);
	CHECK_EQ("tsc increases", t2 > t1, 1);
	CHECK_EQ("rdmsr 0x4e -> #GP", msr_faults(0x4e, false), 1);
	CHECK_EQ("rdmsr 0x40001234 -> #GP", msr_faults(0x40001234, false), 1);
	CHECK_EQ("rdmsr pmc0 -> #GP", msr_faults(0xc1, false), 1);
}

static void test_ports(void)
{
	uint16_t w;
	uint32_t l;

	CHECK_EQ("inb of an empty port", inb(0x1234), 0xff);
	__asm__ volatile("inw %1, %0" : "=a"(w) : "Nd"((uint16_t)0x1234));
	CHECK_EQ("inw of an empty port", w, 0xffff);
	__asm__ volatile("inl %1, %0" : "=a"(l) : "Nd"((uint16_t)0x1234));
	CHECK_EQ("inl of an empty port", l, 0xffffffff);
	outb(0x1234, 1);
	CHECK_EQ("com1 lsr ready", inb(0x3fd) & 0x20, 0x20);
	outb(0x3ff, 0x5a);
	CHECK_EQ("com1 scratch round trip", inb(0x3ff), 0x5a);
}

static void test_vmcall(void)
{
	CHECK_EQ("hc version", hypercall(HC_VERSION, 0, 0, 0, 0), HC_ABI_VERSION);
	CHECK_EQ("unknown hypercall", hypercall(999, 0, 0, 0, 0), -HC_ENOSYS);
	CHECK_EQ("start a vCPU that does not exist", hypercall(HC_START_VCPU, 4096, 0, 0, 0),
		 -HC_EINVAL);
	CHECK_EQ("start the running vCPU 0", hypercall(HC_START_VCPU, 0, 0x100000, 0, 0), -HC_EBUSY);
}

/* Nothing of the hypervisor's image (which starts with this multiboot2 header) is in guest RAM. */
static void test_hvmem(void)
{
	uint32_t want[4] = { 0xe85250d6u ^ 0x5a5a5a5au, 0, 16, 0 };
	unsigned found = 0;

	want[0] ^= 0x5a5a5a5au; /* built at run time so this image does not contain it */
	want[3] = -(want[0] + 16);
	for (uint32_t a = 0x1000; a + 16 <= ram_top; a += 8) {
		const uint32_t *p = (const uint32_t *)a;
		if (p[0] == want[0] && p[1] == 0 && p[2] == 16 && p[3] == want[3])
			found++;
	}
	CHECK_EQ("no hypervisor image in guest RAM", found, 0);
}

void guest_ap_main(uint32_t index)
{
	guest_idt_load();
	ap_ready = 1;
	__asm__ volatile("sti; hlt; cli");
	ap_result = irq_count;
	ap_done = 1;
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void test_hlt(void)
{
	if (nvcpus < 2) {
		guest_print("vmtest: skip hlt (1 vCPU)", 0, 0, 0, 0);
		return;
	}
	hypercall(HC_START_VCPU, 1, (uint32_t)guest_ap_entry, 1, 0);
	for (uint32_t i = 0; !ap_ready && i < 100000000; i++)
		__asm__ volatile("pause");
	for (int i = 0; i < 20000; i++) /* let vCPU 1 reach its HLT */
		__asm__ volatile("pause");
	CHECK_EQ("wake vCPU 1", hypercall(HC_WAKE, 1, 0x40, 0, 0), 0);
	for (uint32_t i = 0; !ap_done && i < 100000000; i++)
		__asm__ volatile("pause");
	CHECK_EQ("vCPU 1 woke from HLT by its interrupt", ap_result, 1);
	CHECK_EQ("vCPU 1 exited on HLT", hypercall(HC_EXIT_COUNT, 1, EXIT_HLT, 0, 0) >= 1, 1);
}

static bool is(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* The value of test= in the command line, or "all". */
static const char *suite(const char *cmdline)
{
	for (const char *p = cmdline; p && *p; p++)
		if ((p == cmdline || p[-1] == ' ') && p[0] == 't' && p[1] == 'e' && p[2] == 's' &&
		    p[3] == 't' && p[4] == '=') {
			static char name[32];
			int n = 0;
			for (p += 5; *p && *p != ' ' && n < 31; p++)
				name[n++] = *p;
			name[n] = 0;
			return name;
		}
	return "all";
}

static void destructive(const char *s)
{
	if (is(s, "triplefault")) {
		struct { uint16_t l; uint32_t b; } __attribute__((packed)) none = { 0, 0 };
		guest_print("vmtest: triple fault next", 0, 0, 0, 0);
		__asm__ volatile("lidt %0; int3" : : "m"(none));
	} else if (is(s, "ept-outside")) {
		guest_print("vmtest: reading 0xc0000000 next", 0, 0, 0, 0);
		(void)*(volatile uint32_t *)0xc0000000u;
	} else if (is(s, "reset")) {
		outb(0xcf9, 0x06);
	} else if (is(s, "halt-forever")) {
		guest_print("vmtest: halting with interrupts off", 0, 0, 0, 0);
		__asm__ volatile("cli; hlt");
	}
	guest_print("vmtest: the destructive test returned", 0, 0, 0, 0);
}

void guest_main(uint32_t magic, uint32_t info)
{
	const uint32_t *mbi = (const uint32_t *)info;
	const char *s = suite(magic == 0x2badb002 && (mbi[0] & 4) ? (const char *)mbi[4] : 0);

	ram_top = magic == 0x2badb002 ? 0x100000 + mbi[2] * 1024 : 0x100000;
	guest_idt_load();
	hypercall(HC_VCPU_INFO, 0, 0, 0, &nvcpus);
	if (!is(s, "all")) {
		destructive(s);
	} else {
		test_cpuid();
		test_exitcount();
		test_msr();
		test_ports();
		test_vmcall();
		test_hvmem();
		test_hlt();
	}
	guest_print("vmtest: ", passed, " passed, ", failed, " failed");
	guest_acpi_poweroff();
}
