/* tests/guests/vmtest/chaos.c: the hostile-guest suite, test=chaos [seed=N] [ops=N]
 * [kinds=a,b,...]: every vCPU runs `ops` privileged operations drawn from its own seeded stream
 * (seed and vCPU index: the same arguments replay the same run), then checks its own state
 * (chaos_apic.c). The first line names the arguments, so any failure can be replayed, and kinds=
 * narrows a failure down. Even vCPUs run in xAPIC mode, odd ones in x2APIC mode. vCPU 0 runs the
 * suite. */
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/multiboot.h"
#include "tests/guests/lib/smp.h"
#include "tests/guests/lib/spinlock.h"
#include "tests/guests/vmtest/ap.h"
#include "tests/guests/vmtest/chaos.h"
#include "tests/guests/vmtest/vmtest.h"
#include "lib/cmdline.h"
#include "lib/printf.h"
#include "lib/string.h"

#define DEFAULT_SEED 1
#define DEFAULT_OPS 2000
#define MSR_EFER 0xc0000080u
#define CPUID1_ECX_XSAVE (1u << 26)
#define CPUID1_ECX_X2APIC (1u << 21)
#define FIRST_IRQ_VECTOR 32

typedef void (*chaos_op_fn)(struct chaos_cpu *c);

static const struct {
	const char *name;
	chaos_op_fn op;
} kinds[CK_COUNT] = {
	[CK_MSR] = { "msr", chaos_op_msr },           [CK_IO] = { "io", chaos_op_io },
	[CK_CPUID] = { "cpuid", chaos_op_cpuid },     [CK_VMCALL] = { "vmcall", chaos_op_vmcall },
	[CK_APIC] = { "apic", chaos_op_apic },        [CK_X2APIC] = { "x2apic", chaos_op_x2apic },
	[CK_APICBASE] = { "apicbase", chaos_op_apicbase }, [CK_CR] = { "cr", chaos_op_cr },
	[CK_XSETBV] = { "xsetbv", chaos_op_xsetbv },  [CK_CACHE] = { "cache", chaos_op_cache },
	[CK_RDPMC] = { "rdpmc", chaos_op_rdpmc },     [CK_VMX] = { "vmx", chaos_op_vmx },
	[CK_MONITOR] = { "monitor", chaos_op_monitor }, [CK_TSC] = { "tsc", chaos_op_tsc },
	[CK_HLT] = { "hlt", chaos_op_hlt },           [CK_IPI] = { "ipi", chaos_op_ipi },
};

uint32_t chaos_nvcpus;
static struct chaos_cpu cpus[GUEST_MAX_VCPUS];
static uint64_t seed = DEFAULT_SEED;
static uint32_t ops = DEFAULT_OPS;
static uint8_t enabled[CK_COUNT];
static unsigned nenabled;
static uint32_t arrived; /* barrier() */

struct chaos_cpu *chaos_self(void)
{
	return &cpus[smp_self()];
}

/* Every vCPU waits for all of them: the first phase makes sure every vCPU runs before any
 * VMCALL can name it (HC_START_VCPU then finds it busy), the second that random interrupts are
 * over before the checks count theirs. A vCPU that never arrives hangs the run: a finding. */
static void barrier(unsigned phase)
{
	atomic_inc(&arrived);
	while (atomic_load(&arrived) < phase * chaos_nvcpus)
		cpu_relax();
}

/* splitmix64 (Steele et al.) spreads seed and index, so neighbouring seeds or vCPUs do not
 * start the xorshift stream in similar states, and never at 0, where xorshift stays. */
static uint64_t stream_seed(unsigned self)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ull * (self + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return z ? z : 1;
}

static void chaos_job(unsigned self)
{
	struct chaos_cpu *c = &cpus[self];
	struct cpuid_regs id = cpuid(1, 0);

	c->rng = stream_seed(self);
	c->home = (self & 1) && (id.ecx & CPUID1_ECX_X2APIC) ? APIC_MODE_X2APIC : APIC_MODE_XAPIC;
	c->xsave = id.ecx & CPUID1_ECX_XSAVE;
	c->cr0 = read_cr0();
	c->cr4 = read_cr4();
	chaos_rdmsr(c, MSR_EFER, &c->efer);
	chaos_apic_setup(c);
	irq_enable();
	barrier(1);
	for (uint32_t i = 0; i < ops; i++) {
		unsigned k = 0, pick = chaos_below(c, nenabled);

		while (!enabled[k] || pick--)
			k++;
		kinds[k].op(c);
		c->ops++;
	}
	barrier(2);
	chaos_apic_checks(c, self);
	irq_disable();
}

static bool parse_kinds(const char *list)
{
	char name[16];

	while (*list) {
		size_t n = 0;
		int k;

		while (list[n] && list[n] != ',')
			n++;
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, list, n);
		name[n] = 0;
		for (k = 0; k < CK_COUNT && strcmp(name, kinds[k].name); k++)
			;
		if (k == CK_COUNT) {
			check_fail("chaos.kinds", "no kind \"%s\" (want msr, io, cpuid, vmcall, apic, "
				   "x2apic, apicbase, cr, xsetbv, cache, rdpmc, vmx, monitor, tsc, hlt, "
				   "ipi or all)", name);
			return false;
		}
		enabled[k] = 1;
		list += list[n] ? n + 1 : n;
	}
	return true;
}

static bool parse_args(void)
{
	char buf[160];
	uint64_t v;

	if (mb_arg("seed", buf, sizeof(buf)) && cmdline_parse_u64(buf, &v))
		seed = v;
	if (mb_arg("ops", buf, sizeof(buf)) && cmdline_parse_u64(buf, &v) && v <= 0xffffffffu)
		ops = (uint32_t)v;
	if (!mb_arg("kinds", buf, sizeof(buf)) || !strcmp(buf, "all"))
		memset(enabled, 1, sizeof(enabled));
	else if (!parse_kinds(buf))
		return false;
	for (unsigned k = 0; k < CK_COUNT; k++)
		nenabled += enabled[k];
	return nenabled > 0;
}

/* "vCPU K: N ops, M interrupts, faults #GP 10 #UD 3" */
static void report(unsigned self)
{
	const struct chaos_cpu *c = &cpus[self];
	char line[120];
	size_t n = fmt_snprintf(line, sizeof(line), "chaos: vCPU %u: %u ops, %u interrupts, faults",
				self, c->ops, c->irqs);

	for (unsigned v = 0; v < 32; v++)
		if (c->faults[v] && n < sizeof(line))
			n += fmt_snprintf(line + n, sizeof(line) - n, " %s %u", trap_vector_name(v),
					  c->faults[v]);
	con_printf("%s", line);
}

static void kinds_line(void)
{
	char list[120];
	size_t n = 0;

	list[0] = 0;
	for (unsigned k = 0; k < CK_COUNT && n < sizeof(list); k++)
		if (enabled[k])
			n += fmt_snprintf(list + n, sizeof(list) - n, "%s%s", n ? "," : "",
					  kinds[k].name);
	con_printf("test=chaos seed=%llu ops=%u kinds=%s", seed, ops,
		   nenabled == CK_COUNT ? "all" : list);
}

void suite_chaos(void)
{
	if (!parse_args())
		return;
	chaos_nvcpus = vmtest_nvcpus;
	kinds_line();
	for (unsigned v = FIRST_IRQ_VECTOR; v < 256; v++)
		trap_set_hook(v, chaos_irq);
	for (unsigned i = 1; i < chaos_nvcpus; i++)
		if (!ap_post(i, chaos_job)) {
			chaos_nvcpus = i; /* the barriers count only the vCPUs that run */
			break;
		}
	chaos_job(0);
	for (unsigned i = 1; i < chaos_nvcpus; i++)
		if (!ap_wait(i))
			check_fail("chaos.done", "vCPU %u (got no end of its checks, want done)", i);
	for (unsigned i = 0; i < chaos_nvcpus; i++)
		report(i);
	for (unsigned v = FIRST_IRQ_VECTOR; v < 256; v++)
		trap_set_hook(v, 0);
}
