/* arch/console_spec.c: parsing of the `console=` option (see arch/console_spec.h). Pure. */
#include "arch/console_spec.h"
#include "lib/cmdline.h"
#include "lib/string.h"

#define MAXPHYADDR_LIMIT (1ull << 52) /* SDM Vol. 3A, 4.1.4: no CPU has more address bits */

/* The legacy PC COM port addresses. */
static const uint16_t com_ports[4] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

/* s[0..len) as a number (decimal or 0x-hex), when it fits a small buffer. */
static bool parse_num(const char *s, size_t len, uint64_t *v)
{
	char tmp[24];

	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	return cmdline_parse_u64(tmp, v);
}

/* Whether s[0..len) starts with `prefix`; if so, steps past it. */
static bool take_prefix(const char **s, size_t *len, const char *prefix)
{
	size_t n = strlen(prefix);

	if (*len < n || strncmp(*s, prefix, n))
		return false;
	*s += n, *len -= n;
	return true;
}

static bool parse_port(const char *s, size_t len, struct console_spec *spec)
{
	uint64_t v;

	if (len == 4 && !strncmp(s, "com", 3) && s[3] >= '1' && s[3] <= '4') {
		spec->port = com_ports[s[3] - '1'];
		return true;
	}
	take_prefix(&s, &len, "io:");
	if (!parse_num(s, len, &v) || v == 0 || v > 0xfff8)
		return false;
	spec->port = (uint16_t)v;
	return true;
}

static bool parse_mmio(const char *s, size_t len, struct console_spec *spec)
{
	uint64_t v;

	if (!parse_num(s, len, &v) || v == 0 || v >= MAXPHYADDR_LIMIT)
		return false;
	spec->mmio = v;
	return true;
}

static bool parse_pci(const char *s, size_t len, struct console_spec *spec)
{
	char tmp[16];

	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	return pci_bdf_parse(tmp, &spec->pci);
}

/* The part before the comma: which UART. */
static bool parse_where(const char *s, size_t len, struct console_spec *spec)
{
	if (len == 4 && !strncmp(s, "spcr", 4)) {
		spec->kind = CONSOLE_SPCR, spec->baud = 0;
		return true;
	}
	if (len == 4 && !strncmp(s, "auto", 4)) {
		spec->kind = CONSOLE_AUTO, spec->baud = 0;
		return true;
	}
	if (take_prefix(&s, &len, "mmio32:")) {
		spec->kind = CONSOLE_MMIO, spec->reg_width = 4;
		return parse_mmio(s, len, spec);
	}
	if (take_prefix(&s, &len, "mmio:")) {
		spec->kind = CONSOLE_MMIO;
		return parse_mmio(s, len, spec);
	}
	if (take_prefix(&s, &len, "pci:")) {
		spec->kind = CONSOLE_PCI;
		return parse_pci(s, len, spec);
	}
	spec->kind = CONSOLE_IO;
	return parse_port(s, len, spec);
}

bool console_parse_spec(const char *s, struct console_spec *out)
{
	const char *comma = strchr(s, ',');
	size_t len = comma ? (size_t)(comma - s) : strlen(s);
	struct console_spec spec = { .reg_width = 1, .baud = 115200 };
	uint64_t baud;

	if (!parse_where(s, len, &spec))
		return false;
	if (comma) {
		if (!cmdline_parse_u64(comma + 1, &baud) || baud == 0 || baud > 115200 ||
		    115200 % baud)
			return false;
		spec.baud = (uint32_t)baud;
	}
	*out = spec;
	return true;
}
