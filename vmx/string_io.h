/* vmx/string_io.h: decoding an INS/OUTS exit and stepping its iterations (SDM Vol. 3C, 28.2.1
 * Table "Exit Qualification for I/O Instructions" and 28.2.5 "Information for VM Exits Due to
 * Instruction Execution", the INS/OUTS instruction-information layout: address size in bits
 * 9:7, OUTS's segment register in bits 17:15; SDM Vol. 2B, INS and OUTS: INS stores at ES:rDI,
 * OUTS loads from seg:rSI (DS unless overridden), each element moves rDI or rSI by the element
 * size, down when RFLAGS.DF is set; with REP, rCX counts and the registers are the address
 * size's: a 16-bit one changes bits 15:0 only, a 32-bit one zero-extends into bits 63:32).
 * Pure (host-tested). */
#ifndef VMX_STRING_IO_H
#define VMX_STRING_IO_H

#include <stdbool.h>
#include <stdint.h>

enum sio_seg { SIO_ES = 0, SIO_CS, SIO_SS, SIO_DS, SIO_FS, SIO_GS };

struct sio_op {
	unsigned size;      /* element: 1, 2 or 4 bytes */
	bool in;            /* INS (port to memory) */
	bool rep;
	uint16_t port;
	unsigned addr_bits; /* 16, 32 or 64 */
	enum sio_seg seg;   /* ES for INS; OUTS's, from the instruction information */
};

/* False for an exit that is not string I/O or an address size the field cannot hold. */
bool sio_decode(uint64_t qualification, uint32_t insn_info, struct sio_op *op);
/* The address size's mask for rSI, rDI and rCX. */
uint64_t sio_addr_mask(unsigned addr_bits);
/* How many elements the instruction moves: rCX (its address size's part) with REP, else 1. */
uint64_t sio_count(const struct sio_op *op, uint64_t rcx);
/* `reg` after moving by `delta` (may be negative) in the address size: the upper bits kept for
 * 16, cleared for 32 (a 32-bit register write), the whole register for 64. */
uint64_t sio_step(uint64_t reg, int64_t delta, unsigned addr_bits);
/* The linear address of an element: in 64-bit mode only FS and GS have a base (SDM Vol. 3A,
 * 3.4.4 "Segment Loading Instructions in IA-32e Mode"); otherwise base plus the offset,
 * truncated to 32 bits. */
uint64_t sio_linear(const struct sio_op *op, bool long_mode, uint64_t seg_base, uint64_t reg);

#endif
