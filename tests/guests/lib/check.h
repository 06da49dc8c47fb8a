/* tests/guests/lib/check.h: reporting a check, as tests/guests/vmtest does: "apictest: ok   NAME",
 * "apictest: FAIL NAME: detail (got X, want Y)" or "apictest: skip NAME (why)", and the totals.
 * Any vCPU (the counts are atomic; each line is written whole). */
#ifndef GUEST_APICTEST_CHECK_H
#define GUEST_APICTEST_CHECK_H

#include <stdbool.h>
#include <stdint.h>

/* Room for any check name; names are "suite.what[.vcpuK]". */
#define CHECK_NAME_MAX 64

void check_pass(const char *name);
/* `fmt` is the detail; by convention it ends with "(got X, want Y)". */
void check_fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_skip(const char *name, const char *why);

/* Pass when got == want, else FAIL with "what (got .., want ..)"; return whether it passed. */
bool check_hex(const char *name, const char *what, uint32_t got, uint32_t want);
bool check_hex64(const char *name, const char *what, uint64_t got, uint64_t want);
bool check_int(const char *name, const char *what, int32_t got, int32_t want);

/* An instruction that should (want_gp) or should not fault: `faulted` is what happened. */
bool check_gp(const char *name, const char *what, bool faulted, bool want_gp);

/* Formats a check name into buf (CHECK_NAME_MAX bytes) and returns buf. */
const char *check_name(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "NAME: N passed, M failed". */
void check_summary(void);

#endif
