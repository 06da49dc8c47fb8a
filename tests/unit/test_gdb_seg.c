/* tests/unit/test_gdb_seg.c: lib/gdb_seg.c, what a segment-selector write from GDB loads: the
 * descriptor's base, limit and access rights in the VMCS's format, and the checks of MOV to a
 * segment register and of a far JMP for CS. */
#include "lib/gdb_seg.h"
#include "tests/unit/test.h"

/* The gdbtest guest's GDT (tests/guests/lib/entry.asm) and a few more. */
#define CODE32 0x00cf9a000000ffffull   /* base 0, limit 4 GiB, 32-bit code, DPL 0 */
#define DATA32 0x00cf92000000ffffull   /* writable data, DPL 0 */
#define CODE64 0x00af9b000000ffffull   /* 64-bit code (L), accessed */
#define DATA_BASE 0x124ff2345678abcdull /* base 0x12345678, limit 0xfabcd bytes, DPL 3 */
#define DATA_DPL3 0x00cff2000000ffffull
#define CODE_XONLY 0x00cf98000000ffffull
#define CODE_CONF3 0x00cffe000000ffffull /* conforming, readable, DPL 3 */
#define NOT_PRESENT 0x00cf12000000ffffull
#define TSS 0x00008b000000ffffull

static const struct gdb_seg_now ring0_32 = { 0, 0xc09b };

TEST(gdb_seg_decodes_the_descriptor)
{
	struct gdb_seg s;
	const char *why = 0;
	struct gdb_seg_now ring3 = { 3, 0xc0fb };

	CHECK(gdb_seg_load(GDB_SEG_DS, 0x10, DATA32, &ring0_32, &s, &why));
	CHECK_EQ(s.sel, 0x10);
	CHECK_EQ(s.base, 0);
	CHECK_EQ(s.limit, 0xffffffffu); /* G: 4 KiB units */
	CHECK_EQ(s.ar, 0xc093);         /* accessed set, as the load sets it */
	CHECK(gdb_seg_load(GDB_SEG_FS, 0x23, DATA_BASE, &ring3, &s, &why));
	CHECK_EQ(s.base, 0x12345678);
	CHECK_EQ(s.limit, 0xfabcd);     /* byte granular */
	CHECK_EQ(s.ar, 0x40f3);
	CHECK(gdb_seg_load(GDB_SEG_CS, 0x08, CODE32, &ring0_32, &s, &why));
	CHECK_EQ(s.ar, 0xc09b);
}

TEST(gdb_seg_refuses_what_the_instruction_would_fault_on)
{
	struct gdb_seg s = { 0x55, 0, 0, 0 };
	const char *why = 0;
	struct gdb_seg_now ring3 = { 3, 0xc0fb };

	CHECK(!gdb_seg_load(GDB_SEG_DS, 0x28, TSS, &ring0_32, &s, &why) && why);
	CHECK(!gdb_seg_load(GDB_SEG_DS, 0x08, CODE_XONLY, &ring0_32, &s, &why));
	CHECK(gdb_seg_load(GDB_SEG_DS, 0x08, CODE32, &ring0_32, &s, &why)); /* readable code */
	CHECK(!gdb_seg_load(GDB_SEG_DS, 0x10, NOT_PRESENT, &ring0_32, &s, &why));
	/* privilege: ring 3 cannot load a DPL 0 data segment, nor RPL 3 one of DPL 0 */
	CHECK(!gdb_seg_load(GDB_SEG_DS, 0x13, DATA32, &ring3, &s, &why));
	CHECK(!gdb_seg_load(GDB_SEG_DS, 0x13, DATA32, &ring0_32, &s, &why));
	CHECK(gdb_seg_load(GDB_SEG_DS, 0x1b, CODE_CONF3, &ring3, &s, &why)); /* conforming: any */
	/* SS: writable data with RPL = DPL = CPL */
	CHECK(gdb_seg_load(GDB_SEG_SS, 0x10, DATA32, &ring0_32, &s, &why));
	CHECK(!gdb_seg_load(GDB_SEG_SS, 0x08, CODE32, &ring0_32, &s, &why));
	CHECK(!gdb_seg_load(GDB_SEG_SS, 0x13, DATA_DPL3, &ring0_32, &s, &why));
	CHECK(!gdb_seg_load(GDB_SEG_SS, 0x10, NOT_PRESENT, &ring0_32, &s, &why));
	/* CS: code of the same privilege and mode; RPL becomes the CPL */
	CHECK(!gdb_seg_load(GDB_SEG_CS, 0x10, DATA32, &ring0_32, &s, &why));
	CHECK(!gdb_seg_load(GDB_SEG_CS, 0x18, CODE64, &ring0_32, &s, &why) && why);
	CHECK(!gdb_seg_load(GDB_SEG_CS, 0x1b, CODE_CONF3, &ring0_32, &s, &why)); /* DPL 3 > CPL 0 */
	CHECK(gdb_seg_load(GDB_SEG_CS, 0x0b, CODE32, &ring0_32, &s, &why) == false); /* RPL 3 > CPL */
	struct gdb_seg_now ring0_64 = { 0, 0xa09b };
	CHECK(gdb_seg_load(GDB_SEG_CS, 0x18, CODE64, &ring0_64, &s, &why));
	CHECK_EQ(s.ar, 0xa09b);
	CHECK(gdb_seg_load(GDB_SEG_CS, 0x1b, CODE_CONF3, &ring3, &s, &why));
	CHECK_EQ(s.sel, 0x1b);
	/* a refusal leaves *out alone */
	s.sel = 0x55;
	CHECK(!gdb_seg_load(GDB_SEG_DS, 0x28, TSS, &ring0_32, &s, &why));
	CHECK_EQ(s.sel, 0x55);
}

TEST(gdb_seg_null_selectors)
{
	struct gdb_seg s;
	const char *why = 0;

	CHECK(gdb_seg_is_null(0) && gdb_seg_is_null(3) && !gdb_seg_is_null(4) && !gdb_seg_is_null(8));
	CHECK(gdb_seg_null(GDB_SEG_GS, 3, &s, &why));
	CHECK_EQ(s.ar, GDB_SEG_AR_UNUSABLE);
	CHECK_EQ(s.sel, 3);
	CHECK(!gdb_seg_null(GDB_SEG_SS, 0, &s, &why) && why);
	CHECK(!gdb_seg_null(GDB_SEG_CS, 0, &s, &why));
}
