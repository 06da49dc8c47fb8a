/* tests/guests/apictest/ipi.h: what the parts of suite `ipi` share: the addressing models every
 * vCPU is put in (Intel SDM Vol. 3A, 11.6.2 "Determining IPI Destination", 11.12.10 for x2APIC) and
 * the destination that names one vCPU in each. vCPU 0 sets a model up on every vCPU, then each vCPU
 * sends in turn (run_on_each) and the receipts are checked (irq.h). */
#ifndef GUEST_APICTEST_IPI_H
#define GUEST_APICTEST_IPI_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/guests/lib/apic.h"

enum ipi_kind { IPI_PHYSICAL, IPI_FLAT, IPI_CLUSTER };

struct ipi_model {
	const char *name;
	enum apic_mode mode; /* xAPIC or x2APIC, on every vCPU */
	enum ipi_kind kind;
};

/* The model every vCPU is in (ipi_setup), for the jobs, which take only their vCPU. */
extern const struct ipi_model *ipi_model;

/* Every vCPU into `m`: its APIC mode, DFR and LDR; x2APIC LDRs are read (11.12.10.2: derived
 * from the id). False, after a FAIL line, when a vCPU could not. */
bool ipi_setup(const struct ipi_model *m);
/* The destination field naming vCPU `target` alone, and the ICR's destination-mode bit. */
uint32_t ipi_dest(unsigned target);
uint32_t ipi_dest_mode(void);
/* The xAPIC logical destination naming the vCPUs in `mask` (flat model). */
uint32_t ipi_flat_dest(uint32_t mask);

/* Waits (bounded) for *count >= want. */
bool ipi_wait(const uint32_t *count, uint32_t want);
/* Lets stray interrupts arrive before counts are judged. */
void ipi_settle(void);

/* A check over a row of the receipt matrix: got[t] for every vCPU t against want[t]; one line,
 * naming the first vCPU that differs. */
void ipi_check_row(const char *name, const char *what, const uint32_t *got, const uint32_t *want);

#endif
