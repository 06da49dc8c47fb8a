/* tests/guests/vmtest/multivm.c: suites for a VM beside others (README, "Several VMs"). vCPU 0.
 * ept-past-ram reads the first address past its own RAM (probe=ADDR, the RAM size the test gave
 * it), where in host memory another VM's RAM may well lie: the EPT maps nothing there, so the
 * hypervisor must stop this VM alone. ipi-away sends fixed IPIs to the APIC ids just past its own
 * vCPUs' (those another VM's vCPUs would have if ids were global): none may arrive anywhere, and
 * the hypervisor says it dropped them. */
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/multiboot.h"
#include "tests/guests/vmtest/vmtest.h"

#define AWAY_VECTOR 0x41

/* "0x1000000" or decimal. */
static bool parse_addr(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && s[1] == 'x')
		base = 16, s += 2;
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned d = *s >= '0' && *s <= '9' ? (unsigned)(*s - '0')
			   : *s >= 'a' && *s <= 'f' ? (unsigned)(*s - 'a' + 10) : 99;
		if (d >= base || v >> 40)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

void suite_ept_past_ram(void)
{
	char arg[24];
	uint64_t addr = 0;
	uint32_t v;

	if (!mb_arg("probe", arg, sizeof(arg)) || !parse_addr(arg, &addr) ||
	    addr > 0xfffffffcu) {
		check_fail("ept-past-ram", "want probe=ADDR (below 4 GiB) on the command line");
		return;
	}
	con_printf("reading 0x%x, past this VM's RAM, next", (uint32_t)addr);
	v = *(volatile uint32_t *)(uintptr_t)addr;
	check_fail("ept-past-ram", "read of 0x%x (got 0x%x and still running, want the VM stopped)",
		   (uint32_t)addr, v);
}

void suite_ipi_away(void)
{
	__asm__ volatile("cli" : : : "memory"); /* an IPI that came back to this vCPU stays visible in its IRR */
	apic_mode_sync(); /* xAPIC or x2APIC, as vm.apic= started it */
	apic_sw_enable();
	for (uint32_t id = vmtest_nvcpus; id < vmtest_nvcpus + 2; id++)
		apic_send_ipi(id, ICR_FIXED | ICR_ASSERT | AWAY_VECTOR);
	vmtest_delay(100000);
	uint32_t irr = apic_read((enum apic_reg)(APIC_IRR + (AWAY_VECTOR / 32) * 0x10));
	check_hex("ipi-away", "IRR bit of the vector sent away", irr & (1u << (AWAY_VECTOR % 32)),
		  0);
	con_printf("sent 2 IPIs to APIC ids %u and %u (this VM has %u vCPUs)", vmtest_nvcpus,
		   vmtest_nvcpus + 1, vmtest_nvcpus);
}
