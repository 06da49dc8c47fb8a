#!/usr/bin/env bash
# tests/system/multivm.sh: several VMs side by side on 4 CPUs in Bochs (README, "Several VMs"):
# each on its own CPUs and RAM, its COM1 lines tagged with its name; one that triple-faults or
# reads past its own RAM stops alone while the others run on; IPIs to APIC ids a VM does not have
# are dropped and counted; on_exit= applies when the last VM has ended; a configuration that
# cannot be met starts no VM at all.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

vmtest=$HV_BUILD/guests/vmtest.elf
apictest=$HV_BUILD/guests/apictest.elf
bochs=(--emulator bochs --mem 256 --cpus 4 --timeout 300)

no_fault_lines() {
	expect_no_line "$1" '(PANIC|EXCEPTION|design rule)'
	expect_line "$1" '^hv: every VM has ended$'
	expect_line "$1" '^hv: power off$'
}

# The APIC test guest on vm0's 2 vCPUs (cpu0-1) beside vmtest on vm1's 2 (cpu2-3), in x2APIC
# mode, which first sends 2 IPIs to APIC ids 2 and 3, which vm1 does not have: both VMs finish.
c=multivm-two
boot_case "$c" --hv-args "on_exit=poweroff vm.mem=16 vm1.cpus=2-3 vm1.mem=16 vm1.apic=x2apic" \
	--guest "$apictest" --module "$vmtest:vm=1 test=ipi-away" "${bochs[@]}"
expect_line "$c" '^vm0: 2 vCPUs, 16 MiB RAM at host'
expect_line "$c" '^vm1: vCPU 0 on cpu2$'
expect_line "$c" '^vm1: vCPU 1 on cpu3$'
expect_line "$c" '^vm1: 2 vCPUs, 16 MiB RAM at host'
expect_line "$c" '^vm1: vCPU 0: IPI to APIC id destination 0x2 dropped: no vCPU of vm1 has it \(1 so far\)$'
expect_line "$c" '^vm1: vCPU 0: IPI to APIC id destination 0x3 dropped: no vCPU of vm1 has it \(2 so far\)$'
expect_line "$c" '^vm1: vmtest: test=ipi-away on 2 vCPUs$'
expect_line "$c" '^vm1: vmtest: 1 passed, 0 failed$'
expect_line "$c" '^vm1: 2 IPIs to APIC ids it does not have were dropped$'
expect_line "$c" '^vm0: apictest: [1-9]\d* passed, 0 failed$'
expect_no_line "$c" '^vm0: vCPU [01]: IPI to APIC id destination'
expect_line "$c" '^vm0: powered off$'
expect_line "$c" '^vm1: powered off$'
no_fault_lines "$c"

# vm0 runs every vmtest suite on cpu0-1 while vm1 (cpu2) triple-faults and vm2 (cpu3) reads the
# first address past its 8 MiB of RAM: each of those stops alone, with its reason, and vm0 passes.
c=multivm-faults
boot_case "$c" --hv-args "on_exit=poweroff vm.mem=16 vm1.cpus=2 vm1.mem=8 vm2.cpus=3 vm2.mem=8" \
	--guest "$vmtest" --module "$vmtest:vm=1 test=triplefault" \
	--module "$vmtest:vm=2 test=ept-past-ram probe=0x800000" "${bochs[@]}"
expect_line "$c" '^vm1: stopped: triple fault on vCPU 0 at RIP 0x[0-9a-f]+'
expect_line "$c" '^vm2: vmtest: reading 0x800000, past this VM.s RAM, next$'
expect_line "$c" '^vm2: stopped: EPT violation: vCPU 0 read at guest-physical 0x800000 '
expect_line "$c" '^vm0: vmtest: [1-9]\d* passed, 0 failed$'
expect_no_line "$c" '^vm0: stopped'
expect_line "$c" '^vm0: powered off$'
no_fault_lines "$c"

# A configuration that cannot be met: a CPU in two VMs. A named error, and no VM starts.
c=multivm-badconfig
boot_case "$c" --hv-args "on_exit=poweroff vm.mem=16 vm0.cpus=0-1 vm1.cpus=1-2" \
	--guest "$vmtest" --module "$vmtest:vm=1" --emulator bochs --mem 128 --cpus 4 --timeout 120
expect_line "$c" '^vm: configuration error: vm1: cpu1 is vm0.s already \(a CPU runs one VM\); no VM is started'
expect_no_line "$c" 'first VM entry'
expect_line "$c" '^hv: power off$'

# The console and the shell with two VMs (vmtest's console suite in each, reading lines from its
# COM1): Ctrl-a c cycles vm0, vm1, the shell; `vms`, `vm 1`, `vcpus`; `stop 1` stops vm1 alone
# and `start 1` starts it again from its modules, `reset 1` restarts it, while vm0 runs on; then
# both quit.
c=multivm-shell
boot_case "$c" --hv-args "on_exit=poweroff vm.mem=16 vm1.cpus=2-3 vm1.mem=16" \
	--guest "$vmtest" --guest-args "test=console" --module "$vmtest:vm=1 test=console" \
	"${bochs[@]}" --serial-script "$HV_ROOT/tests/system/data/multivm-session.txt"
expect_line "$c" '^vm0: vmtest: console: got "hello vm0"$'
expect_line "$c" '^vm1: vmtest: console: got "hello vm1"$'
expect_no_line "$c" '^vm0: vmtest: console: got "hello vm1"'
expect_count "$c" 'console: got "hello vm' 2
expect_line "$c" '^hv: console input now goes to vm1.s COM1$'
expect_line "$c" '^hv: console input now goes to the hypervisor shell$'
expect_line "$c" '^sh: vms: vm0: cpus 0-1, 2 vCPUs, 16 MiB, xapic, running, 0 restarts, 0 IPIs dropped$'
expect_line "$c" '^sh: vms: vm1: cpus 2-3, 2 vCPUs, 16 MiB, xapic, running, 0 restarts, 0 IPIs dropped$'
expect_line "$c" '^sh: vms: vm1: cpus 2-3, 2 vCPUs, 16 MiB, xapic, ended, '
expect_line "$c" '^sh: the vCPU commands now address vm1 \(vCPUs 0..1\)$'
expect_line "$c" '^sh: vCPU 0: cpu2, '
expect_line "$c" '^sh: vCPU 1: cpu3, '
expect_line "$c" '^vm1: stopped: from the shell \(stop vm1\)$'
expect_line "$c" '^vm1: starting again from its modules$'
expect_line "$c" '^vm1: reset$'
expect_line "$c" '^vm1: restarting from its modules \(restart 1\)$'
expect_count "$c" '^vm1: vmtest: console: ready$' 3
expect_line "$c" '^vm0: vmtest: console: got "quit"$'
expect_line "$c" '^vm1: vmtest: console: got "quit"$'
expect_line "$c" '^vm1: powered off$'
no_fault_lines "$c"

finish_cases
