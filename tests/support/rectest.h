/* Helpers shared by the recording tests (test_recording*.c): a scratch
 * folder, deterministic recordings, file surgery and metadata
 * comparison. */
#ifndef TEST_RECTEST_H
#define TEST_RECTEST_H

#include <stddef.h>

#include "backline/recording.h"

/* Makes a fresh scratch folder /tmp/<prefix>_XXXXXX; fails the test when it
 * cannot. */
void test_tmpdir_make(const char *prefix);
const char *test_tmpdir(void);
/* NAME inside the scratch folder; eight results stay valid at once. */
const char *test_tmp(const char *name);
/* Removes the scratch folder, or keeps it (and says where) when a check
 * failed. */
void test_tmpdir_done(void);

/* Deterministic multi-tone test signal within ±0.9 full scale. */
float test_rec_sig(size_t c, size_t i);
/* A recording of test_rec_sig; exits on failure. */
bl_recording *test_make_rec(size_t channels, size_t frames, double rate);

/* Size in bytes, -1 when missing. */
long test_file_size(const char *path);

/* b carries a's map, gains, full scale and every key of a (CHECKs). */
void test_check_same_meta(const bl_recording *a, const bl_recording *b, const char *what);

#endif
