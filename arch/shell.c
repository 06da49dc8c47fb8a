/* arch/shell.c: the shell's line editing, parsing and the commands that are not about the VM
 * (help, cpus, log, reboot, poweroff); the VM's are in vmx/shell_vm.c. */
#include <stdarg.h>

#include "arch/console.h"
#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/power.h"
#include "arch/shell.h"
#include "lib/array.h"
#include "lib/cmdline.h"
#include "lib/line_edit.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "vmx/vcpu.h"
#include "vmx/vmx.h"

#define MAX_ARGS 6

void shell_out(const char *fmt, ...)
{
	char text[200];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	console_printf("sh: %s", text);
}

bool shell_number(const char *arg, const char *what, uint64_t *out)
{
	if (arg && cmdline_parse_u64(arg, out))
		return true;
	shell_out("error: %s: want a number (decimal or 0x hex), got \"%s\"", what,
		  arg ? arg : "");
	return false;
}

void shell_prompt(void)
{
	console_write_bytes("hv> ");
}

static void cmd_help(int argc, char **argv);

static void cmd_cpus(int argc, char **argv)
{
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		if (!cpus[i])
			continue;
		struct vcpu *v = vcpu_on_cpu(i);
		if (v)
			shell_out("cpu%u: APIC id %u, VMX root: %s, runs %s vCPU %u", i,
				  cpus[i]->apic_id, vmx_cpu_in_root(i) ? "yes" : "no", v->vm->name,
				  v->id);
		else
			shell_out("cpu%u: APIC id %u, VMX root: %s, no vCPU", i, cpus[i]->apic_id,
				  vmx_cpu_in_root(i) ? "yes" : "no");
	}
}

static void cmd_log(int argc, char **argv)
{
	if (argc != 2 || !console_loglevel_option(argv[1], 0)) {
		shell_out("error: log: want one of error, warn, info, debug");
		return;
	}
	shell_out("log level %s", argv[1]);
}

static void cmd_poweroff(int argc, char **argv)
{
	shell_out("powering off");
	hv_power_off();
}

static void cmd_reboot(int argc, char **argv)
{
	shell_out("rebooting");
	hv_reboot();
}

static const struct shell_cmd cmds[] = {
	{ "help", "", "this list", cmd_help },
	{ "cpus", "", "each CPU: APIC id, VMX root operation, the vCPU it runs", cmd_cpus },
	{ "log", "LEVEL", "set the console log level (error, warn, info, debug)", cmd_log },
	{ "reboot", "", "reset the machine", cmd_reboot },
	{ "poweroff", "", "power the machine off", cmd_poweroff },
};

#define NCMDS (ARRAY_SIZE(cmds))

static void cmd_help(int argc, char **argv)
{
	for (unsigned i = 0; i < NCMDS; i++)
		shell_out("%-10s %-14s %s", cmds[i].name, cmds[i].args, cmds[i].help);
	for (unsigned i = 0; i < shell_vm_ncmds; i++)
		shell_out("%-10s %-14s %s", shell_vm_cmds[i].name, shell_vm_cmds[i].args,
			  shell_vm_cmds[i].help);
}

static const struct shell_cmd *find(const char *name)
{
	for (unsigned i = 0; i < NCMDS; i++)
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
	for (unsigned i = 0; i < shell_vm_ncmds; i++)
		if (!strcmp(name, shell_vm_cmds[i].name))
			return &shell_vm_cmds[i];
	return 0;
}

static void run_line(char *s)
{
	char *argv[MAX_ARGS];
	int argc = 0;

	while (*s && argc < MAX_ARGS) {
		while (*s == ' ')
			*s++ = 0;
		if (!*s)
			break;
		argv[argc++] = s;
		while (*s && *s != ' ')
			s++;
	}
	if (!argc)
		return;
	const struct shell_cmd *c = find(argv[0]);
	if (c)
		c->run(argc, argv);
	else
		shell_out("error: no command \"%s\" (help lists them)", argv[0]);
}

/* Bytes from the line go through the line editor (lib/line_edit.h: backspace, Ctrl-U, Ctrl-C,
 * history on the arrows); its echo goes back on the line. */
void shell_feed(uint8_t c)
{
	static struct line_edit le;
	static bool ready;
	static struct line_edit_echo echo;
	char buf[sizeof(le.buf)];

	if (!ready) {
		line_edit_init(&le);
		ready = true;
	}
	enum line_edit_status st = line_edit_feed(&le, c, &echo);
	for (unsigned i = 0; i < echo.len; i += sizeof(buf) - 1) {
		unsigned n = echo.len - i < sizeof(buf) - 1 ? echo.len - i : sizeof(buf) - 1;
		memcpy(buf, echo.bytes + i, n);
		buf[n] = 0;
		console_write_bytes(buf);
	}
	if (st == LINE_EDIT_LINE) {
		memcpy(buf, line_edit_text(&le), sizeof(buf));
		buf[sizeof(buf) - 1] = 0;
		run_line(buf);
	}
	if (st != LINE_EDIT_MORE)
		shell_prompt();
}
