/* scripts/linux-tsc.c: /bin/tsc in the Linux guest's initramfs (scripts/linux-deps builds it,
 * static, without a C library): prints the TSC (RDTSC) as a decimal number and a newline. In
 * Bochs the TSC starts at 0 at reset and advances with executed instructions, and the VM's
 * guest reads the host's TSC (no offset unless the guest writes one), so /init's readings are
 * ticks since the machine's reset, under the hypervisor and bare alike (scripts/bench-linux). */
static long syscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

enum { SYS_WRITE = 1, SYS_EXIT_GROUP = 231 };

void _start(void)
{
	unsigned lo, hi;
	char buf[24];
	unsigned i = sizeof(buf);

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	unsigned long t = (unsigned long)hi << 32 | lo;
	buf[--i] = '\n';
	do
		buf[--i] = (char)('0' + t % 10);
	while ((t /= 10) && i);
	syscall3(SYS_WRITE, 1, (long)(buf + i), (long)(sizeof(buf) - i));
	syscall3(SYS_EXIT_GROUP, 0, 0, 0);
	for (;;)
		;
}
