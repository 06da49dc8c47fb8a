#!/usr/bin/env bash
# tests/system/badinput.sh: bad hypervisor command lines (QEMU, SeaBIOS, 1 CPU). Each one must be
# named in a clear message and ignored, and the hypervisor must still boot and power off.
# Run by scripts/test-all (or alone: bash tests/system/badinput.sh).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

# bad_case NAME "HV_ARGS" REGEX: boots with those arguments, expects REGEX and a clean power-off.
bad_case() {
	boot_case "$1" --hv-args "$2" --emulator qemu --firmware bios --machine pc --cpus 1 \
		--mem 256 --timeout 45
	expect_line "$1" "$3"
	expect_line "$1" '^hv: power off$'
	expect_no_line "$1" '(PANIC|EXCEPTION|assertion)'
}

bad_case unknown-option "on_exit=poweroff frobnicate=1" \
	'^cmdline: unknown option "frobnicate=1" ignored$'
bad_case bad-console "on_exit=poweroff console=bogus" '^console: .*bogus'
bad_case bad-loglevel "on_exit=poweroff loglevel=shouty" '^cmdline: bad value "shouty" for loglevel'
# A bad VM option is a configuration error: named, and no VM starts (README, "Several VMs").
bad_case bad-vm-cpus "on_exit=poweroff vm.cpus=zero" '^vm: bad value in "vm.cpus=zero" \(cpus=LIST'
bad_case console-no-uart "on_exit=poweroff console=com2" '^console: no UART answers at I/O port 0x2f8'

# No ACPI at all (QEMU -no-acpi): no RSDP from GRUB or in the BIOS areas. The hypervisor says so
# and runs on the boot CPU alone, even though the machine has two.
boot_case no-acpi --hv-args "on_exit=poweroff" --emulator qemu --firmware bios --machine pc \
	--cpus 2 --mem 256 --timeout 45 -- -no-acpi
expect_line no-acpi '^acpi: no RSDP from the boot loader or in the BIOS areas; running on the boot CPU only$'
expect_line no-acpi '^cpus: 1 of 1 online$'
expect_no_line no-acpi '(PANIC|EXCEPTION|assertion)'

finish_cases
