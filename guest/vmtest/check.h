/* guest/vmtest/check.h: reporting a check: "vmtest: ok   NAME", "vmtest: FAIL NAME: detail (got X,
 * want Y)" or "vmtest: skip NAME (why)", and the totals. Any vCPU (the counts are atomic). */
#ifndef GUEST_VMTEST_CHECK_H
#define GUEST_VMTEST_CHECK_H

#include <stdbool.h>
#include <stdint.h>

void check_pass(const char *name);
/* `fmt` is the detail; by convention it ends with "(got X, want Y)". */
void check_fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_skip(const char *name, const char *why);

/* Pass when got == want, else FAIL with "what (got .., want ..)"; return whether it passed. */
bool check_hex(const char *name, const char *what, uint32_t got, uint32_t want);
bool check_hex64(const char *name, const char *what, uint64_t got, uint64_t want);
bool check_int(const char *name, const char *what, int32_t got, int32_t want);

/* "vmtest: N passed, M failed". */
void check_summary(void);

#endif
