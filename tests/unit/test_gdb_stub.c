/* tests/unit/test_gdb_stub.c: lib/gdb_stub.c, lib/gdb_regs.c and lib/gdb_bp.c against a fake
 * two-vCPU target: packets in as GDB frames them, replies out unframed and checked. */
#include "lib/gdb_stub.h"
#include "tests/unit/test.h"

struct fake {
	uint64_t regs[2][GDB_SRC_COUNT];
	uint8_t fx[2][GDB_FX_BYTES];
	bool fx64[2]; /* the format the last read or write asked for */
	unsigned fx_writes;
	uint8_t mem[0x100]; /* guest-virtual 0x1000..0x10ff, the same for both vCPUs */
	bool long_mode, stopped, stepping, attached;
	unsigned resumed_vcpu, stops, kills;
	uint64_t dr7;
	char out[8192];
	size_t out_len;
};

static struct fake *F(void *c) { return c; }
static unsigned f_threads(void *c) { return 2; }
static bool f_long(void *c) { return F(c)->long_mode; }
static bool f_read_regs(void *c, unsigned v, struct gdb_regvals *vals)
{
	memcpy(vals->v, F(c)->regs[v], sizeof(F(c)->regs[v]));
	memcpy(vals->fx, F(c)->fx[v], sizeof(F(c)->fx[v]));
	F(c)->fx64[v] = vals->fx64;
	return true;
}
static bool f_write_fx(void *c, unsigned v, const struct gdb_regvals *vals)
{
	memcpy(F(c)->fx[v], vals->fx, sizeof(vals->fx));
	F(c)->fx64[v] = vals->fx64;
	F(c)->fx_writes++;
	return true;
}
static bool f_write_reg(void *c, unsigned v, enum gdb_src src, uint64_t value)
{
	F(c)->regs[v][src] = value;
	return true;
}
static size_t f_read_mem(void *c, unsigned v, uint64_t a, uint8_t *buf, size_t len)
{
	size_t n = 0;
	for (; n < len && a + n >= 0x1000 && a + n < 0x1100; n++)
		buf[n] = F(c)->mem[a + n - 0x1000];
	return n;
}
static size_t f_write_mem(void *c, unsigned v, uint64_t a, const uint8_t *buf, size_t len)
{
	size_t n = 0;
	for (; n < len && a + n >= 0x1000 && a + n < 0x1100; n++)
		F(c)->mem[a + n - 0x1000] = buf[n];
	return n;
}
static void f_stop(void *c) { F(c)->stopped = true; F(c)->stops++; }
static void f_resume(void *c, unsigned v, bool step)
{
	F(c)->stopped = false;
	F(c)->stepping = step;
	F(c)->resumed_vcpu = v;
}
static bool f_set_hw(void *c, const struct gdb_bps *b) { F(c)->dr7 = gdb_hw_dr7(b); return true; }
static void f_attach(void *c, bool on) { F(c)->attached = on; }
static void f_kill(void *c) { F(c)->kills++; }
static void f_send(void *c, const char *b, size_t n)
{
	memcpy(F(c)->out + F(c)->out_len, b, n);
	F(c)->out_len += n;
}

static const struct gdb_target_ops ops = { f_threads, f_long, f_read_regs, f_write_reg,
					   f_write_fx, f_read_mem, f_write_mem, f_stop, f_resume, f_set_hw,
					   f_attach, f_kill, f_send };

/* Sends `payload` framed; returns the reply's payload (acks stripped), or "<none>". */
static const char *ask(struct gdb_stub *s, struct fake *f, const char *payload)
{
	static char frame[4 * GDB_PACKET_MAX], answer[GDB_PACKET_MAX + 1];
	size_t n = gdb_frame(payload, strlen(payload), frame, sizeof(frame));

	f->out_len = 0;
	for (size_t i = 0; i < n; i++)
		gdb_stub_feed(s, (uint8_t)frame[i]);
	/* decode what came back with the receiver itself */
	struct gdb_rx rx;
	gdb_rx_init(&rx);
	for (size_t i = 0; i < f->out_len; i++)
		if (gdb_rx_feed(&rx, (uint8_t)f->out[i]) == GDB_RX_PACKET) {
			memcpy(answer, rx.buf, rx.len + 1);
			return answer;
		}
	return "<none>";
}

/* Packet n (from 0) of what the stub sent since out_len was last cleared, or "<none>". */
static const char *sent_packet(struct fake *f, unsigned n)
{
	static char answer[GDB_PACKET_MAX + 1];
	struct gdb_rx rx;

	gdb_rx_init(&rx);
	for (size_t i = 0; i < f->out_len; i++)
		if (gdb_rx_feed(&rx, (uint8_t)f->out[i]) == GDB_RX_PACKET && !n--) {
			memcpy(answer, rx.buf, rx.len + 1);
			return answer;
		}
	return "<none>";
}

static void setup(struct gdb_stub *s, struct fake *f, bool long_mode)
{
	memset(f, 0, sizeof(*f));
	f->long_mode = long_mode;
	gdb_stub_init(s, &ops, f);
}

TEST(gdb_stub_attach_handshake_and_threads)
{
	static struct gdb_stub s;
	static struct fake f;

	setup(&s, &f, false);
	const char *r = ask(&s, &f, "qSupported:multiprocess+;swbreak+;xmlRegisters=i386");
	CHECK(strstr(r, "PacketSize=800") != 0);
	CHECK(strstr(r, "qXfer:features:read+") != 0);
	CHECK(f.stopped && f.attached); /* attaching stops the VM */
	CHECK_EQ(f.out[0], '+');
	CHECK_STR(ask(&s, &f, "?"), "T02thread:1;");
	CHECK_STR(ask(&s, &f, "qfThreadInfo"), "m1,2");
	CHECK_STR(ask(&s, &f, "qsThreadInfo"), "l");
	CHECK_STR(ask(&s, &f, "Hg2"), "OK");
	CHECK_STR(ask(&s, &f, "qC"), "QC2");
	CHECK_STR(ask(&s, &f, "Hg3"), "E01");
	CHECK_STR(ask(&s, &f, "T2"), "OK");
	CHECK_STR(ask(&s, &f, "T5"), "E01");
	CHECK_STR(ask(&s, &f, "qThreadExtraInfo,2"), "764350552031"); /* "vCPU 1" */
	CHECK_STR(ask(&s, &f, "vCont?"), "");
	CHECK_STR(ask(&s, &f, "vMustReplyEmpty"), "");
	CHECK_STR(ask(&s, &f, "QStartNoAckMode"), "OK");
	ask(&s, &f, "qC");
	CHECK(f.out[0] == '$'); /* no '+' any more */
}

TEST(gdb_stub_target_xml_is_the_register_table)
{
	static struct gdb_stub s;
	static struct fake f;
	static char xml[16384];
	size_t at = 0;

	setup(&s, &f, true);
	ask(&s, &f, "qSupported");
	for (;;) {
		char q[64];
		snprintf(q, sizeof(q), "qXfer:features:read:target.xml:%zx,100", at);
		const char *r = ask(&s, &f, q);
		CHECK(r[0] == 'm' || r[0] == 'l');
		memcpy(xml + at, r + 1, strlen(r + 1));
		at += strlen(r + 1);
		if (r[0] != 'm' || at > 15000)
			break;
	}
	xml[at] = 0;
	CHECK(strstr(xml, "<architecture>i386:x86-64</architecture>") != 0);
	CHECK(strstr(xml, "<feature name=\"org.gnu.gdb.i386.core\"><reg name=\"rax\" bitsize=\"64\"") != 0);
	CHECK(strstr(xml, "name=\"cr3\"") != 0 && strstr(xml, "name=\"efer\"") != 0);
	CHECK(strstr(xml, "</feature></target>") != 0);
	CHECK_STR(ask(&s, &f, "qXfer:features:read:other.xml:0,10"), "E00");
}

TEST(gdb_stub_registers_in_gdbs_order)
{
	static struct gdb_stub s;
	static struct fake f;

	setup(&s, &f, false);
	f.regs[0][0] = 0x11223344;  /* EAX */
	f.regs[0][3] = 0xaabbccdd;  /* EBX: fourth in i386's order */
	f.regs[0][GDB_SRC_RIP] = 0x100000;
	f.regs[0][GDB_SRC_CR3] = 0x5000;
	ask(&s, &f, "qSupported");
	const char *g = ask(&s, &f, "g");
	CHECK_EQ(strlen(g), 2 * gdb_layout_bytes(gdb_layout_for(false)));
	CHECK(!strncmp(g, "44332211" "00000000" "00000000" "ddccbbaa", 32));
	CHECK(!strncmp(g + 8 * 8, "00001000", 8)); /* eip, little-endian */
	CHECK_STR(ask(&s, &f, "p8"), "00001000");
	/* cr3 by number: the table's index */
	const struct gdb_layout *l = gdb_layout_for(false);
	unsigned cr3 = 0;
	while (strcmp(l->regs[cr3].name, "cr3"))
		cr3++;
	char q[32];
	snprintf(q, sizeof(q), "p%x", cr3);
	CHECK_STR(ask(&s, &f, q), "00500000");
	CHECK_STR(ask(&s, &f, "P8=78563412"), "OK");
	CHECK_EQ(f.regs[0][GDB_SRC_RIP], 0x12345678);
	CHECK_STR(ask(&s, &f, "P8=785634"), "E01");
	CHECK_STR(ask(&s, &f, "p999"), "E01");
	/* G with the g just read, EBX changed */
	char G[2048] = "G";
	strcat(G, ask(&s, &f, "g"));
	memcpy(G + 1 + 24, "01000000", 8);
	CHECK_STR(ask(&s, &f, G), "OK");
	CHECK_EQ(f.regs[0][3], 1);
	CHECK_EQ(f.regs[0][0], 0x11223344);
	CHECK_STR(ask(&s, &f, "G0011"), "E01");
	/* amd64: RBX second */
	setup(&s, &f, true);
	f.regs[0][3] = 0x0102030405060708;
	ask(&s, &f, "qSupported");
	CHECK(!strncmp(ask(&s, &f, "g") + 16, "0807060504030201", 16));
}

/* The value at byte offset `at` of a g reply, `bytes` wide, little-endian hex. */
static uint64_t g_value(const char *g, size_t at, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		unsigned b;
		sscanf(g + 2 * (at + i), "%2x", &b);
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

/* The amd64 g packet where GDB reads it for a 64-bit guest (Linux): offsets restated from GDB's
 * gdb/features/i386/64bit-core.xml, 64bit-sse.xml and 64bit-segments.xml, each register a value
 * of its own, so a register taken from the wrong place (RSP for RBP, one shifted by a wrong
 * width) shows. */
TEST(gdb_stub_amd64_g_packet_offsets)
{
	static struct gdb_stub s;
	static struct fake f;
	static const struct { size_t at; unsigned bytes; unsigned src; } want[] = {
		{ 0, 8, 0 }, { 8, 8, 3 }, { 16, 8, 1 }, { 24, 8, 2 },      /* rax rbx rcx rdx */
		{ 32, 8, 6 }, { 40, 8, 7 }, { 48, 8, 5 }, { 56, 8, 4 },    /* rsi rdi rbp rsp */
		{ 64, 8, 8 }, { 120, 8, 15 },                              /* r8 .. r15 */
		{ 128, 8, GDB_SRC_RIP }, { 136, 4, GDB_SRC_RFLAGS },
		{ 140, 4, GDB_SRC_CS }, { 144, 4, GDB_SRC_SS }, { 148, 4, GDB_SRC_DS },
		{ 152, 4, GDB_SRC_ES }, { 156, 4, GDB_SRC_FS }, { 160, 4, GDB_SRC_GS },
		/* st0-7 (8 x 10), fctrl..fop (8 x 4), xmm0-15 (16 x 16), mxcsr (4) */
		{ 164 + 80 + 32 + 256 + 4, 8, GDB_SRC_FS_BASE },
		{ 164 + 80 + 32 + 256 + 4 + 8, 8, GDB_SRC_GS_BASE },
	};

	setup(&s, &f, true);
	for (unsigned i = 0; i < GDB_SRC_COUNT; i++)
		f.regs[0][i] = 0x1020304050607000ull + i;
	ask(&s, &f, "qSupported");
	const char *g = ask(&s, &f, "g");
	CHECK_EQ(strlen(g), 2 * gdb_layout_bytes(gdb_layout_for(true)));
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint64_t v = f.regs[0][want[i].src];
		if (want[i].bytes < 8)
			v &= (1ull << (8 * want[i].bytes)) - 1;
		CHECK_EQ(g_value(g, want[i].at, want[i].bytes), v);
	}
	CHECK_EQ(g_value(g, 164, 8), 0); /* st0: x87 state reads as 0 */
}

TEST(gdb_stub_memory_reads_writes_and_faults)
{
	static struct gdb_stub s;
	static struct fake f;

	setup(&s, &f, false);
	f.mem[0] = 0xde;
	f.mem[1] = 0xad;
	ask(&s, &f, "qSupported");
	CHECK_STR(ask(&s, &f, "m1000,2"), "dead");
	CHECK_STR(ask(&s, &f, "m10fe,4"), "0000"); /* the readable part */
	CHECK_STR(ask(&s, &f, "m2000,4"), "E0e");
	CHECK_STR(ask(&s, &f, "m1000"), "E01");
	CHECK_STR(ask(&s, &f, "M1004,2:beef"), "OK");
	CHECK_EQ(f.mem[4], 0xbe);
	CHECK_STR(ask(&s, &f, "M2000,1:00"), "E0e");
	CHECK_STR(ask(&s, &f, "M1004,2:be"), "E01");
	CHECK_STR(ask(&s, &f, "X1008,0:"), "OK");
	CHECK_STR(ask(&s, &f, "X1008,2:#*"), "OK"); /* framing escapes them */
	CHECK_EQ(f.mem[8], '#');
	CHECK_EQ(f.mem[9], '*');
}

TEST(gdb_stub_breakpoints_step_continue_detach)
{
	static struct gdb_stub s;
	static struct fake f;

	setup(&s, &f, false);
	f.mem[0x10] = 0x55;
	ask(&s, &f, "qSupported");
	CHECK_STR(ask(&s, &f, "Z0,1010,1"), "OK");
	CHECK_EQ(f.mem[0x10], GDB_INT3);
	CHECK(gdb_stub_owns_int3(&s, 0x1010));
	CHECK(!gdb_stub_owns_int3(&s, 0x1011));
	CHECK_STR(ask(&s, &f, "Z0,1010,1"), "OK"); /* again: no second entry */
	CHECK_STR(ask(&s, &f, "Z0,3000,1"), "E0e");
	CHECK_STR(ask(&s, &f, "Hc2"), "OK");
	CHECK_STR(ask(&s, &f, "c"), "<none>"); /* no reply while it runs */
	CHECK(!f.stopped && !f.stepping);
	gdb_stub_stopped(&s, &(struct gdb_stop){ GDB_STOP_BREAK, 1, 0, false });
	CHECK(f.stopped);
	CHECK(strstr(f.out, "T05thread:2;swbreak:;") != 0);
	CHECK_STR(ask(&s, &f, "qC"), "QC2"); /* the stopped vCPU is the current thread */
	CHECK_STR(ask(&s, &f, "z0,1010,1"), "OK");
	CHECK_EQ(f.mem[0x10], 0x55);
	CHECK_STR(ask(&s, &f, "s"), "<none>");
	CHECK(f.stepping && f.resumed_vcpu == 1);
	gdb_stub_stopped(&s, &(struct gdb_stop){ GDB_STOP_STEP, 1, 0, false });
	CHECK(strstr(f.out, "T05thread:2;") != 0);
	/* watchpoints: DR7 follows; read-only ones are refused as unsupported */
	CHECK_STR(ask(&s, &f, "Z2,2000,4"), "OK");
	CHECK_EQ(f.dr7, 0x400 | 0x300 | 1 | (1ull << 16) | (3ull << 18));
	CHECK_STR(ask(&s, &f, "Z3,2000,4"), "");
	CHECK_STR(ask(&s, &f, "Z2,2001,4"), "E1c"); /* misaligned */
	CHECK_STR(ask(&s, &f, "c"), "<none>");
	f.out_len = 0;
	gdb_stub_stopped(&s, &(struct gdb_stop){ GDB_STOP_WATCH, 0, 0x2000, false });
	f.out[f.out_len] = 0;
	CHECK(strstr(f.out, "T05thread:1;watch:2000;") != 0);
	/* Ctrl-C while running */
	ask(&s, &f, "c");
	f.out_len = 0;
	gdb_stub_feed(&s, 0x03);
	f.out[f.out_len] = 0;
	CHECK(f.stopped && strstr(f.out, "T02thread:") != 0);
	/* detach: breakpoints out, DR7 cleared, running, interception off */
	ask(&s, &f, "Z0,1010,1");
	CHECK_STR(ask(&s, &f, "D"), "OK");
	CHECK_EQ(f.mem[0x10], 0x55);
	CHECK_EQ(f.dr7, 0x400);
	CHECK(!f.stopped && !f.attached);
	ask(&s, &f, "k");
	CHECK_EQ(f.kills, 1);
}

TEST(gdb_stub_acks_retransmit_and_malformed)
{
	static struct gdb_stub s;
	static struct fake f;
	char first[64];

	setup(&s, &f, false);
	ask(&s, &f, "qC");
	size_t n = f.out_len;
	memcpy(first, f.out, n);
	f.out_len = 0;
	gdb_stub_feed(&s, '-'); /* GDB did not get it: the same packet again */
	CHECK_EQ(f.out_len, n - 1);
	CHECK(!memcmp(f.out, first + 1, n - 1));
	gdb_stub_feed(&s, '+');
	f.out_len = 0;
	gdb_stub_feed(&s, '-'); /* acked: nothing to resend */
	CHECK_EQ(f.out_len, 0);
	/* a bad checksum gets '-' and nothing else */
	const char *bad = "$g#00";
	f.out_len = 0;
	for (const char *p = bad; *p; p++)
		gdb_stub_feed(&s, (uint8_t)*p);
	CHECK_EQ(f.out_len, 1);
	CHECK_EQ(f.out[0], '-');
	/* malformed (a run with nothing to repeat) gets '+' and an error, never silence */
	static const char run_alone[] = "$* #4a";
	f.out_len = 0;
	for (const char *p = run_alone; *p; p++)
		gdb_stub_feed(&s, (uint8_t)*p);
	CHECK(f.out_len > 1 && f.out[0] == '+' && !memcmp(f.out + 1, "$E01#", 5));
	CHECK_STR(ask(&s, &f, "m1000,zz"), "E01");
	CHECK_STR(ask(&s, &f, "Zx"), "E01");
	CHECK_STR(ask(&s, &f, "!"), "");
}

TEST(gdb_bp_slots_and_dr7)
{
	struct gdb_bps b;
	unsigned slot;

	memset(&b, 0, sizeof(b));
	CHECK_EQ(gdb_hw_dr7(&b), 0x400);
	CHECK(gdb_hw_add(&b, GDB_BP_HW, 0x1003, 1, &slot) && slot == 0);     /* execution: any byte */
	CHECK(gdb_hw_add(&b, GDB_WATCH_WRITE, 0x2002, 2, &slot) && slot == 1);
	CHECK(gdb_hw_add(&b, GDB_WATCH_ACCESS, 0x3000, 8, &slot) && slot == 2);
	CHECK(gdb_hw_add(&b, GDB_WATCH_WRITE, 0x2002, 2, &slot) && slot == 1); /* the same: no slot */
	CHECK(!gdb_hw_add(&b, GDB_WATCH_WRITE, 0x4004, 8, &slot));          /* misaligned */
	CHECK(!gdb_hw_add(&b, GDB_WATCH_READ, 0x4000, 4, &slot));           /* x86 has none */
	CHECK(gdb_hw_add(&b, GDB_WATCH_WRITE, 0x4000, 4, &slot) && slot == 3);
	CHECK(!gdb_hw_add(&b, GDB_WATCH_WRITE, 0x5000, 4, &slot));          /* all four taken */
	/* L0..L3, R/W 00 01 11 01, LEN 00 01 10 11, LE|GE, bit 10 */
	CHECK_EQ(gdb_hw_dr7(&b), 0x755 | (0x0ull << 16) | (0x5ull << 20) | (0xbull << 24) |
				 (0xdull << 28));
	CHECK_EQ(gdb_hw_hit(&b, 1u << 2), 2);
	CHECK_EQ(gdb_hw_hit(&b, 0), -1);
	CHECK(gdb_hw_remove(&b, GDB_WATCH_ACCESS, 0x3000, 8));
	CHECK(!gdb_hw_remove(&b, GDB_WATCH_ACCESS, 0x3000, 8));
	CHECK_EQ(gdb_hw_hit(&b, 1u << 2), -1);
	CHECK_EQ(gdb_hw_dr7(&b) & (3u << 4), 0); /* L2 off */
	/* software breakpoints: one entry per address, a full table refuses */
	for (unsigned i = 0; i < GDB_SW_BP_MAX; i++)
		CHECK(gdb_sw_add(&b, 0x100000 + i) != 0);
	CHECK(gdb_sw_add(&b, 0x200000) == 0);
	CHECK(gdb_sw_add(&b, 0x100000) == 0);
	CHECK(gdb_sw_find(&b, 0x100003) != 0);
}

/* The number of register `name` in layout l (its index, which p/P use). */
static unsigned regnum(const struct gdb_layout *l, const char *name)
{
	for (unsigned i = 0; i < l->count; i++)
		if (!strcmp(l->regs[i].name, name))
			return i;
	return ~0u;
}

static const char *ask_reg(struct gdb_stub *s, struct fake *f, bool long_mode, const char *name)
{
	char q[16];

	snprintf(q, sizeof(q), "p%x", regnum(gdb_layout_for(long_mode), name));
	return ask(s, f, q);
}

static const char *set_reg(struct gdb_stub *s, struct fake *f, bool long_mode, const char *name,
			   const char *hex)
{
	char q[96];

	snprintf(q, sizeof(q), "P%x=%s", regnum(gdb_layout_for(long_mode), name), hex);
	return ask(s, f, q);
}

/* x87/SSE registers come from the FXSAVE image at the SDM's offsets (Vol. 1, Table 10-2). */
TEST(gdb_stub_x87_sse_registers_from_the_fxsave_image)
{
	static struct gdb_stub s;
	static struct fake f;
	uint8_t *fx = f.fx[0];

	setup(&s, &f, false);
	fx[0] = 0x7f, fx[1] = 0x03;                   /* FCW 0x037f */
	fx[2] = 0x00, fx[3] = 0x38;                   /* FSW: TOP 7 */
	fx[4] = 0x80;                                 /* physical register 7 in use */
	fx[6] = 0xdb, fx[7] = 0xff;                   /* FOP: bits 15:11 are not GDB's */
	fx[8] = 0x44, fx[9] = 0x33, fx[10] = 0x22, fx[11] = 0x11; /* FIP */
	fx[12] = 0x08, fx[13] = 0x00, fx[14] = 0xaa, fx[15] = 0xbb; /* FCS; then bytes not GDB's */
	fx[24] = 0x80, fx[25] = 0x1f;                 /* MXCSR 0x1f80 */
	fx[28] = 0xff, fx[29] = 0xff;                 /* MXCSR_MASK 0xffff */
	/* ST(0) = 1234.0: exponent 0x4009, significand 0x9a40000000000000 */
	static const uint8_t st0[10] = { 0, 0, 0, 0, 0, 0, 0x40, 0x9a, 0x09, 0x40 };
	memcpy(fx + GDB_FX_ST0, st0, 10);
	for (unsigned i = 0; i < 16; i++)
		fx[GDB_FX_XMM0 + 16 + i] = (uint8_t)(0xa0 + i); /* xmm1 */
	ask(&s, &f, "qSupported");
	CHECK_STR(ask_reg(&s, &f, false, "st0"), "000000000000409a0940");
	CHECK_STR(ask_reg(&s, &f, false, "fctrl"), "7f030000");
	CHECK_STR(ask_reg(&s, &f, false, "fstat"), "00380000");
	/* the full tag word: register 7 valid (00), the others empty (11) */
	CHECK_STR(ask_reg(&s, &f, false, "ftag"), "ff3f0000");
	CHECK_STR(ask_reg(&s, &f, false, "fop"), "db070000");
	CHECK_STR(ask_reg(&s, &f, false, "fioff"), "44332211");
	CHECK_STR(ask_reg(&s, &f, false, "fiseg"), "08000000"); /* i386: a 16-bit selector */
	CHECK_STR(ask_reg(&s, &f, false, "xmm1"), "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
	CHECK_STR(ask_reg(&s, &f, false, "mxcsr"), "801f0000");
	CHECK(!f.fx64[0]);
	/* the g packet has them in the layout's order, st0 right after gs */
	const char *g = ask(&s, &f, "g");
	CHECK(!strncmp(g + 2 * 4 * 16, "000000000000409a0940", 20));
	/* amd64: the FXSAVE64 image, fiseg is FIP's bits 63:32 */
	setup(&s, &f, true);
	memset(fx, 0, GDB_FX_BYTES);
	fx[12] = 0x78, fx[13] = 0x56, fx[14] = 0x34, fx[15] = 0x12;
	ask(&s, &f, "qSupported");
	CHECK_STR(ask_reg(&s, &f, true, "fiseg"), "78563412");
	CHECK(f.fx64[0]);
	CHECK_STR(gdb_src_name(GDB_SRC_XMM0 + 15), "xmm15");
	CHECK_STR(gdb_src_name(3), "rbx");
	CHECK_STR(gdb_src_name(GDB_SRC_CR3), "cr3");
}

/* A zero, a special (NaN) and a valid register as ST(0..2) with TOP 5: physical 5, 6, 7. */
TEST(gdb_stub_ftag_classifies_registers)
{
	static struct gdb_stub s;
	static struct fake f;
	uint8_t *fx = f.fx[0];

	setup(&s, &f, false);
	fx[3] = 5 << 3;  /* TOP 5 */
	fx[4] = 0xe0;    /* physical 5, 6, 7 in use */
	/* ST(0) zero: all clear */
	memset(fx + GDB_FX_ST0 + 16, 0xff, 10);                /* ST(1): exponent 0x7fff: special */
	fx[GDB_FX_ST0 + 32 + 7] = 0x80, fx[GDB_FX_ST0 + 32 + 8] = 0xff, fx[GDB_FX_ST0 + 32 + 9] = 0x3f;
	ask(&s, &f, "qSupported");
	/* physical 5: 01, 6: 10, 7: 00, 0-4: 11 -> 0x27ff */
	CHECK_STR(ask_reg(&s, &f, false, "ftag"), "ff270000");
	/* writing the tag keeps "empty or not" in the abridged byte */
	CHECK_STR(set_reg(&s, &f, false, "ftag", "ffff0000"), "OK");
	CHECK_EQ(fx[4], 0);
	CHECK_STR(set_reg(&s, &f, false, "ftag", "fcff0000"), "OK");
	CHECK_EQ(fx[4], 1);
}

/* P and G write the image back whole through write_fx; one FXRSTOR would #GP on is refused. */
TEST(gdb_stub_x87_sse_writes)
{
	static struct gdb_stub s;
	static struct fake f;
	uint8_t *fx = f.fx[0];

	setup(&s, &f, false);
	fx[6] = 0x00, fx[7] = 0xf8;   /* FOP's upper five bits, not GDB's */
	fx[24] = 0x80, fx[25] = 0x1f; /* MXCSR */
	fx[28] = 0xbf, fx[29] = 0xff; /* MXCSR_MASK 0xffbf: DAZ not supported */
	fx[100] = 0x77;               /* a byte in ST(4)'s slot beyond its 10 */
	ask(&s, &f, "qSupported");
	CHECK_STR(set_reg(&s, &f, false, "xmm3", "00112233445566778899aabbccddeeff"), "OK");
	CHECK_EQ(f.fx_writes, 1);
	CHECK_EQ(fx[GDB_FX_XMM0 + 48], 0x00);
	CHECK_EQ(fx[GDB_FX_XMM0 + 48 + 15], 0xff);
	CHECK_EQ(fx[100], 0x77);
	CHECK_STR(set_reg(&s, &f, false, "st1", "0102030405060708090a"), "OK");
	CHECK_EQ(fx[GDB_FX_ST0 + 16 + 9], 0x0a);
	CHECK_STR(set_reg(&s, &f, false, "fop", "ff070000"), "OK");
	CHECK_EQ(fx[6], 0xff);
	CHECK_EQ(fx[7], 0xff); /* 0x7ff from GDB, 0xf800 kept */
	CHECK_STR(set_reg(&s, &f, false, "fiseg", "23000000"), "OK");
	CHECK_EQ(fx[12], 0x23);
	/* MXCSR.DAZ (bit 6) with a mask without it: FXRSTOR's #GP, so an error and no write */
	unsigned writes = f.fx_writes;
	CHECK_STR(set_reg(&s, &f, false, "mxcsr", "c01f0000"), "E01");
	CHECK_EQ(f.fx_writes, writes);
	CHECK_EQ(fx[24], 0x80);
	CHECK_STR(set_reg(&s, &f, false, "mxcsr", "801f0000"), "OK");
	/* G: the same registers change nothing; xmm7 changed writes the image once */
	char G[2048] = "G";
	strcat(G, ask(&s, &f, "g"));
	writes = f.fx_writes;
	CHECK_STR(ask(&s, &f, G), "OK");
	CHECK_EQ(f.fx_writes, writes);
	const struct gdb_layout *l = gdb_layout_for(false);
	size_t at = 1;
	for (unsigned i = 0; i < regnum(l, "xmm7"); i++)
		at += l->regs[i].bits / 4u;
	memcpy(G + at, "5a", 2);
	CHECK_STR(ask(&s, &f, G), "OK");
	CHECK_EQ(f.fx_writes, writes + 1);
	CHECK_EQ(fx[GDB_FX_XMM0 + 7 * 16], 0x5a);
	/* G with an MXCSR FXRSTOR would refuse: nothing written at all */
	at = 1;
	for (unsigned i = 0; i < regnum(l, "mxcsr"); i++)
		at += l->regs[i].bits / 4u;
	memcpy(G + at, "c0", 2);
	memcpy(G + 1, "99", 2); /* EAX too */
	CHECK_STR(ask(&s, &f, G), "E01");
	CHECK_EQ(f.fx_writes, writes + 1);
	CHECK_EQ(f.regs[0][0], 0);
}

/* The target description: the x87 registers in core, the SSE ones with GDB's vec128 type. */
TEST(gdb_stub_target_xml_has_the_fpu)
{
	static char xml[16384];
	const struct gdb_layout *l = gdb_layout_for(true);
	size_t n = gdb_layout_xml(l, xml, sizeof(xml));

	CHECK(n > 0);
	CHECK(n < sizeof(((struct gdb_stub *)0)->xml)); /* fits the stub's buffer */
	CHECK(strstr(xml, "<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>") != 0);
	CHECK(strstr(xml, "<feature name=\"org.gnu.gdb.i386.sse\"><vector id=\"v4f\"") != 0);
	CHECK(strstr(xml, "<union id=\"vec128\">") != 0);
	CHECK(strstr(xml, "<reg name=\"xmm15\" bitsize=\"128\" type=\"vec128\"/>") != 0);
	CHECK(strstr(xml, "<reg name=\"mxcsr\" bitsize=\"32\"") != 0);
	CHECK(gdb_layout_xml(gdb_layout_for(false), xml, sizeof(xml)) > 0);
	CHECK(strstr(xml, "xmm8") == 0); /* i386 has eight */
}

/* The VM ends while GDB waits in `continue`: an O line, then W (power-off) or X (a stop); the
 * stub is detached, and the VM's end is what `?` says until it runs again. */
TEST(gdb_stub_vm_end_while_running)
{
	static struct gdb_stub s;
	static struct fake f;

	setup(&s, &f, false);
	ask(&s, &f, "qSupported");
	ask(&s, &f, "Z0,1010,1");
	CHECK_STR(ask(&s, &f, "c"), "<none>");
	f.out_len = 0;
	gdb_stub_ended(&s, &(struct gdb_end){ false, 0, "vm0: powered off\n" });
	/* "vm0: powered off\n" in hex, then the exit */
	CHECK_STR(sent_packet(&f, 0), "O766d303a20706f7765726564206f66660a");
	CHECK_STR(sent_packet(&f, 1), "W00");
	CHECK(!s.attached && !gdb_stub_owes_end(&s));
	CHECK(!gdb_stub_owns_int3(&s, 0x1010)); /* forgotten with the VM's RAM */
	unsigned stops = f.stops;
	CHECK_STR(ask(&s, &f, "?"), "W00");   /* a new GDB: the VM has exited */
	CHECK_STR(ask(&s, &f, "g"), "E01");   /* nothing of the target is asked */
	CHECK_STR(ask(&s, &f, "qfThreadInfo"), "m1,2");
	CHECK_EQ(f.stops, stops);
	/* it runs again (restarted): the next packet attaches afresh */
	gdb_stub_running(&s);
	CHECK_STR(ask(&s, &f, "?"), "T02thread:1;");
	CHECK(s.attached && f.stops == stops + 1);
	/* a stop by signal: X, here SIGKILL, without an O line */
	ask(&s, &f, "c");
	f.out_len = 0;
	gdb_stub_ended(&s, &(struct gdb_end){ true, 9, 0 });
	CHECK_STR(sent_packet(&f, 0), "X09");
}

/* The VM ends while GDB has it stopped (at its prompt): nothing is sent until GDB asks; its
 * `c` gets the end. A VM that ends with no GDB attached owes nothing. */
TEST(gdb_stub_vm_end_while_stopped)
{
	static struct gdb_stub s;
	static struct fake f;

	setup(&s, &f, false);
	gdb_stub_ended(&s, &(struct gdb_end){ true, 1, 0 });
	CHECK(!gdb_stub_owes_end(&s));
	gdb_stub_running(&s);
	ask(&s, &f, "qSupported");
	CHECK_STR(ask(&s, &f, "QStartNoAckMode"), "OK");
	f.out_len = 0;
	gdb_stub_ended(&s, &(struct gdb_end){ true, 1, "vm0: reset\n" });
	CHECK_EQ(f.out_len, 0); /* GDB is not listening: it would take it for another reply */
	CHECK(gdb_stub_owes_end(&s));
	gdb_stub_running(&s);   /* restarted after the reset: still owed */
	CHECK(gdb_stub_owes_end(&s));
	CHECK_STR(ask(&s, &f, "m1000,1"), "E01");
	ask(&s, &f, "c");
	CHECK(f.out[0] == '$'); /* no '+': no-ack mode still */
	CHECK_STR(sent_packet(&f, 0), "O766d303a2072657365740a"); /* "vm0: reset\n" */
	CHECK_STR(sent_packet(&f, 1), "X01");
	CHECK(!gdb_stub_owes_end(&s));
	/* the session is over: the next GDB starts with acks, and attaches to the new VM */
	f.out_len = 0;
	CHECK_STR(ask(&s, &f, "qSupported"), "PacketSize=800;qXfer:features:read+;swbreak+;"
					     "hwbreak+;QStartNoAckMode+");
	CHECK_EQ(f.out[0], '+');
	CHECK(s.attached);
	/* D while owed ends it too */
	gdb_stub_ended(&s, &(struct gdb_end){ true, 9, 0 });
	CHECK_STR(ask(&s, &f, "D"), "OK");
	CHECK(!gdb_stub_owes_end(&s));
}
