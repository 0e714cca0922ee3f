#define _POSIX_C_SOURCE 200809L
#include "rectest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sndfile.h>

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

static int format_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && strcmp(dot, ".aiff") == 0) return SF_FORMAT_AIFF | SF_FORMAT_PCM_16;
    if (dot && strcmp(dot, ".caf") == 0) return SF_FORMAT_CAF | SF_FORMAT_PCM_16;
    if (dot && strcmp(dot, ".flac") == 0) return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
}

void test_write_raw_meta(const char *path, size_t channels, const char *comment, const char *chunk,
                         size_t chunk_len)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.samplerate = 1000;
    info.channels = (int)channels;
    info.format = format_of(path);
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    if (!sf) test_fail("cannot create a raw test file");
    if (chunk) {
        SF_CHUNK_INFO ci;
        memset(&ci, 0, sizeof ci);
        memcpy(ci.id, "blmt", 4);
        ci.id_size = 4;
        ci.data = (void *)chunk;
        ci.datalen = (unsigned)chunk_len;
        if (sf_set_chunk(sf, &ci) != 0) test_fail("sf_set_chunk failed");
    }
    if (comment && sf_set_string(sf, SF_STR_COMMENT, comment) != 0) test_fail("sf_set_string failed");
    short *s = calloc(100 * channels, sizeof *s);
    if (!s || sf_writef_short(sf, s, 100) != 100) test_fail("cannot write a raw test file");
    free(s);
    if (sf_close(sf) != 0) test_fail("cannot close a raw test file");
}

long test_read_raw_meta(const char *path, char *buf, size_t len)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    buf[0] = '\0';
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf) return -2;
    const char *c = sf_get_string(sf, SF_STR_COMMENT);
    if (c) snprintf(buf, len, "%s", c);
    SF_CHUNK_INFO q;
    memset(&q, 0, sizeof q);
    memcpy(q.id, "blmt", 4);
    q.id_size = 4;
    SF_CHUNK_ITERATOR *it = sf_get_chunk_iterator(sf, &q);
    long n = -1;
    if (it) {
        SF_CHUNK_INFO d;
        memset(&d, 0, sizeof d);
        if (sf_get_chunk_size(it, &d) == 0) n = (long)d.datalen;
    }
    sf_close(sf);
    return n;
}

void test_check_same_meta(const bl_recording *a, const bl_recording *b, const char *what)
{
    CHECK_MSG(bl_recording_warning_count(b) == 0, "%s: %zu warnings, the first: %s", what,
              bl_recording_warning_count(b), bl_recording_warning(b, 0) ? bl_recording_warning(b, 0) : "");
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
