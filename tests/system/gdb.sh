#!/usr/bin/env bash
# tests/system/gdb.sh: Debian's gdb against the hypervisor's GDB stub (gdb=com2) in Bochs, over
# COM2 on a local socket (scripts/boot --gdb-script): it attaches to the gdbtest guest's 2 vCPUs,
# lists them as threads, sets a breakpoint at a function from the guest's ELF symbols, writes
# two variables the guest waits for, continues to the breakpoint on vCPU 1 (thread 2), reads
# registers, an argument and a variable, backtraces, steps one instruction, sets a watchpoint
# that vCPU 1's write hits, and detaches; the guest then finishes its run and powers off. It reads
# x87/SSE registers the guest loaded and writes two the guest then reports, loads FS with DS's
# selector and sets CR0.AM. A second run lets the guest power off while GDB waits in `continue`.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

elf=$HV_BUILD/guests/gdbtest.elf

# gdbtest_case CASE com2|console SCRIPT: the gdbtest guest on 2 vCPUs in Bochs, and Debian's gdb
# running tests/system/data/SCRIPT against it, over COM2 (gdb=com2) or on the console's own line
# (Ctrl-a g once the guest waits for GDB).
gdbtest_case() {
	local hv="on_exit=poweroff vm.mem=16" line=()
	case $2 in
	com2) hv="gdb=com2 $hv" ;;
	console) line=(--gdb-console 'vm0: gdbtest: waiting for GDB') ;;
	*) hv_die "gdbtest_case: no line '$2'" ;;
	esac
	boot_case "$1" --hv-args "$hv" --guest "$elf" --emulator bochs --mem 128 --cpus 2 \
		--timeout 300 --gdb-script "$HV_ROOT/tests/system/data/$3" --gdb-elf "$elf" "${line[@]}"
}

c=bochs-gdb
gdbtest_case "$c" com2 gdb-session.gdb
expect_line "$c" '^gdb: waiting for GDB on port 0x2f8, 115200 baud, for vm0 \(2 vCPUs\)$'
expect_line "$c" '^gdb: attached to vm0 \(2 vCPUs\)$'
expect_line "$c" '^gdb\| check: threads 2$'
expect_line "$c" '^gdb\| +2 +Thread 2 \(vCPU 1\)'
expect_line "$c" '^gdb\| check: armed before 0$'
expect_line "$c" '^gdb\| eip +0x[0-9a-f]+'
expect_line "$c" '^gdb\| cr0 +0x[0-9a-f]*1 '
expect_line "$c" '^gdb\| Breakpoint 1 at 0x[0-9a-f]+: file tests/guests/gdbtest/main.c'
expect_line "$c" '^gdb\| Thread 2 hit Breakpoint 1, gdbt_target \(index=1\) at tests/guests/gdbtest/main.c:[0-9]+$'
expect_line "$c" '^gdb\| check: stopped in thread 2$'
expect_line "$c" '^gdb\| check: index 1 value 21$'
expect_line "$c" '^gdb\| cs +0x8 '
expect_line "$c" '^gdb\| check: xmm0 11111111 44444444$'
expect_line "$c" '^gdb\| check: st0 1234$'
expect_line "$c" '^gdb\| check: xmm1 12345678 st0 4321$'
expect_line "$c" '^gdb\| check: fs 16 ds 16$'
expect_line "$c" '^gdb\| check: cr0.am 1$'
expect_line "$c" '^gdb\| #0 +gdbt_target \(index=1\)'
expect_line "$c" '^gdb\| #1 +0x[0-9a-f]+ in guest_ap_main \(index=1\)'
expect_line "$c" '^gdb\| check: stepi moved 1$'
expect_line "$c" '^gdb\| Hardware watchpoint 2: gdbt_watched$'
expect_line "$c" '^gdb\| Thread 2 hit Hardware watchpoint 2: gdbt_watched$'
expect_line "$c" '^gdb\| Old value = 0$'
expect_line "$c" '^gdb\| New value = 42$'
expect_line "$c" '^gdb\| check: watched now 42 in thread 2$'
expect_line "$c" '^gdb: detached from vm0 \(2 vCPUs\)$'
expect_line "$c" '^vm0: gdbtest: vCPU 1 got value 21$'
expect_line "$c" '^vm0: gdbtest: vCPU 1: xmm1 12345678 00000000 00000000 5a5a5a5a st0 4321$'
expect_line "$c" '^vm0: gdbtest: armed by GDB; gdbt_watched 42$'
expect_line "$c" '^vm0: powered off$'
expect_no_line "$c" '(PANIC|design rule|did not answer|stopped: )'
expect_no_line "$c" '^gdb\| .*(Remote connection closed|Ignoring packet error|not responding|error|Error)'

# The VM ends while GDB is attached and waits in `continue`: GDB gets the hypervisor's line and
# a W stop reply, and says the inferior exited.
c=bochs-gdb-end
gdbtest_case "$c" com2 gdb-end.gdb
expect_line "$c" '^gdb: attached to vm0 \(2 vCPUs\)$'
expect_line "$c" '^vm0: gdbtest: armed by GDB; gdbt_watched 10$'
expect_line "$c" '^vm0: powered off$'
expect_line "$c" '^gdb\| vm0: powered off$'
expect_line "$c" '^gdb\| \[Inferior 1 \(Remote target\) exited normally\]$'
expect_line "$c" '^gdb\| check: after the end$'
expect_no_line "$c" '(PANIC|design rule|did not answer|stopped: )'

# The same guest with GDB on the console's own line (no gdb= option: Ctrl-a g is there by
# default): scripts/boot --gdb-console types Ctrl-a g once the guest is up and gives the line to
# GDB after the hypervisor's answer, until the first byte that is not the remote protocol's. The
# lines said meanwhile (GDB's attach, vCPU 1's line during the finish) must be held until the
# detach: printed during the session they would end it (scripts/gdb-relay) and GDB's checks
# would fail. The X packet that sets gdbt_armed to 1 carries a Ctrl-a.
c=bochs-gdb-console
gdbtest_case "$c" console gdb-console.gdb
expect_in_order "$c" '^vm0: gdbtest: waiting for GDB to set gdbt_armed$' \
	"^gdb: console line is GDB's for vm0 until detach; Ctrl-a g was pressed$" \
	"^gdb-relay: GDB's session on the console line ended$" \
	'^gdb: attached to vm0 \(2 vCPUs\)$' \
	'^vm0: gdbtest: vCPU 1 got value 21$' \
	'^gdb: detached from vm0 \(2 vCPUs\)$' \
	"^gdb: console line is the console's again; input goes to the guest's COM1$" \
	'^vm0: gdbtest: armed by GDB; gdbt_watched 42$' \
	'^vm0: powered off$'
expect_line "$c" '^gdb\| check: threads 2$'
expect_line "$c" '^gdb\| Thread 2 hit Breakpoint 1, gdbt_target \(index=1\)'
expect_line "$c" '^gdb\| check: stopped in thread 2$'
expect_line "$c" '^gdb\| 0x[0-9a-f]+ in guest_ap_main \(index=1\) at tests/guests/gdbtest/main.c:[0-9]+$'
expect_line "$c" '^gdb\| check: watched 42 after the finish$'
expect_line "$c" '^gdb\| \[Inferior 1 \(Remote target\) detached\]$'
expect_count "$c" '^vm0: gdbtest: vCPU 1 got value 21$' 1
expect_no_line "$c" '(PANIC|design rule|did not answer|stopped: |lines dropped)'
expect_no_line "$c" '^gdb\| .*(Remote connection closed|Ignoring packet error|not responding|error|Error)'

# Ctrl-a g for another VM than vm0: hello on vm0 (cpu0-1), gdbtest on vm1 (cpu2-3); Ctrl-a c
# moves input to vm1's COM1, then Ctrl-a g gives the line to GDB for vm1, whose vCPUs are all
# on other CPUs than the stub's (CPU 0). GDB's threads are vm1's vCPUs; the breakpoint is hit on
# vm1's vCPU 1 and the detach leaves input with vm1. vm1 runs on while CPU 0 gives the line
# back, so its lines after the detach may come (held) before the "console's again" line.
c=bochs-gdb-console-vm1
boot_case "$c" --hv-args "on_exit=poweroff vm.mem=16 vm1.cpus=2-3 vm1.mem=16" \
	--guest "$HV_BUILD/guests/hello.elf" --module "$elf:vm=1" \
	--emulator bochs --mem 256 --cpus 4 --timeout 300 \
	--gdb-script "$HV_ROOT/tests/system/data/gdb-console.gdb" --gdb-elf "$elf" \
	--gdb-console 'vm1: gdbtest: waiting for GDB' --gdb-keys '\001c\001g'
expect_in_order "$c" '^vm1: gdbtest: waiting for GDB to set gdbt_armed$' \
	"^hv: console input now goes to vm1's COM1$" \
	"^gdb: console line is GDB's for vm1 until detach; Ctrl-a g was pressed$" \
	"^gdb-relay: GDB's session on the console line ended$" \
	'^gdb: attached to vm1 \(2 vCPUs\)$' \
	'^vm1: gdbtest: vCPU 1 got value 21$' \
	'^gdb: detached from vm1 \(2 vCPUs\)$' \
	'^vm1: gdbtest: armed by GDB; gdbt_watched 42$' \
	'^vm1: powered off$' '^hv: every VM has ended$'
expect_in_order "$c" '^gdb: detached from vm1 \(2 vCPUs\)$' \
	"^gdb: console line is the console's again; input goes to vm1's COM1$" '^hv: power off$'
expect_line "$c" '^vm0: powered off$'
expect_line "$c" '^gdb\| check: threads 2$'
expect_line "$c" '^gdb\| Thread 2 hit Breakpoint 1, gdbt_target \(index=1\)'
expect_line "$c" '^gdb\| check: watched 42 after the finish$'
expect_line "$c" '^gdb\| \[Inferior 1 \(Remote target\) detached\]$'
expect_no_line "$c" '^gdb: .*vm0'
expect_no_line "$c" '(PANIC|design rule|did not answer|stopped: |lines dropped)'
expect_no_line "$c" '^gdb\| .*(Remote connection closed|Ignoring packet error|not responding|error|Error)'

# vm0 powers off while GDB has the console's line and waits in `continue`: GDB gets its W stop
# reply on that line, then the line is the console's again and the held lines come.
c=bochs-gdb-console-end
gdbtest_case "$c" console gdb-end.gdb
expect_in_order "$c" "^gdb: console line is GDB's for vm0 until detach; Ctrl-a g was pressed$" \
	"^gdb-relay: GDB's session on the console line ended$" \
	'^gdb: attached to vm0 \(2 vCPUs\)$' \
	'^vm0: gdbtest: armed by GDB; gdbt_watched 10$' '^vm0: powered off$' \
	"^gdb: console line is the console's again; input goes to the guest's COM1$" \
	'^hv: power off$'
expect_line "$c" '^gdb\| vm0: powered off$'
expect_line "$c" '^gdb\| \[Inferior 1 \(Remote target\) exited normally\]$'
expect_line "$c" '^gdb\| check: after the end$'
expect_no_line "$c" '(PANIC|design rule|did not answer|stopped: |lines dropped)'

# kill on the console's line: the VM stops (on_exit=poweroff then ends the machine), and the line
# goes back to the console after GDB's reply.
c=bochs-gdb-console-kill
gdbtest_case "$c" console gdb-kill.gdb
expect_in_order "$c" "^gdb: console line is GDB's for vm0 until detach; Ctrl-a g was pressed$" \
	"^gdb-relay: GDB's session on the console line ended$" \
	'^gdb: attached to vm0 \(2 vCPUs\)$' '^vm0: stopped: killed by GDB$' \
	"^gdb: console line is the console's again; input goes to the guest's COM1$" \
	'^hv: power off$'
expect_line "$c" '^gdb\| check: threads 2 before the kill$'
expect_line "$c" '^gdb\| \[Inferior 1 \(Remote target\) killed\]$'
expect_line "$c" '^gdb\| check: after the kill$'
expect_no_line "$c" '^vm0: gdbtest: armed by GDB'
expect_no_line "$c" '(PANIC|design rule|did not answer|lines dropped)'
finish_cases
