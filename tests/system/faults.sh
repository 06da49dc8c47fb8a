#!/usr/bin/env bash
# tests/system/faults.sh: the hypervisor's own fault path, provoked with crash= after SMP bring-up
# (QEMU, SeaBIOS, 4 CPUs): the report names the exception and shows the registers and a backtrace
# with function names (the symbol table linked into the image, arch/symbols.h),
# the other CPUs are stopped by NMI and say so, and with on_exit=poweroff the machine powers off.
# The stack overflow runs into the unmapped guard page below the boot stack: only the double fault's
# own IST stack lets that be reported at all.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

fault_case() {
	local name=$1 crash=$2 headline=$3
	boot_case "$name" --hv-args "on_exit=poweroff crash=$crash" --emulator qemu --firmware bios \
		--machine pc --cpus 4 --mem 256 --timeout 45
	expect_line "$name" "$headline"
	expect_line "$name" '^  backtrace: 0x[0-9a-f]+'
	expect_count "$name" '^cpu[123]: stopped \(hypervisor RIP 0x[0-9a-f]+\)$' 3
	expect_line "$name" '^hv: power off$'
}

fault_case fault-ud ud '^EXCEPTION: #UD invalid opcode \(vector 6\) error code 0x0 on cpu0$'
expect_line fault-ud '^  RIP [0-9a-f]{16}  CS 0008  RFLAGS'
expect_line fault-ud '^  CR0 [0-9a-f]{16}  CR2 [0-9a-f]{16}  CR3 [0-9a-f]{16}  CR4'
expect_line fault-ud '^  RAX [0-9a-f]{16}  RBX'
expect_line fault-ud '^  R13 [0-9a-f]{16}  R14 [0-9a-f]{16}  R15'
# The #UD is the ud2 in trap_selftest itself, called from kmain; the walk names both.
expect_line fault-ud '^  RIP is trap_selftest\+0x[0-9a-f]+$'
expect_line fault-ud '^  backtrace: 0x[0-9a-f]+ trap_selftest\+0x[0-9a-f]+$'
expect_line fault-ud '^ {13}0x[0-9a-f]+ kmain\+0x[0-9a-f]+$'
fault_case fault-pf pf '^EXCEPTION: #PF page fault \(vector 14\) error code 0x2 on cpu0$'
expect_line fault-pf '  CR2 00000dead0000000 '
fault_case fault-stack stack '^EXCEPTION: #DF double fault \(vector 8\) error code 0x0 on cpu0$'
expect_line fault-stack 'kernel stack overflow'
expect_line fault-stack '^  RIP is overflow_stack[.a-z0-9]*\+0x[0-9a-f]+$'
expect_line fault-stack '^ {13}0x[0-9a-f]+ overflow_stack[.a-z0-9]*\+0x[0-9a-f]+ \(x[0-9]+\)$'
fault_case fault-panic panic '^PANIC on cpu0: crash=panic requested$'
# panic()'s caller first, once (not again as the first frame of the walk), then kmain.
expect_line fault-panic '^  backtrace: 0x[0-9a-f]+ trap_selftest\+0x[0-9a-f]+$'
expect_count fault-panic 'trap_selftest\+' 1
expect_line fault-panic '^ {13}0x[0-9a-f]+ kmain\+0x[0-9a-f]+$'

finish_cases
