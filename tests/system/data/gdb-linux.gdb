# tests/system/data/gdb-linux.gdb: what tests/system/gdb-linux.sh has Debian's gdb do against
# Debian's Linux (the bzImage, booted with nokaslr so the addresses of the -dbg package's
# vmlinux hold; scripts/boot --gdb-script makes the connection before this file runs). Each
# check prints a "check:" line that the test looks for in the log.
set pagination off
set confirm off
# gdb=com2,wait: attached before the guest's first instruction, the bzImage's 64-bit entry
printf "check: attached in %d-bit mode\n", sizeof($pc) * 8
info registers rip cs
# start_kernel: a hardware breakpoint, since the kernel's virtual addresses are not mapped yet
# when GDB attaches (the bzImage has still to decompress it): no INT3 can be written there. It
# must be hit before cpu_init (trap_init, from start_kernel) clears DR7, which the guest owns
# while it runs; the first instruction of start_kernel is.
hbreak start_kernel
continue
printf "check: start_kernel in thread %d\n", $_thread
backtrace
info registers rip cs
# The first 5 bytes of a traced function are "call __fentry__" in the ELF; ftrace_init (later
# in start_kernel) checks each against that call and rewrites it to a 5-byte NOP. An INT3 there
# would make that check fail (ftrace_bug(): ftrace off). So the software breakpoint goes to the
# instruction after it, rest_init+5: GDB's "break rest_init" would put it on the call itself.
x/i rest_init
delete
break *(rest_init + 5)
continue
printf "check: rest_init in thread %d\n", $_thread
backtrace
info registers rip
x/i rest_init
printf "check: system_state %d comm %s\n", system_state, init_task.comm
print linux_banner
# The same bytes through the direct map (page_offset_base: 1 GiB or 2 MiB pages) as through
# the kernel image's mapping (2 MiB pages): linux_banner's physical address is its offset
# from __START_KERNEL_map plus phys_base.
set $phys = (unsigned long)&linux_banner - 0xffffffff80000000 + phys_base
printf "check: direct map %d\n", *(unsigned long *)(page_offset_base + $phys) == *(unsigned long *)&linux_banner
delete
# One instruction from rest_init+5 (the step GDB makes by itself off a breakpoint, and stepi).
set $before = $pc
stepi
printf "check: stepi in rest_init from %d moved %d\n", $before - (unsigned long)&rest_init, $pc != $before
# A hardware watchpoint (a debug register of each vCPU): rest_init itself sets system_state to
# SYSTEM_SCHEDULING once it has started kernel_init's and kthreadd's threads, on vCPU 0.
watch system_state
continue
printf "check: watched system_state %d in thread %d\n", system_state, $_thread
delete
# Ctrl-C: a SIGINT to gdb while it waits for the VM, which it passes on as the remote
# protocol's interrupt (0x03). Batch gdb reads no terminal, so a shell in the background sends
# it, a few host seconds after this continue began.
shell (sleep 5; kill -INT $PPID) &
continue
printf "check: interrupted in thread %d\n", $_thread
info threads
where 1
kill
