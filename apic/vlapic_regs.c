/* apic/vlapic_regs.c: reads and writes of the virtual APIC's registers, through the xAPIC page
 * (MMIO) and the x2APIC MSRs, from one table (Intel SDM Vol. 3A, Table 11-1 "Local APIC Register
 * Address Map" and Table 11-6 "Local APIC Register Address Map Supported by x2APIC"). The x2APIC
 * rules of 11.12.1.2-11.12.1.3 are what make an access #GP: a read of a write-only or absent
 * register, a write of a read-only or absent one, reserved bits set. Pure. */
#include "apic/vlapic.h"
#include "apic/vlapic_priv.h"

enum reg_kind {
	K_RO, K_TPR, K_EOI, K_LDR, K_DFR, K_SVR, K_ESR, K_ICR_LO, K_ICR_HI, K_LVT, K_TMICT,
	K_TMCCT, K_DCR, K_SELF,
};

/* Who may do what: MMIO read/write (xAPIC), MSR read/write (x2APIC). */
#define MR 1u
#define MW 2u
#define XR 4u
#define XW 8u

struct reg {
	uint16_t offset;
	uint8_t kind;  /* enum reg_kind */
	uint8_t flags; /* MR, MW, XR, XW */
	uint32_t mask; /* the bits a write keeps (and, in x2APIC mode, the only bits allowed) */
};

/* Indexed by offset / 16 (every register sits on a 16-byte boundary below 0x400), so an access
 * finds its row at once; a row without flags is no register. */
#define NREGS (0x400 >> 4)
#define REG(offset, kind, flags, mask) [(offset) >> 4] = { offset, kind, flags, mask }

static const struct reg regs[NREGS] = {
	REG(APIC_ID, K_RO, MR | XR, 0),
	REG(APIC_VERSION, K_RO, MR | XR, 0),
	REG(APIC_TPR, K_TPR, MR | MW | XR | XW, 0xff),
	REG(APIC_APR, K_RO, MR, 0), /* read-only, 0: no bus arbitration to report */
	REG(APIC_PPR, K_RO, MR | XR, 0),
	REG(APIC_EOI, K_EOI, MW | XW, 0),
	REG(APIC_RRD, K_RO, MR, 0), /* remote read: not supported, reads 0 */
	REG(APIC_LDR, K_LDR, MR | MW | XR, 0xff000000u),
	REG(APIC_DFR, K_DFR, MR | MW, 0xf0000000u),
	REG(APIC_SVR, K_SVR, MR | MW | XR | XW, 0x1ff),
	REG(APIC_ESR, K_ESR, MR | MW | XR | XW, 0),
	REG(APIC_LVT_CMCI, K_LVT, MR | MW | XR | XW, 0x107ff),
	REG(APIC_ICR_LO, K_ICR_LO, MR | MW | XR | XW, 0xccfffu),
	REG(APIC_ICR_HI, K_ICR_HI, MR | MW, 0xff000000u),
	REG(APIC_LVT_TIMER, K_LVT, MR | MW | XR | XW, 0x700ff),
	REG(APIC_LVT_THERMAL, K_LVT, MR | MW | XR | XW, 0x107ff),
	REG(APIC_LVT_PMC, K_LVT, MR | MW | XR | XW, 0x107ff),
	REG(APIC_LVT_LINT0, K_LVT, MR | MW | XR | XW, 0x1a7ff),
	REG(APIC_LVT_LINT1, K_LVT, MR | MW | XR | XW, 0x1a7ff),
	REG(APIC_LVT_ERROR, K_LVT, MR | MW | XR | XW, 0x100ff),
	REG(APIC_TIMER_INITIAL, K_TMICT, MR | MW | XR | XW, 0xffffffffu),
	REG(APIC_TIMER_CURRENT, K_TMCCT, MR | XR, 0),
	REG(APIC_TIMER_DIVIDE, K_DCR, MR | MW | XR | XW, 0xb),
	REG(APIC_SELF_IPI, K_SELF, XW, 0xff),
};

/* ISR, TMR and IRR: 24 read-only registers from 0x100 to 0x270. */
static const struct reg vector_reg = { 0, K_RO, MR | XR, 0 };

static const struct reg *find_reg(uint32_t offset)
{
	if (offset >= APIC_ISR && offset <= APIC_IRR + 0x70)
		return &vector_reg;
	if (offset >= 0x400 || !regs[offset >> 4].flags)
		return 0;
	return &regs[offset >> 4];
}

/* Fixed and lowest-priority IPIs need a vector of 16 or more (SDM 11.5.3, "Send Illegal
 * Vector"). */
static void send_ipi(struct vlapic *vl, uint32_t lo, uint32_t dest, bool x2apic)
{
	struct vlapic_ipi ipi = {
		.vector = (uint8_t)lo,
		.delivery = (lo >> 8) & 7,
		.logical = lo & (1u << 11),
		.shorthand = (lo >> 18) & 3,
		.dest = dest,
		.x2apic = x2apic,
	};

	ipi.level_deassert = ipi.delivery == VLAPIC_DM_INIT && !(lo & (1u << 14)) && (lo & (1u << 15));
	if ((ipi.delivery == VLAPIC_DM_FIXED || ipi.delivery == VLAPIC_DM_LOWEST) && ipi.vector < 16) {
		vlapic_set_error(vl, ESR_SEND_ILLEGAL_VECTOR);
		return;
	}
	vl->ipi = ipi;
	vl->ipi_ready = true;
}

/* Software disable masks every LVT and keeps them masked (SDM 11.4.7.2). */
static void write_svr(struct vlapic *vl, uint32_t value)
{
	vlapic_set_reg(vl, APIC_SVR, value);
	if (value & APIC_SVR_ENABLE)
		return;
	for (unsigned i = 0; i < VLAPIC_NLVT; i++)
		vlapic_set_reg(vl, vlapic_lvts[i], vlapic_reg(vl, vlapic_lvts[i]) | APIC_LVT_MASKED);
}

/* A timer past due whose expiry was not processed yet expires first, under the LVT it expired
 * under: the guest's write comes after it on the TSC, and a one-shot count that reached zero
 * must stay there when the write turns on periodic mode (SDM Vol. 3A, 11.5.4). */
static void write_lvt(struct vlapic *vl, const struct reg *r, uint32_t value, uint64_t now)
{
	if (r->offset == APIC_LVT_TIMER)
		vlapic_timer_due(vl, now);
	value &= r->mask;
	if (!(vlapic_reg(vl, APIC_SVR) & APIC_SVR_ENABLE))
		value |= APIC_LVT_MASKED;
	/* Delivery status (bit 12) and remote IRR (bit 14) are read-only and stay 0 here. */
	vlapic_set_reg(vl, r->offset, value);
	if (r->offset == APIC_LVT_TIMER)
		vlapic_timer_lvt_written(vl);
}

/* The write of an accepted value (masks applied by the caller where the mode wants them). */
static void do_write(struct vlapic *vl, const struct reg *r, uint64_t value, uint64_t now)
{
	uint32_t v = (uint32_t)value;

	switch (r->kind) {
	case K_TPR:
		vlapic_set_tpr(vl, (uint8_t)v);
		break;
	case K_EOI:
		vlapic_eoi(vl);
		break;
	case K_LDR:
		vlapic_set_reg(vl, APIC_LDR, v & r->mask);
		break;
	case K_DFR:
		vlapic_set_reg(vl, APIC_DFR, (v & r->mask) | 0x0fffffffu);
		break;
	case K_SVR:
		write_svr(vl, v & r->mask);
		break;
	case K_ESR: /* latches the errors seen since the last write (vlapic_set_error) */
		vlapic_set_reg(vl, APIC_ESR, vl->esr_pending);
		vl->esr_pending = 0;
		break;
	case K_ICR_HI:
		vlapic_set_reg(vl, APIC_ICR_HI, v & r->mask);
		break;
	case K_LVT:
		write_lvt(vl, r, v, now);
		break;
	case K_TMICT:
		vlapic_timer_load(vl, v, now);
		break;
	case K_DCR:
		vlapic_set_reg(vl, APIC_TIMER_DIVIDE, v & r->mask);
		break;
	default: /* K_RO, K_TMCCT: read-only, dropped; K_ICR_LO and K_SELF: by the callers */
		break;
	}
}

static uint32_t do_read(struct vlapic *vl, const struct reg *r, uint64_t now)
{
	if (r->kind == K_TMCCT)
		return vlapic_timer_current(vl, now);
	if (r->kind == K_EOI || r->kind == K_SELF)
		return 0;
	return vlapic_reg(vl, r->offset);
}

enum vlapic_access vlapic_mmio_read(struct vlapic *vl, uint32_t offset, uint64_t now,
				    uint32_t *value)
{
	const struct reg *r = (offset & 0xf) ? 0 : find_reg(offset);

	*value = 0;
	if (!r || !(r->flags & (MR | MW))) {
		vlapic_set_error(vl, ESR_ILLEGAL_REGISTER);
		return VLAPIC_IGNORED;
	}
	*value = r == &vector_reg ? vlapic_reg(vl, offset) : do_read(vl, r, now);
	return VLAPIC_OK;
}

enum vlapic_access vlapic_mmio_write(struct vlapic *vl, uint32_t offset, uint32_t value,
				     uint64_t now)
{
	const struct reg *r = (offset & 0xf) ? 0 : find_reg(offset);

	if (!r || !(r->flags & (MR | MW))) {
		vlapic_set_error(vl, ESR_ILLEGAL_REGISTER);
		return VLAPIC_IGNORED;
	}
	if (!(r->flags & MW)) {
		/* Read-only: the write is dropped. With APIC-register virtualization the CPU has
		 * already stored a guest's ID write in the page (SDM Vol. 3C, 30.4.3.1): undo it. */
		if (offset == APIC_ID)
			vlapic_set_reg(vl, APIC_ID, vl->id << 24);
		return VLAPIC_OK;
	}
	if (r->kind == K_ICR_LO) {
		vlapic_set_reg(vl, APIC_ICR_LO, value & r->mask);
		send_ipi(vl, value, vlapic_reg(vl, APIC_ICR_HI) >> 24, false);
		return VLAPIC_OK;
	}
	do_write(vl, r, value, now);
	return VLAPIC_OK;
}

static const struct reg *x2apic_reg(uint32_t msr)
{
	if (msr < X2APIC_MSR_FIRST || msr > X2APIC_MSR_LAST)
		return 0;
	return find_reg((msr - X2APIC_MSR_FIRST) << 4);
}

bool vlapic_x2apic_readable(uint32_t msr)
{
	const struct reg *r = x2apic_reg(msr);

	return r && (r->flags & XR);
}

enum vlapic_access vlapic_msr_read(struct vlapic *vl, uint32_t msr, uint64_t now, uint64_t *value)
{
	const struct reg *r = x2apic_reg(msr);
	uint32_t offset = (msr - X2APIC_MSR_FIRST) << 4;

	*value = 0;
	if (!r || !(r->flags & XR))
		return VLAPIC_GP;
	if (r->kind == K_ICR_LO) {
		*value = vlapic_reg(vl, APIC_ICR_LO) | (uint64_t)vlapic_reg(vl, APIC_ICR_HI) << 32;
		return VLAPIC_OK;
	}
	*value = r == &vector_reg ? vlapic_reg(vl, offset) : do_read(vl, r, now);
	return VLAPIC_OK;
}

enum vlapic_access vlapic_msr_write(struct vlapic *vl, uint32_t msr, uint64_t value, uint64_t now)
{
	const struct reg *r = x2apic_reg(msr);

	if (!r || !(r->flags & XW))
		return VLAPIC_GP;
	if (r->kind == K_ICR_LO) {
		uint32_t lo = (uint32_t)value & r->mask;
		vlapic_set_reg(vl, APIC_ICR_LO, lo);
		vlapic_set_reg(vl, APIC_ICR_HI, (uint32_t)(value >> 32));
		send_ipi(vl, lo, (uint32_t)(value >> 32), true);
		return VLAPIC_OK;
	}
	/* Reserved bits #GP; EOI and ESR take only 0 (SDM 11.12.1.2, 11.12.1.3). */
	if (value & ~(uint64_t)r->mask)
		return VLAPIC_GP;
	if (r->kind == K_SELF) {
		send_ipi(vl, (uint32_t)value | (VLAPIC_SH_SELF << 18), 0, true);
		return VLAPIC_OK;
	}
	do_write(vl, r, value, now);
	return VLAPIC_OK;
}
