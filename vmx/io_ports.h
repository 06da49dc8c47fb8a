/* vmx/io_ports.h: a VM's port table. Virtual devices register the port ranges they answer when the
 * VM is built; the I/O exit handler dispatches through the table and never names a device. Ports
 * nobody registered read all-ones and drop writes (the ISA bus with nothing on it). Pure. */
#ifndef VMX_IO_PORTS_H
#define VMX_IO_PORTS_H

#include <stdbool.h>
#include <stdint.h>

#define IO_PORTS_MAX 24

/* `size` is 1, 2 or 4 bytes; `port` is the first port accessed. */
typedef uint32_t (*port_read_fn)(void *dev, uint16_t port, unsigned size);
typedef void (*port_write_fn)(void *dev, uint16_t port, unsigned size, uint32_t value);

struct port_range {
	uint16_t first, last;
	const char *name;
	port_read_fn read;   /* NULL: reads all-ones */
	port_write_fn write; /* NULL: writes dropped */
	void *dev;
};

struct io_ports {
	struct port_range range[IO_PORTS_MAX];
	unsigned count;
};

/* False (and logged) when the range overlaps one already registered or the table is full. */
bool io_ports_register(struct io_ports *t, const struct port_range *r);
/* Each of r[0..n) in turn; false at the first one refused. */
bool io_ports_register_all(struct io_ports *t, const struct port_range *r, unsigned n);
/* The device answering `port`, or NULL. */
const struct port_range *io_ports_find(const struct io_ports *t, uint16_t port);
/* Dispatch; `*claimed` says whether a device answered (else the caller logs, rate-limited). */
uint32_t io_ports_read(const struct io_ports *t, uint16_t port, unsigned size, bool *claimed);
void io_ports_write(const struct io_ports *t, uint16_t port, unsigned size, uint32_t value,
		    bool *claimed);

#endif
