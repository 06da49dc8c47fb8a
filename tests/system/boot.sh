#!/usr/bin/env bash
# tests/system/boot.sh: the boot foundation, booted for real: Bochs (the VMX reference here) and
# QEMU with SeaBIOS (machine pc) and OVMF (UEFI, q35), 1 and 4 CPUs. Each case checks that every
# CPU came up, that ACPI's MADT and the memory map were read, and that the hypervisor powered the
# machine off cleanly. Run by scripts/test-all (or alone: bash tests/system/boot.sh).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

# boot_checks NAME CPUS MEM_MIB MAP: what every boot must show.
boot_checks() {
	local name=$1 cpus=$2 mib=$3 map=$4
	expect_line "$name" "^cpus: $cpus of $cpus online\$"
	expect_line "$name" "^acpi: MADT: $cpus usable CPUs,"
	# Firmware, GRUB and the holes below 1 MiB take some RAM, never more than 30 %.
	expect_number_between "$name" '^mem: usable RAM (\d+) KiB in \d+ ranges$' \
		$((mib * 1024 * 70 / 100)) $((mib * 1024))
	expect_line "$name" "^mem: map from $map\\b"
	expect_line "$name" '^hv: power off$'
	expect_no_line "$name" '(PANIC|EXCEPTION|assertion)'
}

# Bochs: BIOS only, 128 MiB. It runs its CPUs in turn on one host thread, so every emulated CPU
# that spins costs time; its guest time is deterministic (see scripts/boot).
for n in 1 4; do
	boot_case "bochs-${n}cpu" --hv-args "on_exit=poweroff" --emulator bochs \
		--model corei7_skylake_x --cpus "$n" --mem 128 --timeout 90
	boot_checks "bochs-${n}cpu" "$n" 128 e820
done

for n in 1 4; do
	boot_case "qemu-bios-${n}cpu" --hv-args "on_exit=poweroff" --emulator qemu \
		--firmware bios --machine pc --cpus "$n" --mem 256 --timeout 45
	boot_checks "qemu-bios-${n}cpu" "$n" 256 e820
done

# Under UEFI, GRUB hands over both the EFI memory map and an e820-style one: either is fine.
for n in 1 4; do
	boot_case "qemu-uefi-${n}cpu" --hv-args "on_exit=poweroff" --emulator qemu \
		--firmware uefi --machine q35 --cpus "$n" --mem 256 --timeout 60
	boot_checks "qemu-uefi-${n}cpu" "$n" 256 '(e820|EFI)'
done

finish_cases
