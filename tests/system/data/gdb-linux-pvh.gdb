# tests/system/data/gdb-linux-pvh.gdb: what tests/system/gdb-linux.sh has Debian's gdb do against
# Debian's Linux booted by PVH: attached at the PVH entry, in 32-bit protected mode with paging
# off, yet in GDB's amd64 layout (the kernel is an ELF64: GDB keeps its attach's layout, and the
# kernel is in 64-bit mode a few thousand instructions on).
set pagination off
set confirm off
printf "check: attached in %d-bit layout\n", sizeof($pc) * 8
info registers rip cs
# The PVH note's entry is pvh_start_xen's physical address (its link address less
# __START_KERNEL_map); the code there is 32-bit, so GDB's own disassembly would be wrong here.
printf "check: at pvh_start_xen %d\n", $pc == (unsigned long)&pvh_start_xen - 0xffffffff80000000
set $before = $pc
stepi
printf "check: stepi in 32-bit code moved %d, below 4 GiB %d\n", $pc != $before, $pc < 0x100000000
# start_kernel by a debug register (not mapped yet), reached in 64-bit mode
hbreak start_kernel
continue
printf "check: start_kernel in thread %d\n", $_thread
backtrace 1
info registers rip cs
printf "check: system_state %d comm %s\n", system_state, init_task.comm
delete
kill
