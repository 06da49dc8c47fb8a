/* lib/gdb_stub.c: the remote protocol's packets for a VM (see lib/gdb_stub.h). */
#include "lib/gdb_stub.h"
#include "lib/printf.h"
#include "lib/string.h"

#define SIGINT_NUM 2
#define SIGTRAP_NUM 5
#define EFAULT_REPLY "E0e" /* GDB reads any Exx as an error; 14 is EFAULT */
#define MEM_MAX ((GDB_PACKET_MAX - 4) / 2)

void gdb_stub_init(struct gdb_stub *s, const struct gdb_target_ops *ops, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->ctx = ctx;
	gdb_rx_init(&s->rx);
}

static void send_raw(struct gdb_stub *s, const char *p, size_t n)
{
	s->ops->send(s->ctx, p, n);
}

static void send_packet(struct gdb_stub *s, const char *payload, size_t n)
{
	size_t len = gdb_frame(payload, n, s->sent, sizeof(s->sent));

	if (!len) /* cannot happen with replies up to GDB_PACKET_MAX; say so rather than hang */
		len = gdb_frame("E01", 3, s->sent, sizeof(s->sent));
	s->sent_len = s->no_ack ? 0 : len;
	send_raw(s, s->sent, len);
}

static void reply(struct gdb_stub *s, const char *text)
{
	send_packet(s, text, strlen(text));
}

static void reply_fmt(struct gdb_stub *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply_fmt(struct gdb_stub *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	size_t n = fmt_vsnprintf(s->reply, sizeof(s->reply), fmt, ap);
	va_end(ap);
	send_packet(s, s->reply, n);
}

static void stop_reply(struct gdb_stub *s)
{
	const struct gdb_stop *st = &s->last_stop;
	unsigned tid = st->vcpu + 1;

	switch (st->kind) {
	case GDB_STOP_INTERRUPT:
		reply_fmt(s, "T%02xthread:%x;", SIGINT_NUM, tid);
		break;
	case GDB_STOP_BREAK:
		reply_fmt(s, "T%02xthread:%x;swbreak:;", SIGTRAP_NUM, tid);
		break;
	case GDB_STOP_HWBREAK:
		reply_fmt(s, "T%02xthread:%x;hwbreak:;", SIGTRAP_NUM, tid);
		break;
	case GDB_STOP_WATCH:
		reply_fmt(s, "T%02xthread:%x;%s:%lx;", SIGTRAP_NUM, tid,
			  st->access ? "awatch" : "watch", (unsigned long)st->addr);
		break;
	case GDB_STOP_STEP:
		reply_fmt(s, "T%02xthread:%x;", SIGTRAP_NUM, tid);
		break;
	}
}

static void halt_all(struct gdb_stub *s, const struct gdb_stop *st)
{
	if (s->running)
		s->ops->stop(s->ctx);
	s->running = false;
	s->last_stop = *st;
	s->g_vcpu = s->c_vcpu = st->vcpu;
}

void gdb_stub_stopped(struct gdb_stub *s, const struct gdb_stop *st)
{
	if (!s->running)
		return;
	halt_all(s, st);
	stop_reply(s);
}

/* GDB's session is over (it closes the line after D, W or X, E.5): the next one starts with
 * acks, as every connection does (E.11). */
static void forget_session(struct gdb_stub *s)
{
	memset(&s->bps, 0, sizeof(s->bps));
	s->attached = false;
	s->running = false;
}

/* An O packet first, for GDB's console, when GDB waits for a stop reply after resuming (E.5 "O
 * XX...": only then; `?` must get the stop reply alone), then W or X. */
static void end_reply(struct gdb_stub *s, bool resumed)
{
	if (resumed && s->end.why) {
		size_t n = strlen(s->end.why);
		if (n > (GDB_PACKET_MAX - 1) / 2)
			n = (GDB_PACKET_MAX - 1) / 2;
		s->reply[0] = 'O';
		gdb_hex_encode((const uint8_t *)s->end.why, n, s->reply + 1);
		send_packet(s, s->reply, 1 + 2 * n);
	}
	reply_fmt(s, "%c%02x", s->end.signal ? 'X' : 'W', s->end.code);
	s->owed = false;
	s->no_ack = false;
}

void gdb_stub_ended(struct gdb_stub *s, const struct gdb_end *e)
{
	s->end = *e;
	s->gone = true;
	if (!s->attached)
		return;
	bool waiting = s->running;
	forget_session(s);
	s->owed = true;
	if (waiting)
		end_reply(s, true);
}

void gdb_stub_running(struct gdb_stub *s)
{
	s->gone = false;
}

bool gdb_stub_owes_end(const struct gdb_stub *s)
{
	return s->owed;
}

bool gdb_stub_owns_int3(struct gdb_stub *s, uint64_t addr)
{
	return gdb_sw_find(&s->bps, addr) != 0;
}

/* The first packet: GDB expects a stopped target. */
static void attach(struct gdb_stub *s)
{
	if (s->attached)
		return;
	s->attached = true;
	s->running = true;
	s->ops->attach(s->ctx, true);
	halt_all(s, &(struct gdb_stop){ GDB_STOP_INTERRUPT, 0, 0, false });
	s->layout = gdb_layout_for(s->ops->long_mode(s->ctx));
	s->xml_len = gdb_layout_xml(s->layout, s->xml, sizeof(s->xml));
}

/* "thread id" in Hg/Hc/T/qThreadExtraInfo: hex, or -1 (all) and 0 (any), which mean vCPU 0 here.
 * False for one that is not a vCPU. */
static bool parse_thread(struct gdb_stub *s, const char *p, unsigned *vcpu)
{
	uint64_t t;

	if (p[0] == '-' && p[1] == '1' && !p[2]) {
		*vcpu = 0;
		return true;
	}
	if (!gdb_parse_hex(&p, &t) || *p)
		return false;
	if (t == 0) {
		*vcpu = 0;
		return true;
	}
	if (t > s->ops->threads(s->ctx))
		return false;
	*vcpu = (unsigned)t - 1;
	return true;
}

static void cmd_thread_list(struct gdb_stub *s)
{
	unsigned n = s->ops->threads(s->ctx);
	size_t at = 0;

	s->reply[at++] = 'm';
	for (unsigned i = 0; i < n && at + 12 < sizeof(s->reply); i++)
		at += fmt_snprintf(s->reply + at, sizeof(s->reply) - at, "%s%x", i ? "," : "", i + 1);
	send_packet(s, s->reply, at);
}

static void cmd_extra_info(struct gdb_stub *s, const char *arg)
{
	unsigned v;
	char text[32];

	if (!parse_thread(s, arg, &v)) {
		reply(s, "E01");
		return;
	}
	size_t n = fmt_snprintf(text, sizeof(text), "vCPU %u", v);
	gdb_hex_encode((const uint8_t *)text, n, s->reply);
	send_packet(s, s->reply, 2 * n);
}

/* qXfer:features:read:target.xml:OFFSET,LENGTH -> m<part> or l<last part> (E.9 "qXfer"). */
static void cmd_xfer_features(struct gdb_stub *s, const char *arg)
{
	uint64_t off, len;

	if (strncmp(arg, "target.xml:", 11)) {
		reply(s, "E00"); /* no such annex */
		return;
	}
	arg += 11;
	if (!gdb_parse_hex(&arg, &off) || *arg++ != ',' || !gdb_parse_hex(&arg, &len) || *arg ||
	    !s->xml_len) {
		reply(s, "E01");
		return;
	}
	if (len > GDB_PACKET_MAX - 1)
		len = GDB_PACKET_MAX - 1;
	size_t left = off < s->xml_len ? s->xml_len - off : 0;
	size_t n = left < len ? left : len;
	s->reply[0] = n < left ? 'm' : 'l';
	memcpy(s->reply + 1, s->xml + (off < s->xml_len ? off : 0), n);
	send_packet(s, s->reply, n + 1);
}

static bool starts(const char *p, const char *prefix)
{
	return !strncmp(p, prefix, strlen(prefix));
}

static void cmd_query(struct gdb_stub *s, const char *p)
{
	if (starts(p, "qSupported")) {
		reply_fmt(s, "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;"
			     "QStartNoAckMode+", GDB_PACKET_MAX);
	} else if (!strcmp(p, "qfThreadInfo")) {
		cmd_thread_list(s);
	} else if (!strcmp(p, "qsThreadInfo")) {
		reply(s, "l");
	} else if (!strcmp(p, "qC")) {
		reply_fmt(s, "QC%x", s->g_vcpu + 1);
	} else if (starts(p, "qAttached")) {
		reply(s, "1"); /* attached to a running VM: GDB's quit detaches, it does not kill */
	} else if (starts(p, "qThreadExtraInfo,")) {
		cmd_extra_info(s, p + 17);
	} else if (starts(p, "qXfer:features:read:")) {
		cmd_xfer_features(s, p + 20);
	} else {
		reply(s, ""); /* not supported (E.4: an empty reply) */
	}
}

static bool read_regs(struct gdb_stub *s, struct gdb_regvals *vals)
{
	memset(vals, 0, sizeof(*vals));
	vals->fx64 = s->layout->fx64;
	return s->ops->read_regs(s->ctx, s->g_vcpu, vals);
}

static void cmd_read_all(struct gdb_stub *s)
{
	struct gdb_regvals vals;
	uint8_t bytes[16];
	size_t at = 0;

	if (!read_regs(s, &vals)) {
		reply(s, "E01");
		return;
	}
	for (unsigned i = 0; i < s->layout->count; i++) {
		const struct gdb_reg *r = &s->layout->regs[i];
		gdb_reg_encode(r, &vals, bytes);
		gdb_hex_encode(bytes, r->bits / 8u, s->reply + at);
		at += r->bits / 4u;
	}
	send_packet(s, s->reply, at);
}

/* The x87/SSE state goes back whole, through FXRSTOR on the vCPU's CPU; one FXRSTOR would
 * refuse (#GP) is refused here. */
static bool write_fx(struct gdb_stub *s, const struct gdb_regvals *vals)
{
	return gdb_fx_loadable(vals->fx) && s->ops->write_fx(s->ctx, s->g_vcpu, vals);
}

static bool write_one(struct gdb_stub *s, const struct gdb_reg *r, const char *hex)
{
	uint8_t bytes[16];
	struct gdb_regvals vals;

	if (!gdb_hex_decode(hex, r->bits / 8u, bytes))
		return false;
	if (!gdb_reg_is_fx(r))
		return s->ops->write_reg(s->ctx, s->g_vcpu, (enum gdb_src)r->src,
					 gdb_reg_get(r, bytes));
	if (!read_regs(s, &vals)) /* the rest of the image as it is */
		return false;
	gdb_reg_decode(r, bytes, &vals);
	return write_fx(s, &vals);
}

/* G: every register, in the layout's order, decoded first; then the scalar ones whose value
 * changes are written one by one and the x87/SSE image once if any of it changed, so a G that
 * repeats a g changes nothing, and a malformed G or an image FXRSTOR would refuse nothing. */
static void cmd_write_all(struct gdb_stub *s, const char *hex, size_t len)
{
	static struct gdb_regvals old, new; /* one stub, on one CPU at a time (gdb_stub.h) */
	uint8_t bytes[16];
	bool ok = len == 2 * gdb_layout_bytes(s->layout) && read_regs(s, &old);

	new = old;
	for (unsigned i = 0; ok && i < s->layout->count; i++) {
		const struct gdb_reg *r = &s->layout->regs[i];
		ok = gdb_hex_decode(hex, r->bits / 8u, bytes);
		if (ok)
			gdb_reg_decode(r, bytes, &new);
		hex += r->bits / 4u;
	}
	bool fx_changed = ok && memcmp(old.fx, new.fx, sizeof(new.fx));
	ok = ok && (!fx_changed || gdb_fx_loadable(new.fx));
	for (unsigned i = 0; ok && i < GDB_SRC_COUNT; i++)
		if (new.v[i] != old.v[i])
			ok = s->ops->write_reg(s->ctx, s->g_vcpu, (enum gdb_src)i, new.v[i]);
	if (ok && fx_changed)
		ok = write_fx(s, &new);
	reply(s, ok ? "OK" : "E01");
}

static void cmd_read_one(struct gdb_stub *s, const char *p)
{
	uint64_t n;
	struct gdb_regvals vals;
	uint8_t bytes[16];

	if (!gdb_parse_hex(&p, &n) || *p || n >= s->layout->count) {
		reply(s, "E01");
		return;
	}
	if (!read_regs(s, &vals)) {
		reply(s, "E01");
		return;
	}
	const struct gdb_reg *r = &s->layout->regs[n];
	gdb_reg_encode(r, &vals, bytes);
	gdb_hex_encode(bytes, r->bits / 8u, s->reply);
	send_packet(s, s->reply, r->bits / 4u);
}

static void cmd_write_one(struct gdb_stub *s, const char *p, size_t len)
{
	const char *start = p;
	uint64_t n;

	if (!gdb_parse_hex(&p, &n) || *p++ != '=' || n >= s->layout->count) {
		reply(s, "E01");
		return;
	}
	const struct gdb_reg *r = &s->layout->regs[n];
	bool ok = len - (size_t)(p - start) == r->bits / 4u && write_one(s, r, p);
	reply(s, ok ? "OK" : "E01");
}

/* "ADDR,LEN" then `end` (':' or the packet's end). */
static bool parse_addr_len(const char **p, uint64_t *addr, uint64_t *len, char end)
{
	return gdb_parse_hex(p, addr) && *(*p)++ == ',' && gdb_parse_hex(p, len) &&
	       *(*p)++ == end;
}

static void cmd_read_mem(struct gdb_stub *s, const char *p)
{
	uint64_t addr, len;
	uint8_t buf[MEM_MAX];

	if (!parse_addr_len(&p, &addr, &len, 0)) {
		reply(s, "E01");
		return;
	}
	if (len > MEM_MAX)
		len = MEM_MAX; /* GDB asks again for the rest (E.4 "m": fewer bytes may come) */
	size_t n = len ? s->ops->read_mem(s->ctx, s->g_vcpu, addr, buf, len) : 0;
	if (!n && len) {
		reply(s, EFAULT_REPLY);
		return;
	}
	gdb_hex_encode(buf, n, s->reply);
	send_packet(s, s->reply, 2 * n);
}

/* M (hex) and X (binary, already unescaped by the framing). */
static void cmd_write_mem(struct gdb_stub *s, const char *p, size_t total, bool binary)
{
	const char *start = p;
	uint64_t addr, len;
	uint8_t buf[GDB_PACKET_MAX];

	if (!parse_addr_len(&p, &addr, &len, ':')) {
		reply(s, "E01");
		return;
	}
	size_t have = total - (size_t)(p - start);
	bool ok = len <= sizeof(buf) && (binary ? have == len : have == 2 * len);
	if (ok && binary)
		memcpy(buf, p, len);
	else if (ok)
		ok = gdb_hex_decode(p, len, buf);
	if (!ok) {
		reply(s, "E01");
		return;
	}
	if (len && s->ops->write_mem(s->ctx, s->g_vcpu, addr, buf, len) != len) {
		reply(s, EFAULT_REPLY);
		return;
	}
	reply(s, "OK");
}

static void resume(struct gdb_stub *s, bool step)
{
	s->running = true;
	s->ops->resume(s->ctx, s->c_vcpu, step);
}

/* c/s [ADDR]: ADDR is where to go on from (GDB rarely sends it). C/S SIG;[ADDR]: the signal
 * has no meaning for a VM and is dropped. */
static void cmd_resume(struct gdb_stub *s, const char *p, bool step, bool with_signal)
{
	uint64_t addr, sig;

	if (with_signal && (!gdb_parse_hex(&p, &sig) || (*p && *p++ != ';'))) {
		reply(s, "E01");
		return;
	}
	if (*p) {
		if (!gdb_parse_hex(&p, &addr) || *p ||
		    !s->ops->write_reg(s->ctx, s->c_vcpu, GDB_SRC_RIP, addr)) {
			reply(s, "E01");
			return;
		}
	}
	resume(s, step);
}

static bool sw_insert(struct gdb_stub *s, uint64_t addr)
{
	uint8_t old, int3 = GDB_INT3;

	if (gdb_sw_find(&s->bps, addr))
		return true; /* already there: Z packets may repeat (E.4 "Z0") */
	if (s->ops->read_mem(s->ctx, s->g_vcpu, addr, &old, 1) != 1)
		return false;
	struct gdb_sw_bp *b = gdb_sw_add(&s->bps, addr);
	if (!b)
		return false;
	if (s->ops->write_mem(s->ctx, s->g_vcpu, addr, &int3, 1) != 1) {
		b->used = false;
		return false;
	}
	b->saved = old;
	return true;
}

static bool sw_remove(struct gdb_stub *s, uint64_t addr)
{
	struct gdb_sw_bp *b = gdb_sw_find(&s->bps, addr);

	if (!b)
		return true;
	b->used = false;
	return s->ops->write_mem(s->ctx, s->g_vcpu, addr, &b->saved, 1) == 1;
}

/* Z/z TYPE,ADDR,KIND. */
static void cmd_break(struct gdb_stub *s, const char *p, bool insert)
{
	uint64_t type, addr, kind;
	unsigned slot;

	if (!gdb_parse_hex(&p, &type) || *p++ != ',' || !parse_addr_len(&p, &addr, &kind, 0)) {
		reply(s, "E01");
		return;
	}
	if (type == GDB_BP_SW) {
		reply(s, (insert ? sw_insert(s, addr) : sw_remove(s, addr)) ? "OK" : EFAULT_REPLY);
		return;
	}
	if (type > GDB_WATCH_ACCESS || type == GDB_WATCH_READ) {
		reply(s, ""); /* x86 has no read-only watchpoints: GDB is told it is unsupported */
		return;
	}
	bool ok = insert ? gdb_hw_add(&s->bps, (enum gdb_bp_type)type, addr, (unsigned)kind, &slot)
			 : gdb_hw_remove(&s->bps, (enum gdb_bp_type)type, addr, (unsigned)kind);
	if (!ok) {
		reply(s, insert ? "E1c" : "OK"); /* no slot left (ENOSPC), or it was not there */
		return;
	}
	reply(s, s->ops->set_hw(s->ctx, &s->bps) ? "OK" : "E01");
}

/* Detach: GDB's breakpoints out of the guest, interception off, every vCPU running. */
static void detach(struct gdb_stub *s)
{
	for (unsigned i = 0; i < GDB_SW_BP_MAX; i++)
		if (s->bps.sw[i].used)
			sw_remove(s, s->bps.sw[i].addr);
	memset(&s->bps, 0, sizeof(s->bps));
	s->ops->set_hw(s->ctx, &s->bps);
	s->ops->attach(s->ctx, false);
	forget_session(s);
	s->ops->resume(s->ctx, 0, false);
}

static void cmd_set_thread(struct gdb_stub *s, const char *p)
{
	unsigned v;

	if ((p[0] != 'g' && p[0] != 'c') || !parse_thread(s, p + 1, &v)) {
		reply(s, "E01");
		return;
	}
	if (p[0] == 'g')
		s->g_vcpu = v;
	else
		s->c_vcpu = v;
	reply(s, "OK");
}

static void dispatch(struct gdb_stub *s, const char *p, size_t len)
{
	unsigned v;

	switch (p[0]) {
	case '?':
		stop_reply(s);
		break;
	case 'q':
		cmd_query(s, p);
		break;
	case 'Q':
		if (!strcmp(p, "QStartNoAckMode")) {
			reply(s, "OK"); /* acked already; from now on neither side acks (E.11) */
			s->no_ack = true;
			s->sent_len = 0;
		} else {
			reply(s, "");
		}
		break;
	case 'H':
		cmd_set_thread(s, p + 1);
		break;
	case 'T':
		reply(s, parse_thread(s, p + 1, &v) ? "OK" : "E01");
		break;
	case 'g':
		cmd_read_all(s);
		break;
	case 'G':
		cmd_write_all(s, p + 1, len - 1);
		break;
	case 'p':
		cmd_read_one(s, p + 1);
		break;
	case 'P':
		cmd_write_one(s, p + 1, len - 1);
		break;
	case 'm':
		cmd_read_mem(s, p + 1);
		break;
	case 'M':
	case 'X':
		cmd_write_mem(s, p + 1, len - 1, p[0] == 'X');
		break;
	case 'c':
	case 's':
		cmd_resume(s, p + 1, p[0] == 's', false);
		break;
	case 'C':
	case 'S':
		cmd_resume(s, p + 1, p[0] == 'S', true);
		break;
	case 'Z':
	case 'z':
		cmd_break(s, p + 1, p[0] == 'Z');
		break;
	case 'D':
		detach(s);
		reply(s, "OK");
		s->no_ack = false;
		break;
	case 'k':
		s->ops->kill(s->ctx); /* no reply (E.4 "k") */
		forget_session(s);
		s->no_ack = false;
		break;
	default:
		reply(s, ""); /* vCont?, vMustReplyEmpty and the rest: not supported */
		break;
	}
}

/* After the VM ended (gdb_stub_ended): the stop reply is the end; the session's end packets
 * and the queries are answered; anything that needs the target is an error. */
static void packet_after_end(struct gdb_stub *s, const char *p)
{
	switch (p[0]) {
	case '?':
		end_reply(s, false);
		break;
	case 'c':
	case 's':
	case 'C':
	case 'S':
		end_reply(s, true);
		break;
	case 'D':
		reply(s, "OK");
		s->owed = false;
		s->no_ack = false;
		break;
	case 'k':
		s->owed = false;
		s->no_ack = false;
		break;
	case 'q':
	case 'Q':
		dispatch(s, p, strlen(p));
		break;
	default:
		reply(s, "E01");
		break;
	}
}

static void packet(struct gdb_stub *s)
{
	if (s->owed || s->gone) {
		packet_after_end(s, s->rx.buf);
		return;
	}
	if (!s->attached)
		attach(s);
	/* All-stop: GDB sends nothing but Ctrl-C while the target runs. A packet now comes from a
	 * GDB that lost track (one that attached again): stop, and answer it as if stopped. */
	if (s->running)
		halt_all(s, &(struct gdb_stop){ GDB_STOP_INTERRUPT, s->g_vcpu, 0, false });
	dispatch(s, s->rx.buf, s->rx.len);
}

void gdb_stub_feed(struct gdb_stub *s, uint8_t c)
{
	switch (gdb_rx_feed(&s->rx, c)) {
	case GDB_RX_PACKET:
		if (!s->no_ack)
			send_raw(s, "+", 1);
		s->sent_len = 0; /* a new packet acks ours implicitly */
		packet(s);
		break;
	case GDB_RX_BAD_SUM:
		if (!s->no_ack)
			send_raw(s, "-", 1);
		break;
	case GDB_RX_MALFORMED:
		if (!s->no_ack)
			send_raw(s, "+", 1);
		reply(s, "E01");
		break;
	case GDB_RX_NAK:
		if (s->sent_len)
			send_raw(s, s->sent, s->sent_len);
		break;
	case GDB_RX_ACK:
		s->sent_len = 0;
		break;
	case GDB_RX_INTERRUPT:
		if (s->owed || s->gone) {
			end_reply(s, s->owed);
		} else if (!s->attached) {
			attach(s);
			stop_reply(s);
		} else if (s->running) {
			halt_all(s, &(struct gdb_stop){ GDB_STOP_INTERRUPT, s->c_vcpu, 0, false });
			stop_reply(s);
		}
		break;
	case GDB_RX_NONE:
		break;
	}
}
