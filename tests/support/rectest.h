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

/* A 100-frame file of `channels` zero samples at 1000 Hz written through
 * libsndfile with exactly this comment (NULL: none) and this "blmt" chunk
 * (NULL: none; chunk_len bytes), as another program (or a damaged file)
 * would hold them; the format from the extension (.wav, .aiff, .caf,
 * .flac). Fails the test when it cannot. */
void test_write_raw_meta(const char *path, size_t channels, const char *comment, const char *chunk,
                         size_t chunk_len);
/* The comment libsndfile reads from `path` into buf ("" when none) and the
 * length of its "blmt" chunk (-1 when none). */
long test_read_raw_meta(const char *path, char *buf, size_t len);

/* b carries a's map, gains, full scale and every key of a, and has no
 * warnings (CHECKs). */
void test_check_same_meta(const bl_recording *a, const bl_recording *b, const char *what);

#endif
