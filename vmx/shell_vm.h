/* vmx/shell_vm.h: the shell's commands about the VM and its vCPUs (README, "Serial console"),
 * and what `cpus` says of each CPU's VMX state. */
#ifndef VMX_SHELL_VM_H
#define VMX_SHELL_VM_H

/* Registers them with the shell (arch/shell.h); at start-up, after shell_init(). */
void shell_vm_init(void);

#endif
