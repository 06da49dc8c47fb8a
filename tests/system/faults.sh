#!/usr/bin/env bash
# tests/system/faults.sh: the hypervisor's own fault path, provoked with crash= after SMP bring-up
# (QEMU, SeaBIOS, 4 CPUs): the report names the exception and shows the registers and a backtrace,
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
fault_case fault-pf pf '^EXCEPTION: #PF page fault \(vector 14\) error code 0x2 on cpu0$'
expect_line fault-pf '  CR2 00000dead0000000 '
fault_case fault-stack stack '^EXCEPTION: #DF double fault \(vector 8\) error code 0x0 on cpu0$'
expect_line fault-stack 'kernel stack overflow'
fault_case fault-panic panic '^PANIC on cpu0: crash=panic requested$'

finish_cases
