/* tests/unit/test_cpuid_filter.c: the guest's view of CPUID, from host answers of a real CPU. */
#include "lib/array.h"
#include "vmx/cpuid_filter.h"
#include "lib/guest_abi.h"
#include "tests/unit/test.h"

/* CPUID.1 of a Skylake-SP host as Bochs' corei7_skylake_x model reports it (ECX from
 * shared/notes/bochs-vmx-capabilities.txt; EDX a typical value with APIC, MCE, MCA, HTT set). */
static const struct cpuid_result host_leaf1 = { 0x00050654, 0x03100800, 0x77faf3bf, 0xbfebfbff };

static const struct cpuid_vcpu vcpu2_of4 = { .apic_id = 2, .nvcpus = 4, .apic_enabled = true,
						.host_max_leaf = 0x16 };

TEST(cpuid_leaf1_hides_what_is_not_virtualized)
{
	struct cpuid_result r = host_leaf1;

	cpuid_filter(1, 0, &r, &vcpu2_of4);
	CHECK_EQ(r.ecx & CPUID1_ECX_VMX, 0);
	CHECK_EQ(r.ecx & CPUID1_ECX_SMX, 0);
	CHECK_EQ(r.ecx & CPUID1_ECX_PDCM, 0);
	CHECK_EQ(r.ecx & CPUID1_ECX_MONITOR, 0);
	CHECK_EQ(r.ecx & CPUID1_ECX_X2APIC, 0);
	CHECK_EQ(r.ecx & CPUID1_ECX_OSXSAVE, 0);
	CHECK(r.ecx & CPUID1_ECX_HYPERVISOR);
	CHECK_EQ(r.edx & (CPUID1_EDX_MCE | CPUID1_EDX_MCA | CPUID1_EDX_ACPI | CPUID1_EDX_TM), 0);
	CHECK_EQ(r.ecx & CPUID1_ECX_TM2, 0);
	/* untouched bits stay: SSE3 (ECX 0), SSE2 (EDX 26) */
	CHECK(r.ecx & 1);
	CHECK(r.edx & (1u << 26));
	/* unchanged stepping/family in EAX */
	CHECK_EQ(r.eax, host_leaf1.eax);
}

TEST(cpuid_leaf1_reports_this_vcpu)
{
	struct cpuid_result r = host_leaf1;

	cpuid_filter(1, 0, &r, &vcpu2_of4);
	CHECK_EQ(r.ebx >> 24, 2);
	CHECK_EQ((r.ebx >> 16) & 0xff, 4);
	CHECK_EQ(r.ebx & 0xffff, host_leaf1.ebx & 0xffff);
	CHECK(r.edx & CPUID1_EDX_APIC);
	CHECK(r.edx & CPUID1_EDX_HTT);
}

TEST(cpuid_leaf1_follows_apic_enable_osxsave_and_x2apic_offer)
{
	struct cpuid_vcpu v = { .apic_id = 0, .nvcpus = 1, .apic_enabled = false, .osxsave = true,
				.x2apic_offered = true, .host_max_leaf = 0x16 };
	struct cpuid_result r = host_leaf1;

	cpuid_filter(1, 0, &r, &v);
	CHECK_EQ(r.edx & CPUID1_EDX_APIC, 0);
	CHECK_EQ(r.edx & CPUID1_EDX_HTT, 0);
	CHECK(r.ecx & CPUID1_ECX_OSXSAVE);
	CHECK(r.ecx & CPUID1_ECX_X2APIC);
}

TEST(cpuid_pmu_and_power_leaves_are_empty)
{
	static const uint32_t leaves[] = { 5, 0xa, 0x12, 0x14 };

	for (unsigned i = 0; i < ARRAY_SIZE(leaves); i++) {
		struct cpuid_result r = { 0x07300403, 0xffffffff, 0x1234, 0x603 };
		cpuid_filter(leaves[i], 0, &r, &vcpu2_of4);
		CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
}

TEST(cpuid_hypervisor_leaves)
{
	struct cpuid_result r = { 1, 2, 3, 4 };
	char sig[13] = { 0 };

	cpuid_filter(0x40000000, 0, &r, &vcpu2_of4);
	CHECK_EQ(r.eax, CPUID_HV_MAX);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	CHECK_STR(sig, HV_CPUID_SIGNATURE);
	r = (struct cpuid_result){ 1, 2, 3, 4 };
	cpuid_filter(0x40000001, 0, &r, &vcpu2_of4);
	CHECK_EQ(r.eax, HC_ABI_VERSION);
	r = (struct cpuid_result){ 1, 2, 3, 4 };
	cpuid_filter(0x40000080, 0, &r, &vcpu2_of4);
	CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
}

TEST(cpuid_leaf7_hides_sgx_pt_waitpkg)
{
	struct cpuid_result r = { 0, 0xffffffff, 0xffffffff, 0xffffffff };

	cpuid_filter(7, 0, &r, &vcpu2_of4);
	CHECK_EQ(r.ebx & ((1u << 2) | (1u << 25)), 0);
	CHECK_EQ(r.ecx & ((1u << 5) | (1u << 16)), 0);
	CHECK(r.ebx & (1u << 0)); /* FSGSBASE stays */
	r = (struct cpuid_result){ 1, 1, 1, 1 };
	cpuid_filter(7, 1, &r, &vcpu2_of4);
	CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
}

TEST(cpuid_topology_matches_apic_ids)
{
	struct cpuid_result r;
	struct cpuid_vcpu v = { .apic_id = 5, .nvcpus = 6, .host_max_leaf = 0x16 };

	cpuid_filter(0xb, 0, &r, &v);
	CHECK_EQ(r.edx, 5);
	CHECK_EQ(r.ebx, 1);
	CHECK_EQ((r.ecx >> 8) & 0xff, 1);
	cpuid_filter(0xb, 1, &r, &v);
	CHECK_EQ(r.eax, 3); /* 6 vCPUs need 3 bits of APIC id */
	CHECK_EQ(r.ebx, 6);
	CHECK_EQ((r.ecx >> 8) & 0xff, 2);
	cpuid_filter(0xb, 2, &r, &v);
	CHECK_EQ(r.ebx, 0);
	CHECK_EQ((r.ecx >> 8) & 0xff, 0);
}

/* The virtual APIC's features: x2APIC and TSC-deadline in leaf 1 when offered, the timer rate in
 * leaf 0x40000010, IA32_ARCH_CAPABILITIES in leaf 7 only when emulated. */
TEST(cpuid_virtual_apic_features)
{
	struct cpuid_vcpu v = { .apic_id = 1, .nvcpus = 2, .apic_enabled = true,
				.x2apic_offered = true, .tsc_deadline = true, .arch_caps = true,
				.tsc_khz = 50000 };
	struct cpuid_result r = { 0, 0, 0, 0 };

	cpuid_filter(1, 0, &r, &v);
	CHECK(r.ecx & CPUID1_ECX_X2APIC);
	CHECK(r.ecx & CPUID1_ECX_TSC_DEADLINE);
	CHECK(r.edx & CPUID1_EDX_APIC);
	r = (struct cpuid_result){ 0, 0, 0, 0 };
	cpuid_filter(CPUID_HV_TIMING, 0, &r, &v);
	CHECK_EQ(r.eax, 50000);
	CHECK_EQ(r.ebx, 50000);
	r = (struct cpuid_result){ 0, 0, 0, 0 };
	cpuid_filter(7, 0, &r, &v);
	CHECK(r.edx & (1u << 29));
	v.arch_caps = v.tsc_deadline = v.apic_enabled = false;
	r = (struct cpuid_result){ 0, 0, 0xffffffff, 0xffffffff };
	cpuid_filter(1, 0, &r, &v);
	CHECK(!(r.ecx & CPUID1_ECX_TSC_DEADLINE));
	CHECK(!(r.edx & CPUID1_EDX_APIC));
	r = (struct cpuid_result){ 0, 0, 0, 0xffffffff };
	cpuid_filter(7, 0, &r, &v);
	CHECK(!(r.edx & (1u << 29)));
}

/* Leaf 0xD: only the user components a guest may enable; no IA32_XSS components, XSAVES or XFD
 * (neither MSR is emulated). A host with AMX, PT (8), CET (11, 12) and an unknown bit 19. */
TEST(cpuid_xsave_leaf_shows_only_guest_components)
{
	struct cpuid_result r = { 0x000e02ff | (1u << 19), 0x340, 0x2b00, 0 };

	cpuid_filter(0xd, 0, &r, &vcpu2_of4);
	CHECK_EQ(r.eax, 0x000602ff);
	CHECK_EQ(r.ebx, 0x340); /* the CPU's size for the loaded XCR0 */
	r = (struct cpuid_result){ 0x1f, 0x3c0, 0x1900, 0 };
	cpuid_filter(0xd, 1, &r, &vcpu2_of4);
	CHECK_EQ(r.eax, 0x7);
	CHECK_EQ(r.ecx, 0);
	CHECK_EQ(r.edx, 0);
	for (uint32_t sub = 2; sub < 64; sub++) {
		r = (struct cpuid_result){ 0x100, 0x240, 0, 0 };
		cpuid_filter(0xd, sub, &r, &vcpu2_of4);
		bool shown = sub == 2 || (sub >= 3 && sub <= 7) || sub == 9 || sub == 17 || sub == 18;
		CHECK_EQ(r.eax != 0, shown);
	}
}

/* Time without PIT or HPET: leaf 0x15 gives a crystal equal to the TSC (and so the APIC
 * timer's input) with ratio 1/1, 0x16 the MHz, leaf 6 ARAT; the basic range reaches 0x16 also
 * on a host whose range ends lower (Sandy Bridge: 0xd), and the leaves in between read 0. */
TEST(cpuid_time_leaves)
{
	struct cpuid_vcpu v = { .apic_id = 0, .nvcpus = 1, .tsc_khz = 50000, .host_max_leaf = 0xd };
	struct cpuid_result r = { 0xd, 0x756e6547, 0x6c65746e, 0x49656e69 };

	cpuid_filter(0, 0, &r, &v);
	CHECK_EQ(r.eax, 0x16);
	CHECK_EQ(r.ebx, 0x756e6547);
	r = (struct cpuid_result){ 0, 0x12, 0x34, 0x56 }; /* the host's leaf-0xd data */
	cpuid_filter(0x15, 0, &r, &v);
	CHECK_EQ(r.eax, 1);
	CHECK_EQ(r.ebx, 1);
	CHECK_EQ(r.ecx, 50000000);
	CHECK_EQ(r.edx, 0);
	r = (struct cpuid_result){ 7, 0x12, 0x34, 0x56 };
	cpuid_filter(0x16, 0, &r, &v);
	CHECK_EQ(r.eax, 50);
	CHECK_EQ(r.ebx, 50);
	CHECK_EQ(r.ecx, 50);
	CHECK_EQ(r.edx, 0);
	r = (struct cpuid_result){ 7, 0x12, 0x34, 0x56 };
	cpuid_filter(0xe, 0, &r, &v);
	CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	r = (struct cpuid_result){ 0xffffffff, 1, 2, 3 };
	cpuid_filter(6, 0, &r, &v);
	CHECK_EQ(r.eax, CPUID6_EAX_ARAT);
	CHECK_EQ(r.ebx | r.ecx | r.edx, 0);
	v.host_max_leaf = 0x20; /* a host range above 0x16 stays */
	r = (struct cpuid_result){ 0x20, 0, 0, 0 };
	cpuid_filter(0, 0, &r, &v);
	CHECK_EQ(r.eax, 0x20);
	v.tsc_khz = 5000000; /* 5 GHz: beyond 32 bits of Hz, the crystal is not stated */
	cpuid_filter(0x15, 0, &r, &v);
	CHECK_EQ(r.eax, 1);
	CHECK_EQ(r.ecx, 0);
}

/* KVM's signature one block above this hypervisor's, with no feature bits, for Linux's
 * hypervisor_cpuid_base() scan; this hypervisor's own leaves stay at 0x40000000. */
TEST(cpuid_kvm_signature_leaves)
{
	struct cpuid_vcpu v = { .apic_id = 0, .nvcpus = 1, .host_max_leaf = 0x16 };
	struct cpuid_result r = { 1, 2, 3, 4 };
	char sig[12];

	cpuid_filter(0x40000100, 0, &r, &v);
	CHECK_EQ(r.eax, 0x40000101);
	memcpy(sig, &r.ebx, 4), memcpy(sig + 4, &r.ecx, 4), memcpy(sig + 8, &r.edx, 4);
	CHECK(!memcmp(sig, "KVMKVMKVM\0\0\0", 12));
	r = (struct cpuid_result){ 1, 2, 3, 4 };
	cpuid_filter(0x40000101, 0, &r, &v);
	CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	r = (struct cpuid_result){ 1, 2, 3, 4 };
	cpuid_filter(0x40000110, 0, &r, &v);
	CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	r = (struct cpuid_result){ 1, 2, 3, 4 };
	cpuid_filter(0x40000000, 0, &r, &v);
	CHECK_EQ(r.eax, CPUID_HV_MAX);
	memcpy(sig, &r.ebx, 4), memcpy(sig + 4, &r.ecx, 4), memcpy(sig + 8, &r.edx, 4);
	CHECK(!memcmp(sig, "MicroHVisor", 11));
}

/* No IA32_XSS in the VM: XSAVES and the supervisor components are hidden, the rest of leaf 0xD
 * (XSAVEOPT, XSAVEC, XGETBV1, the sizes) stays. */
TEST(cpuid_xsaves_hidden)
{
	struct cpuid_vcpu v = { .apic_id = 0, .nvcpus = 1, .host_max_leaf = 0x16 };
	struct cpuid_result r = { 0xf, 0xa80, 0x100, 0x1 };

	cpuid_filter(0xd, 1, &r, &v);
	CHECK_EQ(r.eax, 0x7);
	CHECK_EQ(r.ebx, 0xa80);
	CHECK_EQ(r.ecx | r.edx, 0);
	r = (struct cpuid_result){ 0xe7, 0xa80, 0xa80, 0 };
	cpuid_filter(0xd, 0, &r, &v);
	CHECK_EQ(r.eax, 0xe7);
	CHECK_EQ(r.ebx, 0xa80);
}
