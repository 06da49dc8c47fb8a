/* vmx/gdb_vm.h: the GDB stub for one VM on a UART of its own (`gdb=`, README "Debugging a
 * guest with GDB"), or on the console's line after Ctrl-a g (arch/console_input.h). The stub's protocol is lib/gdb_stub.c; this file gives it the VM: each vCPU
 * a thread, all-stop through the vCPUs' `paused` holds and the request path, registers and
 * memory read on each vCPU's own CPU (vmx/gdb_vcpu.c). The stub runs on CPU 0, from its vCPU
 * loop's host work (vcpu_cpu0_work, which gdb_vm_start() chains after the console's). */
#ifndef VMX_GDB_VM_H
#define VMX_GDB_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/gdb_stub.h"

struct vm;
struct vcpu;

/* Boot option `gdb=`: `console` (the default: Ctrl-a g gives the console's line to GDB), `off`,
 * or the forms of `console=` that name one UART (com1..com4, 0xPORT, io:, mmio:, mmio32:, pci:),
 * with an optional ,BAUD; one that is the console's UART means `console`. */
bool gdb_option(const char *value, void *ctx);

/* BSP, after the VM is built and CPU 0's console work is set, before it runs: with a UART of
 * GDB's own, finds and programs it and makes `vm` the one GDB attaches to; on the console's
 * line, Ctrl-a g picks the VM (the one input goes to). */
void gdb_vm_start(struct vm *vm);

/* For vmx/gdb_vcpu.c, on the vCPU's own CPU in an exit handler: the vCPU stopped for GDB (it
 * holds itself out of the guest, and CPU 0 is told). */
void gdb_vm_vcpu_stopped(struct vcpu *v, const struct gdb_stop *st);
/* Whether an INT3 at guest-virtual addr is GDB's; whether a #DB's B0-B3 bits name one of GDB's
 * debug-register slots (then *st says which stop it is). Any CPU, while the VM runs. */
bool gdb_vm_owns_int3(struct vm *vm, uint64_t addr);
bool gdb_vm_hw_hit(struct vm *vm, uint64_t b_bits, struct gdb_stop *st);

#endif
