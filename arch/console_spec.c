/* arch/console_spec.c: parsing of the `console=` option (see arch/console_spec.h). Pure. */
#include "arch/console_spec.h"
#include "lib/cmdline.h"
#include "lib/string.h"

/* The legacy PC COM port addresses. */
static const uint16_t com_ports[4] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

static bool parse_port(const char *s, size_t len, uint16_t *port)
{
	char tmp[24];
	uint64_t v;

	if (len == 4 && !strncmp(s, "com", 3) && s[3] >= '1' && s[3] <= '4') {
		*port = com_ports[s[3] - '1'];
		return true;
	}
	if (len > 3 && !strncmp(s, "io:", 3))
		s += 3, len -= 3;
	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	if (!cmdline_parse_u64(tmp, &v) || v == 0 || v > 0xfff8)
		return false;
	*port = (uint16_t)v;
	return true;
}

bool console_parse_spec(const char *s, struct console_spec *out)
{
	const char *comma = strchr(s, ',');
	size_t len = comma ? (size_t)(comma - s) : strlen(s);
	struct console_spec spec = { 0, 115200 };
	uint64_t baud;

	if (!parse_port(s, len, &spec.port))
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
