/* lib/gdb_packet.h: the framing of GDB's remote serial protocol (GDB manual, Appendix E "GDB
 * Remote Serial Protocol": E.1 "Overview", E.11 "Packet Acknowledgment"): `$data#cc` with a
 * modulo-256 checksum, `+`/`-` acknowledgments, `}` escapes (byte ^ 0x20) and `*` run-length
 * encoding, and the Ctrl-C (0x03) that interrupts a running target. Pure (host-tested); no
 * VMX or hardware knowledge. */
#ifndef LIB_GDB_PACKET_H
#define LIB_GDB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest packet payload either side sends (qSupported's PacketSize, in hex there). Big
 * enough for a `G` of the amd64 layout with the system registers (lib/gdb_regs.h) in hex. */
#define GDB_PACKET_MAX 2048

enum gdb_rx_event {
	GDB_RX_NONE,      /* the byte was taken; nothing complete yet */
	GDB_RX_PACKET,    /* a packet with a good checksum: rx->buf[0..len) (send '+') */
	GDB_RX_BAD_SUM,   /* a packet whose checksum is wrong (send '-': GDB sends it again) */
	GDB_RX_MALFORMED, /* a packet with a good checksum that cannot be decoded: too long, a run
			   * length with nothing to repeat, a bad escape (send '+' and an error) */
	GDB_RX_ACK,       /* '+' outside a packet */
	GDB_RX_NAK,       /* '-' outside a packet: send the last packet again */
	GDB_RX_INTERRUPT, /* 0x03 outside a packet */
};

struct gdb_rx {
	int state;        /* private: where in a packet the next byte goes */
	uint8_t sum;      /* of the raw bytes between '$' and '#' */
	uint8_t got_sum;  /* the two hex digits after '#' */
	bool bad;         /* decoding failed somewhere in this packet */
	size_t len;       /* decoded bytes in buf */
	char buf[GDB_PACKET_MAX + 1]; /* NUL-terminated for the dispatcher's convenience (binary
				       * payloads may hold NULs: use len) */
};

void gdb_rx_init(struct gdb_rx *rx);
/* One byte from the line. Bytes outside a packet other than '+', '-', 0x03 and '$' are
 * dropped; a '$' inside a packet starts a new one (GDB resent after a lost byte). */
enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, uint8_t c);

/* Whether a packet has begun and not yet ended (the caller may wait for the rest of it). */
bool gdb_rx_busy(const struct gdb_rx *rx);

/* Frames `payload` (n bytes) as `$...#cc` into out (size bytes): '$', '#', '}' and '*' escaped,
 * runs of 4 or more equal bytes run-length encoded (never with the counts that would make '#'
 * or '$', GDB manual E.1). The framed length, or 0 when out is too small. */
size_t gdb_frame(const char *payload, size_t n, char *out, size_t size);

/* Hex helpers shared by the dispatcher and the register code: a digit's value or -1; `n` bytes
 * as 2n lowercase digits (no NUL); 2n digits into n bytes (false on a non-digit). */
int gdb_hexval(char c);
void gdb_hex_encode(const uint8_t *in, size_t n, char *out);
bool gdb_hex_decode(const char *in, size_t n, uint8_t *out);
/* A hex number at *s up to the first non-digit; false for no digit or more than 16. *s moves
 * past it. */
bool gdb_parse_hex(const char **s, uint64_t *value);

#endif
