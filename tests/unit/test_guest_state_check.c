/* tests/unit/test_guest_state_check.c: the guest-state re-check names the field that breaks a
 * rule, starting from the multiboot entry state this hypervisor writes (which must pass). */
#include "vmx/guest_state_check.h"
#include "tests/unit/test.h"

/* The multiboot entry state of vmx/vmcs_setup.c with Bochs' Skylake fixed bits. */
static struct guest_state flat32(void)
{
	struct gs_segment data = { 0x18, 0xffffffff, 0xc093, 0 };

	return (struct guest_state){
		.cr0 = 0x31, .cr4 = 0x2000, .efer = 0, .rflags = 2, .rip = 0x100000,
		.link_pointer = ~0ull,
		.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff,
		.cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x3727ff,
		.entry_ctl = 0x11ff & ~(1u << 9), .proc2 = 0x1013eb,
		.cs = { 0x10, 0xffffffff, 0xc09b, 0 }, .ss = data, .ds = data, .es = data, .fs = data,
		.gs = data, .tr = { 0, 0xffff, 0x8b, 0 }, .ldtr = { 0, 0, 0x10000, 0 },
	};
}

static const char *first_field(const struct guest_state *g)
{
	static struct gs_problem p[4];

	return guest_state_check(g, p, 4) ? p[0].field : "";
}

TEST(guest_state_entry_state_passes)
{
	struct guest_state g = flat32();
	struct gs_problem p[4];

	CHECK_EQ(guest_state_check(&g, p, 4), 0);
}

TEST(guest_state_names_the_field_at_fault)
{
	struct guest_state g;

	g = flat32(), g.cr0 &= ~0x20ull; /* NE is fixed to 1 */
	CHECK_STR(first_field(&g), "GUEST_CR0");
	g = flat32(), g.proc2 &= ~(1u << 7), g.cr0 = 0x21; /* PE 0 without unrestricted guest */
	CHECK_STR(first_field(&g), "GUEST_CR0");
	g = flat32(), g.cr4 = 0; /* VMXE is fixed to 1 */
	CHECK_STR(first_field(&g), "GUEST_CR4");
	g = flat32(), g.efer = 1ull << 10; /* LMA without IA-32e mode */
	CHECK_STR(first_field(&g), "GUEST_IA32_EFER");
	g = flat32(), g.cs.ar = 0xc091; /* read-only data type in CS */
	CHECK_STR(first_field(&g), "GUEST_CS_AR_BYTES");
	g = flat32(), g.cs.limit = 0xffff0000; /* G=1 with low 12 bits not all ones */
	CHECK_STR(first_field(&g), "GUEST_CS_LIMIT");
	g = flat32(), g.ss.ar = 0xc09b;
	CHECK_STR(first_field(&g), "GUEST_SS_AR_BYTES");
	g = flat32(), g.ds.ar = 0xc092; /* not accessed */
	CHECK_STR(first_field(&g), "GUEST_DS_AR_BYTES");
	g = flat32(), g.tr.ar = 0x89; /* available, not busy */
	CHECK_STR(first_field(&g), "GUEST_TR_AR_BYTES");
	g = flat32(), g.ldtr.ar = 0x82 | 0x10; /* usable but S=1 */
	CHECK_STR(first_field(&g), "GUEST_LDTR_AR_BYTES");
	g = flat32(), g.rflags = 0; /* bit 1 must be set */
	CHECK_STR(first_field(&g), "GUEST_RFLAGS");
	g = flat32(), g.rip = 1ull << 32;
	CHECK_STR(first_field(&g), "GUEST_RIP");
	g = flat32(), g.activity = 4;
	CHECK_STR(first_field(&g), "GUEST_ACTIVITY_STATE");
	g = flat32(), g.interruptibility = 1; /* STI blocking with IF clear */
	CHECK_STR(first_field(&g), "GUEST_INTERRUPTIBILITY_INFO");
	g = flat32(), g.link_pointer = 0;
	CHECK_STR(first_field(&g), "VMCS_LINK_POINTER");
}

TEST(guest_state_64bit_mode_rules)
{
	struct guest_state g = flat32();
	struct gs_problem p[4];

	g.entry_ctl |= 1u << 9;
	g.cr0 |= 1ull << 31;
	g.cr4 |= 1ull << 5;
	g.efer = (1ull << 8) | (1ull << 10);
	g.cs.ar = 0xa09b; /* L=1, D=0 */
	g.tr.ar = 0x8b;
	CHECK_EQ(guest_state_check(&g, p, 4), 0);
	g.cs.ar = 0xe09b; /* L and D */
	CHECK_STR(first_field(&g), "GUEST_CS_AR_BYTES");
	g.cs.ar = 0xa09b, g.cr4 &= ~(1ull << 5);
	CHECK_STR(first_field(&g), "GUEST_CR0");
}
