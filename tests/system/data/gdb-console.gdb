# tests/system/data/gdb-console.gdb: what tests/system/gdb.sh has Debian's gdb do on the
# console's own line, after Ctrl-a g (scripts/boot --gdb-console). Setting gdbt_armed to 1 writes
# the byte 0x01 (Ctrl-a) in an X packet, which the console's keys must not take. vCPU 1's line
# "gdbtest: vCPU 1 got value 21" is printed while GDB has the line (during the finish): the
# hypervisor must hold it until the detach.
set pagination off
set confirm off
info threads
printf "check: threads %d\n", $_inferior_thread_count
break gdbt_target
set var gdbt_value = 21
set var gdbt_armed = 1
continue
printf "check: stopped in thread %d\n", $_thread
finish
printf "check: watched %d after the finish\n", gdbt_watched
delete
detach
