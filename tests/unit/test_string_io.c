/* tests/unit/test_string_io.c: INS/OUTS: the exit's decoding and register stepping (pure), and
 * the emulation through the I/O exit against the fake VMCS: REP and single forms, DF, address
 * sizes, the OUTS segment override, batches, a #PF on a missing page, memory outside RAM. */
#include "vmx/gmem.h"
#include "tests/unit/fake_hw.h"
#include "tests/unit/fake_vmcs.h"
#include "tests/unit/guest_ram.h"
#include "tests/unit/test.h"
#include "vmx/exit.h"
#include "vmx/string_io.h"
#include "vmx/vmcs_fields.h"

#define PORT 0x3f8
#define Q_STRING (1u << 4)
#define Q_REP (1u << 5)
#define Q_IN (1u << 3)
#define INFO(as, seg) ((uint32_t)(as) << 7 | (uint32_t)(seg) << 15)

TEST(sio_decode_fields)
{
	struct sio_op op;

	CHECK(sio_decode((uint64_t)0x1f0 << 16 | Q_STRING | Q_REP | Q_IN | 1, INFO(1, SIO_FS), &op));
	CHECK_EQ(op.size, 2);
	CHECK(op.in && op.rep);
	CHECK_EQ(op.port, 0x1f0);
	CHECK_EQ(op.addr_bits, 32);
	CHECK_EQ(op.seg, SIO_ES); /* INS: always ES */
	CHECK(sio_decode((uint64_t)0x80 << 16 | Q_STRING | 3, INFO(2, SIO_GS), &op));
	CHECK_EQ(op.size, 4);
	CHECK(!op.in && !op.rep);
	CHECK_EQ(op.addr_bits, 64);
	CHECK_EQ(op.seg, SIO_GS);
	CHECK(sio_decode(Q_STRING, INFO(0, SIO_DS), &op));
	CHECK_EQ(op.addr_bits, 16);
	CHECK_EQ(op.seg, SIO_DS);
	CHECK(!sio_decode(Q_STRING, INFO(3, SIO_DS), &op)); /* no such address size */
	CHECK(!sio_decode(Q_STRING, INFO(1, 6), &op));      /* no such segment */
	CHECK(!sio_decode(0, INFO(1, SIO_DS), &op));        /* not string I/O */
}

TEST(sio_step_and_count_per_address_size)
{
	struct sio_op op = { .rep = true, .addr_bits = 16 };

	CHECK_EQ(sio_step(0x123400000000ffffull, 1, 16), 0x1234000000000000ull);
	CHECK_EQ(sio_step(0xffffffff00000010ull, -4, 32), 0x0c);
	CHECK_EQ(sio_step(0xffffffff00000000ull, -1, 64), 0xfffffffeffffffffull);
	CHECK_EQ(sio_count(&op, 0xffff0003), 3);
	op.addr_bits = 32;
	CHECK_EQ(sio_count(&op, 0x100000003ull), 3);
	op.rep = false;
	CHECK_EQ(sio_count(&op, 0), 1);
	op = (struct sio_op){ .seg = SIO_DS, .addr_bits = 64 };
	CHECK_EQ(sio_linear(&op, true, 0x1000, 0x20), 0x20); /* DS has no base in 64-bit mode */
	op.seg = SIO_FS;
	CHECK_EQ(sio_linear(&op, true, 0x1000, 0x20), 0x1020);
	op.addr_bits = 32;
	CHECK_EQ(sio_linear(&op, false, 0xfffff000u, 0x2000), 0x1000); /* wraps at 4 GiB */
}

static uint8_t sent[4096];
static unsigned nsent, nreads;

static uint32_t dev_read(void *dev, uint16_t port, unsigned size)
{
	nreads++;
	return 0xa000u + nreads; /* 0xa001, 0xa002, ... */
}

static void dev_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	for (unsigned i = 0; i < size && nsent < sizeof(sent); i++)
		sent[nsent++] = (uint8_t)(value >> (8 * i));
}

static struct vcpu *string_vcpu(void)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);
	struct port_range r = { PORT, PORT + 7, "test", dev_read, dev_write, 0 };

	fake_caps.basic |= VMX_BASIC_INOUT_INFO;
	CHECK(io_ports_register(&v->vm->ports, &r));
	nsent = nreads = 0;
	return v;
}

static void string_exit(struct vcpu *v, uint32_t q, uint32_t info)
{
	fake_vmcs_set(VMCS_EXIT_QUALIFICATION, (uint64_t)PORT << 16 | Q_STRING | q);
	fake_vmcs_set(VMCS_EXIT_INSTRUCTION_INFO, info);
	exit_io(v);
	CHECK_EQ(fake_hw.lock_depth, 0);
}

TEST(exit_io_rep_outsb_and_segment_override)
{
	struct vcpu *v = string_vcpu();
	uint8_t *ram = gmem_ptr(&test_ram, 0x5000, 16);

	memcpy(ram, "hello", 5);
	v->regs.rsi = 0x1000, v->regs.rcx = 5;
	fake_vmcs_set(VMCS_GUEST_FS_BASE, 0x4000); /* FS: OUTSB's override */
	string_exit(v, Q_REP, INFO(1, SIO_FS));
	CHECK_EQ(nsent, 5);
	CHECK(!memcmp(sent, "hello", 5));
	CHECK_EQ(v->regs.rsi, 0x1005);
	CHECK_EQ(v->regs.rcx, 0);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100003);
	CHECK_EQ(fake_hw.stops, 0);

	/* REP with rCX 0 moves nothing and ends the instruction */
	v->regs.rcx = 0xffff0000u; /* 16-bit address size: CX is 0 */
	string_exit(v, Q_REP, INFO(0, SIO_DS));
	CHECK_EQ(nsent, 5);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100006);
}

TEST(exit_io_rep_insw_backwards)
{
	struct vcpu *v = string_vcpu();

	fake_vmcs_set(VMCS_GUEST_RFLAGS, 0x2 | (1u << 10)); /* DF */
	fake_vmcs_set(VMCS_GUEST_ES_BASE, 0x2000);
	v->regs.rdi = 0x104, v->regs.rcx = 3;
	string_exit(v, Q_REP | Q_IN | 1, INFO(1, SIO_DS));
	CHECK_EQ(nreads, 3);
	CHECK_EQ(test_ram_u16(0x2104), 0xa001);
	CHECK_EQ(test_ram_u16(0x2102), 0xa002);
	CHECK_EQ(test_ram_u16(0x2100), 0xa003);
	CHECK_EQ(test_ram_u8(0x2106), 0xcc); /* nothing past the element */
	CHECK_EQ(v->regs.rdi, 0xfe);
	CHECK_EQ(v->regs.rcx, 0);
	/* one OUTSD without REP: rCX untouched */
	v->regs.rsi = 0x2100, v->regs.rcx = 77;
	fake_vmcs_set(VMCS_GUEST_DS_BASE, 0);
	fake_vmcs_set(VMCS_GUEST_RFLAGS, 0x2);
	string_exit(v, 3, INFO(1, SIO_DS));
	CHECK_EQ(nsent, 4);
	CHECK_EQ(sent[0], 0x03);
	CHECK_EQ(sent[1], 0xa0);
	CHECK_EQ(sent[2], 0x02);
	CHECK_EQ(v->regs.rcx, 77);
	CHECK_EQ(v->regs.rsi, 0x2104);
}

TEST(exit_io_string_in_batches)
{
	struct vcpu *v = string_vcpu();

	v->regs.rsi = 0x10000, v->regs.rcx = 3000;
	string_exit(v, Q_REP, INFO(1, SIO_DS));
	CHECK_EQ(nsent, 1024);
	CHECK_EQ(v->regs.rcx, 3000 - 1024);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100000); /* runs again for the rest */
	string_exit(v, Q_REP, INFO(1, SIO_DS));
	string_exit(v, Q_REP, INFO(1, SIO_DS));
	CHECK_EQ(v->regs.rcx, 0);
	CHECK_EQ(v->regs.rsi, 0x10000 + 3000);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100003);
}

TEST(exit_io_string_page_fault_and_outside_ram)
{
	struct vcpu *v = string_vcpu();

	/* 32-bit paging: linear page 0x5000 maps to 0x8000, page 0x6000 is not present. */
	uint32_t *pd = (uint32_t *)gmem_ptr(&test_ram, 0x3000, 4096);
	uint32_t *pt = (uint32_t *)gmem_ptr(&test_ram, 0x4000, 4096);
	memset(pd, 0, 4096);
	memset(pt, 0, 4096);
	pd[0] = 0x4003;
	pt[5] = 0x8003;
	fake_vmcs_set(VMCS_GUEST_CR0, fake_vmcs_get(VMCS_GUEST_CR0) | (1ull << 31));
	fake_vmcs_set(VMCS_GUEST_CR3, 0x3000);
	v->regs.rdi = 0x5ffe, v->regs.rcx = 4; /* the third byte is on the missing page */
	string_exit(v, Q_REP | Q_IN, INFO(1, SIO_DS));
	CHECK_EQ(nreads, 2); /* two elements done, the faulting one not started */
	CHECK_EQ(test_ram_u8(0x8ffe), 0x01);
	CHECK_EQ(test_ram_u8(0x8fff), 0x02);
	CHECK_EQ(v->regs.rcx, 2);
	CHECK_EQ(v->regs.rdi, 0x6000);
	CHECK_EQ(v->regs.cr2, 0x6000);
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), 0x80000b0eu); /* #PF, hardware, error code */
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_EXCEPTION_ERROR_CODE), 0x2); /* not present, write */
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100000);
	CHECK_EQ(fake_hw.stops, 0);

	v = string_vcpu(); /* paging off: an address past RAM is MMIO the VM does not have */
	v->regs.rsi = 0x200000, v->regs.rcx = 1;
	string_exit(v, Q_REP, INFO(1, SIO_DS));
	CHECK_EQ(fake_hw.stops, 1);
	CHECK(strstr(fake_hw.stop_reason, "OUTS at RIP 0x100000 on port 0x3f8 reaches "
					  "guest-physical 0x200000, outside guest RAM") != 0);
	CHECK_EQ(nsent, 0);
}

TEST(exit_io_string_needs_instruction_information)
{
	struct vcpu *v = string_vcpu();

	fake_caps.basic = 0;
	v->regs.rcx = 1;
	string_exit(v, Q_REP, INFO(1, SIO_DS));
	CHECK_EQ(fake_hw.stops, 1);
	CHECK(strstr(fake_hw.stop_reason, "no INS/OUTS instruction information") != 0);
}
