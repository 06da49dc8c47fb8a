/* vmx/vm_config.c: the VMs' configuration (vmx/vm_config.h). Pure; BSP, boot only. */
#include "lib/array.h"
#include "lib/cmdline.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "vmx/vm_config.h"

#define MIB (1ull << 20)

__attribute__((format(printf, 2, 3))) static bool fail(struct vm_config *c, const char *fmt, ...)
{
	va_list ap;

	if (c->error[0])
		return false; /* the first error is the one to fix first */
	va_start(ap, fmt);
	fmt_vsnprintf(c->error, sizeof(c->error), fmt, ap);
	va_end(ap);
	return false;
}

bool vm_config_is_option(const char *word)
{
	return word[0] == 'v' && word[1] == 'm' &&
	       (word[2] == '.' || (word[2] >= '0' && word[2] <= '9'));
}

/* One unsigned decimal (no hex: CPU numbers), its end in *end. */
static bool parse_uint(const char *s, const char **end, unsigned *out)
{
	unsigned v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > 100000)
			return false;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*end = s;
	*out = v;
	return true;
}

bool vm_config_parse_cpus(const char *s, bool *listed, unsigned ncpus_max)
{
	bool any = false;

	for (;;) {
		unsigned lo, hi;
		if (!parse_uint(s, &s, &lo))
			return false;
		hi = lo;
		if (*s == '-' && !parse_uint(s + 1, &s, &hi))
			return false;
		if (hi < lo || hi >= ncpus_max)
			return false;
		for (unsigned cpu = lo; cpu <= hi; cpu++)
			listed[cpu] = true;
		any = true;
		if (!*s)
			return any;
		if (*s++ != ',')
			return false;
	}
}

static bool set_cpus(struct vm_conf *v, unsigned id, const char *value)
{
	bool listed[MAX_CPUS] = { 0 };
	uint64_t n;

	/* vm.cpus=N, the old form: vm0's vCPU count. A list has a '-' or ',', or says vmN. */
	if (id == 0 && !strchr(value, '-') && !strchr(value, ',') && cmdline_parse_u64(value, &n) &&
	    v->cpus_listed == false && n >= 1 && n <= MAX_CPUS) {
		v->cpu_count = (unsigned)n;
		return true;
	}
	if (!vm_config_parse_cpus(value, listed, MAX_CPUS))
		return false;
	memcpy(v->cpu_listed, listed, sizeof(listed));
	v->cpus_listed = true;
	v->cpu_count = 0;
	return true;
}

static bool set_value(struct vm_conf *v, unsigned id, const char *key, const char *value,
		      bool *known)
{
	static const char *const apic_names[] = { "xapic", "x2apic", "x2apic-locked" };
	static const char *const onoff[] = { "off", "on" };
	uint64_t n;
	int i;

	*known = true;
	if (!strcmp(key, "cpus"))
		return set_cpus(v, id, value);
	if (!strcmp(key, "mem")) {
		if (!cmdline_parse_u64(value, &n) || n < 4 || n > 3072 || n % 2)
			return false;
		v->mem_mib = n;
		return true;
	}
	if (!strcmp(key, "apic")) {
		if ((i = cmdline_match(value, apic_names, ARRAY_SIZE(apic_names))) < 0)
			return false;
		v->apic = (unsigned)i;
		return true;
	}
	if (!strcmp(key, "testdev")) {
		if ((i = cmdline_match(value, onoff, 2)) < 0)
			return false;
		v->testdev = i == 1;
		return true;
	}
	if (!strcmp(key, "restarts")) {
		if (!cmdline_parse_u64(value, &n) || n > 1000000)
			return false;
		v->restarts = (unsigned)n;
		v->restarts_limited = true;
		return true;
	}
	*known = false;
	return false;
}

static const char option_help[] =
	"cpus=LIST (vm.cpus=N), mem=MiB (even, 4..3072), apic=xapic|x2apic|x2apic-locked, "
	"testdev=on|off, restarts=0..1000000";

bool vm_config_option(struct vm_config *c, const char *word)
{
	unsigned id = 0;
	const char *p = word + 2, *dot;
	char key[16];
	bool known;

	if (!vm_config_is_option(word))
		return fail(c, "\"%s\" is not a VM option", word);
	if (*p != '.' && (!parse_uint(p, &p, &id) || *p != '.'))
		return fail(c, "\"%s\": want vm.KEY=VALUE or vmN.KEY=VALUE", word);
	if (id >= VM_MAX)
		return fail(c, "\"%s\": at most %u VMs (vm0..vm%u)", word, VM_MAX, VM_MAX - 1);
	dot = p + 1;
	const char *eq = strchr(dot, '=');
	size_t klen = eq ? (size_t)(eq - dot) : strlen(dot);
	if (klen >= sizeof(key))
		klen = sizeof(key) - 1;
	memcpy(key, dot, klen);
	key[klen] = 0;
	struct vm_conf *v = &c->vm[id];
	if (!set_value(v, id, key, eq ? eq + 1 : "", &known))
		return known ? fail(c, "bad value in \"%s\" (%s)", word, option_help)
			     : fail(c, "unknown VM option \"%s\" (vmN.%s)", word, option_help);
	if (id > 0)
		v->has_options = true;
	return true;
}

/* "vm=N" as the module string's first word: N, and how many bytes to skip ("vm=N" and the
 * blanks after it); false when there is no such word. */
static bool module_vm(const char *s, unsigned *id, unsigned *skip, bool *bad)
{
	const char *p = s;

	*bad = false;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "vm=", 3))
		return false;
	if (!parse_uint(p + 3, &p, id) || (*p && *p != ' ' && *p != '\t')) {
		*bad = true;
		return false;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	*skip = (unsigned)(p - s);
	return true;
}

bool vm_config_modules(struct vm_config *c, const char *const *cmdlines, unsigned n)
{
	bool seen[VM_MAX] = { 0 };
	unsigned cur = 0, skip = 0, id;
	bool bad;

	c->nvms = 0;
	for (unsigned i = 0; i < n; i++) {
		if (module_vm(cmdlines[i], &id, &skip, &bad)) {
			if (id >= VM_MAX)
				return fail(c, "module %u: vm=%u, but at most %u VMs (vm0..vm%u)", i,
					    id, VM_MAX, VM_MAX - 1);
			if (seen[id])
				return fail(c, "module %u: vm%u has a kernel already (module %u); "
					    "its further modules follow its kernel without vm=",
					    i, id, c->vm[id].first_mod);
			cur = id;
			c->vm[cur].first_mod = i;
			c->vm[cur].nmods = 0;
			c->vm[cur].kernel_skip = skip;
		} else if (bad) {
			return fail(c, "module %u: bad \"vm=\" word in \"%s\" (want vm=N, N 0..%u)", i,
				    cmdlines[i], VM_MAX - 1);
		} else if (!seen[cur]) { /* the first modules, with no vm= before them: vm0's */
			c->vm[cur].first_mod = i;
			c->vm[cur].nmods = 0;
			c->vm[cur].kernel_skip = 0;
		}
		seen[cur] = true;
		c->vm[cur].nmods++;
	}
	for (unsigned k = 0; k < VM_MAX; k++) {
		if (seen[k] && k > 0 && !seen[k - 1])
			return fail(c, "vm%u has modules but vm%u has none: number the VMs 0, 1, ...",
				    k, k - 1);
		if (seen[k])
			c->nvms = k + 1;
	}
	for (unsigned k = 1; k < VM_MAX; k++)
		if (c->vm[k].has_options && k >= c->nvms)
			return fail(c, "vm%u has options but no kernel: give it a module with \"vm=%u\" "
				    "first in its string", k, k);
	return true;
}

static bool resolve_one_vm(struct vm_config *c, const bool *in_root, unsigned ncpus,
			   void (*warn)(const char *))
{
	struct vm_conf *v = &c->vm[0];
	unsigned usable = 0;
	char text[120];

	if (v->cpus_listed)
		return false; /* the caller takes the partitioned path */
	for (unsigned cpu = 0; cpu < ncpus; cpu++) {
		if (in_root[cpu])
			usable++;
		else if (warn) {
			fmt_snprintf(text, sizeof(text),
				     "vm0: cpu%u is not in VMX root operation: it runs no vCPU", cpu);
			warn(text);
		}
	}
	if (!in_root[0])
		return fail(c, "vm0: the boot CPU is not in VMX root operation");
	unsigned want = v->cpu_count ? v->cpu_count : usable;
	if (want > usable && warn) {
		fmt_snprintf(text, sizeof(text),
			     "vm0: vm.cpus=%u but only %u CPUs are in VMX root operation; using %u",
			     want, usable, usable);
		warn(text);
	}
	v->nvcpus = 0;
	for (unsigned cpu = 0; cpu < ncpus && v->nvcpus < want; cpu++)
		if (in_root[cpu])
			v->cpu_of[v->nvcpus++] = cpu;
	return true;
}

static bool resolve_cpus(struct vm_config *c, const bool *online, const bool *in_root,
			 unsigned ncpus)
{
	int owner[MAX_CPUS];

	for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++)
		owner[cpu] = -1;
	for (unsigned k = 0; k < c->nvms; k++) {
		struct vm_conf *v = &c->vm[k];
		if (k > 0 && !v->cpus_listed)
			return fail(c, "vm%u: no CPUs: give it vm%u.cpus=LIST", k, k);
		if (k == 0 && v->cpu_count)
			return fail(c, "vm0: vm.cpus=%u counts CPUs, but with several VMs give it a "
				    "list (vm0.cpus=0-1)", v->cpu_count);
		for (unsigned cpu = 0; v->cpus_listed && cpu < MAX_CPUS; cpu++) {
			if (!v->cpu_listed[cpu])
				continue;
			if (cpu >= ncpus || !online[cpu])
				return fail(c, "vm%u: cpu%u is not online", k, cpu);
			if (!in_root[cpu])
				return fail(c, "vm%u: cpu%u is not in VMX root operation", k, cpu);
			if (owner[cpu] >= 0)
				return fail(c, "vm%u: cpu%u is vm%d's already (a CPU runs one VM)", k,
					    cpu, owner[cpu]);
			owner[cpu] = (int)k;
		}
	}
	if (!c->vm[0].cpus_listed) /* vm0 takes what is left, in root operation */
		for (unsigned cpu = 0; cpu < ncpus; cpu++)
			if (owner[cpu] < 0 && online[cpu] && in_root[cpu])
				owner[cpu] = 0;
	if (owner[0] != 0)
		return fail(c, "vm0 must have cpu0: the boot CPU runs vm0's vCPU 0 and the console");
	for (unsigned k = 0; k < c->nvms; k++) {
		struct vm_conf *v = &c->vm[k];
		v->nvcpus = 0;
		for (unsigned cpu = 0; cpu < ncpus; cpu++)
			if (owner[cpu] == (int)k)
				v->cpu_of[v->nvcpus++] = cpu;
		if (!v->nvcpus)
			return fail(c, "vm%u: no CPU is left for it", k);
	}
	return true;
}

static bool resolve_memory(struct vm_config *c, uint64_t free_bytes, uint64_t ram_max)
{
	uint64_t given = 0, total = 0, share;
	unsigned unsized = 0;

	for (unsigned k = 0; k < c->nvms; k++) {
		if (c->vm[k].mem_mib)
			given += c->vm[k].mem_mib * MIB;
		else
			unsized++;
	}
	share = free_bytes / 2 > given ? (free_bytes / 2 - given) / (unsized ? unsized : 1) : 0;
	if (share > 1024 * MIB)
		share = 1024 * MIB;
	share &= ~(2 * MIB - 1);
	for (unsigned k = 0; k < c->nvms; k++) {
		struct vm_conf *v = &c->vm[k];
		v->ram_bytes = v->mem_mib ? v->mem_mib * MIB : share;
		if (v->ram_bytes < 4 * MIB)
			return fail(c, "vm%u: too little memory: %lu MiB free leaves it %lu MiB (at "
				    "least 4); give the VMs less with vmN.mem=",
				    k, (unsigned long)(free_bytes / MIB),
				    (unsigned long)(v->ram_bytes / MIB));
		if (v->ram_bytes > ram_max)
			return fail(c, "vm%u: %lu MiB of RAM is more than %lu MiB", k,
				    (unsigned long)(v->ram_bytes / MIB),
				    (unsigned long)(ram_max / MIB));
		total += v->ram_bytes;
	}
	if (total > free_bytes)
		return fail(c, "too little memory: the VMs want %lu MiB, %lu MiB are free",
			    (unsigned long)(total / MIB), (unsigned long)(free_bytes / MIB));
	return true;
}

bool vm_config_resolve(struct vm_config *c, const bool *online, const bool *in_root,
		       unsigned ncpus, uint64_t free_bytes, uint64_t ram_max,
		       void (*warn)(const char *text))
{
	if (c->error[0])
		return false;
	if (c->nvms == 0)
		return fail(c, "no VM: give GRUB a kernel as the first module");
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	if (c->nvms == 1 && !c->vm[0].cpus_listed) {
		if (!resolve_one_vm(c, in_root, ncpus, warn))
			return false;
	} else if (!resolve_cpus(c, online, in_root, ncpus)) {
		return false;
	}
	return resolve_memory(c, free_bytes, ram_max);
}
