/* arch/console_input.h: what is typed on the serial line. CPU 0 polls the UART on a 100 Hz tick
 * of its local APIC timer (arch/host_timer.h: an interrupt when it idles or runs the hypervisor,
 * a VM exit when it runs vCPU 0) into a ring; console_service() then hands each byte to the
 * guest's COM1 or to the shell, as the Ctrl-a escape (lib/console_mux.h) says. CPU 0 only, root
 * mode. */
#ifndef ARCH_CONSOLE_INPUT_H
#define ARCH_CONSOLE_INPUT_H

#include <stdbool.h>
#include <stdint.h>

/* BSP, after the time calibration: start the tick. */
void console_input_start(void);
/* The tick (from the interrupt handler or the VM-exit handler): drain the UART into the ring. */
void console_tick(void);
/* Whether bytes wait; console_service() handles them (shell commands run here). */
bool console_input_waiting(void);
void console_service(void);

/* CPU 0's console work in its vCPU loop (vmx/vcpu.h's hook): due when input waits or output
 * waits for the UART; does both. */
bool console_cpu0_waiting(void);
void console_cpu0_service(void);

/* Where bytes for a guest go (its virtual COM1); false when it could not take one. One per VM,
 * `index` its number (0..CONSOLE_SINKS-1) and `name` its console name ("vm1"); with more than
 * one, Ctrl-a c cycles through them and the shell. BSP, while the VMs are built. */
#define CONSOLE_SINKS 4
typedef bool (*console_sink_fn)(void *ctx, uint8_t byte);
void console_set_guest_sink(unsigned index, const char *name, console_sink_fn fn, void *ctx);

/* The line to GDB (Ctrl-a g, README "Debugging a guest with GDB"). The hook is the stub's
 * (vmx/gdb_vm.c): asked on CPU 0 for the VM input goes to (its index; 0 from the shell), it
 * takes the line and gives that VM's name, or says why not and gives NULL. Then the console
 * says so, holds its output (console_hold()) and reads no key until console_gdb_done();
 * console_gdb_getc() gives the stub the line's bytes meanwhile (what was typed after Ctrl-a g
 * first), or -1 (also when the line is not GDB's). CPU 0. */
typedef const char *(*console_gdb_fn)(unsigned index);
void console_set_gdb_hook(console_gdb_fn fn);
int console_gdb_getc(void);
/* GDB detached or killed the VM: the held lines go out, the keys work again. */
void console_gdb_done(void);

#endif
