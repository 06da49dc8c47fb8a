#!/usr/bin/env bash
# tests/system/shell.sh: one serial line, two consoles, driven like a user would (Bochs' COM1 on a
# local socket, scripts/boot --serial-script): typing reaches the guest's COM1, Ctrl-a h lists the
# keys, Ctrl-a c switches to the hypervisor shell, and each command answers with the state the
# test set up: vCPU 1 is in x2APIC mode (its MSR bitmap opens the x2APIC registers) while vCPU 0
# is not; the EPT maps guest RAM and the APIC-access page and nothing at 2 GiB; bad arguments get
# clear errors; pause holds a vCPU out of the guest; then back to the guest, which powers off.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

vmtest=$HV_BUILD/guests/vmtest.elf
c=bochs-shell-session
boot_case "$c" --hv-args "on_exit=poweroff vm.mem=16" --guest "$vmtest" --guest-args "test=console" \
	--emulator bochs --mem 128 --cpus 2 --timeout 240 \
	--serial-script "$HV_ROOT/tests/system/data/shell-session.txt"
expect_line "$c" '^vm0: vmtest: console: got "hello guest"$'
expect_line "$c" '^hv: keys: Ctrl-a c '
expect_line "$c" '^hv: console input now goes to the hypervisor shell$'
expect_line "$c" '^sh: vmcs +N +.*VMCS'
expect_line "$c" '^sh: cpu0: APIC id 0, VMX root: yes, runs vm0 vCPU 0$'
expect_line "$c" '^sh: cpu1: APIC id 1, VMX root: yes, runs vm0 vCPU 1$'
expect_line "$c" '^sh: vCPU 0: cpu0, running, APIC xAPIC, RIP 0x[0-9a-f]+'
expect_line "$c" '^sh: vCPU 1: cpu1, (running|halted), APIC x2APIC, RIP 0x[0-9a-f]+'
# The design rule, visible: vCPU 1's bitmap opens the x2APIC registers, vCPU 0's does not.
expect_line "$c" '^sh: msrbitmap vCPU 1: 0x00000802-0x00000803 r-$'
expect_line "$c" '^sh: msrbitmap vCPU 1: 0x00000808 rw x2APIC registers$'
expect_line "$c" '^sh: msrbitmap vCPU 0: 0x00000010 r- IA32_TIME_STAMP_COUNTER$'
expect_no_line "$c" '^sh: msrbitmap vCPU 0: 0x000008'
expect_line "$c" '^sh: apic vCPU 1: x2APIC mode, IA32_APIC_BASE 0xfee00c00'
expect_line "$c" '^sh: apic vCPU 1: ID 00000001 '
expect_line "$c" '^sh: vCPU 1: VMCS_GUEST_RIP +0x[0-9a-f]+$'
expect_line "$c" '^sh: vCPU 1: VMCS_CTRL_PROC_BASED2 +0x[0-9a-f]+$'
expect_line "$c" '^sh: ept 0x100000: host 0x[0-9a-f]+, rwx, memory type WB, 2048 KiB page$'
expect_line "$c" '^sh: ept 0xfee00000: host 0x[0-9a-f]+, rwx, memory type WB, 4 KiB page$'
expect_line "$c" '^sh: ept 0x80000000: not mapped'
expect_line "$c" '^sh: exits vCPU 1: WRMSR +[0-9]+$'
expect_line "$c" '^sh: mem 0x00100000: ([0-9a-f]{2} ){16}$'
expect_line "$c" '^sh: error: mem: 0xffffff00\+16 is not inside guest RAM'
expect_line "$c" '^sh: error: vmcs: no vCPU 9 \(the VM has 2\)$'
expect_line "$c" '^sh: error: no command "frobnicate"'
expect_line "$c" '^sh: vCPU 1: cpu1, .*\(paused\)'
expect_line "$c" '^sh: vCPU 1 resumed$'
expect_line "$c" '^hv: console input now goes to the guest.s COM1$'
expect_line "$c" '^vm0: vmtest: console: got "quit"$'
expect_line "$c" '^vm0: powered off$'
expect_no_line "$c" '(PANIC|design rule|did not answer)'

# Ctrl-a g without GDB (tests/system/data/shell-gdb-keys.txt): once the line is GDB's, a line
# typed is not the guest's and a Ctrl-a c is no key; GDB's detach packet, typed, gives the line
# back (to the guest, then, from the shell, to the shell).
c=bochs-shell-gdb-keys
boot_case "$c" --hv-args "on_exit=poweroff vm.mem=16" --guest "$vmtest" --guest-args "test=console" \
	--emulator bochs --mem 128 --cpus 2 --timeout 240 \
	--serial-script "$HV_ROOT/tests/system/data/shell-gdb-keys.txt"
expect_in_order "$c" "^gdb: console line is GDB's for vm0 until detach; Ctrl-a g was pressed$" \
	'^gdb: attached to vm0 \(2 vCPUs\)$' '^gdb: detached from vm0 \(2 vCPUs\)$' \
	"^gdb: console line is the console's again; input goes to the guest's COM1$" \
	'^vm0: vmtest: console: got "after"$' \
	'^hv: console input now goes to the hypervisor shell$' \
	"^gdb: console line is GDB's for vm0 until detach; Ctrl-a g was pressed$" \
	"^gdb: console line is the console's again; input goes to the hypervisor shell$" \
	'^hv: console input now goes to the guest.s COM1$' \
	'^vm0: vmtest: console: got "quit"$' '^vm0: powered off$'
expect_count "$c" '^hv: console input now goes to' 2
expect_no_line "$c" '(got "hello"|PANIC|design rule|did not answer)'

finish_cases
