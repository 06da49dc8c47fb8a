/* vmx/string_io.c: INS/OUTS decoding and register stepping (see vmx/string_io.h). Pure. */
#include "vmx/string_io.h"

bool sio_decode(uint64_t q, uint32_t info, struct sio_op *op)
{
	unsigned as = (info >> 7) & 7, seg = (info >> 15) & 7;

	if (!((q >> 4) & 1) || as > 2)
		return false;
	op->size = (unsigned)(q & 7) + 1;
	op->in = (q >> 3) & 1;
	op->rep = (q >> 5) & 1;
	op->port = (uint16_t)(q >> 16);
	op->addr_bits = 16u << as;
	if (op->in)
		op->seg = SIO_ES; /* INS writes ES:rDI; no override applies (SDM Vol. 2B, INS) */
	else if (seg <= SIO_GS)
		op->seg = (enum sio_seg)seg;
	else
		return false;
	return op->size == 1 || op->size == 2 || op->size == 4;
}

uint64_t sio_addr_mask(unsigned addr_bits)
{
	return addr_bits == 64 ? ~0ull : (1ull << addr_bits) - 1;
}

uint64_t sio_count(const struct sio_op *op, uint64_t rcx)
{
	return op->rep ? rcx & sio_addr_mask(op->addr_bits) : 1;
}

uint64_t sio_step(uint64_t reg, int64_t delta, unsigned addr_bits)
{
	uint64_t mask = sio_addr_mask(addr_bits), moved = (reg + (uint64_t)delta) & mask;

	if (addr_bits == 16)
		return (reg & ~mask) | moved;
	return moved; /* 32: zero-extended; 64: all of it */
}

uint64_t sio_linear(const struct sio_op *op, bool long_mode, uint64_t seg_base, uint64_t reg)
{
	uint64_t off = reg & sio_addr_mask(op->addr_bits);

	if (long_mode)
		return (op->seg == SIO_FS || op->seg == SIO_GS ? seg_base : 0) + off;
	return (uint32_t)(seg_base + off);
}
