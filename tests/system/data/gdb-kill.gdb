# tests/system/data/gdb-kill.gdb: tests/system/gdb.sh's kill on the console's line: GDB stops
# the gdbtest guest before it is armed (it would never finish by itself: it waits for
# gdbt_armed); the VM stops, and the line must come back to the console.
set pagination off
set confirm off
printf "check: threads %d before the kill\n", $_inferior_thread_count
kill
printf "check: after the kill\n"
