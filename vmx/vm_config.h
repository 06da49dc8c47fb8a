/* vmx/vm_config.h: which VMs run, from the GRUB configuration (README, "Several VMs"): the
 * hypervisor's options vm.KEY= (vm0's, as before) and vmN.KEY= (cpus, mem, apic, testdev,
 * restarts), and the modules, where a module whose string starts with the word `vm=N` is VM N's
 * kernel and the modules after it without such a word are VM N's further modules (the first
 * modules, before any `vm=`, are vm0's). Pure (host-tested): the options and modules are taken
 * first, then vm_config_resolve() checks the whole configuration against the CPUs and memory and
 * assigns the CPUs, all before any VM is built; any problem is one named error and no VM starts. */
#ifndef VMX_VM_CONFIG_H
#define VMX_VM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/percpu.h"

#define VM_MAX 4

enum vm_apic_start {
	VM_APIC_XAPIC = 0,     /* every vCPU starts in xAPIC mode, as after RESET */
	VM_APIC_X2APIC,        /* every vCPU starts in x2APIC mode (as bhyve -x) */
	VM_APIC_X2APIC_LOCKED, /* and cannot leave it (IA32_XAPIC_DISABLE_STATUS) */
};

/* One VM's options as written, then (vm_config_resolve) its CPUs and RAM. */
struct vm_conf {
	bool cpus_listed;           /* vmN.cpus=LIST */
	bool cpu_listed[MAX_CPUS];  /* the CPUs of that list */
	unsigned cpu_count;         /* vm.cpus=N (vm0, one VM only): as many vCPUs; 0: all */
	uint64_t mem_mib;           /* 0: the default share */
	unsigned apic;              /* enum vm_apic_start */
	bool testdev;               /* vm.testdev=on: I/O APIC lines driven from ports 0x2000-... */
	bool restarts_limited;
	unsigned restarts;          /* with restarts_limited: how many resets start it again */
	bool has_options;           /* some vmN.KEY= named it */
	unsigned first_mod, nmods;  /* its modules: the kernel, then the rest */
	unsigned kernel_skip;       /* bytes of the kernel's module string that are "vm=N " */
	/* vm_config_resolve(): */
	unsigned nvcpus;
	unsigned cpu_of[MAX_CPUS];  /* vCPU k's CPU; vCPU 0 on its lowest */
	uint64_t ram_bytes;
};

struct vm_config {
	unsigned nvms; /* after vm_config_modules(): VMs 0..nvms-1 each have a kernel */
	struct vm_conf vm[VM_MAX];
	char error[200]; /* the first error, when a call returned false */
};

/* One option word "vm.KEY=VALUE" or "vmN.KEY=VALUE". False with c->error for an unknown key, a
 * VM number of VM_MAX or more, or a bad value. The first error stays. */
bool vm_config_option(struct vm_config *c, const char *word);
/* Whether a command-line word is one for vm_config_option() ("vm." or "vm<digit>"). */
bool vm_config_is_option(const char *word);
/* The modules' strings, in GRUB's order: which VM each belongs to. False with c->error when a
 * `vm=` word is bad, names a VM twice, or the VMs are not numbered 0, 1, ... without a gap. */
bool vm_config_modules(struct vm_config *c, const char *const *cmdlines, unsigned n);

/* The whole configuration against the machine: CPUs 0..ncpus-1 that are online and in VMX root
 * operation, and `free_bytes` of memory for guest RAM. One VM keeps the old rules (every CPU in
 * root operation, those that are not skipped; vm.cpus=N the first N). With several, a listed
 * CPU must be online and in root operation and in one VM only; vm0 takes cpu0 (the boot CPU runs
 * the console from its vCPU 0) and, without its own list, the CPUs no other VM lists. RAM not
 * given is an even share of half the free memory (at most 1 GiB, in 2 MiB steps); the sum must
 * fit. `warn` gets each CPU skipped (one VM only). False with c->error; then nothing is built. */
bool vm_config_resolve(struct vm_config *c, const bool *online, const bool *in_root,
		       unsigned ncpus, uint64_t free_bytes, uint64_t ram_max,
		       void (*warn)(const char *text));

/* A CPU list "2-3", "0,2", "1-2,5" into flags; false when malformed or past ncpus_max. */
bool vm_config_parse_cpus(const char *s, bool *listed, unsigned ncpus_max);

#endif
