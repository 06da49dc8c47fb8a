/* tests/unit/test_vapic_route.c: IPIs between VMs (vmx/vapic_route.h; README, "Several VMs").
 * Two VMs as the hypervisor runs them side by side: vm0 of 4 vCPUs (APIC ids 0-3) and vm1 of 2
 * (ids 0-1; ids count from 0 in each VM). vm1's vCPUs write their ICR (xAPIC MMIO and x2APIC
 * MSR) with physical and logical destinations that name only vm0's vCPUs (ids 2 and 3, the
 * logical bits of vm0's vCPUs 2 and 3), broadcasts and shorthands, in each delivery mode: each
 * must reach vm1's own vCPUs only, never one of vm0's, and one that reaches none of vm1's is
 * counted as vm1's dropped IPI, vm0's count untouched. The machine's list of VMs (vm_get) is
 * the test's two, so a route that looked past the sender's VM would find vm0's vCPUs. */
#include "apic/apic_base.h"
#include "lib/array.h"
#include "tests/unit/fake_hw.h"
#include "tests/unit/test.h"
#include "vmx/vapic_route.h"

#define MSR_X2APIC_ICR 0x830u

static uint8_t pages[6][4096] __attribute__((aligned(4096)));
static struct vcpu vcpus6[6];
static struct vm vms[2];

/* What the route handed to deliver(), in order. */
static struct {
	unsigned n;
	struct vcpu *to[16];
} got;

static void record(struct vcpu *from, struct vcpu *t, const struct vlapic_ipi *ipi)
{
	if (got.n < ARRAY_SIZE(got.to))
		got.to[got.n] = t;
	got.n++;
}

/* The machine's VMs, as vmx/vm.c keeps them: the test's two. */
unsigned vm_count(void)
{
	return 2;
}

struct vm *vm_get(unsigned id)
{
	return id < 2 ? &vms[id] : 0;
}

/* vCPU `i` of the VM (software-enabled APIC, flat logical model, LDR one bit per vCPU as a
 * guest sets it; in x2APIC mode the LDR follows from the id). */
static void make_vcpu(struct vm *vm, struct vcpu *v, uint8_t *page, unsigned i, bool x2apic)
{
	memset(v, 0, sizeof(*v));
	v->vm = vm;
	v->id = i;
	v->state = VCPU_RUNNING;
	struct vlapic *apic = vcpu_apic(v);
	vlapic_reset(apic, page, i, i == 0);
	CHECK_EQ(vlapic_mmio_write(apic, APIC_SVR, 0x1ff, 0), VLAPIC_OK);
	CHECK_EQ(vlapic_mmio_write(apic, APIC_DFR, 0xffffffff, 0), VLAPIC_OK);
	CHECK_EQ(vlapic_mmio_write(apic, APIC_LDR, 1u << (24 + i), 0), VLAPIC_OK);
	if (x2apic)
		vlapic_set_base(apic, APIC_BASE_DEFAULT_ADDR | APIC_BASE_EN | APIC_BASE_EXTD |
					      (i == 0 ? APIC_BASE_BSP : 0));
	vm->vcpus[i] = v;
}

static void two_vms(bool x2apic)
{
	fake_hw_reset();
	memset(vms, 0, sizeof(vms));
	memset(&got, 0, sizeof(got));
	for (unsigned k = 0; k < 2; k++) {
		vms[k].id = k;
		vms[k].name[0] = 'v', vms[k].name[1] = 'm', vms[k].name[2] = (char)('0' + k);
		vms[k].nvcpus = k ? 2 : 4;
	}
	for (unsigned i = 0; i < 4; i++)
		make_vcpu(&vms[0], &vcpus6[i], pages[i], i, x2apic);
	for (unsigned i = 0; i < 2; i++)
		make_vcpu(&vms[1], &vcpus6[4 + i], pages[4 + i], i, x2apic);
}

/* vCPU `from` writes ICR (low word `lo`, destination `dest`) in its APIC's mode; the IPI it
 * prepared goes through the route. Returns what the route returned (the drop count, or 0). */
static uint64_t send(struct vcpu *from, uint32_t lo, uint32_t dest)
{
	struct vlapic *apic = vcpu_apic(from);

	got.n = 0;
	if (vlapic_mode(apic) == APIC_MODE_X2APIC) {
		CHECK_EQ(vlapic_msr_write(apic, MSR_X2APIC_ICR, (uint64_t)dest << 32 | lo, 0),
			 VLAPIC_OK);
	} else {
		CHECK_EQ(vlapic_mmio_write(apic, APIC_ICR_HI, dest << 24, 0), VLAPIC_OK);
		CHECK_EQ(vlapic_mmio_write(apic, APIC_ICR_LO, lo, 0), VLAPIC_OK);
	}
	CHECK(apic->ipi_ready);
	apic->ipi_ready = false;
	return vapic_ipi_route(from, &apic->ipi, record);
}

/* Each thing delivered went to one of vm1's vCPUs: none to vm0's. */
static void only_vm1_reached(const char *what)
{
	for (unsigned k = 0; k < got.n && k < ARRAY_SIZE(got.to); k++) {
		if (got.to[k]->vm != &vms[1])
			printf("    %s: reached %s's vCPU %u\n", what, got.to[k]->vm->name,
			       got.to[k]->id);
		CHECK(got.to[k]->vm == &vms[1]);
	}
}

#define ICR_LOGICAL (1u << 11)
#define ICR_ASSERT (1u << 14)
#define ICR_SH(s) ((uint32_t)(s) << 18)
#define ICR_DM(d) ((uint32_t)(d) << 8)

struct drop_case {
	const char *what;
	uint32_t lo;
	uint32_t dest;
};

/* Destinations that name vm0's vCPUs 2 and 3 only: from vm1 they reach no one and count. */
static void dropped_cases(const struct drop_case *c, unsigned n)
{
	struct vcpu *v = vms[1].vcpus[0];

	for (unsigned i = 0; i < n; i++) {
		uint64_t r = send(v, c[i].lo, c[i].dest);
		if (got.n || r != i + 1)
			printf("    %s: %u delivered, route returned %llu\n", c[i].what, got.n,
			       (unsigned long long)r);
		CHECK_EQ(got.n, 0);
		CHECK_EQ(r, i + 1);
		CHECK_EQ(vms[1].ipis_dropped, i + 1);
	}
	CHECK_EQ(vms[0].ipis_dropped, 0);
}

/* Broadcasts, shorthands and a destination that is half vm1's: vm1's own vCPUs only, no drop.
 * `bcast` is the mode's broadcast destination, `mixed` a logical one naming vm1's vCPU 1 and
 * vm0's vCPU 2. */
static void own_vm_cases(uint32_t bcast, uint32_t mixed)
{
	struct vcpu *v = vms[1].vcpus[0], *v1 = vms[1].vcpus[1];
	uint64_t before = vms[1].ipis_dropped;

	CHECK_EQ(send(v, ICR_ASSERT | 0x40, bcast), 0);
	CHECK_EQ(got.n, 2);
	only_vm1_reached("broadcast");
	CHECK_EQ(send(v, ICR_ASSERT | ICR_LOGICAL | 0x40, bcast), 0);
	CHECK_EQ(got.n, 2);
	only_vm1_reached("logical broadcast");
	CHECK_EQ(send(v, ICR_ASSERT | ICR_SH(VLAPIC_SH_ALL) | 0x40, 0), 0);
	CHECK_EQ(got.n, 2);
	only_vm1_reached("all including self");
	CHECK_EQ(send(v, ICR_ASSERT | ICR_SH(VLAPIC_SH_OTHERS) | 0x40, 0), 0);
	CHECK_EQ(got.n, 1);
	CHECK(got.to[0] == v1);
	CHECK_EQ(send(v, ICR_ASSERT | ICR_SH(VLAPIC_SH_SELF) | 0x40, 0), 0);
	CHECK_EQ(got.n, 1);
	CHECK(got.to[0] == v);
	CHECK_EQ(send(v, ICR_ASSERT | ICR_SH(VLAPIC_SH_OTHERS) | ICR_DM(VLAPIC_DM_NMI), 0), 0);
	CHECK_EQ(got.n, 1);
	CHECK(got.to[0] == v1);
	CHECK_EQ(send(v, ICR_ASSERT | ICR_LOGICAL | 0x40, mixed), 0);
	CHECK_EQ(got.n, 1);
	CHECK(got.to[0] == v1);
	CHECK_EQ(send(v, ICR_ASSERT | ICR_LOGICAL | ICR_DM(VLAPIC_DM_LOWEST) | 0x40, mixed), 0);
	CHECK_EQ(got.n, 1);
	CHECK(got.to[0] == v1);
	CHECK_EQ(send(v, ICR_ASSERT | ICR_DM(VLAPIC_DM_LOWEST) | 0x40, bcast), 0);
	CHECK_EQ(got.n, 1);
	only_vm1_reached("lowest priority broadcast");
	CHECK_EQ(vms[1].ipis_dropped, before);
	CHECK_EQ(vms[0].ipis_dropped, 0);
}

/* The same destinations from vm0 name its own vCPUs 2 and 3: the IPIs are real ones there. */
static void vm0_reaches_its_own(uint32_t logical_23)
{
	struct vcpu *v = vms[0].vcpus[0];

	CHECK_EQ(send(v, ICR_ASSERT | 0x40, 3), 0);
	CHECK_EQ(got.n, 1);
	CHECK(got.to[0] == vms[0].vcpus[3]);
	CHECK_EQ(send(v, ICR_ASSERT | ICR_LOGICAL | 0x40, logical_23), 0);
	CHECK_EQ(got.n, 2);
	CHECK(got.to[0] == vms[0].vcpus[2] && got.to[1] == vms[0].vcpus[3]);
	CHECK_EQ(vms[0].ipis_dropped, 0);
}

TEST(vapic_route_xapic_ipi_to_another_vms_ids_is_dropped)
{
	static const struct drop_case c[] = {
		{ "fixed, physical id 2", ICR_ASSERT | 0x40, 2 },
		{ "fixed, physical id 3", ICR_ASSERT | 0x40, 3 },
		{ "fixed, logical 0x0c (vm0's vCPUs 2, 3)", ICR_ASSERT | ICR_LOGICAL | 0x40, 0x0c },
		{ "fixed, logical 0x08", ICR_ASSERT | ICR_LOGICAL | 0x40, 0x08 },
		{ "lowest priority, logical 0x0c", ICR_ASSERT | ICR_LOGICAL | ICR_DM(VLAPIC_DM_LOWEST) |
		  0x40, 0x0c },
		{ "lowest priority, physical id 3", ICR_ASSERT | ICR_DM(VLAPIC_DM_LOWEST) | 0x40, 3 },
		{ "NMI, physical id 2", ICR_ASSERT | ICR_DM(VLAPIC_DM_NMI), 2 },
		{ "INIT, physical id 3", ICR_ASSERT | ICR_DM(VLAPIC_DM_INIT), 3 },
		{ "SIPI, logical 0x04", ICR_ASSERT | ICR_LOGICAL | ICR_DM(VLAPIC_DM_SIPI) | 0x10, 0x04 },
	};

	two_vms(false);
	dropped_cases(c, ARRAY_SIZE(c));
	own_vm_cases(0xff, 0x06);
	vm0_reaches_its_own(0x0c);
}

TEST(vapic_route_x2apic_ipi_to_another_vms_ids_is_dropped)
{
	/* x2APIC logical: cluster 0 (ids 0-15), bit (id & 15) (SDM Vol. 3A, 11.12.10.2) */
	static const struct drop_case c[] = {
		{ "fixed, physical id 2", ICR_ASSERT | 0x40, 2 },
		{ "fixed, physical id 3", ICR_ASSERT | 0x40, 3 },
		{ "fixed, logical cluster 0 bits 2-3", ICR_ASSERT | ICR_LOGICAL | 0x40, 0x0000000c },
		{ "fixed, logical cluster 0 bit 3", ICR_ASSERT | ICR_LOGICAL | 0x40, 0x00000008 },
		{ "lowest priority, logical bits 2-3", ICR_ASSERT | ICR_LOGICAL |
		  ICR_DM(VLAPIC_DM_LOWEST) | 0x40, 0x0000000c },
		{ "NMI, physical id 3", ICR_ASSERT | ICR_DM(VLAPIC_DM_NMI), 3 },
		{ "INIT, logical bit 2", ICR_ASSERT | ICR_LOGICAL | ICR_DM(VLAPIC_DM_INIT), 0x00000004 },
		{ "SIPI, physical id 2", ICR_ASSERT | ICR_DM(VLAPIC_DM_SIPI) | 0x10, 2 },
	};

	two_vms(true);
	dropped_cases(c, ARRAY_SIZE(c));
	own_vm_cases(0xffffffff, 0x00000006);
	vm0_reaches_its_own(0x0000000c);
}
