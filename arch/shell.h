/* arch/shell.h: the hypervisor shell on the serial line (README, "Serial console"): a line editor,
 * a registry of commands, answers as "sh: " lines. Runs on CPU 0 in root mode, from
 * console_service(); what it asks of other CPUs goes through requests they answer themselves. */
#ifndef ARCH_SHELL_H
#define ARCH_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct shell_cmd {
	const char *name;
	const char *args; /* for help: "N [reset]" */
	const char *help;
	void (*run)(int argc, char **argv);
};

void shell_feed(uint8_t byte);
void shell_prompt(void);

/* One answer line: "sh: ..." whatever the log level. */
void shell_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A number argument (decimal or 0x hex); false, with an error line naming `what`, if it is not. */
bool shell_number(const char *arg, const char *what, uint64_t *out);

/* The registry, filled at start-up before the console takes input (boot/main.c), in the order
 * `help` lists: shell_init() registers the host's commands, the layers above add theirs
 * (vmx/shell_vm.c). `cmds` must outlive the shell. */
void shell_init(void);
void shell_register(const struct shell_cmd *cmds, unsigned n);
/* What `cpus` adds after "cpuN: APIC id K" for a CPU (vmx/: its VMX root operation and vCPU),
 * as text starting with ", " into buf. */
typedef void shell_cpu_info_fn(unsigned cpu, char *buf, size_t size);
void shell_set_cpu_info(shell_cpu_info_fn *fn);

#endif
