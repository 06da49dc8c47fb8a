# tests/system/data/gdb-end.gdb: the second session of tests/system/gdb.sh: GDB lets the gdbtest
# guest run to its power-off while attached, and must hear of the VM's end (a W stop reply,
# after an O packet with the hypervisor's line) instead of waiting for ever.
set pagination off
set confirm off
set var gdbt_value = 5
set var gdbt_armed = 1
continue
printf "check: after the end\n"
