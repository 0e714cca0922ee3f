/* Loading at an analysis rate (bl_recording_load_at): a 48 or 44.1 kHz file
 * decimated while it is read gives the same samples as loading it whole
 * and resampling (bl_recording_resample), keeps the file's rate
 * (bl_recording_source_rate), counts clipping on the file's own samples
 * as the quality check would on the whole file, stops at the first
 * non-finite sample naming its channel, frame and time, and loads a file
 * it cannot decimate at the file's own rate. */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "rectest.h"

#include <math.h>
#include <string.h>

#include "backline/clipping.h"
#include "backline/recording.h"

/* A 2-second, 3-channel file at `rate`: noise in bursts, channel 2
 * clipped at 0.6 of its peak (flat tops), channel 3 with a NaN when
 * asked. */
static const char *make_file(double rate, bl_sample_format fmt, int with_nan, const char *name)
{
    size_t n = (size_t)(2 * rate);
    bl_recording *r = NULL;
    CHECK(bl_recording_create(3, n, rate, &r) == BL_OK);
    unsigned s = 99;
    for (size_t c = 0; c < 3; c++) {
        float *x = bl_recording_data(r, c);
        for (size_t i = 0; i < n; i++) {
            s = s * 1103515245u + 12345u;
            double u = ((double)((s >> 8) & 0xffff) / 32768.0 - 1.0) * (fmod((double)i / rate, 0.5) < 0.2 ? 0.5 : 0.05);
            x[i] = (float)(c == 1 ? fmax(-0.3, fmin(0.3, u)) : u);
        }
    }
    if (with_nan) bl_recording_data(r, 2)[n / 2 + 7] = NAN;
    char why[256];
    const char *path = test_tmp(name);
    CHECK_MSG(bl_recording_save(r, path, fmt, why, sizeof why) == BL_OK, "%s", why);
    bl_recording_destroy(r);
    return path;
}

static void check_same_as_whole(double rate, bl_sample_format fmt, const char *name)
{
    const char *path = make_file(rate, fmt, 0, name);
    char why[256];
    bl_recording *whole = NULL, *res = NULL, *at = NULL;
    CHECK(bl_recording_load(path, &whole, why, sizeof why) == BL_OK);
    CHECK(bl_recording_resample(whole, 2000, &res) == BL_OK);
    CHECK_MSG(bl_recording_load_at(path, 2000, &at, why, sizeof why) == BL_OK, "%s", why);
    if (!whole || !res || !at) return;
    CHECK(bl_recording_rate(at) == 2000 && bl_recording_source_rate(at) == rate);
    CHECK(bl_recording_source_rate(whole) == rate && bl_recording_source_rate(res) == rate);
    CHECK_EQ_INT(bl_recording_frames(at), bl_recording_frames(res));
    int same = bl_recording_frames(at) == bl_recording_frames(res);
    for (size_t c = 0; same && c < 3; c++)
        same = memcmp(bl_recording_cdata(at, c), bl_recording_cdata(res, c),
                      bl_recording_frames(at) * sizeof(float)) == 0;
    CHECK_MSG(same, "%g Hz: decimated while read differs from loaded whole and resampled", rate);
    /* Clipping counted on the file's samples, as on the whole recording. */
    for (size_t c = 0; c < 3; c++) {
        bl_clip_counter cc;
        bl_clip_counter_init(&cc, bl_recording_channel_full_scale(whole, c));
        bl_clip_counter_add(&cc, bl_recording_cdata(whole, c), bl_recording_frames(whole), 1);
        double want = bl_clip_counter_fraction(&cc), got = bl_recording_raw_clipped_fraction(at, c);
        CHECK_MSG(got == want, "%g Hz channel %zu: clipped fraction %g at load, %g on the whole file", rate, c + 1,
                  got, want);
        CHECK(isnan(bl_recording_raw_clipped_fraction(whole, c)));
        if (c == 1) CHECK_MSG(want > 0.01, "channel 2 should be clipped (%g)", want);
        if (c != 1) CHECK_MSG(want < 1e-4, "channel %zu should not be clipped (%g)", c + 1, want);
    }
    CHECK(isnan(bl_recording_raw_clipped_fraction(at, 3)));
    bl_recording_destroy(whole);
    bl_recording_destroy(res);
    bl_recording_destroy(at);
}

static void check_nonfinite(void)
{
    const char *path = make_file(48000, BL_FORMAT_FLOAT32, 1, "nan48k.wav");
    char why[256] = "";
    bl_recording *at = (bl_recording *)1;
    CHECK_EQ_INT(bl_recording_load_at(path, 2000, &at, why, sizeof why), BL_ENONFINITE);
    CHECK(at == NULL);
    CHECK_MSG(strstr(why, "channel 3 at frame 48007 (1.000146 s)") != NULL, "why: %s", why);
}

static void check_not_decimated(void)
{
    /* A 1 kHz file is not decimated: it loads at its own rate. */
    const char *path = make_file(1000, BL_FORMAT_PCM16, 0, "low.wav");
    char why[256];
    bl_recording *at = NULL;
    CHECK(bl_recording_load_at(path, 2000, &at, why, sizeof why) == BL_OK);
    CHECK(at && bl_recording_rate(at) == 1000 && bl_recording_source_rate(at) == 1000);
    bl_recording_destroy(at);
    at = (bl_recording *)1;
    CHECK_EQ_INT(bl_recording_load_at(path, 0, &at, why, sizeof why), BL_EINVAL);
    CHECK(at == NULL);
    CHECK_EQ_INT(bl_recording_load_at(test_tmp("absent.wav"), 2000, &at, why, sizeof why), BL_EIO);
}

int main(void)
{
    test_tmpdir_make("bl_test_recording_load_at");
    check_same_as_whole(48000, BL_FORMAT_PCM24, "in48k.wav");
    check_same_as_whole(44100, BL_FORMAT_FLOAT32, "in44k.wav");
    check_same_as_whole(96000, BL_FORMAT_PCM16, "in96k.flac");
    check_nonfinite();
    check_not_decimated();
    test_tmpdir_done();
    return test_finish("test_recording_load_at");
}
