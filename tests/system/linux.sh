#!/usr/bin/env bash
# tests/system/linux.sh: Debian's unmodified Linux (scripts/linux-deps: linux-image-amd64's kernel
# and a busybox initramfs whose /init, scripts/linux-init, checks the machine when the command
# line says linuxtest=CPUS) as the guest, in Bochs: by PVH on 4 vCPUs (the kernel's ELF: no
# self-decompression, the fast way in an emulator), the bzImage by the 64-bit boot protocol on 2
# vCPUs with apicv=off, and PVH on the Sandy Bridge model (no APIC-register virtualization, no
# virtual-interrupt delivery, host without x2APIC). Each checks that Linux found its time from
# CPUID (no PIT, no tsc_early_khz), switched its APICs to x2APIC, ran on every CPU, and what it
# printed; a panicking kernel (panic=-1) resets the VM. With the VM's I/O APIC, COM1 on IRQ 4 and
# its ACPI PM1 blocks, Linux's ACPI interpreter routes its SCI, the 8250 driver finds a 16550A
# on IRQ 4, a line typed on the serial line reaches a shell through the tty, and poweroff -f
# writes S5 ("vm0: powered off").
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

"$HV_ROOT/scripts/linux-deps" >/dev/null || hv_die "scripts/linux-deps failed: no Linux guest"
vmlinuz=$HV_BUILD/linux/vmlinuz
vmlinux=$HV_BUILD/linux/vmlinux
initrd=$HV_BUILD/linux/initrd.gz
bochs=(--emulator bochs --mem 512 --timeout 900)
hv="on_exit=poweroff vm.mem=192"

# What every Linux boot must show: its time from CPUID 0x15 (no calibration against a PIT, which
# the VM does not have, and no refinement later: the frequency is known), the TSC as its
# clocksource, KVM's signature found, no #GP on an MSR it
# reads unchecked, and its own checks passed.
linux_ok() {
	local c=$1 n=$2 x2apic=${3:-switched}
	expect_line "$c" 'vm0: \[ *[0-9.]+\] Hypervisor detected: KVM$'
	# Linux prints "Detected X MHz TSC" only where it differs from the processor's MHz (0x16)
	expect_line "$c" 'vm0: \[ *[0-9.]+\] tsc: Detected [0-9.]+ MHz processor$'
	expect_line "$c" 'vm0: \[ *[0-9.]+\] clocksource: Switched to clocksource tsc$'
	expect_line "$c" 'vm0: \[ *[0-9.]+\] TSC deadline timer available$'
	expect_line "$c" "vm0: \\[ *[0-9.]+\\] smp: Brought up 1 node, $n CPUs?\$"
	if [[ $x2apic == firmware ]]; then
		# vm.apic=x2apic: the firmware's x2APIC kept, never switched (nor turned off)
		expect_line "$c" 'vm0: \[ *[0-9.]+\] x2apic: enabled by BIOS, switching to x2apic ops$'
		expect_no_line "$c" 'vm0: \[ *[0-9.]+\] (x2apic enabled|x2apic: IRQ remapping|x2apic disabled)'
		expect_line "$c" 'linuxtest: dmesg: .*Switched APIC routing to (physical|cluster) x2apic\.$'
	else
		expect_line "$c" 'vm0: \[ *[0-9.]+\] x2apic enabled$'
	fi
	expect_no_line "$c" '(PIT calibration|Fast TSC calibration|Refined TSC clocksource calibration|against PIT|tsc_early_khz|unchecked MSR access)'
	expect_no_line "$c" '(PANIC|EXCEPTION|design rule|vm0: stopped: (?!every vCPU halted))'
	expect_count "$c" "linuxtest: ok: nproc is $n\$" 1
	expect_line "$c" 'linuxtest: [1-9]\d* passed, 0 failed$'
	expect_no_line "$c" 'linuxtest: FAILED'
	# the platform's devices as Linux found them
	expect_line "$c" 'vm0: \[ *[0-9.]+\] ACPI: Interpreter enabled$'
	# the VM's MMIO devices reserved in its memory map (e820 or PVH's, as Linux prints it)
	expect_line "$c" 'BIOS-e820: \[mem 0x00000000fec00000-0x00000000fec00fff\] reserved$'
	expect_line "$c" 'BIOS-e820: \[mem 0x00000000fee00000-0x00000000fee00fff\] reserved$'
	expect_line "$c" 'vm0: \[ *[0-9.]+\] ACPI: Using IOAPIC for interrupt routing$'
	expect_line "$c" 'vm0: \[ *[0-9.]+\] serial8250: ttyS0 at I/O 0x3f8 \(irq = 4, base_baud = 115200\) is a 16550A$'
	expect_line "$c" 'vm0: \[ *[0-9.]+\] rtc_cmos rtc_cmos: setting system clock to 2026-'
	expect_no_line "$c" '(ACPI (Error|Warning|BIOS Error)|No response from Global Lock|Unable to read current time)'
}

# A power-off by ACPI S5, and nothing else stopping the VM.
powered_off() {
	expect_count "$1" '^vm0: powered off$' 1
	expect_no_line "$1" 'vm0: stopped'
}

# Each vCPU switched its own APIC from xAPIC to x2APIC (the hypervisor's debug line, logged by
# the vCPU's own CPU, cpuK for vCPU K, as it takes the WRMSR to IA32_APIC_BASE), and Linux
# says so (the BSP's line; the APs switch in the same code as they come up).
switched_each() {
	local c=$1 n=$2 k
	for ((k = 0; k < n; k++)); do
		expect_count_tagged "$c" "^cpu$k: vm0: vCPU $k: APIC xAPIC -> x2APIC, base 0xfee00000\$" 1
	done
	expect_count "$c" 'vm0: vCPU [0-9]+: APIC xAPIC -> x2APIC' "$n"
	expect_line "$c" 'linuxtest: dmesg: .*Switched APIC routing to (physical|cluster) x2apic\.$'
}

c=linux-pvh-4cpu
boot_case "$c" --hv-args "$hv loglevel=debug" --guest "$vmlinux" \
	--guest-args "console=ttyS0 linuxtest=4 linuxinput=1" "${bochs[@]}" --cpus 4 \
	--module "$initrd" --serial-script "$HV_ROOT/tests/system/data/linux-input.txt"
linux_ok "$c" 4
switched_each "$c" 4
powered_off "$c"
# /init's prompt (no newline after it) showed before anything was typed: the serial script
# waited for it
expect_line "$c" '^vm0: linuxtest> $'
# the typed line reached the shell through the tty, and the shell's answer came back: only
# the shell computes 42 (the tty's echo shows the line as typed)
expect_line "$c" 'vm0: \[ *[0-9.]+\] linuxtest: typed: echo typed\$\(\(6\*7\)\)back$'
expect_line "$c" '^vm0: typed42back$'
expect_line "$c" '^guest: PVH kernel \(ELF with XEN_ELFNOTE_PHYS32_ENTRY\), entry 0x1000850, 1 modules$'

c=linux-bzimage-2cpu-apicv-off
boot_case "$c" --hv-args "$hv apicv=off loglevel=debug vm.restarts=0" --guest "$vmlinuz" \
	--guest-args "console=ttyS0 linuxtest=2 linuxpanic=1 panic=-1" "${bochs[@]}" --cpus 2 \
	--module "$initrd"
linux_ok "$c" 2
switched_each "$c" 2
expect_line "$c" '^guest: Linux bzImage, boot protocol 2\.15, at 0x1000000 '
expect_line "$c" 'Kernel panic - not syncing: sysrq triggered crash'
expect_line "$c" '^vm0: reset$'
expect_line "$c" '^vm0: not restarted: vm.restarts=0 reached$'

# Linux on vm0's 2 vCPUs (cpu0-1) beside the APIC test guest on vm1's 2 (cpu2-3), each with its
# own RAM and devices (README, "Several VMs"): both finish, Linux sees 2 CPUs, and its console
# lines are vm0's while the test guest's are vm1's. vm0 starts in x2APIC mode (vm.apic=x2apic,
# not locked): Linux finds it enabled by firmware and keeps it, while vm1's APICs start in xAPIC
# mode as the apictest guest wants (each VM's own APIC mode).
c=linux-beside-apictest
boot_case "$c" --hv-args "$hv vm.apic=x2apic vm1.cpus=2-3 vm1.mem=16" --guest "$vmlinux" \
	--guest-args "console=ttyS0 linuxtest=2" "${bochs[@]}" --cpus 4 --module "$initrd" \
	--module "$HV_BUILD/guests/apictest.elf:vm=1"
linux_ok "$c" 2 firmware
powered_off "$c"
expect_line "$c" '^vm1: apictest: [1-9]\d* passed, 0 failed$'
expect_line "$c" '^vm1: powered off$'
expect_no_line "$c" '^vm1: stopped'
expect_line "$c" '^hv: every VM has ended$'

# vm.apic=x2apic-locked: every vCPU starts in x2APIC mode, reported locked; Linux finds it
# enabled by firmware and keeps it on each CPU (no vCPU leaves it: the hypervisor's debug line
# for each mode change, and its #GP for a locked one, never appear)
c=linux-pvh-sandy-bridge
boot_case "$c" --hv-args "$hv vm.apic=x2apic-locked loglevel=debug" --guest "$vmlinux" \
	--guest-args "console=ttyS0 linuxtest=2" "${bochs[@]}" --cpus 2 \
	--model corei7_sandy_bridge_2600k --module "$initrd"
linux_ok "$c" 2 firmware
expect_no_line "$c" 'vm0: vCPU [0-9]+: APIC x2APIC ->'
expect_no_line "$c" 'vm0: vCPU [0-9]+: WRMSR IA32_APIC_BASE .* refused'
powered_off "$c"

finish_cases
