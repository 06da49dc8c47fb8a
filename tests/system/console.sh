#!/usr/bin/env bash
# tests/system/console.sh: a console where there is no COM1. QEMU q35 whose only UART is a PCI
# serial card (pci-serial, 1b36:0002, no legacy COM1 at all): the hypervisor finds it by itself
# (no SPCR table on QEMU x86, so the PCI scan), replays what it logged before, and carries on; the
# same card named with console=pci:00:02.0; console= values that name nothing usable, on a
# machine with COM1, which must say why and stay on COM1; the log mirrored on a framebuffer; and
# the output buffer in Bochs on 4 CPUs (the whole log in order, a panic's report to the end).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

qemu=(--emulator qemu --firmware bios --machine q35 --cpus 2 --mem 256 --timeout 60)

c='qemu-pci-serial-found'
boot_case "$c" --hv-args "on_exit=poweroff" "${qemu[@]}" --pci-serial
expect_line "$c" '^hv: microhypervisor starting$'
expect_line "$c" '^console: SPCR: no SPCR table$'
expect_line "$c" '^console: now on I/O port 0x[0-9a-f]+ \(PCI 00:02\.0 1b36:0002\), rate set$'
expect_line "$c" '^cpus: 2 of 2 online$'
expect_line "$c" '^hv: power off$'

c='qemu-pci-serial-named'
boot_case "$c" --hv-args "on_exit=poweroff console=pci:00:02.0,115200" "${qemu[@]}" --pci-serial
expect_line "$c" '^console: now on I/O port 0x[0-9a-f]+ \(PCI 00:02\.0 1b36:0002\), rate set$'
expect_no_line "$c" 'SPCR'
expect_line "$c" '^hv: power off$'

c='qemu-console-names-nothing'
boot_case "$c" --hv-args "on_exit=poweroff console=pci:00:1f.7" "${qemu[@]}"
expect_line "$c" '^console: PCI serial controller: '
expect_no_line "$c" '^console: now on'
expect_line "$c" '^hv: power off$'

c='qemu-console-mmio-nothing'
boot_case "$c" --hv-args "on_exit=poweroff console=mmio:0xfe030000" "${qemu[@]}"
expect_line "$c" '^console: no UART answers at MMIO 0xfe030000 .*\(console=\); staying on I/O port 0x3f8$'
expect_line "$c" '^hv: power off$'

# The log on the screen: OVMF's GRUB hands over a direct-color framebuffer, SeaBIOS's GRUB an EGA
# text one, which the renderer does not draw on (and says so).
c='qemu-uefi-fbcon'
boot_case "$c" --hv-args "on_exit=poweroff fbcon=on" --emulator qemu --firmware uefi --machine q35 \
	--cpus 1 --mem 256 --timeout 90
expect_line "$c" '^console: mirrored on the \d+x\d+x(16|24|32) framebuffer at 0x[0-9a-f]+$'
expect_line "$c" '^hv: power off$'
c='qemu-bios-fbcon-text'
boot_case "$c" --hv-args "on_exit=poweroff fbcon=on" "${qemu[@]}"
expect_line "$c" '^console: not mirrored on the framebuffer: it is not a direct-color \(RGB\) framebuffer$'
expect_line "$c" '^hv: power off$'

# The console's buffer (lib/logbuf.h) in Bochs on 4 CPUs: the whole log, in order, nothing
# dropped, although no CPU waits for the line while it logs; and a panic's report, which comes
# after the buffered lines and before the power-off, whose flush writes it to the last line.
bochs=(--emulator bochs --mem 128 --timeout 120 --cpus 4)
c='bochs-console-order-4cpu'
boot_case "$c" --hv-args "on_exit=poweroff vm.mem=16" --guest "$HV_BUILD/guests/hello.elf" "${bochs[@]}"
expect_in_order "$c" '^hv: microhypervisor starting$' '^boot: loaded by ' '^time: TSC runs at' \
	'^mem: usable RAM' '^acpi: MADT: 4 usable CPUs' '^smp: cpu1 online' '^smp: cpu3 online' \
	'^vmx: root mode on cpu 3$' '^mem: the hypervisor takes \d+ KiB' '^vm0: built in \d+ TSC ticks' \
	'^vm0: vCPU 0: first VM entry' '^vm0: hello: all 4 vCPUs said hello$' '^vm0: powered off$' \
	'^vm0: vCPU 3: its CPU slept' '^hv: power off$'
expect_count "$c" '^vm0: vCPU \d: first VM entry \d+ TSC ticks after the first instruction$' 4
expect_count "$c" '^vm0: hello: vCPU \d of 4 \(APIC id \d\)$' 4
expect_no_line "$c" 'lines dropped'
c='bochs-console-panic-4cpu'
boot_case "$c" --hv-args "on_exit=poweroff crash=panic" "${bochs[@]}"
expect_in_order "$c" '^cpus: 4 of 4 online$' '^hv: crash=panic requested: faulting on purpose$' \
	'^PANIC on cpu0: crash=panic requested$' '^  backtrace: 0x[0-9a-f]+ trap_selftest\+' \
	'^ {13}0x[0-9a-f]+ kmain\+0x[0-9a-f]+$' '^hv: sent NMI to stop the other CPUs$' '^hv: power off$'
expect_count "$c" '^cpu[123]: stopped \(hypervisor RIP 0x[0-9a-f]+\)$' 3

finish_cases
