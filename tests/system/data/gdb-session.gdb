# tests/system/data/gdb-session.gdb: what tests/system/gdb.sh has Debian's gdb do against the
# gdbtest guest (scripts/boot --gdb-script; the connection is made before this file runs).
# Each check prints a "check:" line that the test looks for in the log.
set pagination off
set confirm off
info threads
printf "check: threads %d\n", $_inferior_thread_count
printf "check: armed before %d\n", gdbt_armed
info registers eip cr0
break gdbt_target
set var gdbt_value = 21
set var gdbt_armed = 1
continue
printf "check: stopped in thread %d\n", $_thread
printf "check: index %d value %d\n", index, gdbt_value
info registers eip eflags cs
printf "check: xmm0 %08x %08x\n", $xmm0.v4_int32[0], $xmm0.v4_int32[3]
printf "check: st0 %d\n", (int) $st0
set var $xmm1.v4_int32[0] = 0x5a5a5a5a
set var $xmm1.v4_int32[3] = 0x12345678
set var $st0 = 4321
printf "check: xmm1 %08x st0 %d\n", $xmm1.v4_int32[3], (int) $st0
set var $fs = $ds
printf "check: fs %d ds %d\n", $fs, $ds
set var $cr0 = $cr0 | 0x40000
printf "check: cr0.am %d\n", ($cr0 >> 18) & 1
backtrace
set $before = $pc
stepi
printf "check: stepi moved %d\n", $pc != $before
delete
watch gdbt_watched
continue
printf "check: watched now %d in thread %d\n", gdbt_watched, $_thread
delete
detach
