/* Markers in a recording's metadata: the API (order, labels, times,
 * refusals), the round trip through files (saved, written late by the
 * streaming writer in WAV, kept by FLAC only before the audio), resampling,
 * and a stored line that is damaged: what parses is kept, one warning. */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "rectest.h"

#include <math.h>
#include <string.h>

#include "backline/backline.h"
#include "backline/recording.h"

static bl_recording *load(const char *path)
{
    char why[512];
    bl_recording *l = NULL;
    bl_status st = bl_recording_load(path, &l, why, sizeof why);
    CHECK_MSG(st == BL_OK, "%s: load %d: %s", path, st, why);
    return l;
}

/* The markers of `r` are exactly n of (times[i], labels[i]). */
static void check_markers(const bl_recording *r, size_t n, const double *times, const char *const *labels,
                          const char *what)
{
    CHECK_MSG(bl_recording_marker_count(r) == n, "%s: %zu markers, expected %zu", what,
              bl_recording_marker_count(r), n);
    for (size_t i = 0; i < n; i++) {
        bl_marker m;
        if (bl_recording_get_marker(r, i, &m) != BL_OK) {
            CHECK_MSG(0, "%s: marker %zu missing", what, i);
            continue;
        }
        CHECK_MSG(fabs(m.time_s - times[i]) < 5e-7 && strcmp(m.label, labels[i]) == 0,
                  "%s: marker %zu is %.6f \"%s\", expected %.6f \"%s\"", what, i, m.time_s, m.label, times[i],
                  labels[i]);
    }
}

static void test_api(void)
{
    bl_recording *r = test_make_rec(2, 1000, 1000);
    CHECK_EQ_INT(bl_recording_marker_count(r), 0);
    CHECK_EQ_INT(bl_recording_marker_count(NULL), 0);
    bl_marker m = {1.5, "x"};
    CHECK_EQ_INT(bl_recording_get_marker(r, 0, &m), BL_ERANGE);
    CHECK(m.time_s == 1.5 && !strcmp(m.label, "x")); /* unchanged */
    CHECK_EQ_INT(bl_recording_add_marker(r, 0.5, "mark"), BL_OK);
    CHECK_EQ_INT(bl_recording_add_marker(r, 0.25, "1"), BL_OK);
    CHECK_EQ_INT(bl_recording_add_marker(r, 0.5, "2"), BL_OK); /* same time: after the first */
    CHECK_EQ_INT(bl_recording_add_marker(r, 0.1234567, "9"), BL_OK); /* kept to the microsecond */
    static const double t[] = {0.123457, 0.25, 0.5, 0.5};
    static const char *const l[] = {"9", "1", "mark", "2"};
    check_markers(r, 4, t, l, "api");
    /* Refused: bad times and labels, the key itself; nothing changes. */
    CHECK_EQ_INT(bl_recording_add_marker(r, -1, "a"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_add_marker(r, NAN, "a"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_add_marker(r, 1e9, "a"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_add_marker(r, 1, ""), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_add_marker(r, 1, "a,b"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_add_marker(r, 1, "a:b"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_add_marker(r, 1, "seventeen_chars__"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_add_marker(r, 1, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_add_marker(NULL, 1, "a"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "markers", "1:a"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_get_marker(NULL, 0, &m), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_get_marker(r, 0, NULL), BL_EINVAL);
    check_markers(r, 4, t, l, "after refusals");

    /* Saved and loaded: the same markers, no warning; resampled: the
     * times stay. */
    char why[512];
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("m.wav"), BL_FORMAT_FLOAT32, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("m.flac"), BL_FORMAT_PCM24, why, sizeof why), BL_OK);
    static const char *const files[] = {"m.wav", "m.flac"};
    for (int f = 0; f < 2; f++) {
        bl_recording *back = load(test_tmp(files[f]));
        if (!back)
            continue;
        check_markers(back, 4, t, l, files[f]);
        CHECK_EQ_INT(bl_recording_warning_count(back), 0);
        bl_recording_destroy(back);
    }
    bl_recording *rs = NULL;
    CHECK_EQ_INT(bl_recording_resample(r, 500, &rs), BL_OK);
    if (rs)
        check_markers(rs, 4, t, l, "resampled");
    bl_recording_destroy(rs);

    /* A slice: its samples, and the markers inside it on its own clock. */
    bl_recording *sl = NULL;
    CHECK_EQ_INT(bl_recording_slice(r, 300, 400, &sl), BL_OK);
    if (sl) {
        CHECK_EQ_INT(bl_recording_frames(sl), 400);
        CHECK(bl_recording_cdata(sl, 1)[0] == bl_recording_cdata(r, 1)[300] &&
              bl_recording_cdata(sl, 1)[399] == bl_recording_cdata(r, 1)[699]);
        static const double ts[] = {0.2, 0.2};
        static const char *const ls[] = {"mark", "2"};
        check_markers(sl, 2, ts, ls, "slice");
    }
    bl_recording_destroy(sl);
    CHECK_EQ_INT(bl_recording_slice(r, 700, 301, &sl), BL_ERANGE);
    CHECK(sl == NULL);
    CHECK_EQ_INT(bl_recording_slice(r, 0, 0, &sl), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_slice(NULL, 0, 1, &sl), BL_EINVAL);
    bl_recording_destroy(r);
}

/* The streaming writer: markers added after the audio (as a capture does
 * at its end) reach a WAV; ones that would not fit are refused with the
 * others kept. */
static void test_writer(void)
{
    char why[512];
    bl_writer *w = NULL;
    CHECK_EQ_INT(bl_writer_open(test_tmp("late.wav"), 2, 48000, BL_FORMAT_FLOAT32, NULL, &w, why, sizeof why), BL_OK);
    if (!w)
        return;
    float block[2 * 480] = {0};
    for (int i = 0; i < 10; i++)
        CHECK_EQ_INT(bl_writer_write(w, block, 480, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_writer_add_marker(w, 24000 / 48000.0, "mark"), BL_OK);
    CHECK_EQ_INT(bl_writer_add_marker(w, 12345 / 48000.0, "3"), BL_OK);
    CHECK_EQ_INT(bl_writer_add_marker(w, 1, "bad label"), BL_EINVAL);
    CHECK_EQ_INT(bl_writer_add_marker(NULL, 1, "a"), BL_EINVAL);
    /* Fill the comment: the writer refuses the marker that does not fit. */
    size_t added = 2;
    bl_status st = BL_OK;
    while (st == BL_OK && added < 1000) {
        st = bl_writer_add_marker(w, 0.001 * (double)added, "fill");
        added += st == BL_OK;
    }
    CHECK_EQ_INT(st, BL_ERANGE);
    CHECK_MSG(added > 50, "only %zu markers fit the late comment", added);
    CHECK_EQ_INT(bl_writer_close(w, why, sizeof why), BL_OK);
    bl_recording *back = load(test_tmp("late.wav"));
    if (!back)
        return;
    CHECK_MSG(bl_recording_marker_count(back) == added, "late.wav: %zu markers, %zu added",
              bl_recording_marker_count(back), added);
    /* The frame of each reads back exactly: round(time * rate). */
    int found = 0;
    for (size_t i = 0; i < bl_recording_marker_count(back); i++) {
        bl_marker m;
        if (bl_recording_get_marker(back, i, &m) != BL_OK)
            continue;
        if (!strcmp(m.label, "3"))
            found += llround(m.time_s * 48000) == 12345;
        if (!strcmp(m.label, "mark"))
            found += llround(m.time_s * 48000) == 24000;
    }
    CHECK_EQ_INT(found, 2);
    CHECK_EQ_INT(bl_recording_warning_count(back), 0);
    bl_recording_destroy(back);
}

/* A damaged line: entries that parse are kept (in time order), one warning
 * names the others; nothing that parses at all stores no markers. */
static void test_damaged(void)
{
    test_write_raw_meta(test_tmp("d.wav"), 2,
                        "backline-meta 1\nmarkers=2.5:mark,x:1,1.0:2,-1:3,3:,4:a b,0.5:ok_label-9,1e3:e", NULL, 0);
    bl_recording *l = load(test_tmp("d.wav"));
    if (l) {
        static const double t[] = {0.5, 1.0, 2.5};
        static const char *const lab[] = {"ok_label-9", "2", "mark"};
        check_markers(l, 3, t, lab, "damaged");
        CHECK_EQ_INT(bl_recording_warning_count(l), 1);
        const char *wtext = bl_recording_warning(l, 0);
        CHECK_MSG(wtext && !strcmp(bl_recording_warning_key(l, 0), "markers") && strstr(wtext, "2 \"x:1\"") &&
                      strstr(wtext, "the other 3 kept"),
                  "warning: %s", wtext ? wtext : "(none)");
        bl_recording_destroy(l);
    }
    test_write_raw_meta(test_tmp("e.wav"), 2, "backline-meta 1\nmarkers=nothing,at all", NULL, 0);
    l = load(test_tmp("e.wav"));
    if (l) {
        CHECK_EQ_INT(bl_recording_marker_count(l), 0);
        CHECK(bl_recording_meta(l, "markers") == NULL);
        CHECK_EQ_INT(bl_recording_warning_count(l), 1);
        bl_recording_destroy(l);
    }
}

int main(void)
{
    test_tmpdir_make("bl_test_recording_markers");
    test_api();
    test_writer();
    test_damaged();
    test_tmpdir_done();
    return test_finish("test_recording_markers");
}
