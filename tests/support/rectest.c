#define _POSIX_C_SOURCE 200809L
#include "rectest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"

#define PI 3.14159265358979323846

static char tmpdir[256];

void test_tmpdir_make(const char *prefix)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/%s_XXXXXX", prefix);
    if (!mkdtemp(tmpdir)) test_fail("cannot make a scratch folder under /tmp");
}

const char *test_tmpdir(void) { return tmpdir; }

const char *test_tmp(const char *name)
{
    static char buf[8][512];
    static int slot;
    slot = (slot + 1) % 8;
    snprintf(buf[slot], sizeof buf[slot], "%s/%s", tmpdir, name);
    return buf[slot];
}

void test_tmpdir_done(void)
{
    if (test_failures) {
        fprintf(stderr, "files kept in %s\n", tmpdir);
        return;
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
}

float test_rec_sig(size_t c, size_t i)
{
    double t = (double)i / 1000.0;
    return (float)(0.5 * sin(2 * PI * (37.0 + 11.0 * (double)c) * t) +
                   0.3 * sin(2 * PI * 251.0 * t + (double)c) + 0.05 * (double)((i * 7 + c) % 5) - 0.1);
}

bl_recording *test_make_rec(size_t channels, size_t frames, double rate)
{
    bl_recording *r = NULL;
    CHECK_EQ_INT(bl_recording_create(channels, frames, rate, &r), BL_OK);
    if (!r) exit(1);
    for (size_t c = 0; c < channels; c++) {
        float *x = bl_recording_data(r, c);
        for (size_t i = 0; i < frames; i++) x[i] = test_rec_sig(c, i);
    }
    return r;
}

long test_file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

void test_check_same_meta(const bl_recording *a, const bl_recording *b, const char *what)
{
    CHECK_MSG(bl_recording_map(b) && strcmp(bl_recording_map(a), bl_recording_map(b)) == 0, "%s: map %s", what,
              bl_recording_map(b) ? bl_recording_map(b) : "(null)");
    for (size_t c = 0; c < bl_recording_channels(a); c++)
        CHECK_MSG(bl_recording_gain(a, c) == bl_recording_gain(b, c), "%s: gain %zu %.17g vs %.17g", what, c,
                  bl_recording_gain(a, c), bl_recording_gain(b, c));
    CHECK_MSG(bl_recording_full_scale(a) == bl_recording_full_scale(b), "%s: full scale", what);
    for (size_t i = 0; i < bl_recording_meta_count(a); i++) {
        const char *k = bl_recording_meta_key(a, i);
        const char *vb = bl_recording_meta(b, k);
        CHECK_MSG(vb && strcmp(bl_recording_meta(a, k), vb) == 0, "%s: key %s = %s", what, k,
                  vb ? vb : "(missing)");
    }
}
