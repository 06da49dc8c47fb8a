#!/usr/bin/env bash
# tests/system/gdb-linux.sh: Debian's gdb against the GDB stub (gdb=com2) with Debian's Linux as
# the guest in Bochs (the bzImage on 2 vCPUs, nokaslr), with the kernel's own symbols and DWARF
# from its -dbg package (scripts/linux-deps --debug-symbols): a hardware breakpoint at
# start_kernel and its backtrace, a software breakpoint in rest_init after ftrace_init, its
# backtrace, variables read through the kernel's 4-level paging (image mapping and direct map),
# a stepi, a hardware watchpoint on system_state that rest_init's write hits, a Ctrl-C (the 0x03
# interrupt) while the kernel runs, and a kill, which stops the VM. Then the PVH ELF, attached at
# its 32-bit entry in the amd64 layout, up to start_kernel.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

c=bochs-gdb-linux
# the -dbg package is 859 MB: fetched only when this case runs
if case_selected "$c" || case_selected bochs-gdb-linux-pvh; then
	"$HV_ROOT/scripts/linux-deps" --debug-symbols >/dev/null ||
		hv_die "scripts/linux-deps --debug-symbols failed: no Linux guest or no symbols"
fi
# boot_linux CASE KERNEL CPUS GDB_SCRIPT KERNEL_ARGS: Linux with its initramfs, gdb=com2,wait,
# and GDB_SCRIPT run against it with the -dbg ELF's symbols.
boot_linux() {
	boot_case "$1" --hv-args "gdb=com2,wait on_exit=poweroff vm.mem=192" \
		--guest "$HV_BUILD/linux/$2" --guest-args "$5" --module "$HV_BUILD/linux/initrd.gz" \
		--emulator bochs --mem 512 --cpus "$3" --timeout 600 \
		--gdb-script "$HV_ROOT/tests/system/data/$4" --gdb-elf "$HV_BUILD/linux/vmlinux-dbg"
}

# what no run may show: a fault, a stop other than GDB's kill, a register write the stub
# refused, an error on GDB's side
no_trouble() {
	expect_no_line "$1" '(PANIC|design rule|did not answer|vm0: stopped: (?!killed by GDB$)|^gdb: .* refused)'
	expect_no_line "$1" '^gdb\| .*(Remote connection closed|Ignoring packet error|not responding|Cannot (insert|access)|error|Error)'
}

boot_linux "$c" vmlinuz 2 gdb-linux.gdb "console=ttyS0 nokaslr"
expect_line "$c" '^gdb: waiting for GDB on port 0x2f8, 115200 baud, for vm0 \(2 vCPUs\), held before its first instruction$'
expect_line "$c" '^gdb: attached to vm0 \(2 vCPUs\)$'
# attached before the first instruction: the bzImage's 64-bit entry (startup_64 at 0x200 into
# the kernel loaded at 16 MiB), in GDB's amd64 layout
expect_line "$c" '^gdb\| check: attached in 64-bit mode$'
expect_line "$c" '^gdb\| rip +0x1000200 +0x1000200$'
# the hardware breakpoint at start_kernel; start_kernel is reached from secondary_startup_64 by
# x86_64_start_kernel's and x86_64_start_reservations' tail calls
expect_line "$c" '^gdb\| Hardware assisted breakpoint 1 at 0xffffffff[0-9a-f]+: file init/main\.c, line [0-9]+\.$'
expect_line "$c" '^gdb\| Thread 1 hit Breakpoint 1, start_kernel \(\) at init/main\.c:[0-9]+$'
expect_line "$c" '^gdb\| check: start_kernel in thread 1$'
expect_line "$c" '^gdb\| #0 +start_kernel \(\) at init/main\.c:[0-9]+$'
expect_line "$c" '^gdb\| #1 +0xffffffff[0-9a-f]+ in secondary_startup_64 \(\) at .*arch/x86/kernel/head_64\.S:[0-9]+$'
expect_line "$c" '^gdb\| rip +0x([0-9a-f]+) +0x\1 <start_kernel>$'
expect_line "$c" '^gdb\| cs +0x10 +16$'
# before ftrace_init: rest_init's first instruction is the ELF's call; after it, ftrace's NOP,
# next to the INT3 at rest_init+5 (ftrace found its call intact: no ftrace bug)
expect_line "$c" '^gdb\| +0x([0-9a-f]+) <rest_init>:\tcall +0x[0-9a-f]+ <__fentry__>$'
expect_line "$c" '^gdb\| Breakpoint 2 at 0xffffffff[0-9a-f]+: file init/main\.c, line [0-9]+\.$'
expect_line "$c" '^gdb\| Thread 1 hit Breakpoint 2, rest_init \(\) at init/main\.c:[0-9]+$'
expect_line "$c" '^gdb\| check: rest_init in thread 1$'
expect_line "$c" '^gdb\| #0 +rest_init \(\) at init/main\.c:[0-9]+$'
expect_line "$c" '^gdb\| #1 +0xffffffff[0-9a-f]+ in arch_call_rest_init \(\) at init/main\.c:[0-9]+$'
expect_line "$c" '^gdb\| #2 +0xffffffff[0-9a-f]+ in start_kernel \(\) at init/main\.c:[0-9]+$'
expect_line "$c" '^gdb\| #3 +0xffffffff[0-9a-f]+ in secondary_startup_64 \(\) at .*head_64\.S:[0-9]+$'
expect_line "$c" '^gdb\| rip +0x([0-9a-f]+) +0x\1 <rest_init\+5>$'
expect_line "$c" '^gdb\| +0x[0-9a-f]+ <rest_init>:\tnop[lw]? +0x0\(%rax,%rax,1\)$'
expect_no_line "$c" 'vm0: .*ftrace (bug|failed|faulted)'
# variables read through the kernel's page tables: system_state is SYSTEM_BOOTING (0) until
# rest_init's first lines, init_task is swapper/0, linux_banner the kernel's own first line
expect_line "$c" '^gdb\| check: system_state 0 comm swapper/0$'
expect_line "$c" '^gdb\| [$]1 = 0xffffffff[0-9a-f]+ <linux_banner> "Linux version 6\.1\.'
expect_line "$c" '^gdb\| check: direct map 1$'
# stepi from rest_init+5, and a hardware watchpoint hit by rest_init's own write
expect_line "$c" '^gdb\| check: stepi in rest_init from 5 moved 1$'
expect_line "$c" '^gdb\| Hardware watchpoint [0-9]+: system_state$'
expect_line "$c" '^gdb\| Thread 1 hit Hardware watchpoint [0-9]+: system_state$'
expect_line "$c" '^gdb\| Old value = SYSTEM_BOOTING$'
expect_line "$c" '^gdb\| New value = SYSTEM_SCHEDULING$'
expect_line "$c" '^gdb\| check: watched system_state 1 in thread 1$'
# Ctrl-C while Linux runs: both vCPUs stop (all-stop), each in some kernel function
expect_line "$c" '^gdb\| Thread [12] received signal SIGINT, Interrupt\.$'
expect_line "$c" '^gdb\| check: interrupted in thread [12]$'
# (GDB leaves out the address when the stop is at the start of a source line)
fn='(0xffffffff[0-9a-f]+ in )?[a-z_][a-z0-9_.]* \('
expect_line "$c" "^gdb\\| [* ] 1 +Thread 1 \\(vCPU 0\\) $fn"
expect_line "$c" "^gdb\\| [* ] 2 +Thread 2 \\(vCPU 1\\) $fn"
expect_line "$c" "^gdb\\| #0 +$fn"
# kill: the VM stops, and with it the machine (on_exit=poweroff)
expect_line "$c" '^gdb\| \[Inferior 1 \(Remote target\) killed\]$'
expect_count "$c" '^vm0: stopped: killed by GDB$' 1
expect_line "$c" '^hv: power off$'
no_trouble "$c"
# The PVH ELF under GDB: it starts in 32-bit protected mode, but it is an ELF64, so GDB is given
# the amd64 layout from its first instruction on (it keeps the layout of its attach): a stepi
# there, then start_kernel in 64-bit mode with the same session.
c=bochs-gdb-linux-pvh
boot_linux "$c" vmlinux 1 gdb-linux-pvh.gdb "console=ttyS0"
expect_line "$c" '^guest: PVH kernel '
expect_line "$c" '^gdb: attached to vm0 \(1 vCPU'
expect_line "$c" '^gdb\| check: attached in 64-bit layout$'
expect_line "$c" '^gdb\| check: at pvh_start_xen 1$'
expect_line "$c" '^gdb\| check: stepi in 32-bit code moved 1, below 4 GiB 1$'
# (one thread: GDB leaves out "Thread 1 hit"; init_task is "swapper" until sched_init names it
# swapper/0)
expect_line "$c" '^gdb\| Breakpoint 1, start_kernel \(\) at init/main\.c:[0-9]+$'
expect_line "$c" '^gdb\| check: start_kernel in thread 1$'
expect_line "$c" '^gdb\| #0 +start_kernel \(\) at init/main\.c:[0-9]+$'
expect_line "$c" '^gdb\| rip +0x([0-9a-f]+) +0x\1 <start_kernel>$'
expect_line "$c" '^gdb\| cs +0x10 +16$'
expect_line "$c" '^gdb\| check: system_state 0 comm swapper$'
expect_line "$c" '^gdb\| \[Inferior 1 \(Remote target\) killed\]$'
expect_count "$c" '^vm0: stopped: killed by GDB$' 1
no_trouble "$c"
finish_cases
