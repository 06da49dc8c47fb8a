#!/usr/bin/env bash
# tests/system/bench.sh: the benchmark guest as a smoke test. Only the counts that are exact by
# design are asserted, never timings (those are make bench's): with full APIC virtualization, TPR
# writes, EOIs and register reads in x2APIC mode cause no VM exit at all, a self-IPI exactly one (its
# send: vmx/msr_policy.c says why SELF IPI writes exit), and an IPI to a running vCPU costs it exactly one exit (the kick: no Bochs model has posted interrupts); without
# virtual-interrupt delivery every EOI exits, and an IPI costs the target two (kick, EOI).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

bench=$HV_BUILD/guests/bench.elf
bochs=(--emulator bochs --mem 128 --timeout 120 --cpus 2)

count() { expect_line "$1" "^vm0: bench: $2: $3\$"; }

c='bench-smoke-full'
boot_case "$c" --hv-args "on_exit=poweroff vm.mem=16" --guest "$bench" "${bochs[@]}"
count "$c" 'exits per 1000 x2APIC TPR writes' 0
count "$c" 'exits per 1000 x2APIC EOIs' 0
count "$c" 'exits per 1000 x2APIC self-IPIs \(handled, with EOI\)' 1000
count "$c" 'x2APIC self-IPIs handled' 1000
count "$c" 'exits per 1000 x2APIC register reads' 0
count "$c" 'exits per 1000 xAPIC TPR writes' 0
count "$c" 'exits per 1000 xAPIC EOIs' 0
count "$c" 'target exits per 1000 IPIs, target running' 1000
expect_line "$c" '^vm0: powered off$'
expect_no_line "$c" '(PANIC|design rule|stopped:)'

c='bench-smoke-novid'
boot_case "$c" --hv-args "on_exit=poweroff vm.mem=16 apicv=novid" --guest "$bench" "${bochs[@]}"
count "$c" 'exits per 1000 x2APIC TPR writes' 0
count "$c" 'exits per 1000 x2APIC EOIs' 1000
count "$c" 'x2APIC self-IPIs handled' 1000
count "$c" 'target exits per 1000 IPIs, target running' 2000
expect_line "$c" '^vm0: powered off$'
expect_no_line "$c" '(PANIC|design rule|stopped:)'

finish_cases
