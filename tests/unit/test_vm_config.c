/* tests/unit/test_vm_config.c: the VMs' configuration: options, modules, CPUs and memory, with a
 * named error for every configuration that cannot be met. */
#include <string.h>

#include "tests/unit/test.h"
#include "vmx/vm_config.h"

#define MIB (1ull << 20)

static const bool all4[4] = { true, true, true, true };

/* Options, then modules; the result of resolving on 4 CPUs with 1 GiB free. */
static bool setup(struct vm_config *c, const char *const *opts, unsigned nopts,
		  const char *const *mods, unsigned nmods, const bool *in_root)
{
	memset(c, 0, sizeof(*c));
	for (unsigned i = 0; i < nopts; i++)
		if (!vm_config_option(c, opts[i]))
			return false;
	if (!vm_config_modules(c, mods, nmods))
		return false;
	return vm_config_resolve(c, all4, in_root ? in_root : all4, 4, 1024 * MIB, 3072 * MIB, 0);
}

TEST(vm_config_default_one_vm_on_every_cpu)
{
	static struct vm_config c;
	const char *mods[] = { "console=ttyS0", "" };

	CHECK(setup(&c, 0, 0, mods, 2, 0));
	CHECK_EQ(c.nvms, 1);
	CHECK_EQ(c.vm[0].nvcpus, 4);
	CHECK_EQ(c.vm[0].first_mod, 0);
	CHECK_EQ(c.vm[0].nmods, 2);
	CHECK_EQ(c.vm[0].kernel_skip, 0);
	CHECK_EQ(c.vm[0].ram_bytes, 512 * MIB); /* half the free memory */
}

TEST(vm_config_old_options_are_vm0s)
{
	static struct vm_config c;
	const char *opts[] = { "vm.cpus=2", "vm.mem=64", "vm.apic=x2apic-locked", "vm.testdev=on",
			       "vm.restarts=3" };
	const char *mods[] = { "" };

	CHECK(setup(&c, opts, 5, mods, 1, 0));
	CHECK_EQ(c.vm[0].nvcpus, 2);
	CHECK_EQ(c.vm[0].cpu_of[1], 1);
	CHECK_EQ(c.vm[0].ram_bytes, 64 * MIB);
	CHECK_EQ(c.vm[0].apic, VM_APIC_X2APIC_LOCKED);
	CHECK(c.vm[0].testdev);
	CHECK(c.vm[0].restarts_limited);
	CHECK_EQ(c.vm[0].restarts, 3);
}

TEST(vm_config_one_vm_skips_a_cpu_not_in_root)
{
	static struct vm_config c;
	const bool in_root[4] = { true, false, true, true };
	const char *mods[] = { "" };

	CHECK(setup(&c, 0, 0, mods, 1, in_root));
	CHECK_EQ(c.vm[0].nvcpus, 3);
	CHECK_EQ(c.vm[0].cpu_of[1], 2);
}

TEST(vm_config_two_vms)
{
	static struct vm_config c;
	const char *opts[] = { "vm1.cpus=2-3", "vm1.mem=128", "vm1.apic=x2apic", "vm.mem=64" };
	const char *mods[] = { "k0 args", "initrd0", "vm=1  apictest x=1", "vm1-module" };

	CHECK(setup(&c, opts, 4, mods, 4, 0));
	CHECK_EQ(c.nvms, 2);
	CHECK_EQ(c.vm[0].nvcpus, 2); /* the CPUs vm1 does not list */
	CHECK_EQ(c.vm[0].cpu_of[0], 0);
	CHECK_EQ(c.vm[0].cpu_of[1], 1);
	CHECK_EQ(c.vm[0].first_mod, 0);
	CHECK_EQ(c.vm[0].nmods, 2);
	CHECK_EQ(c.vm[1].nvcpus, 2);
	CHECK_EQ(c.vm[1].cpu_of[0], 2);
	CHECK_EQ(c.vm[1].cpu_of[1], 3);
	CHECK_EQ(c.vm[1].first_mod, 2);
	CHECK_EQ(c.vm[1].nmods, 2);
	CHECK_STR(mods[2] + c.vm[1].kernel_skip, "apictest x=1");
	CHECK_EQ(c.vm[1].ram_bytes, 128 * MIB);
	CHECK_EQ(c.vm[1].apic, VM_APIC_X2APIC);
	CHECK_EQ(c.vm[0].apic, VM_APIC_XAPIC);
	CHECK_EQ(c.vm[0].ram_bytes, 64 * MIB);
}

TEST(vm_config_cpu_lists)
{
	bool l[8] = { 0 };

	CHECK(vm_config_parse_cpus("1-2,5", l, 8));
	CHECK(!l[0] && l[1] && l[2] && !l[3] && l[5]);
	CHECK(!vm_config_parse_cpus("3-1", l, 8));
	CHECK(!vm_config_parse_cpus("1,", l, 8));
	CHECK(!vm_config_parse_cpus("", l, 8));
	CHECK(!vm_config_parse_cpus("8", l, 8));
	CHECK(!vm_config_parse_cpus("a", l, 8));
}

static void check_error(const char *const *opts, unsigned nopts, const char *const *mods,
			unsigned nmods, const bool *in_root, const char *want)
{
	static struct vm_config c;

	CHECK(!setup(&c, opts, nopts, mods, nmods, in_root));
	if (!strstr(c.error, want)) {
		printf("    error \"%s\" does not say \"%s\"\n", c.error, want);
		CHECK(false);
	}
}

TEST(vm_config_named_errors)
{
	const char *two[] = { "", "vm=1" };
	const char *one[] = { "" };

	{
		const char *o[] = { "vm1.cpus=1-2", "vm0.cpus=0-1" };
		check_error(o, 2, two, 2, 0, "cpu1 is vm0's already");
	}
	{
		const char *o[] = { "vm1.cpus=2-4" };
		check_error(o, 1, two, 2, 0, "cpu4 is not online");
	}
	{
		const bool in_root[4] = { true, true, true, false };
		const char *o[] = { "vm1.cpus=2-3" };
		check_error(o, 1, two, 2, in_root, "vm1: cpu3 is not in VMX root operation");
	}
	{
		const char *o[] = { "vm1.cpus=2-3", "vm.mem=1000", "vm1.mem=1000" };
		check_error(o, 3, two, 2, 0, "too little memory");
	}
	{
		const char *o[] = { "vm1.cpu=2" };
		check_error(o, 1, two, 2, 0, "unknown VM option \"vm1.cpu=2\"");
	}
	{
		const char *o[] = { "vm1.mem=5" };
		check_error(o, 1, two, 2, 0, "bad value in \"vm1.mem=5\"");
	}
	{
		const char *o[] = { "vm4.mem=8" };
		check_error(o, 1, two, 2, 0, "at most 4 VMs");
	}
	{
		const char *o[] = { "vm2.cpus=3" };
		check_error(o, 1, two, 2, 0, "vm2 has options but no kernel");
	}
	check_error(0, 0, two, 2, 0, "vm1: no CPUs");
	{
		const char *o[] = { "vm1.cpus=0-1" };
		check_error(o, 1, two, 2, 0, "vm0 must have cpu0");
	}
	{
		const char *o[] = { "vm1.cpus=1-3" };
		const char *m[] = { "", "vm=1", "vm=1" };
		check_error(o, 1, m, 3, 0, "vm1 has a kernel already");
	}
	{
		const char *m[] = { "", "vm=2" };
		check_error(0, 0, m, 2, 0, "vm1 has none");
	}
	{
		const char *m[] = { "", "vm=x" };
		check_error(0, 0, m, 2, 0, "bad \"vm=\" word");
	}
	check_error(0, 0, one, 0, 0, "no VM");
}
