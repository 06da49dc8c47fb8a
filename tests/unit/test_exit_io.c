/* tests/unit/test_exit_io.c: IN and OUT of each width through the I/O exit: a 32-bit IN
 * zero-extends into RAX, 8- and 16-bit INs keep the rest of RAX (SDM Vol. 1, 3.4.1.1); OUT
 * passes exactly the low 1, 2 or 4 bytes of RAX to the device. */
#include "tests/unit/fake_hw.h"
#include "tests/unit/fake_vmcs.h"
#include "tests/unit/test.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"

#define PORT 0x510

static uint32_t last_out;
static unsigned last_size;

static uint32_t dev_read(void *dev, uint16_t port, unsigned size)
{
	return 0x89abcdefu; /* the device answers more than asked: the handler masks */
}

static void dev_write(void *dev, uint16_t port, unsigned size, uint32_t value)
{
	last_out = value;
	last_size = size;
}

/* Exit qualification (SDM Vol. 3C, Table 28-5): size-1 in 2:0, IN in 3, port in 31:16. */
static struct vcpu *io(unsigned size, bool in, uint64_t rax)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);
	struct port_range r = { PORT, PORT + 3, "test", dev_read, dev_write, 0 };

	CHECK(io_ports_register(&v->vm->ports, &r));
	fake_vmcs_set(VMCS_EXIT_QUALIFICATION, (uint64_t)PORT << 16 | (in ? 8 : 0) | (size - 1));
	v->regs.rax = rax;
	exit_io(v);
	CHECK_EQ(fake_hw.lock_depth, 0);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100003);
	return v;
}

TEST(exit_io_in_of_each_width)
{
	const uint64_t rax = 0x1122334455667788ull;

	CHECK_EQ(io(1, true, rax)->regs.rax, 0x11223344556677efull);
	CHECK_EQ(io(2, true, rax)->regs.rax, 0x112233445566cdefull);
	CHECK_EQ(io(4, true, rax)->regs.rax, 0x0000000089abcdefull);
}

TEST(exit_io_out_of_each_width)
{
	const uint64_t rax = 0x1122334455667788ull;
	static const uint32_t want[5] = { 0, 0x88, 0x7788, 0, 0x55667788 };

	for (unsigned size = 1; size <= 4; size *= 2) {
		last_out = 0xdead;
		struct vcpu *v = io(size, false, rax);
		CHECK_EQ(last_out, want[size]);
		CHECK_EQ(last_size, size);
		CHECK_EQ(v->regs.rax, rax);
	}
}
