/* vmx/mmio_decode.h: decodes the one instruction behind an "APIC access" VM exit so the
 * hypervisor can emulate it. That exit is fault-like (SDM Vol. 3C, "APIC-Access VM Exits"): the
 * instruction has not executed, so the exit handler must know its length, direction, access size
 * and register or immediate operand, then do the access and advance RIP by `len`. The address
 * comes from the exit qualification, so the ModRM/SIB/displacement bytes are only measured, never
 * evaluated. Pure (host-tested); any context.
 *
 * Supported (SDM Vol. 2A, 2.1 "Instruction Format"; Vol. 2B, MOV and MOVZX):
 *   88 /r, 89 /r   MOV r/m, r           8A /r, 8B /r   MOV r, r/m
 *   C6 /0 ib       MOV r/m8, imm8       C7 /0 iw/id    MOV r/m, imm (REX.W: imm32 sign-extended)
 *   A0..A3         MOV AL/eAX <-> moffs (moffs is 2, 4 or 8 bytes: the address size)
 *   0F B6 /r, 0F B7 /r   MOVZX r, r/m8 / r/m16
 * Prefixes: 66 (operand size), 67 (address size), 26 2E 36 3E 64 65 (segment; ignored), REX
 * 40..4F in 64-bit mode only. A REX that is not the last prefix is ignored, as on hardware
 * (SDM Vol. 2A, 2.2.1 "REX Prefixes"); it still counts in `len`.
 * Rejected (false): LOCK (F0), REP/REPNE (F2/F3), any other opcode, ModRM.mod = 3 (a register
 * operand: not a memory access), C6/C7 with ModRM.reg != 0, bytes that run out before the
 * instruction ends, and anything longer than 15 bytes.
 * AH, CH, DH, BH are supported: a byte-register operand numbered 4..7 without any REX prefix is
 * reported as reg 0..3 with `high_byte` set (SDM Vol. 2A, 2.1.5, Table 2-2 "r8" row, and
 * 2.2.1.2 "More on REX Prefix Fields"). mmio_load_result() and mmio_store_value() apply it. */
#ifndef VMX_MMIO_DECODE_H
#define VMX_MMIO_DECODE_H

#include <stdbool.h>
#include <stdint.h>

enum mmio_op { MMIO_LOAD, MMIO_STORE };

struct mmio_insn {
	unsigned len;      /* instruction length in bytes, prefixes included */
	enum mmio_op op;
	unsigned size;     /* access size: 1, 2, 4 or 8 */
	bool src_is_imm;   /* MMIO_STORE: the value is `imm` (else register `reg`) */
	unsigned reg;      /* GPR number 0..15 in the order rax rcx rdx rbx rsp rbp rsi rdi r8..r15:
			      the destination of a load, the source of a store */
	bool high_byte;    /* size-1 register operand is bits 15:8 of `reg` (AH, CH, DH, BH) */
	uint64_t imm;      /* immediate (already sign/zero-extended to `size`) */
	unsigned dst_size; /* MMIO_LOAD: the register width written (1, 2, 4 or 8; a 4-byte write
			      zero-extends to 64 as on hardware; 1/2-byte writes merge) */
	bool zero_extend;  /* MOVZX */
};

/* cpu_bits: 16, 32 or 64 (the code segment's default size / long mode). bytes: up to 15 bytes
 * from RIP, `avail` of them valid. Returns false for anything not supported (the caller stops the
 * VM with a message naming the bytes); *out is then zeroed. */
bool mmio_decode(const uint8_t *bytes, unsigned avail, unsigned cpu_bits, struct mmio_insn *out);

/* Apply a decoded load's value to a register as hardware would (size/dst_size/zero-extension,
 * partial-register merge for 1- and 2-byte destinations and AH..BH, 32-bit zero-extension).
 * Bits of `value` above `size` are ignored. */
uint64_t mmio_load_result(const struct mmio_insn *i, uint64_t old_reg, uint64_t value);

/* The value a decoded store writes: `imm`, or the register's value (`reg_value`, the full 64-bit
 * register `reg`; bits 15:8 for AH..BH), truncated to `size` bytes. */
uint64_t mmio_store_value(const struct mmio_insn *i, uint64_t reg_value);

#endif
