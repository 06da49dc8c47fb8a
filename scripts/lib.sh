# scripts/lib.sh: shared bash helpers, sourced (never run) by scripts/* and tests/system/*.sh.
# Part 1: messages, clean-up on exit, temp dirs. Part 2: the system-test API (boot_case, expect_*).
# shellcheck shell=bash

HV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HV_PROG=${HV_PROG:-$(basename "$0")}

hv_say() { printf '%s: %s\n' "$HV_PROG" "$*" >&2; }
hv_die() { hv_say "$*"; exit 1; }

# --- Clean-up: commands run in reverse order on exit, and on INT/TERM before the signal is
# re-raised (so callers see the usual 130/143 status). Whatever a script starts is registered here.
HV_CLEANUP=()

hv_at_exit() { HV_CLEANUP+=("$1"); }

hv_run_cleanup() {
	local i
	for ((i = ${#HV_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${HV_CLEANUP[i]}" || true
	done
	HV_CLEANUP=()
}

# shellcheck disable=SC2034 # read in the clean-up commands
HV_SIGNALLED=0
hv_on_signal() {
	trap '' INT TERM
	# shellcheck disable=SC2034
	HV_SIGNALLED=1
	hv_run_cleanup
	trap - "$1"
	kill -s "$1" "$$"
}

trap hv_run_cleanup EXIT
trap 'hv_on_signal INT' INT
trap 'hv_on_signal TERM' TERM

# A private temp dir (HV_TMP), removed on exit.
hv_mktemp() {
	HV_TMP=$(mktemp -d "${TMPDIR:-/tmp}/hv-$HV_PROG.XXXXXX")
	hv_at_exit "rm -rf $(printf %q "$HV_TMP")"
}

# Microseconds since the epoch, and a duration in seconds with one decimal.
hv_now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }
hv_secs() { local us=$1; printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000)); }

# ---------------------------------------------------------------------------------------------
# Part 2: the system-test API. A file tests/system/NAME.sh sources this file, declares cases and
# the assertions on them, and ends with finish_cases:
#
#   boot_case NAME [--status N] [--hv-args "ARGS"] [--guest FILE [--guest-args "ARGS"]]
#             [--module FILE[:ARGS]]... [scripts/boot options...]
#       Builds (or reuses) build/test-iso/<args>.iso from build/hypervisor.elf with those
#       hypervisor arguments (mkiso --timeout 0) unless --iso is given, and boots it with
#       scripts/boot in the background; the serial log is build/test-logs/NAME.log. The case
#       expects scripts/boot to return N (default 0: "hv: power off" seen).
#   expect_line NAME REGEX            some message matches REGEX
#   expect_no_line NAME REGEX         no message matches REGEX
#   expect_count NAME REGEX N         exactly N messages match
#   expect_count_tagged NAME REGEX N  exactly N lines match, each as "cpuN: MESSAGE" (the CPU
#                                     of its prefix kept: which CPU logged it)
#   expect_guest_passed NAME GUEST    the guest's "GUEST: N passed, 0 failed" with N >= 1
#   expect_number_between NAME REGEX LO HI
#                                     some message matches, and its first capture group is a
#                                     number in [LO, HI]
#   finish_cases                      waits for the boots, prints one line per case
#   case_selected NAME                true when the run's case filter (scripts/test-all GLOB)
#                                     lets NAME run: for set-up only that case needs
#
# REGEX is a Perl regex matched against each serial line's message part: the "[  0.123456 cpu0] "
# prefix, carriage returns and terminal escapes are removed first. Assertions are evaluated when
# the case's boot has finished; a case passes when the boot returned the expected status and
# every assertion held. Up to HV_TEST_JOBS boots (default: 2 if the host has 2 CPUs or more) run
# at once. HV_TEST_FILTER (space-separated globs) selects cases by name; HV_TEST_RESULTS names a
# file that gets one "PASS NAME" / "FAIL NAME" line per case (scripts/test-all sums them).

HV_BUILD=${HV_BUILD:-$HV_ROOT/build}
HV_ELF=${HV_ELF:-$HV_BUILD/hypervisor.elf}
HV_TEST_LOGS=$HV_BUILD/test-logs
HV_TEST_ISOS=$HV_BUILD/test-iso
if [[ -z ${HV_TEST_JOBS:-} ]]; then
	HV_TEST_JOBS=1
	(($(nproc 2>/dev/null || echo 1) >= 2)) && HV_TEST_JOBS=2
fi

HV_CASES=()          # declared cases, in order
declare -A HV_CPID   # case -> pid of its background boot (while running)
declare -A HV_CSTATE # case -> queued|running|failed-early|done
declare -A HV_CWHY   # case -> reasons for failure, one per line
declare -A HV_CEXPECT_ST
HV_A_CASE=() HV_A_KIND=() HV_A_X=() HV_A_Y=() HV_A_Z=()
HV_NEXT_REAP=0
HV_PASSED=0 HV_FAILED=0
HV_FINISHED=0 # set by finish_cases, read by the clean-up command

case_selected() {
	_hv_selected "$1"
}

_hv_selected() {
	local pat pats
	[[ -z ${HV_TEST_FILTER:-} ]] && return 0
	read -ra pats <<<"$HV_TEST_FILTER" # split at blanks, no file-name globbing
	for pat in "${pats[@]}"; do
		# shellcheck disable=SC2053 # a glob on purpose
		[[ $1 == $pat ]] && return 0
	done
	return 1
}

_hv_known_case() { [[ -n ${HV_CSTATE[$1]:-} ]]; }

# test_iso ARGS [GUEST GUEST_ARGS [MODULE...]]: prints the path of the test ISO for these
# hypervisor arguments, guest and further modules (FILE[:ARGS], as mkiso --module), (re)built when
# missing or older than the ELF, scripts/mkiso, the guest or a module. Output of a failed build
# goes to stderr.
test_iso() {
	local args=$1 guest=${2:-} gargs=${3:-} name sum iso gopt=() m stale=0
	shift $(($# < 3 ? $# : 3))
	name=$(printf '%s' "${args:-noargs} ${guest##*/} $gargs" | tr -c 'A-Za-z0-9=._-' '_' | cut -c1-80)
	sum=$(printf '%s|%s|%s|%s' "$args" "$guest" "$gargs" "$*" | cksum | cut -d' ' -f1)
	iso=$HV_TEST_ISOS/$name-$sum.iso
	[[ -n $guest ]] && gopt=(--guest "$guest" --guest-args "$gargs")
	for m in "$@"; do
		gopt+=(--module "$m")
		[[ $iso -nt ${m%%:*} ]] || stale=1
	done
	if ((stale)) || [[ ! $iso -nt $HV_ELF || ! $iso -nt $HV_ROOT/scripts/mkiso ||
		(-n $guest && ! $iso -nt $guest) ]]; then
		mkdir -p "$HV_TEST_ISOS"
		"$HV_ROOT/scripts/mkiso" --hv "$HV_ELF" --hv-args "$args" "${gopt[@]}" --timeout 0 \
			-o "$iso" >&2 || return 1
	fi
	printf '%s\n' "$iso"
}

# Runs in a background subshell: one boot, then its status and wall time into files.
_hv_case_job() {
	local base=$1 t0 st=0 pid
	shift
	t0=$(hv_now_us)
	"$HV_ROOT/scripts/boot" --log "$base.log" "$@" >"$base.boot.out" 2>&1 </dev/null &
	pid=$!
	trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit 143' TERM
	wait "$pid" || st=$?
	echo "$st" >"$base.status"
	echo $(($(hv_now_us) - t0)) >"$base.time"
}

_hv_running() {
	local n=0 c
	for c in "${HV_CASES[@]}"; do
		[[ ${HV_CSTATE[$c]} == running ]] && n=$((n + 1))
	done
	echo "$n"
}

boot_case() {
	local name=$1 st=0 args="" guest="" gargs="" have_iso=0 iso base mods=()
	shift
	[[ $name =~ ^[A-Za-z0-9._-]+$ ]] || hv_die "boot_case: bad case name '$name'"
	_hv_known_case "$name" && hv_die "boot_case: case '$name' declared twice"
	local boot_args=()
	while (($#)); do
		case $1 in
		--status) st=$2; shift 2 ;;
		--hv-args) args=$2; shift 2 ;;
		--guest) guest=$2; shift 2 ;;
		--guest-args) gargs=$2; shift 2 ;;
		--module) mods+=("$2"); shift 2 ;;
		*)
			[[ $1 == --iso ]] && have_iso=1
			boot_args+=("$1"); shift ;;
		esac
	done
	if ! _hv_selected "$name"; then
		HV_CSTATE[$name]=skipped
		return 0
	fi
	if ((!${#HV_CASES[@]})); then
		mkdir -p "$HV_TEST_LOGS"
		hv_at_exit _hv_kill_cases
		hv_at_exit '((HV_FINISHED || HV_SIGNALLED)) || finish_cases'
	fi
	HV_CASES+=("$name")
	HV_CSTATE[$name]=queued
	HV_CEXPECT_ST[$name]=$st
	HV_CWHY[$name]=""
	base=$HV_TEST_LOGS/$name
	rm -f "$base.log" "$base.log."* "$base.boot.out" "$base.status" "$base.time" "$base.mkiso.out"
	if ((!have_iso)); then
		if ! iso=$(test_iso "$args" "$guest" "$gargs" "${mods[@]}" 2>"$base.mkiso.out"); then
			HV_CSTATE[$name]=failed-early
			HV_CWHY[$name]="scripts/mkiso failed (${base#"$HV_ROOT"/}.mkiso.out):"$'\n'
			HV_CWHY[$name]+="$(tail -n 20 "$base.mkiso.out")"$'\n'
			return 0
		fi
		rm -f "$base.mkiso.out"
		boot_args=(--iso "$iso" "${boot_args[@]}") # before any "-- EMULATOR ARGS"
	fi
	while (($(_hv_running) >= HV_TEST_JOBS)); do
		_hv_reap_next
	done
	_hv_case_job "$base" "${boot_args[@]}" &
	HV_CPID[$name]=$!
	HV_CSTATE[$name]=running
}

_hv_expect() {
	local kind=$1 name=$2
	_hv_known_case "$name" || hv_die "$kind: no case named '$name' (declare it with boot_case first)"
	[[ ${HV_CSTATE[$name]} == skipped ]] && return 0
	HV_A_CASE+=("$name")
	HV_A_KIND+=("$kind")
	HV_A_X+=("${3:-}")
	HV_A_Y+=("${4:-}")
	HV_A_Z+=("${5:-}")
}

expect_line() {
	(($# == 2)) || hv_die "usage: expect_line NAME REGEX"
	_hv_expect expect_line "$@"
}
expect_no_line() {
	(($# == 2)) || hv_die "usage: expect_no_line NAME REGEX"
	_hv_expect expect_no_line "$@"
}
expect_count() {
	(($# == 3)) || hv_die "usage: expect_count NAME REGEX N"
	_hv_expect expect_count "$@"
}
expect_count_tagged() {
	(($# == 3)) || hv_die "usage: expect_count_tagged NAME REGEX N"
	_hv_expect expect_count_tagged "$@"
}
# A test guest's summary line: at least one check passed and none failed ("0 passed" is a guest
# that checked nothing, which is a failure too).
expect_guest_passed() {
	(($# == 2)) || hv_die "usage: expect_guest_passed NAME GUEST"
	_hv_expect expect_line "$1" "^vm0: $2: [1-9]\\d* passed, 0 failed\$"
}
# Lines matching each REGEX, in this order (other lines may come between them).
expect_in_order() {
	(($# >= 3)) || hv_die "usage: expect_in_order NAME REGEX REGEX..."
	local name=$1
	shift
	local IFS=$'\x1f'
	_hv_expect expect_in_order "$name" "$*"
}
expect_number_between() {
	(($# == 4)) || hv_die "usage: expect_number_between NAME REGEX LO HI"
	_hv_expect expect_number_between "$@"
}

# Judges one assertion on a serial log; prints the reason when it does not hold. A message is a
# serial line without carriage returns, terminal escapes or the "[   0.123456 cpuN] " prefix.
_hv_check() {
	perl -e '
		my ($log, $kind, $re, $y, $z) = @ARGV;
		if ($kind eq "expect_in_order") {
			my @want = split /\x1f/, $re;
			open(my $fh, "<", $log) or do { print "no serial log\n"; exit; };
			my $i = 0;
			while (<$fh>) {
				s/\r//g; s/\e\[[0-9;=?]*[A-Za-z]//g; chomp; s/^\[[^\]]*\] //;
				$i++ if $i < @want && $_ =~ qr/$want[$i]/;
			}
			print "no line matches /$want[$i]/ after the one matching /" .
			      ($i ? $want[$i - 1] : "") . "/\n" if $i < @want;
			exit;
		}
		my $rx = eval { qr/$re/ };
		if (!$rx) { print "bad regex /$re/: $@"; exit; }
		open(my $fh, "<", $log) or do { print "no serial log\n"; exit; };
		my ($n, $first, $val) = (0, undef, undef);
		while (<$fh>) {
			s/\r//g; s/\e\[[0-9;=?]*[A-Za-z]//g; chomp;
			if ($kind eq "expect_count_tagged") { s/^\[[^\]]* (cpu\d+)\] /$1: /; }
			else { s/^\[[^\]]*\] //; }
			next unless $_ =~ $rx;
			my $v = $1;
			($first, $val) = ($_, $v) unless $n++;
		}
		if ($kind eq "expect_line") {
			print "no line matches /$re/\n" unless $n;
		} elsif ($kind eq "expect_no_line") {
			print "unexpected line matching /$re/: $first\n" if $n;
		} elsif ($kind eq "expect_count" || $kind eq "expect_count_tagged") {
			print "expected $y lines matching /$re/, found $n\n" unless $n == $y;
		} elsif (!$n) {
			print "no line matches /$re/\n";
		} elsif (!defined $val || $val !~ /^\d+$/) {
			print "/$re/ captured no number in: $first\n";
		} elsif ($val < $y || $val > $z) {
			print "/$re/: $val is not between $y and $z\n";
		}' -- "$@"
}

# Waits for the oldest unreported case, judges it and prints its line.
_hv_reap_next() {
	local name=${HV_CASES[HV_NEXT_REAP]} base st t why i
	HV_NEXT_REAP=$((HV_NEXT_REAP + 1))
	base=$HV_TEST_LOGS/$name
	why=${HV_CWHY[$name]}
	t=0
	if [[ ${HV_CSTATE[$name]} == running ]]; then
		wait "${HV_CPID[$name]}" || true
		unset 'HV_CPID[$name]'
		st=$(cat "$base.status" 2>/dev/null || echo "none")
		t=$(cat "$base.time" 2>/dev/null || echo 0)
		if [[ $st != "${HV_CEXPECT_ST[$name]}" ]]; then
			why+="scripts/boot returned $st, expected ${HV_CEXPECT_ST[$name]}"
			[[ -s $base.boot.out ]] && why+=": $(head -n 25 "$base.boot.out")"
			why+=$'\n'
		fi
		for i in "${!HV_A_CASE[@]}"; do
			[[ ${HV_A_CASE[i]} == "$name" ]] || continue
			why+=$(_hv_check "$base.log" "${HV_A_KIND[i]}" "${HV_A_X[i]}" "${HV_A_Y[i]}" "${HV_A_Z[i]}")
			[[ -n $why && ${why: -1} != $'\n' ]] && why+=$'\n'
		done
	fi
	HV_CSTATE[$name]="done"
	if [[ -z $why ]]; then
		HV_PASSED=$((HV_PASSED + 1))
		printf 'PASS  %-28s %6s s\n' "$name" "$(hv_secs "$t")"
		[[ -n ${HV_TEST_RESULTS:-} ]] && echo "PASS $name" >>"$HV_TEST_RESULTS"
	else
		HV_FAILED=$((HV_FAILED + 1))
		printf 'FAIL  %-28s %6s s\n' "$name" "$(hv_secs "$t")"
		printf '%s' "$why" | sed 's/^/      /'
		if [[ -s $base.log ]]; then
			echo "      --- last 30 lines of ${base#"$HV_ROOT"/}.log ---"
			# without carriage returns, terminal escapes and other control characters
			tail -n 30 "$base.log" | perl -pe \
				's/\e\[[0-9;=?]*[A-Za-z]//g; s/[\x00-\x08\x0b-\x1f\x7f]//g; s/^/      | /'
			[[ -z $(tail -c 1 "$base.log") ]] || echo
		fi
		[[ -n ${HV_TEST_RESULTS:-} ]] && echo "FAIL $name" >>"$HV_TEST_RESULTS"
	fi
	return 0
}

_hv_kill_cases() {
	local c
	for c in "${!HV_CPID[@]}"; do
		kill -TERM "${HV_CPID[$c]}" 2>/dev/null || true
	done
	for c in "${!HV_CPID[@]}"; do
		wait "${HV_CPID[$c]}" 2>/dev/null || true
	done
}

# Prints the remaining cases' results; returns non-zero when one failed. When run on its own
# (not under scripts/test-all), the file's last line is its "N passed, N failed".
finish_cases() {
	# shellcheck disable=SC2034
	HV_FINISHED=1
	while ((HV_NEXT_REAP < ${#HV_CASES[@]})); do
		_hv_reap_next
	done
	[[ -z ${HV_TEST_RESULTS:-} ]] && echo "$HV_PASSED passed, $HV_FAILED failed"
	((HV_FAILED == 0))
}
