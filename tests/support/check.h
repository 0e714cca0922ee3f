/* Minimal checks for CTest executables: each failed CHECK prints where and
 * what differed, and the test exits non-zero at the end. Exit 77 = skipped
 * (CTest SKIP_RETURN_CODE), always with a reason on stderr, and only for
 * what is optional (the real-data folder, a missing system program); a
 * missing committed fixture fails. */
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
/* Skip the whole test loudly (exit 77). */
void test_skip(const char *why) __attribute__((noreturn));
/* Fail the whole test at once (exit 1), saying why. */
void test_fail(const char *why) __attribute__((noreturn));

/* Paths. Committed files (fixtures/) and the optional real-data folder are
 * treated differently: a committed fixture that is missing FAILS the test
 * (exit 1, naming the file); a real recording that is missing SKIPS it
 * (exit 77, naming the file and BL_REAL_DATA). */
/* fixtures/: BL_FIXTURES when set (ctest sets it), else the source tree's. */
const char *test_fixtures(void);
/* The real-data folder: BL_REAL_DATA when set in the environment of the
 * run, else BL_REAL_DATA_DEFAULT (ctest sets it to ../shared/data/real
 * beside the checkout). Skips loudly when that folder is absent. */
const char *test_real_data(void);
const char *test_tools(void);         /* build/tools; skips when unset */
/* Join dir and name into a caller buffer. */
char *test_path(char *buf, size_t len, const char *dir, const char *name);
/* fixtures/NAME into buf; fails the test (exit 1) when it is missing. */
char *test_fixture(char *buf, size_t len, const char *name);
/* A committed file or folder that must exist: fails the test (exit 1) with
 * its path when it does not. */
void test_require_fixture(const char *path);
/* NAME in the real-data folder into buf; skips the whole test loudly
 * (exit 77: which file, and that BL_REAL_DATA can point elsewhere) when it
 * is missing. */
char *test_real_file(char *buf, size_t len, const char *name);
/* Whole file as a NUL-terminated string (caller frees), or NULL. */
char *test_slurp(const char *path);
/* fixtures/NAME parsed as JSON (caller frees with cJSON_Delete). A missing
 * file fails the test (the failure is counted, saying which fixture, and
 * NULL returned so the other checks still run); so does one that does not
 * parse. The return type is cJSON * (void * here to keep cJSON out
 * of this header). */
void *test_json_fixture(const char *name);

#endif
