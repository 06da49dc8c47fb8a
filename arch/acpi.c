/* arch/acpi.c: the firmware's ACPI tables (ACPI 6.5, 5.2 "ACPI System Description Tables"): RSDP,
 * RSDT/XSDT, MADT, FADT, the DSDT's \_S5 package, and the BIOS-area RSDP scan. Pure: physical
 * memory only through the caller's acpi_map_fn. BSP, once, at boot; also host unit tests. */
#include "arch/acpi.h"
#include "lib/acpi_rsdp.h"
#include "lib/log.h"
#include "lib/unaligned.h"
#include "lib/string.h"

#define ACPI_TABLE_MAX_LEN (16u << 20) /* larger is corruption, not a table */

#define MADT_ENTRIES 44 /* after the header, local APIC address u32 and flags u32 */
#define MADT_PCAT_COMPAT (1u << 0)
#define MADT_CPU_ENABLED (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1)

#define FADT_FLAG_RESET_REG_SUP (1u << 10)

struct acpi_ctx {
	acpi_map_fn map;
	struct acpi_info *out;
	bool tables_full_warned;
};

uint8_t acpi_checksum(const void *table, uint32_t len)
{
	const uint8_t *p = table;
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum += p[i];
	return sum;
}

static char printable(uint8_t c)
{
	return c >= 0x20 && c < 0x7f ? (char)c : '?';
}

const char *acpi_sig_str(const void *sig, char out[5])
{
	const uint8_t *s = sig;

	for (int i = 0; i < 4; i++)
		out[i] = printable(s[i]);
	out[4] = 0;
	return out;
}

/* ---- Tables: header, length, access and checksum (ACPI 6.5, 5.2.6) ---- */

static const uint8_t *map_table(acpi_map_fn map, uint64_t phys, uint32_t *len_out, char sig[5])
{
	const uint8_t *t = map(phys, ACPI_SDT_HEADER_LEN);
	uint32_t len;

	if (!t) {
		log_warn("acpi: table at 0x%lx is not accessible, ignored", phys);
		return 0;
	}
	acpi_sig_str(t, sig);
	len = get_u32(t + 4);
	if (len < ACPI_SDT_HEADER_LEN || len > ACPI_TABLE_MAX_LEN) {
		log_warn("acpi: table %s at 0x%lx has length %u (must be %u..%u), ignored", sig,
			 phys, len, ACPI_SDT_HEADER_LEN, ACPI_TABLE_MAX_LEN);
		return 0;
	}
	t = map(phys, len);
	if (!t) {
		log_warn("acpi: table %s at 0x%lx (length %u) is not accessible, ignored", sig,
			 phys, len);
		return 0;
	}
	if (acpi_checksum(t, len)) {
		log_warn("acpi: table %s at 0x%lx has a bad checksum, ignored", sig, phys);
		return 0;
	}
	*len_out = len;
	return t;
}

/* A table that must carry a given signature (the RSDT, XSDT and DSDT are found by address). */
static const uint8_t *map_sdt(struct acpi_ctx *c, uint64_t phys, const char *want, uint32_t *len)
{
	char sig[5];
	const uint8_t *t = map_table(c->map, phys, len, sig);

	if (t && memcmp(t, want, 4)) {
		log_warn("acpi: table at 0x%lx has signature %s where %s was expected, ignored",
			 phys, sig, want);
		return 0;
	}
	return t;
}

static void note_table(struct acpi_ctx *c, const char *sig, uint64_t phys, uint32_t len)
{
	struct acpi_info *out = c->out;

	log_info("acpi: table %s at 0x%lx length %u", sig, phys, len);
	if (out->ntables == ACPI_MAX_TABLES) {
		if (!c->tables_full_warned)
			log_warn("acpi: more than %u tables; the rest are not listed",
				 ACPI_MAX_TABLES);
		c->tables_full_warned = true;
		return;
	}
	struct acpi_table_ref *ref = &out->tables[out->ntables++];
	memcpy(ref->sig, sig, sizeof(ref->sig));
	ref->phys = phys;
	ref->len = len;
}

/* ---- MADT (ACPI 6.5, 5.2.12) ---- */

static bool id_listed(const uint32_t *ids, unsigned n, uint32_t id)
{
	for (unsigned i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Processor Local APIC and Local x2APIC entries (5.2.12.2, 5.2.12.12): Enabled means usable now;
 * Online Capable without Enabled means it may be hot-added later, so it is not started. */
static void madt_cpu(struct acpi_ctx *c, uint32_t id, uint32_t flags, unsigned type, uint32_t off)
{
	struct acpi_info *out = c->out;
	bool usable = flags & MADT_CPU_ENABLED;

	if (!usable && !(flags & MADT_CPU_ONLINE_CAPABLE)) {
		log_debug("acpi: MADT CPU with APIC id %u is disabled, ignored", id);
		return;
	}
	if (id_listed(out->apic_id, out->ncpus, id) ||
	    id_listed(out->hotplug_apic_id, out->ncpus_hotplug, id)) {
		log_warn("acpi: MADT lists APIC id %u twice (type %u entry at offset %u); the "
			 "duplicate is ignored", id, type, off);
		return;
	}
	uint32_t *list = usable ? out->apic_id : out->hotplug_apic_id;
	unsigned *n = usable ? &out->ncpus : &out->ncpus_hotplug;
	if (*n == ACPI_MAX_CPUS) {
		if (!out->cpus_dropped++)
			log_warn("acpi: MADT lists more than %u %s CPUs; the rest are ignored",
				 ACPI_MAX_CPUS, usable ? "usable" : "hot-pluggable");
		return;
	}
	list[(*n)++] = id;
}

static void madt_ioapic(struct acpi_ctx *c, const uint8_t *e)
{
	struct acpi_info *out = c->out;

	if (out->nioapics == ACPI_MAX_IOAPICS) {
		log_warn("acpi: MADT lists more than %u I/O APICs; I/O APIC id %u ignored",
			 ACPI_MAX_IOAPICS, e[2]);
		return;
	}
	out->ioapic[out->nioapics++] = (struct acpi_ioapic){ e[2], get_u32(e + 4), get_u32(e + 8) };
}

/* The shortest entry of each type this parser reads. */
static unsigned madt_entry_min(uint8_t type)
{
	switch (type) {
	case 0: return 8;  /* Processor Local APIC */
	case 1: return 12; /* I/O APIC */
	case 2: return 10; /* Interrupt Source Override */
	case 5: return 12; /* Local APIC Address Override */
	case 9: return 16; /* Processor Local x2APIC */
	default: return 2;
	}
}

static void madt_entry(struct acpi_ctx *c, const uint8_t *e, uint32_t off)
{
	uint8_t type = e[0], len = e[1];

	if (len < madt_entry_min(type)) {
		log_warn("acpi: MADT entry type %u at offset %u has length %u, needs %u; skipped",
			 type, off, len, madt_entry_min(type));
		return;
	}
	switch (type) {
	case 0:
		madt_cpu(c, e[3], get_u32(e + 4), type, off);
		break;
	case 1:
		madt_ioapic(c, e);
		break;
	case 2:
		c->out->nisos++;
		break;
	case 5:
		c->out->lapic_addr = get_u64(e + 4);
		break;
	case 9:
		madt_cpu(c, get_u32(e + 4), get_u32(e + 8), type, off);
		break;
	default:
		log_debug("acpi: MADT entry type %u at offset %u not used", type, off);
		break;
	}
}

static void parse_madt(struct acpi_ctx *c, const uint8_t *t, uint32_t len, uint64_t phys)
{
	struct acpi_info *out = c->out;

	if (out->madt_found) {
		log_warn("acpi: a second MADT at 0x%lx, ignored", phys);
		return;
	}
	if (len < MADT_ENTRIES) {
		log_warn("acpi: MADT at 0x%lx is %u bytes, too short for its fixed fields; ignored",
			 phys, len);
		return;
	}
	out->madt_found = true;
	out->lapic_addr = get_u32(t + 36);
	out->pcat_compat = get_u32(t + 40) & MADT_PCAT_COMPAT;
	for (uint32_t off = MADT_ENTRIES; off < len; off += t[off + 1]) {
		if (len - off < 2 || t[off + 1] < 2 || t[off + 1] > len - off) {
			log_warn("acpi: MADT entry type %u at offset %u has length %u or runs "
				 "past the table end (%u); walk stopped", t[off], off,
				 len - off < 2 ? 0 : t[off + 1], len);
			break;
		}
		madt_entry(c, t + off, off);
	}
	log_info("acpi: MADT: %u usable CPUs, %u hot-pluggable, %u I/O APICs, local APIC at 0x%lx",
		 out->ncpus, out->ncpus_hotplug, out->nioapics, out->lapic_addr);
}

/* ---- FADT (ACPI 6.5, 5.2.9, Table 5.9 "FADT Format") ---- */

static uint32_t fadt_u32(const uint8_t *t, uint32_t len, uint32_t off)
{
	return off + 4 <= len ? get_u32(t + off) : 0;
}

static void read_gas(const uint8_t *p, struct acpi_gas *g)
{
	*g = (struct acpi_gas){ p[0], p[1], p[2], p[3], get_u64(p + 4) };
}

/* X_PM1x_CNT_BLK (a GAS) replaces a zero PM1x_CNT_BLK; only an I/O port is of use to us. */
static uint32_t fadt_x_pm1(const uint8_t *t, uint32_t len, uint32_t off, const char *name)
{
	struct acpi_gas g;

	if (len < off + 12)
		return 0;
	read_gas(t + off, &g);
	if (!g.address)
		return 0;
	if (g.space_id != ACPI_GAS_SYSTEM_IO || g.address > 0xffff) {
		log_warn("acpi: FADT %s is not an I/O port (space %u, address 0x%lx); ignored",
			 name, g.space_id, g.address);
		return 0;
	}
	return (uint32_t)g.address;
}

static void parse_fadt(struct acpi_ctx *c, const uint8_t *t, uint32_t len, uint64_t phys)
{
	struct acpi_info *out = c->out;

	if (out->fadt_found) {
		log_warn("acpi: a second FADT at 0x%lx, ignored", phys);
		return;
	}
	out->fadt_found = true;
	if (len < 116)
		log_warn("acpi: FADT is %u bytes, shorter than ACPI 1.0's 116; using what it has",
			 len);
	out->dsdt = fadt_u32(t, len, 40);
	out->smi_cmd = fadt_u32(t, len, 48);
	out->acpi_enable = len > 52 ? t[52] : 0;
	out->pm1a_cnt = fadt_u32(t, len, 64);
	out->pm1b_cnt = fadt_u32(t, len, 68);
	out->fadt_flags = fadt_u32(t, len, 112);
	if (len >= 129 && out->fadt_flags & FADT_FLAG_RESET_REG_SUP) {
		read_gas(t + 116, &out->reset_reg);
		out->reset_value = t[128];
		out->reset_valid = true;
	}
	if (len >= 148 && get_u64(t + 140))
		out->dsdt = get_u64(t + 140); /* X_DSDT */
	if (!out->pm1a_cnt)
		out->pm1a_cnt = fadt_x_pm1(t, len, 172, "X_PM1a_CNT_BLK");
	if (!out->pm1b_cnt)
		out->pm1b_cnt = fadt_x_pm1(t, len, 184, "X_PM1b_CNT_BLK");
	log_debug("acpi: FADT: DSDT 0x%lx, PM1a_CNT 0x%x, PM1b_CNT 0x%x, flags 0x%x", out->dsdt,
		  out->pm1a_cnt, out->pm1b_cnt, out->fadt_flags);
}

/* ---- \_S5 in the DSDT (ACPI 6.5, 20.2 "AML Grammar Definition") ---- */

/* PkgLength (20.2.4): bits 7-6 of the lead byte count the bytes that follow (0-3). With none,
 * bits 5-0 are the length; otherwise bits 3-0 are its low nibble and each following byte adds 8
 * more bits. Returns the bytes it takes, 0 when truncated. */
static uint32_t aml_pkglength(const uint8_t *p, uint32_t avail, uint32_t *value)
{
	uint32_t follow, v;

	if (!avail)
		return 0;
	follow = p[0] >> 6;
	if (follow + 1 > avail)
		return 0;
	if (!follow) {
		*value = p[0] & 0x3f;
		return 1;
	}
	v = p[0] & 0x0f;
	for (uint32_t i = 0; i < follow; i++)
		v |= (uint32_t)p[1 + i] << (4 + 8 * i);
	*value = v;
	return follow + 1;
}

/* One integer (20.2.3 ComputationalData, 20.2.6.2 ConstObj): Byte/Word/DWord/QWordPrefix and a
 * value, ZeroOp, OneOp, OnesOp, or a bare small byte as some old firmware writes. Returns the
 * bytes it takes, 0 when malformed or truncated. */
static uint32_t aml_integer(const uint8_t *p, uint32_t avail, uint64_t *value)
{
	uint32_t size;

	if (!avail)
		return 0;
	switch (p[0]) {
	case 0x00: /* ZeroOp */
	case 0x01: /* OneOp */
		*value = p[0];
		return 1;
	case 0xff: /* OnesOp */
		*value = UINT64_MAX;
		return 1;
	case 0x0a: size = 1; break; /* BytePrefix */
	case 0x0b: size = 2; break; /* WordPrefix */
	case 0x0c: size = 4; break; /* DWordPrefix */
	case 0x0e: size = 8; break; /* QWordPrefix */
	default:
		if (p[0] > 7)
			return 0;
		*value = p[0];
		return 1;
	}
	if (avail < 1 + size)
		return 0;
	*value = 0;
	for (uint32_t i = 0; i < size; i++)
		*value |= (uint64_t)p[1 + i] << (8 * i);
	return 1 + size;
}

/* SLP_TYPx is a 3-bit field of PM1x_CNT (4.8.3.2.1); more would spill into SLP_EN. */
static uint8_t slp_typ(uint64_t v, uint32_t at)
{
	if (v > 7)
		log_warn("acpi: \\_S5 at AML offset %u has SLP_TYP 0x%lx (> 7); using its low "
			 "3 bits", at, v);
	return v & 7;
}

/* p points just past "_S5_": PackageOp PkgLength NumElements Element... (20.2.5.4 DefPackage). */
static bool s5_package(const uint8_t *p, uint32_t avail, uint32_t at, uint8_t *a, uint8_t *b)
{
	uint32_t pkglen = 0, used, q, end, k;
	uint64_t va = 0, vb = 0;

	if (!avail || p[0] != 0x12) {
		log_debug("acpi: _S5_ at AML offset %u is not a Package", at);
		return false;
	}
	used = aml_pkglength(p + 1, avail - 1, &pkglen);
	end = 1 + pkglen;
	q = 1 + used;
	if (!used || pkglen < used || end > avail || q >= end || !p[q]) {
		log_warn("acpi: \\_S5 package at AML offset %u is truncated or empty; ignored", at);
		return false;
	}
	uint8_t n = p[q++];
	k = aml_integer(p + q, end - q, &va);
	q += k;
	if (k && n >= 2)
		k = aml_integer(p + q, end - q, &vb);
	else
		vb = va; /* one element: SLP_TYPb only matters with a PM1b block */
	if (!k) {
		log_warn("acpi: \\_S5 package at AML offset %u has no integer values; ignored", at);
		return false;
	}
	*a = slp_typ(va, at);
	*b = slp_typ(vb, at);
	return true;
}

bool acpi_find_s5(const void *aml, uint32_t len, uint8_t *slp_typa, uint8_t *slp_typb)
{
	const uint8_t *p = aml;

	for (uint32_t i = 1; p && len >= 4 && i <= len - 4; i++) {
		if (memcmp(p + i, "_S5_", 4))
			continue;
		/* NameOp, optionally with the root prefix: Name(_S5, ...) or Name(\_S5, ...) */
		if (p[i - 1] != 0x08 && !(p[i - 1] == '\\' && i >= 2 && p[i - 2] == 0x08))
			continue;
		if (s5_package(p + i + 4, len - i - 4, i, slp_typa, slp_typb))
			return true;
	}
	return false;
}

static void parse_dsdt(struct acpi_ctx *c)
{
	struct acpi_info *out = c->out;
	const uint8_t *t;
	uint32_t len;

	if (!out->fadt_found || !out->dsdt) {
		log_warn("acpi: no %s; ACPI power-off is unavailable",
			 out->fadt_found ? "DSDT address in the FADT" : "FADT");
		return;
	}
	t = map_sdt(c, out->dsdt, "DSDT", &len);
	if (!t) {
		log_warn("acpi: no usable DSDT; ACPI power-off is unavailable");
		return;
	}
	note_table(c, "DSDT", out->dsdt, len);
	out->s5_valid = acpi_find_s5(t + ACPI_SDT_HEADER_LEN, len - ACPI_SDT_HEADER_LEN,
				     &out->slp_typa, &out->slp_typb);
	if (out->s5_valid)
		log_debug("acpi: \\_S5: SLP_TYPa %u, SLP_TYPb %u", out->slp_typa, out->slp_typb);
	else
		log_warn("acpi: no \\_S5 package in the DSDT; ACPI power-off is unavailable");
}

/* ---- RSDP and root table (ACPI 6.5, 5.2.5 to 5.2.8) ---- */

struct rsdp_view {
	uint8_t rev;
	bool v2; /* the extended part (length, XSDT) is valid */
	uint32_t rsdt;
	uint64_t xsdt;
};

static bool rsdp_v2_ok(const uint8_t *r, uint32_t rsdp_len)
{
	uint32_t len;

	if (rsdp_len < RSDP_V2_LEN) {
		log_warn("acpi: RSDP rev %u but only %u bytes of it were given (need %u); using it "
			 "as ACPI 1.0", r[15], rsdp_len, RSDP_V2_LEN);
		return false;
	}
	len = get_u32(r + 20);
	if (len < RSDP_V2_LEN || len > rsdp_len) {
		log_warn("acpi: RSDP rev %u has length %u (%u bytes given, need %u..%u); using it "
			 "as ACPI 1.0", r[15], len, rsdp_len, RSDP_V2_LEN, rsdp_len);
		return false;
	}
	if (acpi_checksum(r, len)) {
		log_warn("acpi: RSDP extended checksum is bad; using it as ACPI 1.0 (RSDT)");
		return false;
	}
	return true;
}

static bool check_rsdp(const uint8_t *r, uint32_t rsdp_len, struct rsdp_view *v,
		       struct acpi_info *out)
{
	if (!r || rsdp_len < RSDP_V1_LEN) {
		log_error("acpi: RSDP is missing or too short (%u bytes)", r ? rsdp_len : 0);
		return false;
	}
	if (memcmp(r, "RSD PTR ", 8)) {
		log_error("acpi: RSDP signature is not \"RSD PTR \"");
		return false;
	}
	if (acpi_checksum(r, RSDP_V1_LEN)) {
		log_error("acpi: RSDP checksum over its first 20 bytes is bad");
		return false;
	}
	for (int i = 0; i < 6; i++)
		out->oem_id[i] = r[9 + i] ? printable(r[9 + i]) : ' ';
	v->rev = out->rsdp_rev = r[15];
	v->rsdt = get_u32(r + 16);
	v->v2 = v->rev >= 2 && rsdp_v2_ok(r, rsdp_len);
	v->xsdt = v->v2 ? get_u64(r + 24) : 0;
	return true;
}

/* The XSDT when the RSDP is ACPI 2.0+ and it is valid, else the RSDT. */
static const uint8_t *map_root(struct acpi_ctx *c, const struct rsdp_view *v, uint32_t *len)
{
	struct acpi_info *out = c->out;
	const uint8_t *t;

	if (v->v2) {
		t = v->xsdt ? map_sdt(c, v->xsdt, "XSDT", len) : 0;
		if (t) {
			out->xsdt_used = true;
			out->root_phys = v->xsdt;
			return t;
		}
		log_warn("acpi: %s; falling back to the RSDT",
			 v->xsdt ? "the XSDT is unusable" : "the RSDP gives no XSDT address");
	}
	t = v->rsdt ? map_sdt(c, v->rsdt, "RSDT", len) : 0;
	if (!t) {
		log_error("acpi: no valid RSDT or XSDT (RSDT at 0x%x)", v->rsdt);
		return 0;
	}
	out->root_phys = v->rsdt;
	return t;
}

static void visit_table(struct acpi_ctx *c, uint64_t phys)
{
	uint32_t len;
	char sig[5];
	const uint8_t *t = map_table(c->map, phys, &len, sig);

	if (!t)
		return;
	note_table(c, sig, phys, len);
	if (!memcmp(t, "APIC", 4))
		parse_madt(c, t, len, phys);
	else if (!memcmp(t, "FACP", 4))
		parse_fadt(c, t, len, phys);
}

static void walk_root(struct acpi_ctx *c, const uint8_t *root, uint32_t len)
{
	bool xsdt = c->out->xsdt_used;
	uint32_t esize = xsdt ? 8 : 4, n = (len - ACPI_SDT_HEADER_LEN) / esize;

	if ((len - ACPI_SDT_HEADER_LEN) % esize)
		log_warn("acpi: %s ends with a partial entry; ignored", xsdt ? "XSDT" : "RSDT");
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = root + ACPI_SDT_HEADER_LEN + i * esize;
		uint64_t phys = xsdt ? get_u64(e) : get_u32(e);

		if (!phys) {
			log_warn("acpi: %s entry %u is 0, ignored", xsdt ? "XSDT" : "RSDT", i);
			continue;
		}
		visit_table(c, phys);
	}
}

bool acpi_parse(const void *rsdp, uint32_t rsdp_len, acpi_map_fn map, struct acpi_info *out)
{
	struct acpi_ctx c = { map, out, false };
	struct rsdp_view v;
	const uint8_t *root;
	uint32_t len;

	memset(out, 0, sizeof(*out));
	if (!check_rsdp(rsdp, rsdp_len, &v, out))
		return false;
	root = map_root(&c, &v, &len);
	if (!root)
		return false;
	log_info("acpi: RSDP rev %u oem \"%s\" using %s at 0x%lx", out->rsdp_rev, out->oem_id,
		 out->xsdt_used ? "XSDT" : "RSDT", out->root_phys);
	note_table(&c, out->xsdt_used ? "XSDT" : "RSDT", out->root_phys, len);
	walk_root(&c, root, len);
	if (!out->madt_found)
		log_warn("acpi: no valid MADT; the CPU list is unknown");
	parse_dsdt(&c);
	return true;
}

/* ---- BIOS-area scan (ACPI 6.5, 5.2.5.1 "Finding the RSDP on IA-PC Systems") ---- */

static bool scan_rsdp(acpi_map_fn map, uint64_t start, uint32_t size, uint64_t *phys_out)
{
	const uint8_t *p = map(start, size);

	if (!p)
		return false;
	for (uint32_t off = 0; off + RSDP_V1_LEN <= size; off += 16) {
		if (!memcmp(p + off, "RSD PTR ", 8) && !acpi_checksum(p + off, RSDP_V1_LEN)) {
			*phys_out = start + off;
			return true;
		}
	}
	return false;
}

bool acpi_find_rsdp_legacy(acpi_map_fn map, uint64_t *phys_out)
{
	/* The BDA word at 0x40E holds the EBDA's real-mode segment; the EBDA lies below 640 KiB. */
	const uint8_t *bda = map(0x40e, 2);
	uint64_t ebda = bda ? (uint64_t)get_u16(bda) << 4 : 0;

	if (ebda >= 0x400 && ebda + 1024 <= 0xa0000 && scan_rsdp(map, ebda, 1024, phys_out))
		return true;
	return scan_rsdp(map, 0xe0000, 0x20000, phys_out);
}
