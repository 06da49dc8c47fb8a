#!/usr/bin/env bash
# tests/system/apic.sh: the virtual local APIC, through the APIC test guest
# (build/guests/apictest.elf, tests/guests/apictest/): INIT-SIPI-SIPI, IA32_APIC_BASE, the x2APIC MSRs,
# IPIs, the timer and exit counts, on 4 vCPUs in Bochs. Each case boots the whole guest once under
# one APIC virtualization configuration (an apicv= mask, or a Bochs CPU model with fewer VMX
# features) and wants every check to pass; the exit counts the guest prints are judged per case
# from the table below. A 4-CPU boot takes about 25 s here.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

# The cases: NAME | extra hypervisor arguments | Bochs CPU model. Then the exit counts they want:
# CASE | MEASUREMENT=WANT, any number of lines per case. MEASUREMENT is as the guest prints it in
# "apictest: exits per 1000 MEASUREMENT: N" (x2APIC TPR writes, x2APIC self-IPIs, x2APIC register
# reads, xAPIC TPR writes, xAPIC EOIs, xAPIC register reads); WANT is a number, or '+' for any
# number above 0. A measurement not listed for a case is not judged.
APIC_CASES=(
	"apic-full      |             | corei7_skylake_x"
	"apic-nopi      | apicv=nopi  | corei7_skylake_x"
	"apic-novid     | apicv=novid | corei7_skylake_x"
	"apic-noreg     | apicv=noreg | corei7_skylake_x"
	"apic-nox2v     | apicv=nox2v | corei7_skylake_x"
	"apic-notpr     | apicv=notpr | corei7_skylake_x"
	"apic-sandy     |             | corei7_sandy_bridge_2600k"
	"apic-haswell   |             | corei7_haswell_4770"
	"apic-tigerlake |             | tigerlake"
	"apic-deadline  | host_timer=deadline | corei7_skylake_x"
	"apic-nopreempt | apicv=nopreempt host_timer=deadline | corei7_skylake_x"
)
APIC_EXITS=(
	"apic-full      | x2APIC TPR writes=0"
	"apic-full      | x2APIC self-IPIs=0"
	"apic-full      | x2APIC register reads=0"
	"apic-full      | xAPIC TPR writes=0"
	"apic-novid     | x2APIC TPR writes=0"
	"apic-novid     | x2APIC self-IPIs=+"
	"apic-novid     | xAPIC EOIs=2000"
	"apic-nox2v     | x2APIC TPR writes=1000"
	"apic-nox2v     | x2APIC self-IPIs=2000"
	"apic-nox2v     | x2APIC register reads=1000"
	"apic-nox2v     | xAPIC TPR writes=0"
	"apic-notpr     | x2APIC TPR writes=1000"
	"apic-notpr     | xAPIC TPR writes=1000"
	"apic-notpr     | xAPIC register reads=1000"
	"apic-sandy     | x2APIC TPR writes=0"
	"apic-sandy     | x2APIC self-IPIs=2000"
	"apic-sandy     | xAPIC EOIs=2000"
	"apic-haswell   | x2APIC self-IPIs=0"
	"apic-tigerlake | x2APIC self-IPIs=0"
)

apictest=$HV_BUILD/guests/apictest.elf
bochs=(--emulator bochs --mem 128 --cpus 4 --timeout 300)
hv="on_exit=poweroff vm.mem=16"

trim() {
	local s=$1
	s=${s#"${s%%[![:space:]]*}"}
	printf '%s' "${s%"${s##*[![:space:]]}"}"
}

# The host timer each case wants, and so how a CPU waits while its vCPU halts on its APIC timer
# (every vCPU does, in timer.halt): "deadline", HLT until the host timer wakes it, never a TSC
# poll; "errata", the periodic timer and TSC polls because the model's signature is one the
# TSC-deadline errata name and Bochs reports microcode 0. Without the VMX-preemption timer
# (apic-nopreempt) the host timer also ends guest time when the APIC timer is due, which the
# guest's timer.* checks see. Cases not listed are not judged.
APIC_TIMER=(
	"apic-full      | errata"
	"apic-haswell   | errata"
	"apic-sandy     | deadline"
	"apic-tigerlake | deadline"
	"apic-deadline  | deadline"
	"apic-nopreempt | deadline"
)

# expect_idle CASE: the host timer's mode and how each vCPU's CPU waited (its last lines).
expect_idle() {
	local c=$1 line name want k re
	for line in "${APIC_TIMER[@]}"; do
		IFS='|' read -r name want <<<"$line"
		[[ $(trim "$name") == "$c" ]] || continue
		want=$(trim "$want")
		if [[ $want == deadline ]]; then
			expect_line "$c" '^lapic: timer in TSC-deadline mode'
		else
			expect_line "$c" '^lapic: this CPU needs microcode 0x[0-9a-f]+ or later'
			expect_line "$c" '^lapic: timer in periodic mode \(the CPU.s microcode is too old'
		fi
		for k in 0 1 2 3; do
			re="^vm0: vCPU $k: its CPU slept"
			if [[ $want == deadline ]]; then
				expect_line "$c" "$re [1-9]\\d* times, polled the TSC 0 times\$"
			else
				expect_line "$c" "$re \\d+ times, polled the TSC [1-9]\\d* times\$"
			fi
		done
	done
}

# expect_exits CASE: one assertion per APIC_EXITS line of that case.
expect_exits() {
	local c=$1 line name item what want re
	for line in "${APIC_EXITS[@]}"; do
		IFS='|' read -r name item <<<"$line"
		[[ $(trim "$name") == "$c" ]] || continue
		what=$(trim "${item%%=*}")
		want=$(trim "${item#*=}")
		re="^vm0: apictest: exits per 1000 ${what//-/\\-}: "
		if [[ $want == + ]]; then
			expect_line "$c" "${re}[1-9]\\d*\$"
		else
			expect_line "$c" "${re}${want}\$"
		fi
	done
}

for line in "${APIC_CASES[@]}"; do
	IFS='|' read -r name args model <<<"$line"
	name=$(trim "$name")
	args=$(trim "$args")
	model=$(trim "$model")
	boot_case "$name" --hv-args "$hv${args:+ $args}" --guest "$apictest" "${bochs[@]}" \
		--model "$model"
	expect_guest_passed "$name" apictest
	expect_no_line "$name" '^vm0: apictest: (FAIL|unexpected)'
	expect_no_line "$name" '(PANIC|EXCEPTION|design rule|vm0: stopped)'
	expect_line "$name" '^vm0: powered off$'
	expect_line "$name" '^hv: power off$'
	expect_exits "$name"
	expect_idle "$name"
done

finish_cases
