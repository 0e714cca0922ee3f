/* Minimal checks for CTest executables: each failed CHECK prints where and
 * what differed, and the test exits non-zero at the end. Exit 77 = skipped
 * (CTest SKIP_RETURN_CODE), always with a reason on stderr. */
#ifndef TEST_CHECK_H
#define TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

extern int test_failures;

#define CHECK(cond) do { if (!(cond)) { test_failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_MSG(cond, ...) do { if (!(cond)) { test_failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)
#define CHECK_EQ_INT(a, b) do { long long va_ = (long long)(a), vb_ = (long long)(b); \
    if (va_ != vb_) { test_failures++; fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", \
    __FILE__, __LINE__, #a, #b, va_, vb_); } } while (0)
/* |a - b| <= tol */
#define CHECK_NEAR(a, b, tol) do { double va_ = (double)(a), vb_ = (double)(b); \
    if (!(fabs(va_ - vb_) <= (tol))) { test_failures++; \
    fprintf(stderr, "%s:%d: %s ~ %s failed: %.17g vs %.17g (tol %g)\n", \
    __FILE__, __LINE__, #a, #b, va_, vb_, (double)(tol)); } } while (0)

/* Exit status for main(): prints a summary line. */
int test_finish(const char *name);
/* Skip the whole test loudly. */
void test_skip(const char *why) __attribute__((noreturn));

/* Paths from the CTest environment; skip loudly when unset or missing. */
const char *test_fixtures(void);      /* fixtures/ */
const char *test_real_data(void);     /* ../shared/data/real; skips if absent */
const char *test_tools(void);         /* build/tools */
/* Join dir and name into a static-free caller buffer. */
char *test_path(char *buf, size_t len, const char *dir, const char *name);
/* Whole file as a NUL-terminated string (caller frees), or NULL. */
char *test_slurp(const char *path);
/* fixtures/NAME parsed as JSON (caller frees with cJSON_Delete): skips when
 * the file is missing, counts a failure and returns NULL when it does not
 * parse. The return type is cJSON * (void * here to keep cJSON out of this
 * header). */
void *test_json_fixture(const char *name);
/* Skip unless the file exists. */
void test_require_file(const char *path);

#endif
