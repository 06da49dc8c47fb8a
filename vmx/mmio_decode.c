/* vmx/mmio_decode.c: the MOV/MOVZX decoder for APIC-page accesses (see vmx/mmio_decode.h).
 * Pure. Section and table numbers are from the SDM Vol. 2A, 2.1 "Instruction Format". */
#include "vmx/mmio_decode.h"

/* SDM Vol. 2A, 2.3.11: "The maximum length of an Intel 64 and IA-32 instruction remains 15
 * bytes"; a longer one raises #GP, so it can never be the instruction behind an exit. */
#define MMIO_MAX_LEN 15

/* REX bits (SDM Vol. 2A, 2.2.1.1, Table 2-4 "REX Prefix Fields"). X and B only select index
 * and base registers, which never change the length (2.2.1.2, Table 2-5 "Special Cases of REX
 * Encodings": the SIB, RIP-relative and disp32 cases are decoded without REX.B). */
#define REX_W 0x08
#define REX_R 0x04

struct dec {
	const uint8_t *b;
	unsigned avail;     /* valid bytes, at most MMIO_MAX_LEN */
	unsigned pos;       /* bytes consumed */
	uint8_t rex;        /* the REX byte in effect (0x40..0x4f), 0 when none */
	unsigned op_size;   /* operand size in bytes: 2, 4 or 8 */
	unsigned addr_size; /* address size in bytes: 2, 4 or 8 */
};

static bool next(struct dec *d, uint8_t *v)
{
	if (d->pos >= d->avail)
		return false;
	*v = d->b[d->pos++];
	return true;
}

static bool skip(struct dec *d, unsigned n)
{
	if (n > d->avail - d->pos)
		return false;
	d->pos += n;
	return true;
}

/* n bytes, little-endian (displacements and immediates, SDM Vol. 2A, 2.1.6). */
static bool take_le(struct dec *d, unsigned n, uint64_t *v)
{
	if (n > d->avail - d->pos)
		return false;
	*v = 0;
	for (unsigned k = 0; k < n; k++)
		*v |= (uint64_t)d->b[d->pos + k] << (8 * k);
	d->pos += n;
	return true;
}

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* Operand and address size from the mode and the 66/67 prefixes (SDM Vol. 2A, 2.1.1 and Vol. 1,
 * 3.6 "Operand-size and Address-size Attributes", Table 3-4 for 64-bit mode: REX.W wins over
 * 66; 67 selects 32-bit addressing there). */
static void set_sizes(struct dec *d, unsigned cpu_bits, bool osz, bool asz)
{
	unsigned def = cpu_bits == 16 ? 2 : 4;

	d->op_size = (d->rex & REX_W) ? 8 : osz ? 6 - def : def;
	if (cpu_bits == 64)
		d->addr_size = asz ? 4 : 8;
	else
		d->addr_size = asz ? 6 - def : def;
}

/* Legacy prefixes (SDM Vol. 2A, 2.1.1) and REX (2.2.1), up to the opcode byte. LOCK and
 * REP/REPNE have no business on a MOV to the APIC page (LOCK MOV is #UD), so they end decoding.
 * A REX is in effect only right before the opcode: a legacy prefix after it cancels it. */
static bool decode_prefixes(struct dec *d, unsigned cpu_bits, uint8_t *opcode)
{
	bool osz = false, asz = false;
	uint8_t c;

	for (;;) {
		if (!next(d, &c))
			return false;
		if (c == 0xf0 || c == 0xf2 || c == 0xf3)
			return false;
		if (c == 0x66 || c == 0x67 || c == 0x26 || c == 0x2e || c == 0x36 || c == 0x3e ||
		    c == 0x64 || c == 0x65) {
			osz |= c == 0x66;
			asz |= c == 0x67;
			d->rex = 0;
		} else if (cpu_bits == 64 && (c & 0xf0) == 0x40) {
			d->rex = c; /* outside 64-bit mode 40..4F are INC/DEC: unknown opcodes */
		} else {
			break;
		}
	}
	*opcode = c;
	set_sizes(d, cpu_bits, osz, asz);
	return true;
}

/* Measures ModRM, SIB and displacement (SDM Vol. 2A, 2.1.5, Table 2-1 "16-Bit Addressing Forms
 * with the ModR/M Byte", Table 2-2 "32-Bit Addressing Forms with the ModR/M Byte", Table 2-3
 * "32-Bit Addressing Forms with the SIB Byte"; 2.2.1.6 "RIP-Relative Addressing": mod=00 rm=101
 * is RIP-relative in 64-bit mode, with the same disp32 length). mod=11 names a register, which
 * cannot be the APIC access. */
static bool skip_modrm(struct dec *d, uint8_t *modrm)
{
	uint8_t m, sib;

	if (!next(d, &m) || (m >> 6) == 3)
		return false;
	*modrm = m;
	unsigned mod = m >> 6, rm = m & 7;

	if (d->addr_size == 2) /* Table 2-1: mod=00 rm=110 is a bare disp16 */
		return skip(d, mod == 1 ? 1 : (mod == 2 || rm == 6) ? 2 : 0);
	if (rm == 4) { /* Table 2-3: SIB follows; base=101 with mod=00 means disp32, no base */
		if (!next(d, &sib))
			return false;
		if (mod == 0 && (sib & 7) == 5)
			return skip(d, 4);
	}
	if (mod == 0)
		return skip(d, rm == 5 ? 4 : 0);
	return skip(d, mod == 1 ? 1 : 4);
}

/* ModRM.reg extended by REX.R (SDM Vol. 2A, 2.2.1.1, Table 2-4). */
static unsigned modrm_reg(const struct dec *d, uint8_t modrm)
{
	return ((modrm >> 3) & 7) | ((d->rex & REX_R) ? 8 : 0);
}

/* A byte-register operand: without any REX, 4..7 are AH, CH, DH, BH; with one (even 0x40) they
 * are SPL, BPL, SIL, DIL (SDM Vol. 2A, 2.2.1.2 "More on REX Prefix Fields"). */
static void set_byte_reg(const struct dec *d, struct mmio_insn *out, unsigned reg)
{
	out->high_byte = !d->rex && reg >= 4;
	out->reg = out->high_byte ? reg - 4 : reg;
}

/* 88/89 MOV r/m, r and 8A/8B MOV r, r/m: bit 1 of the opcode is the direction, bit 0 the
 * width (SDM Vol. 2, Appendix B.1.4 "Special Fields": the w and d bits). */
static bool decode_mov_rm(struct dec *d, uint8_t opcode, struct mmio_insn *out)
{
	uint8_t modrm;

	if (!skip_modrm(d, &modrm))
		return false;
	out->op = (opcode & 2) ? MMIO_LOAD : MMIO_STORE;
	out->size = (opcode & 1) ? d->op_size : 1;
	out->dst_size = out->op == MMIO_LOAD ? out->size : 0;
	if (out->size == 1)
		set_byte_reg(d, out, modrm_reg(d, modrm));
	else
		out->reg = modrm_reg(d, modrm);
	return true;
}

/* C6 /0 ib and C7 /0 iw/id (Vol. 2B, MOV): the immediate follows the displacement. With REX.W,
 * C7 takes an imm32 that is sign-extended to 64 bits (Vol. 2A, 2.2.1.5 "Immediates"). */
static bool decode_mov_imm(struct dec *d, uint8_t opcode, struct mmio_insn *out)
{
	uint8_t modrm;

	if (!skip_modrm(d, &modrm) || ((modrm >> 3) & 7) != 0)
		return false;
	out->op = MMIO_STORE;
	out->src_is_imm = true;
	out->size = opcode == 0xc6 ? 1 : d->op_size;
	if (!take_le(d, out->size == 8 ? 4 : out->size, &out->imm))
		return false;
	if (out->size == 8)
		out->imm = (uint64_t)(int64_t)(int32_t)(uint32_t)out->imm;
	return true;
}

/* A0..A3 MOV AL/eAX <-> moffs: no ModRM, an offset as wide as the address size (Vol. 2A,
 * 2.2.1.4 "Direct Memory-Offset MOVs": 8 bytes in 64-bit mode, 4 with 67). A0/A1 load, A2/A3
 * store; the register is always rAX (REX.B does not apply). */
static bool decode_moffs(struct dec *d, uint8_t opcode, struct mmio_insn *out)
{
	if (!skip(d, d->addr_size))
		return false;
	out->op = (opcode & 2) ? MMIO_STORE : MMIO_LOAD;
	out->size = (opcode & 1) ? d->op_size : 1;
	out->dst_size = out->op == MMIO_LOAD ? out->size : 0;
	out->reg = 0;
	return true;
}

/* 0F B6 /r MOVZX r, r/m8 and 0F B7 /r MOVZX r, r/m16 (Vol. 2B, MOVZX): the memory operand is
 * the source; the register (operand size wide) is written zero-extended. */
static bool decode_movzx(struct dec *d, struct mmio_insn *out)
{
	uint8_t op2, modrm;

	if (!next(d, &op2) || (op2 != 0xb6 && op2 != 0xb7) || !skip_modrm(d, &modrm))
		return false;
	out->op = MMIO_LOAD;
	out->zero_extend = true;
	out->size = op2 == 0xb6 ? 1 : 2;
	out->dst_size = d->op_size;
	out->reg = modrm_reg(d, modrm);
	return true;
}

static bool decode_opcode(struct dec *d, uint8_t opcode, struct mmio_insn *out)
{
	if (opcode >= 0x88 && opcode <= 0x8b)
		return decode_mov_rm(d, opcode, out);
	if (opcode == 0xc6 || opcode == 0xc7)
		return decode_mov_imm(d, opcode, out);
	if (opcode >= 0xa0 && opcode <= 0xa3)
		return decode_moffs(d, opcode, out);
	if (opcode == 0x0f)
		return decode_movzx(d, out);
	return false;
}

bool mmio_decode(const uint8_t *bytes, unsigned avail, unsigned cpu_bits, struct mmio_insn *out)
{
	struct dec d = { .b = bytes, .avail = avail < MMIO_MAX_LEN ? avail : MMIO_MAX_LEN };
	uint8_t opcode;

	*out = (struct mmio_insn){ 0 };
	if (cpu_bits != 16 && cpu_bits != 32 && cpu_bits != 64)
		return false;
	if (!decode_prefixes(&d, cpu_bits, &opcode) || !decode_opcode(&d, opcode, out)) {
		*out = (struct mmio_insn){ 0 };
		return false;
	}
	out->len = d.pos;
	return true;
}

/* Register write-back (SDM Vol. 1, 3.4.1.1 "General-Purpose Registers in 64-Bit Mode"): 8- and
 * 16-bit results leave the rest of the register alone; a 32-bit result is zero-extended to 64.
 * Outside 64-bit mode bits 63:32 are not visible to the running code, so zero-extending there
 * too is safe. MOVZX needs no extra step: the value is masked to `size` before it is written. */
uint64_t mmio_load_result(const struct mmio_insn *i, uint64_t old_reg, uint64_t value)
{
	uint64_t v = value & size_mask(i->size);
	uint64_t m = size_mask(i->dst_size);

	if (i->high_byte)
		return (old_reg & ~0xff00ull) | ((v & 0xff) << 8);
	if (i->dst_size >= 4)
		return v & m;
	return (old_reg & ~m) | (v & m);
}

uint64_t mmio_store_value(const struct mmio_insn *i, uint64_t reg_value)
{
	uint64_t v = i->src_is_imm ? i->imm : i->high_byte ? reg_value >> 8 : reg_value;

	return v & size_mask(i->size);
}
