/* vmx/vm_options.c: vm.cpus=, vm.mem=, vm.apic=, vm.testdev= and vm.restarts= (README, "Boot
 * options"). BSP, boot only. */
#include "arch/percpu.h"
#include "lib/array.h"
#include "lib/cmdline.h"
#include "lib/string.h"
#include "vmx/vm_options.h"

struct vm_options vm_options;

bool vm_option_cpus(const char *value, void *ctx)
{
	uint64_t n;

	if (!cmdline_parse_u64(value, &n) || n < 1 || n > MAX_CPUS)
		return false;
	vm_options.cpus = (unsigned)n;
	return true;
}

bool vm_option_mem(const char *value, void *ctx)
{
	uint64_t mib;

	if (!cmdline_parse_u64(value, &mib) || mib < 4 || mib > 3072 || mib % 2)
		return false;
	vm_options.mem_mib = mib;
	return true;
}

/* vm.testdev=on|off. */
bool vm_option_testdev(const char *value, void *ctx)
{
	static const char *const names[] = { "off", "on" };
	int i = cmdline_match(value, names, 2);

	if (i < 0)
		return false;
	vm_options.testdev = i == 1;
	return true;
}

/* vm.restarts=N: a guest reset starts the VM again at most N times (default: always, as a PC). */
bool vm_option_restarts(const char *value, void *ctx)
{
	uint64_t n;

	if (!cmdline_parse_u64(value, &n) || n > 1000000)
		return false;
	vm_options.restarts = (unsigned)n;
	vm_options.restarts_limited = true;
	return true;
}

/* vm.apic=xapic|x2apic|x2apic-locked. */
bool vm_option_apic(const char *value, void *ctx)
{
	static const char *const names[] = { "xapic", "x2apic", "x2apic-locked" };
	int i = cmdline_match(value, names, ARRAY_SIZE(names));

	if (i < 0)
		return false;
	vm_options.apic = (unsigned)i;
	return true;
}
