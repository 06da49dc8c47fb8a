/* vmx/guest_state_check.c: the guest-state rules (see vmx/guest_state_check.h). Section titles are
 * those of Intel SDM Vol. 3C, 27.3.1.1 "Checks on Guest Control Registers, Debug Registers, and
 * MSRs", 27.3.1.2 "Checks on Guest Segment Registers", 27.3.1.4 "Checks on Guest RIP, RFLAGS, and
 * SSP", 27.3.1.5 "Checks on Guest Non-Register State". */
#include "arch/cpu.h"
#include "vmx/guest_state_check.h"
#include "vmx/vmcs_fields.h"

#define AR_UNUSABLE (1u << 16)
#define AR_TYPE(ar) ((ar) & 15)
#define AR_S(ar) (((ar) >> 4) & 1)
#define AR_DPL(ar) (((ar) >> 5) & 3)
#define AR_P(ar) (((ar) >> 7) & 1)
#define AR_L(ar) (((ar) >> 13) & 1)
#define AR_DB(ar) (((ar) >> 14) & 1)
#define AR_G(ar) (((ar) >> 15) & 1)

struct sink {
	struct gs_problem *out;
	unsigned max, n;
};

static void bad(struct sink *s, bool broken, const char *field, const char *rule)
{
	if (!broken)
		return;
	if (s->n < s->max)
		s->out[s->n] = (struct gs_problem){ field, rule };
	s->n++;
}

static void check_control_registers(const struct guest_state *g, struct sink *s)
{
	bool ug = g->proc2 & PROC2_UNRESTRICTED, ia32e = g->entry_ctl & ENTRY_IA32E_GUEST;
	uint64_t must1 = g->cr0_fixed0 & ~(ug ? CR0_PE | CR0_PG : 0);

	bad(s, (g->cr0 & must1) != must1 || (g->cr0 & ~g->cr0_fixed1),
	    "GUEST_CR0", "bits fixed by IA32_VMX_CR0_FIXED0/1 (PE and PG free with unrestricted guest)");
	bad(s, (g->cr0 & CR0_PG) && !(g->cr0 & CR0_PE), "GUEST_CR0", "PG set without PE");
	bad(s, (g->cr4 & g->cr4_fixed0) != g->cr4_fixed0 || (g->cr4 & ~g->cr4_fixed1),
	    "GUEST_CR4", "bits fixed by IA32_VMX_CR4_FIXED0/1");
	bad(s, ia32e && (!(g->cr0 & CR0_PG) || !(g->cr4 & CR4_PAE)), "GUEST_CR0",
	    "IA-32e mode guest needs CR0.PG and CR4.PAE");
	bad(s, !!(g->efer & EFER_LMA) != ia32e, "GUEST_IA32_EFER",
	    "EFER.LMA must equal the IA-32e mode guest entry control");
	bad(s, (g->cr0 & CR0_PG) && !!(g->efer & EFER_LMA) != !!(g->efer & EFER_LME),
	    "GUEST_IA32_EFER", "with paging on, EFER.LMA must equal EFER.LME");
}

/* A usable segment's limit must agree with its G bit. */
static bool limit_ok(const struct gs_segment *seg)
{
	if ((seg->limit & 0xfff) != 0xfff && AR_G(seg->ar))
		return false;
	if ((seg->limit >> 20) && !AR_G(seg->ar))
		return false;
	return true;
}

static void check_data_segment(const struct gs_segment *seg, const char *field, struct sink *s)
{
	if (seg->ar & AR_UNUSABLE)
		return;
	bad(s, !(AR_TYPE(seg->ar) & 1), field, "a usable data segment must be accessed (type bit 0)");
	bad(s, (AR_TYPE(seg->ar) & 8) && !(AR_TYPE(seg->ar) & 2), field,
	    "a code segment in a data register must be readable");
	bad(s, !AR_S(seg->ar) || !AR_P(seg->ar), field, "S and P must be 1");
	bad(s, !limit_ok(seg), field, "limit and granularity disagree");
	bad(s, seg->ar & 0xfffe0f00u, field, "reserved access-rights bits must be 0");
}

static void check_segments(const struct guest_state *g, struct sink *s)
{
	bool ug = g->proc2 & PROC2_UNRESTRICTED, ia32e = g->entry_ctl & ENTRY_IA32E_GUEST;
	unsigned cs_type = AR_TYPE(g->cs.ar);

	bad(s, !(cs_type == 9 || cs_type == 11 || cs_type == 13 || cs_type == 15 ||
		 (ug && cs_type == 3)), "GUEST_CS_AR_BYTES", "CS type must be accessed code (or 3 "
							  "with unrestricted guest)");
	bad(s, !AR_S(g->cs.ar) || !AR_P(g->cs.ar), "GUEST_CS_AR_BYTES", "S and P must be 1");
	bad(s, ia32e && AR_L(g->cs.ar) && AR_DB(g->cs.ar), "GUEST_CS_AR_BYTES",
	    "L and D/B must not both be 1");
	bad(s, !limit_ok(&g->cs), "GUEST_CS_LIMIT", "limit and granularity disagree");
	bad(s, !(g->ss.ar & AR_UNUSABLE) && AR_TYPE(g->ss.ar) != 3 && AR_TYPE(g->ss.ar) != 7,
	    "GUEST_SS_AR_BYTES", "SS type must be 3 or 7");
	bad(s, !ug && !(g->ss.ar & AR_UNUSABLE) && AR_DPL(g->ss.ar) != (g->ss.sel & 3),
	    "GUEST_SS_AR_BYTES", "SS.DPL must equal SS.RPL");
	check_data_segment(&g->ds, "GUEST_DS_AR_BYTES", s);
	check_data_segment(&g->es, "GUEST_ES_AR_BYTES", s);
	check_data_segment(&g->fs, "GUEST_FS_AR_BYTES", s);
	check_data_segment(&g->gs, "GUEST_GS_AR_BYTES", s);
	unsigned tr_type = AR_TYPE(g->tr.ar);
	bad(s, (g->tr.ar & AR_UNUSABLE) || !(tr_type == 11 || (!ia32e && tr_type == 3)) ||
		       AR_S(g->tr.ar) || !AR_P(g->tr.ar),
	    "GUEST_TR_AR_BYTES", "TR must be a usable, present, busy TSS (type 11, or 3 outside "
				 "IA-32e mode)");
	bad(s, g->tr.sel & 4, "GUEST_TR_SELECTOR", "TI must be 0");
	bad(s, !(g->ldtr.ar & AR_UNUSABLE) && (AR_TYPE(g->ldtr.ar) != 2 || AR_S(g->ldtr.ar)),
	    "GUEST_LDTR_AR_BYTES", "a usable LDTR must be type 2, S=0");
}

static void check_rest(const struct guest_state *g, struct sink *s)
{
	bool ia32e = g->entry_ctl & ENTRY_IA32E_GUEST;

	bad(s, !(g->rflags & 2) || (g->rflags & ((1u << 3) | (1u << 5) | (1u << 15) |
						 0xffffffffffc00000ull)),
	    "GUEST_RFLAGS", "bit 1 must be 1; bits 3, 5, 15 and 22-63 must be 0");
	bad(s, ia32e && (g->rflags & (1u << 17)), "GUEST_RFLAGS", "VM must be 0 in IA-32e mode");
	bad(s, (!ia32e || !AR_L(g->cs.ar)) && (g->rip >> 32), "GUEST_RIP",
	    "bits 63:32 must be 0 outside 64-bit mode");
	bad(s, g->activity > 3, "GUEST_ACTIVITY_STATE", "must be 0 to 3");
	bad(s, g->activity == 1 && AR_DPL(g->ss.ar) != 0, "GUEST_ACTIVITY_STATE",
	    "HLT needs SS.DPL 0");
	bad(s, (g->interruptibility & 3) == 3, "GUEST_INTERRUPTIBILITY_INFO",
	    "blocking by STI and by MOV SS cannot both be set");
	bad(s, (g->interruptibility & 1) && !(g->rflags & (1u << 9)), "GUEST_INTERRUPTIBILITY_INFO",
	    "blocking by STI needs RFLAGS.IF");
	bad(s, g->link_pointer != ~0ull, "VMCS_LINK_POINTER", "must be all ones without shadowing");
}

unsigned guest_state_check(const struct guest_state *g, struct gs_problem *out, unsigned max)
{
	struct sink s = { out, max, 0 };

	check_control_registers(g, &s);
	check_segments(g, &s);
	check_rest(g, &s);
	return s.n;
}
