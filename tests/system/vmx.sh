#!/usr/bin/env bash
# tests/system/vmx.sh: the hypervisor proper, in Bochs (the only VMX machine here): every CPU in
# VMX root operation, the default guest on 1 and 4 vCPUs, the test guest's suites (CPUID, MSR and
# port policies, HLT wake-up, hypercalls, no hypervisor memory in the guest), guests that fault or
# misbehave (stopped and explained, the hypervisor stays up), CPUs that cannot run it (Bochs' Penryn
# without EPT, the AMD model) and QEMU without KVM (no VMX: a clear message and a clean power-off).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

hello=$HV_BUILD/guests/hello.elf
vmtest=$HV_BUILD/guests/vmtest.elf
bochs=(--emulator bochs --mem 128 --timeout 120)
hv="on_exit=poweroff vm.mem=16"

no_fault_lines() {
	expect_no_line "$1" '(PANIC|EXCEPTION|design rule)'
	expect_line "$1" '^hv: power off$'
}

for n in 1 4; do
	c=bochs-hello-${n}cpu
	boot_case "$c" --hv-args "$hv" --guest "$hello" "${bochs[@]}" --cpus "$n"
	expect_count "$c" '^vmx: root mode on cpu \d+$' "$n"
	expect_count "$c" '^vm0: vCPU \d+: first VM entry \d+ TSC ticks' "$n"
	expect_line "$c" "^vm0: hello: all $n vCPUs said hello\$"
	expect_line "$c" '^vm0: powered off$'
	no_fault_lines "$c"
done

# vm.cpus= takes fewer vCPUs than CPUs: the VM and its MADT have 2, the machine 4.
c='bochs-vm-cpus-2-of-4'
boot_case "$c" --hv-args "$hv vm.cpus=2" --guest "$hello" "${bochs[@]}" --cpus 4
expect_count "$c" '^vmx: root mode on cpu \d+$' 4
expect_line "$c" '^vm0: 2 vCPUs, 16 MiB RAM'
expect_line "$c" '^vm0: hello: all 2 vCPUs said hello$'
no_fault_lines "$c"

# A CPU that failed VMXON gets no vCPU (crash=vmxon-cpu1 takes VMXON's failure path on CPU 1):
# the VM's three vCPUs run on CPUs 0, 2 and 3, and the guest sees three.
c='bochs-vmxon-failed-cpu1'
boot_case "$c" --hv-args "$hv crash=vmxon-cpu1" --guest "$hello" "${bochs[@]}" --cpus 4
expect_count "$c" '^vmx: root mode on cpu \d+$' 3
expect_no_line "$c" '^vmx: root mode on cpu 1$'
expect_line "$c" '^vm0: cpu1 is not in VMX root operation: it runs no vCPU$'
expect_line "$c" '^vm0: vCPU 1 on cpu2$'
expect_line "$c" '^vm0: vCPU 2 on cpu3$'
expect_line "$c" '^vm0: 3 vCPUs, 16 MiB RAM'
expect_line "$c" '^vm0: hello: all 3 vCPUs said hello$'
no_fault_lines "$c"

c='bochs-vmtest-4cpu'
boot_case "$c" --hv-args "$hv" --guest "$vmtest" --guest-args "test=all" "${bochs[@]}" --cpus 4
expect_guest_passed "$c" vmtest
expect_no_line "$c" '^vm0: vmtest: FAIL'
expect_line "$c" '^vm0: powered off$'
no_fault_lines "$c"

# The suites for the code that runs on VM exits (issue 12): each boots the test guest with one
# suite and needs at least one passed check, no failed one, and a clean power-off.
vmtest_case() { # NAME CPUS SUITE [HV-ARGS...]
	local c=$1 n=$2 suite=$3
	shift 3
	boot_case "$c" --hv-args "$hv $*" --guest "$vmtest" --guest-args "test=$suite" \
		"${bochs[@]}" --cpus "$n"
	expect_guest_passed "$c" vmtest
	expect_no_line "$c" '^vm0: vmtest: FAIL'
	expect_line "$c" '^vm0: powered off$'
	no_fault_lines "$c"
}
# At loglevel=debug the hypervisor says why each impossible XCR0 was refused (the guest got #GP).
vmtest_case bochs-vmtest-xsetbv 4 xsetbv loglevel=debug
expect_line bochs-vmtest-xsetbv '^vm0: vCPU [0-3]: XSETBV XCR0 0x[0-9a-f]+ refused \(x87 clear\) -> #GP$'
expect_line bochs-vmtest-xsetbv '^vm0: vCPU [0-3]: XSETBV XCR0 0x[0-9a-f]+ refused \(AVX without SSE\) -> #GP$'
# The I/O APIC end to end (level delivery, remote IRR, EOI), with and without virtual-interrupt
# delivery (the EOI-exit bitmap, or EOI exits); its bad entries (a reserved delivery mode, a
# vector below 16) get what the hardware does, and at loglevel=debug the hypervisor says so.
vmtest_case bochs-vmtest-ioapic 2 ioapic vm.testdev=on loglevel=debug
expect_line bochs-vmtest-ioapic '^ioapic: pin 14: reserved delivery mode 3: nothing is sent$'
expect_line bochs-vmtest-ioapic '^ioapic: pin 14: vector 5 is below 16: the local APIC will report an illegal vector$'
vmtest_case bochs-vmtest-ioapic-apicv-off 2 ioapic vm.testdev=on apicv=off
vmtest_case bochs-vmtest-xsetbv-apicv-off 4 xsetbv apicv=off
vmtest_case bochs-vmtest-cpl3 4 cpl3
vmtest_case bochs-vmtest-cpl3-apicv-off 4 cpl3 apicv=off
vmtest_case bochs-vmtest-pae 1 pae
vmtest_case bochs-vmtest-longmode 1 longmode
vmtest_case bochs-vmtest-longmode-notpr 1 longmode apicv=notpr
vmtest_case bochs-vmtest-longmode-apicv-off 1 longmode apicv=off

# The hostile guest (tests/guests/vmtest/chaos.c): every vCPU runs a seeded stream of intercepted
# privileged instructions of every kind, XSETBV included, with full APIC virtualization and
# without any; the guest must survive with its own state intact and the hypervisor untouched.
chaos_args="test=chaos seed=1 ops=1500"
for c in bochs-chaos-4cpu bochs-chaos-4cpu-apicv-off; do
	a=$hv
	[[ $c == *apicv-off ]] && a="$hv apicv=off"
	boot_case "$c" --hv-args "$a" --guest "$vmtest" --guest-args "$chaos_args" "${bochs[@]}" --cpus 4
	expect_line "$c" '^vm0: vmtest: test=chaos seed=1 ops=1500 kinds=all$'
	expect_count "$c" '^vm0: vmtest: chaos: vCPU \d+: 1500 ops, ' 4
	expect_guest_passed "$c" vmtest
	expect_no_line "$c" '^vm0: vmtest: (FAIL|unexpected)'
	expect_no_line "$c" '^vm0: stopped'
	expect_line "$c" '^vm0: powered off$'
	no_fault_lines "$c"
done

# The design rule's checked writers fire for real: crash=design-rule makes CPU 0, after vCPU 0's
# first exit, write vCPU 1's MSR bitmap, which only CPU 1 may do; the report shows vCPU 0's VMCS.
c='bochs-design-rule-caught'
boot_case "$c" --hv-args "$hv crash=design-rule" --guest "$hello" "${bochs[@]}" --cpus 2
expect_line "$c" '^PANIC on cpu0: design rule broken: the MSR bitmap of vm0 vCPU 1 written from a CPU that does not own the vCPU \(on cpu0, owner cpu1\)$'
expect_line "$c" '^cpu1: stopped \(hypervisor RIP 0x[0-9a-f]+\)$'
expect_line "$c" '^  on this CPU: vm0 vCPU 0, last exit \w+, in root mode$'
expect_line "$c" '^  VMCS_GUEST_RIP +0x[0-9a-f]+$'
expect_no_line "$c" 'the write was not caught'
expect_line "$c" '^hv: power off$'

# vm.apic=: every vCPU starts in x2APIC mode; locked, it reports the lock and cannot leave.
c='bochs-vm-apic-x2apic'
boot_case "$c" --hv-args "$hv vm.apic=x2apic" --guest "$vmtest" --guest-args "test=apicstart" "${bochs[@]}" --cpus 2
expect_guest_passed "$c" vmtest
no_fault_lines "$c"
c='bochs-vm-apic-x2apic-locked'
boot_case "$c" --hv-args "$hv vm.apic=x2apic-locked" --guest "$vmtest" --guest-args "test=apicstart locked=1" "${bochs[@]}" --cpus 2
expect_guest_passed "$c" vmtest
expect_line "$c" 'IA32_APIC_BASE .*refused \(the x2APIC is locked'
no_fault_lines "$c"

# Guests that end badly: the VM is stopped with the reason, the hypervisor powers off cleanly.
c='bochs-triple-fault'
boot_case "$c" --hv-args "$hv" --guest "$vmtest" --guest-args "test=triplefault" "${bochs[@]}" --cpus 2
expect_line "$c" '^vm0: stopped: triple fault on vCPU 0 at RIP 0x[0-9a-f]+'
no_fault_lines "$c"

c='bochs-task-switch'
boot_case "$c" --hv-args "$hv" --guest "$vmtest" --guest-args "test=taskswitch" "${bochs[@]}" --cpus 1
expect_line "$c" '^vm0: stopped: vCPU 0: a hardware task switch by JMP to TSS selector 0x18 at RIP 0x[0-9a-f]+, which this hypervisor does not emulate$'
no_fault_lines "$c"

c='bochs-ept-outside'
boot_case "$c" --hv-args "$hv" --guest "$vmtest" --guest-args "test=ept-outside" "${bochs[@]}" --cpus 1
expect_line "$c" '^vm0: stopped: EPT violation: vCPU 0 read at guest-physical 0xc0000000 '
no_fault_lines "$c"

# A reset starts the VM again from its modules, its RAM cleared (the guest marks a word before it
# resets, and must not find it in its next life; it resets again and vm.restarts=1 stops it
# after the second), on 2 vCPUs (vCPU 1 waits for a start in both runs).
c='bochs-guest-reset'
boot_case "$c" --hv-args "$hv vm.restarts=1" --guest "$vmtest" --guest-args "test=reset" \
	"${bochs[@]}" --cpus 2
expect_count "$c" '^vm0: reset$' 2
expect_count "$c" 'writing 0x6 to port 0xcf9 \(reset\) next$' 2
expect_count "$c" 'no mark of a previous life at 0xa00000$' 2 # its RAM cleared by the reset
expect_no_line "$c" 'FAIL'
expect_count "$c" '^vm0: vCPU 0: first VM entry ' 2
expect_line "$c" '^vm0: restarting from its modules \(restart 1\)$'
expect_line "$c" '^vm0: not restarted: vm.restarts=1 reached$'
no_fault_lines "$c"

c='bochs-halt-forever'
boot_case "$c" --hv-args "$hv" --guest "$vmtest" --guest-args "test=halt-forever" "${bochs[@]}" --cpus 2
expect_line "$c" '^vm0: stopped: every vCPU halted with interrupts disabled'
no_fault_lines "$c"

c='bochs-not-a-kernel'
boot_case "$c" --hv-args "$hv" --guest "$HV_ROOT/tests/system/data/not-a-kernel.txt" "${bochs[@]}" --cpus 1
expect_line "$c" '^guest: not a kernel this loader knows: no multiboot or multiboot2 header in the first 32 KiB, no Linux bzImage header, no ELF PVH entry note$'
expect_line "$c" '^vm0: not started$'
no_fault_lines "$c"

# CPUs that cannot run the hypervisor: refused by name, then a clean power-off.
c='bochs-penryn-no-ept'
boot_case "$c" --hv-args "$hv" --guest "$hello" "${bochs[@]}" --cpus 1 --model core2_penryn_t9600
expect_line "$c" '^vmx: the CPU lacks the required control .*EPT'
expect_line "$c" '^vmx: the CPU lacks the required control .*unrestricted guest'
expect_no_line "$c" '^vm0: '
no_fault_lines "$c"

c='bochs-amd-no-vmx'
boot_case "$c" --hv-args "$hv" --guest "$hello" "${bochs[@]}" --cpus 1 --model ryzen
expect_line "$c" '^vmx: this is an AMD CPU'
no_fault_lines "$c"

c=qemu-tcg-no-vmx
boot_case "$c" --hv-args "$hv" --guest "$hello" --emulator qemu --firmware bios --machine pc \
	--cpus 2 --mem 256 --timeout 45
expect_line "$c" '^vmx: running in QEMU without KVM \(TCG\), which does not emulate VMX: run QEMU with -enable-kvm -cpu host'
no_fault_lines "$c"

finish_cases
