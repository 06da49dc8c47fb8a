/* arch/shell.h: the hypervisor shell on the serial line (README, "Serial console"): a line editor,
 * one table of commands, answers as "sh: " lines. Runs on CPU 0 in root mode, from
 * console_service(); what it asks of other CPUs goes through requests they answer themselves. */
#ifndef ARCH_SHELL_H
#define ARCH_SHELL_H

#include <stdbool.h>
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

/* The VM's commands (vmx/shell_vm.c). */
extern const struct shell_cmd shell_vm_cmds[];
extern const unsigned shell_vm_ncmds;

#endif
