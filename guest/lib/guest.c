/* guest/lib/guest.c: console and ACPI power-off for the test guests (see guest.h). The power-off
 * reads the tables the hypervisor built instead of assuming its ports, so it also checks them. */
#include "guest.h"

#define COM1 0x3f8

static volatile uint32_t print_lock;

static void putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (uint8_t)c);
}

static void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void putdec(uint32_t v)
{
	char buf[12];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		putc(buf[--n]);
}

void guest_print(const char *a, uint32_t n1, const char *b, uint32_t n2, const char *c)
{
	while (__atomic_exchange_n(&print_lock, 1, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
	puts(a);
	if (b) {
		putdec(n1);
		puts(b);
	}
	if (c) {
		putdec(n2);
		puts(c);
	}
	putc('\n');
	__atomic_store_n(&print_lock, 0, __ATOMIC_RELEASE);
}

void guest_print_pair(const char *a, const char *b, const char *c, uint32_t n, const char *d)
{
	while (__atomic_exchange_n(&print_lock, 1, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
	puts(a);
	puts(b);
	if (c) {
		puts(c);
		putdec(n);
		puts(d);
	}
	putc('\n');
	__atomic_store_n(&print_lock, 0, __ATOMIC_RELEASE);
}

static bool sig_is(const uint8_t *p, const char *sig)
{
	for (int i = 0; i < 4; i++)
		if (p[i] != (uint8_t)sig[i])
			return false;
	return true;
}

static const uint8_t *find_rsdp(void)
{
	for (uint32_t a = 0xe0000; a < 0x100000; a += 16) {
		const uint8_t *p = (const uint8_t *)a;
		if (sig_is(p, "RSD ") && sig_is(p + 4, "PTR "))
			return p;
	}
	return 0;
}

static const uint8_t *find_table(const uint8_t *rsdt, const char *sig)
{
	uint32_t len = *(const uint32_t *)(rsdt + 4);

	for (uint32_t off = 36; off + 4 <= len; off += 4) {
		const uint8_t *t = (const uint8_t *)*(const uint32_t *)(rsdt + off);
		if (sig_is(t, sig))
			return t;
	}
	return 0;
}

/* Name (_S5, Package () { BytePrefix a, ... }): the first element's value. */
static int find_s5(const uint8_t *dsdt)
{
	uint32_t len = *(const uint32_t *)(dsdt + 4);

	for (uint32_t i = 36; i + 10 < len; i++)
		if (sig_is(dsdt + i, "_S5_") && dsdt[i + 4] == 0x12)
			return dsdt[i + 7] == 0x0a ? dsdt[i + 8] : dsdt[i + 7];
	return -1;
}

void guest_acpi_poweroff(void)
{
	const uint8_t *rsdp = find_rsdp();
	const uint8_t *rsdt = rsdp ? (const uint8_t *)*(const uint32_t *)(rsdp + 16) : 0;
	const uint8_t *fadt = rsdt ? find_table(rsdt, "FACP") : 0;
	const uint8_t *dsdt = fadt ? (const uint8_t *)*(const uint32_t *)(fadt + 40) : 0;
	int s5 = dsdt ? find_s5(dsdt) : -1;

	if (s5 < 0) {
		guest_print("guest: no ACPI S5 in the VM's tables", 0, 0, 0, 0);
		return;
	}
	outw((uint16_t)*(const uint32_t *)(fadt + 64), (uint16_t)((s5 << 10) | (1 << 13)));
}

extern const uint32_t guest_trap_stubs[33];

struct gate {
	uint16_t lo, sel;
	uint8_t zero, attr;
	uint16_t hi;
} __attribute__((packed));

static struct gate idt[0x41];

void guest_idt_load(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) ptr = { sizeof(idt) - 1, (uint32_t)idt };

	for (unsigned v = 0; v <= 0x40; v++) {
		uint32_t h = v < 32 ? guest_trap_stubs[v] : v == 0x40 ? guest_trap_stubs[32] : 0;
		if (h)
			idt[v] = (struct gate){ (uint16_t)h, 0x08, 0, 0x8e, (uint16_t)(h >> 16) };
	}
	__asm__ volatile("lidt %0" : : "m"(ptr));
}
