/* Recordings: contracts, metadata, µV conversion, non-finite detection,
 * save/load round trips in every format, broken files, and the streaming
 * writer (block split, metadata, late keys, full disk, crash). */
#define _POSIX_C_SOURCE 200809L

#include "check.h"

#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sndfile.h>

#include "backline/backline.h"
#include "backline/chanmap.h"
#include "backline/recording.h"

#define PI 3.14159265358979323846

static char tmpdir[] = "/tmp/bl_test_recording_XXXXXX";

static const char *tmp(const char *name)
{
    static char buf[8][512];
    static int slot;
    slot = (slot + 1) % 8;
    snprintf(buf[slot], sizeof buf[slot], "%s/%s", tmpdir, name);
    return buf[slot];
}

/* Deterministic multi-tone test signal within ±0.9 full scale. */
static float sig(size_t c, size_t i)
{
    double t = (double)i / 1000.0;
    return (float)(0.5 * sin(2 * PI * (37.0 + 11.0 * (double)c) * t) +
                   0.3 * sin(2 * PI * 251.0 * t + (double)c) + 0.05 * (double)((i * 7 + c) % 5) -
                   0.1);
}

static bl_recording *make_rec(size_t channels, size_t frames, double rate)
{
    bl_recording *r = NULL;
    CHECK_EQ_INT(bl_recording_create(channels, frames, rate, &r), BL_OK);
    if (!r)
        exit(1);
    for (size_t c = 0; c < channels; c++) {
        float *x = bl_recording_data(r, c);
        for (size_t i = 0; i < frames; i++)
            x[i] = sig(c, i);
    }
    return r;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void chop_file(const char *src, const char *dst, long remove_bytes)
{
    FILE *in = fopen(src, "rb");
    FILE *out = fopen(dst, "wb");
    CHECK(in && out);
    if (!in || !out)
        exit(1);
    long n = file_size(src) - remove_bytes;
    for (long i = 0; i < n; i++) {
        int ch = fgetc(in);
        fputc(ch, out);
    }
    fclose(in);
    fclose(out);
}

/* ------------------------------------------------------------------ */

static void test_contract(void)
{
    bl_recording *r = (bl_recording *)&r;
    char why[256];
    CHECK_EQ_INT(bl_recording_create(0, 10, 1000, &r), BL_EINVAL);
    CHECK(r == NULL);
    CHECK_EQ_INT(bl_recording_create(1, 10, 0, &r), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_create(1, 10, -5, &r), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_create(1, 10, NAN, &r), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_create(1, 10, 1000, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_create(4, SIZE_MAX / 2, 1000, &r), BL_ENOMEM);
    CHECK_EQ_INT(bl_recording_load(NULL, &r, why, sizeof why), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_load("x.wav", NULL, why, sizeof why), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_save(NULL, tmp("x.wav"), BL_FORMAT_PCM16, why, sizeof why), BL_EINVAL);
    bl_recording_destroy(NULL);
    CHECK_EQ_INT(bl_recording_channels(NULL), 0);
    CHECK_EQ_INT(bl_recording_frames(NULL), 0);
    CHECK(bl_recording_data(NULL, 0) == NULL);
    CHECK(bl_recording_cdata(NULL, 0) == NULL);
    CHECK(bl_recording_map(NULL) == NULL);
    CHECK_EQ_INT(bl_recording_set_map(NULL, "ST", NULL, 0), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_gain(NULL, 0, 1), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_full_scale(NULL, 1), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_to_microvolts(NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(NULL, "device", "x"), BL_EINVAL);
    CHECK(bl_recording_meta(NULL, "device") == NULL);
    CHECK_EQ_INT(bl_recording_meta_count(NULL), 0);
    CHECK(bl_recording_meta_key(NULL, 0) == NULL);
    CHECK_EQ_INT(bl_recording_check_finite(NULL, NULL, NULL), BL_EINVAL);
    CHECK(bl_recording_unit(NULL) != NULL);
    CHECK(bl_recording_format_name(NULL) != NULL);

    bl_writer *w = (bl_writer *)&w;
    CHECK_EQ_INT(bl_writer_open(NULL, 1, 1000, BL_FORMAT_PCM16, NULL, &w, why, sizeof why), BL_EINVAL);
    CHECK(w == NULL);
    CHECK_EQ_INT(bl_writer_open(tmp("w.wav"), 0, 1000, BL_FORMAT_PCM16, NULL, &w, why, sizeof why),
                 BL_EINVAL);
    CHECK_EQ_INT(bl_writer_open(tmp("w.wav"), 1, 1000, BL_FORMAT_PCM16, NULL, NULL, why, sizeof why),
                 BL_EINVAL);
    CHECK_EQ_INT(bl_writer_open(tmp("w.wav"), 1, 1000.5, BL_FORMAT_PCM16, NULL, &w, why, sizeof why),
                 BL_EINVAL);
    CHECK_EQ_INT(bl_writer_open(tmp("w.mp3"), 1, 1000, BL_FORMAT_PCM16, NULL, &w, why, sizeof why),
                 BL_EINVAL);
    CHECK_MSG(strstr(why, "extension") != NULL, "why: %s", why);
    CHECK_EQ_INT(bl_writer_write(NULL, NULL, 0, why, sizeof why), BL_EINVAL);
    CHECK_EQ_INT(bl_writer_set_meta(NULL, "a", "b"), BL_EINVAL);
    CHECK_EQ_INT(bl_writer_frames(NULL), 0);
    CHECK_EQ_INT(bl_writer_close(NULL, why, sizeof why), BL_OK); /* like free(NULL) */
}

static void test_create_and_fields(void)
{
    bl_recording *r = NULL;
    CHECK_EQ_INT(bl_recording_create(3, 2000, 2000.0, &r), BL_OK);
    CHECK_EQ_INT(bl_recording_channels(r), 3);
    CHECK_EQ_INT(bl_recording_frames(r), 2000);
    CHECK_NEAR(bl_recording_rate(r), 2000.0, 0);
    CHECK_NEAR(bl_recording_duration(r), 1.0, 1e-12);
    CHECK(strcmp(bl_recording_format_name(r), "float32 (in memory)") == 0);
    CHECK(bl_recording_data(r, 3) == NULL);
    for (size_t c = 0; c < 3; c++)
        for (size_t i = 0; i < 2000; i++)
            if (bl_recording_cdata(r, c)[i] != 0.0f) {
                CHECK_MSG(0, "not zero at %zu/%zu", c, i);
                c = 3;
                break;
            }
    CHECK(bl_recording_map(r) == NULL);
    CHECK_NEAR(bl_recording_full_scale(r), 1.0, 0);
    CHECK_NEAR(bl_recording_gain(r, 0), 0.0, 0);
    CHECK_NEAR(bl_recording_gain(r, 9), 0.0, 0);
    CHECK(strcmp(bl_recording_unit(r), "full scale") == 0);

    /* Map: canonicalised, checked against the channel count. */
    CHECK_EQ_INT(bl_recording_set_map(r, " L.ST , L.BF,AUX", NULL, 0), BL_OK);
    CHECK(bl_recording_map(r) && strcmp(bl_recording_map(r), "L.ST,L.BF,AUX") == 0);
    CHECK_EQ_INT(bl_recording_set_map(r, "L.ST,L.BF", NULL, 0), BL_EMAP);
    CHECK_EQ_INT(bl_recording_set_map(r, "L.ST,L.XX,AUX", NULL, 0), BL_EMAP);
    CHECK(strcmp(bl_recording_map(r), "L.ST,L.BF,AUX") == 0); /* unchanged */
    CHECK_EQ_INT(bl_recording_set_map(r, NULL, NULL, 0), BL_OK);
    CHECK(bl_recording_map(r) == NULL);

    /* Gains / full scale validation. */
    CHECK_EQ_INT(bl_recording_set_gain(r, 3, 1000), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_gain(r, 0, -1), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_gain(r, 0, INFINITY), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_gain(r, 0, 1000), BL_OK);
    CHECK_NEAR(bl_recording_gain(r, 0), 1000, 0);
    CHECK_EQ_INT(bl_recording_set_full_scale(r, 0), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_full_scale(r, NAN), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_full_scale(r, 2.5), BL_OK);
    CHECK_NEAR(bl_recording_full_scale(r), 2.5, 0);

    /* Free-form keys. */
    CHECK_EQ_INT(bl_recording_set_meta(r, "device", "Focusrite 18i20 (hw:2,0)"), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "start_time", "2026-11-21T10:00:00Z"), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "device", "other"), BL_OK); /* replace */
    CHECK(strcmp(bl_recording_meta(r, "device"), "other") == 0);
    CHECK_EQ_INT(bl_recording_meta_count(r), 2);
    CHECK(strcmp(bl_recording_meta_key(r, 0), "device") == 0);
    CHECK(strcmp(bl_recording_meta_key(r, 1), "start_time") == 0);
    CHECK(bl_recording_meta_key(r, 2) == NULL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "Device", "x"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "", "x"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "a-b", "x"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "device", "two\nlines"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "map", "ST"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "gain", "1"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "unit", "uV"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "full_scale_v", "1"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "abcdefghijabcdefghijabcdefghijabc", "x"), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_set_meta(r, "device", NULL), BL_OK); /* remove */
    CHECK(bl_recording_meta(r, "device") == NULL);
    CHECK_EQ_INT(bl_recording_meta_count(r), 1);
    CHECK_EQ_INT(bl_recording_set_meta(r, "nothing_here", NULL), BL_OK);
    bl_recording_destroy(r);

    /* Zero frames is a valid in-memory recording. */
    CHECK_EQ_INT(bl_recording_create(2, 0, 1000, &r), BL_OK);
    CHECK_EQ_INT(bl_recording_frames(r), 0);
    CHECK(bl_recording_data(r, 1) != NULL);
    CHECK_EQ_INT(bl_recording_check_finite(r, NULL, NULL), BL_OK);
    bl_recording_destroy(r);
}

static void test_microvolts(void)
{
    bl_recording *r = NULL;
    CHECK_EQ_INT(bl_recording_create(4, 3, 1000, &r), BL_OK);
    for (size_t c = 0; c < 4; c++) {
        float *x = bl_recording_data(r, c);
        x[0] = 0.5f;
        x[1] = -0.25f;
        x[2] = 1.0f;
    }
    CHECK_EQ_INT(bl_recording_set_map(r, "L.ST,L.BF,L.ES,AUX", NULL, 0), BL_OK);
    CHECK_EQ_INT(bl_recording_set_full_scale(r, 2.0), BL_OK);
    CHECK_EQ_INT(bl_recording_set_gain(r, 0, 1000), BL_OK);
    CHECK_EQ_INT(bl_recording_set_gain(r, 1, 500), BL_OK);
    /* channel 2: gain unknown; channel 3: AUX with a gain (stays as is) */
    CHECK_EQ_INT(bl_recording_set_gain(r, 3, 10), BL_OK);
    /* Gains on only some EMG channels: converting would mix uV and
     * full-scale units, so nothing is converted. */
    char units_why[256] = "";
    CHECK_EQ_INT(bl_recording_check_units(r, units_why, sizeof units_why), BL_EUNIT);
    CHECK_MSG(strstr(units_why, "2 of 3 EMG channels") && strstr(units_why, "channel 3"), "why: %s", units_why);
    CHECK_EQ_INT(bl_recording_to_microvolts(r), BL_EUNIT);
    const float *x0 = bl_recording_cdata(r, 0), *x1 = bl_recording_cdata(r, 1);
    const float *x2 = bl_recording_cdata(r, 2), *x3 = bl_recording_cdata(r, 3);
    CHECK_NEAR(x0[0], 0.5, 0);
    CHECK(strcmp(bl_recording_unit(r), "full scale") == 0);
    /* With the missing gain every EMG channel converts. */
    CHECK_EQ_INT(bl_recording_set_gain(r, 2, 250), BL_OK);
    CHECK_EQ_INT(bl_recording_check_units(r, units_why, sizeof units_why), BL_OK);
    CHECK_EQ_INT(bl_recording_to_microvolts(r), BL_OK);
    /* µV = sample × 2 V / gain × 1e6 */
    CHECK_NEAR(x0[0], 0.5 * 2.0 / 1000 * 1e6, 1e-3);  /* 1000 µV */
    CHECK_NEAR(x0[1], -0.25 * 2.0 / 1000 * 1e6, 1e-3); /* -500 µV */
    CHECK_NEAR(x1[2], 1.0 * 2.0 / 500 * 1e6, 1e-3);    /* 4000 µV */
    CHECK_NEAR(x2[0], 0.5 * 2.0 / 250 * 1e6, 1e-3);
    CHECK_NEAR(x3[0], 0.5, 0);
    CHECK(strcmp(bl_recording_unit(r), "uV") == 0);
    /* Idempotent. */
    CHECK_EQ_INT(bl_recording_to_microvolts(r), BL_OK);
    CHECK_NEAR(x0[0], 1000.0, 1e-3);
    CHECK_NEAR(x1[2], 4000.0, 1e-3);
    /* Converted channels' gains and the full scale are frozen. */
    CHECK_EQ_INT(bl_recording_set_gain(r, 0, 2000), BL_ESTATE);
    CHECK_EQ_INT(bl_recording_set_full_scale(r, 1.0), BL_ESTATE);
    /* The unit of another recording is compared with this one's. */
    bl_recording *fs = NULL;
    CHECK_EQ_INT(bl_recording_create(4, 3, 1000, &fs), BL_OK);
    CHECK_EQ_INT(bl_recording_check_same_unit(fs, r, units_why, sizeof units_why), BL_EUNIT);
    CHECK_MSG(strstr(units_why, "is in full scale but the session is in uV") != NULL, "why: %s", units_why);
    CHECK_EQ_INT(bl_recording_check_same_unit(r, r, units_why, sizeof units_why), BL_OK);
    bl_recording_destroy(fs);

    /* Saved as float and loaded, it stays converted (no double scaling). */
    char why[512];
    CHECK_EQ_INT(bl_recording_save(r, tmp("uv.wav"), BL_FORMAT_PCM24, why, sizeof why), BL_EINVAL);
    CHECK_MSG(strstr(why, "float32") != NULL, "why: %s", why);
    CHECK_EQ_INT(bl_recording_save(r, tmp("uv.wav"), BL_FORMAT_FLOAT32, why, sizeof why), BL_OK);
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(tmp("uv.wav"), &l, why, sizeof why), BL_OK);
    if (l) {
        CHECK(strcmp(bl_recording_unit(l), "uV") == 0);
        CHECK_EQ_INT(bl_recording_to_microvolts(l), BL_OK);
        CHECK_NEAR(bl_recording_cdata(l, 0)[0], 1000.0, 1e-3);
        CHECK_NEAR(bl_recording_cdata(l, 3)[0], 0.5, 0);
        CHECK_EQ_INT(bl_recording_set_gain(l, 1, 3), BL_ESTATE);
        CHECK_EQ_INT(bl_recording_set_gain(l, 3, 3), BL_OK); /* AUX never converted */
    }
    bl_recording_destroy(l);
    bl_recording_destroy(r);

    /* No map: every channel with a gain converts; no gain at all: unit stays. */
    CHECK_EQ_INT(bl_recording_create(1, 1, 1000, &r), BL_OK);
    bl_recording_data(r, 0)[0] = 0.1f;
    CHECK_EQ_INT(bl_recording_to_microvolts(r), BL_OK);
    CHECK_NEAR(bl_recording_cdata(r, 0)[0], 0.1f, 0);
    CHECK(strcmp(bl_recording_unit(r), "full scale") == 0);
    CHECK_EQ_INT(bl_recording_set_gain(r, 0, 100000), BL_OK);
    CHECK_EQ_INT(bl_recording_to_microvolts(r), BL_OK);
    CHECK_NEAR(bl_recording_cdata(r, 0)[0], 1.0, 1e-6);
    CHECK(strcmp(bl_recording_unit(r), "uV") == 0);
    bl_recording_destroy(r);
}

static void test_finite(void)
{
    bl_recording *r = make_rec(3, 100, 1000);
    size_t ch = 99, fr = 99;
    CHECK_EQ_INT(bl_recording_check_finite(r, &ch, &fr), BL_OK);
    CHECK_EQ_INT(ch, 99); /* untouched on success */
    bl_recording_data(r, 2)[10] = NAN;
    bl_recording_data(r, 0)[50] = INFINITY;
    bl_recording_data(r, 1)[10] = -INFINITY;
    CHECK_EQ_INT(bl_recording_check_finite(r, &ch, &fr), BL_ENONFINITE);
    CHECK_EQ_INT(ch, 1);
    CHECK_EQ_INT(fr, 10);
    bl_recording_data(r, 1)[10] = 0;
    CHECK_EQ_INT(bl_recording_check_finite(r, &ch, &fr), BL_ENONFINITE);
    CHECK_EQ_INT(ch, 2);
    CHECK_EQ_INT(fr, 10);
    bl_recording_data(r, 2)[10] = 0;
    CHECK_EQ_INT(bl_recording_check_finite(r, NULL, NULL), BL_ENONFINITE);
    CHECK_EQ_INT(bl_recording_check_finite(r, &ch, &fr), BL_ENONFINITE);
    CHECK_EQ_INT(ch, 0);
    CHECK_EQ_INT(fr, 50);
    bl_recording_data(r, 0)[50] = 0;
    CHECK_EQ_INT(bl_recording_check_finite(r, &ch, &fr), BL_OK);
    /* NaN survives a float file round trip and is found after loading. */
    bl_recording_data(r, 1)[77] = NAN;
    char why[512];
    CHECK_EQ_INT(bl_recording_save(r, tmp("nan.wav"), BL_FORMAT_FLOAT32, why, sizeof why), BL_OK);
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(tmp("nan.wav"), &l, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_recording_check_finite(l, &ch, &fr), BL_ENONFINITE);
    CHECK_EQ_INT(ch, 1);
    CHECK_EQ_INT(fr, 77);
    bl_recording_destroy(l);
    bl_recording_destroy(r);
}

struct fmt_case {
    const char *file;
    bl_sample_format fmt;
    const char *name;
    double tol; /* absolute, full-scale units */
    int has_meta;
};

static void check_same_meta(const bl_recording *a, const bl_recording *b, const char *what)
{
    CHECK_MSG(bl_recording_map(b) && strcmp(bl_recording_map(a), bl_recording_map(b)) == 0,
              "%s: map %s", what, bl_recording_map(b) ? bl_recording_map(b) : "(null)");
    for (size_t c = 0; c < bl_recording_channels(a); c++)
        CHECK_MSG(bl_recording_gain(a, c) == bl_recording_gain(b, c), "%s: gain %zu %.17g vs %.17g",
                  what, c, bl_recording_gain(a, c), bl_recording_gain(b, c));
    CHECK_MSG(bl_recording_full_scale(a) == bl_recording_full_scale(b), "%s: full scale", what);
    for (size_t i = 0; i < bl_recording_meta_count(a); i++) {
        const char *k = bl_recording_meta_key(a, i);
        const char *vb = bl_recording_meta(b, k);
        CHECK_MSG(vb && strcmp(bl_recording_meta(a, k), vb) == 0, "%s: key %s = %s", what, k,
                  vb ? vb : "(missing)");
    }
}

static void test_round_trip(void)
{
    const size_t C = 6, N = 10007;
    bl_recording *r = make_rec(C, N, 2000);
    CHECK_EQ_INT(bl_recording_set_map(r, "L.ST,L.BF,L.GMAX,L.ES,L.EO,AUX", NULL, 0), BL_OK);
    const double gains[] = {1000, 1000, 500, 2000.5, 0.1 + 0.2, 0};
    for (size_t c = 0; c < C; c++)
        CHECK_EQ_INT(bl_recording_set_gain(r, c, gains[c]), BL_OK);
    CHECK_EQ_INT(bl_recording_set_full_scale(r, 1.228), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "device", "Behringer UMC1820: Multichannel (hw:1,0)"), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "start_time", "2026-11-21T09:30:00.125+01:00"), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "subject", "S07 = left leg, 'hinge' #3"), BL_OK);

    const struct fmt_case cases[] = {
        {"rt16.wav", BL_FORMAT_PCM16, "WAV PCM 16-bit", 2.0 / 32768, 1},
        {"rt24.wav", BL_FORMAT_PCM24, "WAV PCM 24-bit", 2.0 / 8388608, 1},
        {"rt32.wav", BL_FORMAT_PCM32, "WAV PCM 32-bit", 1e-7, 1},
        {"rtf.wav", BL_FORMAT_FLOAT32, "WAV float32", 0, 1},
        {"rt16.flac", BL_FORMAT_PCM16, "FLAC PCM 16-bit", 2.0 / 32768, 0},
        {"rt24.flac", BL_FORMAT_PCM24, "FLAC PCM 24-bit", 2.0 / 8388608, 0},
        {"rt16.aiff", BL_FORMAT_PCM16, "AIFF PCM 16-bit", 2.0 / 32768, 1},
        {"rt24.AIF", BL_FORMAT_PCM24, "AIFF PCM 24-bit", 2.0 / 8388608, 1},
        {"rtf.caf", BL_FORMAT_FLOAT32, "CAF float32", 0, 1},
        {"rt24.w64", BL_FORMAT_PCM24, "W64 PCM 24-bit", 2.0 / 8388608, -1},
    };
    char why[512];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const struct fmt_case *fc = &cases[k];
        /* FLAC holds at most 8 channels: use 6. */
        bl_status st = bl_recording_save(r, tmp(fc->file), fc->fmt, why, sizeof why);
        CHECK_MSG(st == BL_OK, "%s: save %d: %s", fc->file, st, why);
        bl_recording *l = NULL;
        st = bl_recording_load(tmp(fc->file), &l, why, sizeof why);
        CHECK_MSG(st == BL_OK, "%s: load %d: %s", fc->file, st, why);
        if (!l)
            continue;
        CHECK_MSG(strcmp(bl_recording_format_name(l), fc->name) == 0, "%s: format %s", fc->file,
                  bl_recording_format_name(l));
        CHECK_EQ_INT(bl_recording_channels(l), C);
        CHECK_EQ_INT(bl_recording_frames(l), N);
        CHECK_NEAR(bl_recording_rate(l), 2000, 0);
        double worst = 0;
        for (size_t c = 0; c < C; c++)
            for (size_t i = 0; i < N; i++) {
                double d = fabs((double)bl_recording_cdata(l, c)[i] - bl_recording_cdata(r, c)[i]);
                if (d > worst)
                    worst = d;
            }
        CHECK_MSG(worst <= fc->tol, "%s: max error %.3g > %.3g", fc->file, worst, fc->tol);
        if (fc->has_meta >= 0) {
            check_same_meta(r, l, fc->file);
            const char *sw = bl_recording_meta(l, "software");
            CHECK_MSG(sw && strncmp(sw, "backline ", 9) == 0 && strstr(sw, bl_version()),
                      "%s: software=%s", fc->file, sw ? sw : "(missing)");
        } else {
            /* W64: audio only, documented. */
            CHECK(bl_recording_map(l) == NULL);
        }
        bl_recording_destroy(l);
    }

    /* A software key set by the caller is kept. */
    CHECK_EQ_INT(bl_recording_set_meta(r, "software", "backline-capture 9.9"), BL_OK);
    CHECK_EQ_INT(bl_recording_save(r, tmp("sw.flac"), BL_FORMAT_PCM16, why, sizeof why), BL_OK);
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(tmp("sw.flac"), &l, why, sizeof why), BL_OK);
    CHECK(l && strcmp(bl_recording_meta(l, "software"), "backline-capture 9.9") == 0);
    bl_recording_destroy(l);

    /* Refusals. */
    CHECK_EQ_INT(bl_recording_save(r, tmp("f.flac"), BL_FORMAT_FLOAT32, why, sizeof why), BL_EINVAL);
    CHECK_MSG(strstr(why, "FLAC") && strstr(why, "float"), "why: %s", why);
    CHECK(file_size(tmp("f.flac")) < 0); /* nothing created */
    CHECK_EQ_INT(bl_recording_save(r, tmp("x.mp3"), BL_FORMAT_PCM16, why, sizeof why), BL_EINVAL);
    CHECK_MSG(strstr(why, "extension") != NULL, "why: %s", why);
    CHECK_EQ_INT(bl_recording_save(r, tmp("noext"), BL_FORMAT_PCM16, why, sizeof why), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_save(r, tmp("x.wav"), (bl_sample_format)42, why, sizeof why), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_save(r, "/nonexistent-dir/x.wav", BL_FORMAT_PCM16, why, sizeof why),
                 BL_EIO);
    CHECK_MSG(strstr(why, "/nonexistent-dir/x.wav") != NULL, "why: %s", why);
    bl_recording_destroy(r);

    /* FLAC cannot hold 9 channels: clear error, not a crash. */
    r = make_rec(9, 100, 1000);
    CHECK_EQ_INT(bl_recording_save(r, tmp("nine.flac"), BL_FORMAT_PCM16, why, sizeof why), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_save(r, tmp("nine.wav"), BL_FORMAT_PCM16, why, sizeof why), BL_OK);
    bl_recording_destroy(r);

    /* Non-integer rate and zero frames are refused. */
    r = make_rec(1, 10, 999.5);
    CHECK_EQ_INT(bl_recording_save(r, tmp("half.wav"), BL_FORMAT_PCM16, why, sizeof why), BL_EINVAL);
    bl_recording_destroy(r);
    r = make_rec(1, 0, 1000);
    CHECK_EQ_INT(bl_recording_save(r, tmp("empty.wav"), BL_FORMAT_PCM16, why, sizeof why), BL_EINVAL);
    bl_recording_destroy(r);
}

static void test_clipping_and_float_range(void)
{
    bl_recording *r = NULL;
    CHECK_EQ_INT(bl_recording_create(1, 6, 1000, &r), BL_OK);
    float *x = bl_recording_data(r, 0);
    const float v[6] = {1.5f, -1.5f, 3.5f, -2.0f, 0.999f, -1.0f};
    memcpy(x, v, sizeof v);
    char why[512];
    const bl_sample_format ints[] = {BL_FORMAT_PCM16, BL_FORMAT_PCM24, BL_FORMAT_PCM32};
    for (int k = 0; k < 3; k++) {
        CHECK_EQ_INT(bl_recording_save(r, tmp("clip.wav"), ints[k], why, sizeof why), BL_OK);
        bl_recording *l = NULL;
        CHECK_EQ_INT(bl_recording_load(tmp("clip.wav"), &l, why, sizeof why), BL_OK);
        if (!l)
            continue;
        const float *y = bl_recording_cdata(l, 0);
        /* Saturated at full scale, never wrapped to the other sign. */
        CHECK_MSG(y[0] > 0.999f && y[0] <= 1.0f, "fmt %d: 1.5 -> %g", k, y[0]);
        CHECK_MSG(y[1] < -0.999f && y[1] >= -1.0f, "fmt %d: -1.5 -> %g", k, y[1]);
        CHECK_MSG(y[2] > 0.999f, "fmt %d: 3.5 -> %g", k, y[2]);
        CHECK_MSG(y[3] < -0.999f, "fmt %d: -2 -> %g", k, y[3]);
        CHECK_NEAR(y[4], 0.999, 1e-4);
        CHECK_NEAR(y[5], -1.0, 1e-4);
        bl_recording_destroy(l);
    }
    /* Float files keep values beyond full scale. */
    CHECK_EQ_INT(bl_recording_save(r, tmp("big.wav"), BL_FORMAT_FLOAT32, why, sizeof why), BL_OK);
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(tmp("big.wav"), &l, why, sizeof why), BL_OK);
    for (int i = 0; l && i < 6; i++)
        CHECK_NEAR(bl_recording_cdata(l, 0)[i], v[i], 0);
    bl_recording_destroy(l);
    bl_recording_destroy(r);
}

static void test_meta_limits_and_foreign(void)
{
    char why[512];
    bl_recording *r = make_rec(2, 500, 1000);
    /* Just over the limit: refused with the sizes, file not created. */
    char val[513];
    memset(val, 'v', 512);
    val[512] = '\0';
    for (int i = 0; i < 3; i++) {
        char key[16];
        snprintf(key, sizeof key, "note%d", i);
        CHECK_EQ_INT(bl_recording_set_meta(r, key, val), BL_OK);
    }
    CHECK_EQ_INT(bl_recording_save(r, tmp("fits.wav"), BL_FORMAT_PCM16, why, sizeof why), BL_OK);
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(tmp("fits.wav"), &l, why, sizeof why), BL_OK);
    CHECK(l && bl_recording_meta(l, "note2") && strcmp(bl_recording_meta(l, "note2"), val) == 0);
    bl_recording_destroy(l);
    CHECK_EQ_INT(bl_recording_set_meta(r, "note3", val), BL_OK);
    CHECK_EQ_INT(bl_recording_save(r, tmp("toolong.wav"), BL_FORMAT_PCM16, why, sizeof why),
                 BL_ERANGE);
    CHECK_MSG(strstr(why, "2000") != NULL, "why: %s", why);
    CHECK(file_size(tmp("toolong.wav")) < 0);
    bl_recording_destroy(r);

    /* A comment written by another program is ignored; one of ours with
     * damaged lines keeps what parses. */
    const char *comments[] = {
        "recorded with Audacity",
        "backline-meta 1\nmap=ST,BF,GM\ngain=1000\nfull_scale_v=-3\nunit=uV\njunk line\nBAD=1\n"
        "device=ok device\n\nafter_blank=1",
        "backline-meta 2\nmap=ST,BF",
        "backline-meta 1\r\nmap=ST,AUX\r\ngain=1000,0\r\n",
    };
    for (int k = 0; k < 4; k++) {
        SF_INFO info = {0};
        info.samplerate = 1000;
        info.channels = 2;
        info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
        SNDFILE *sf = sf_open(tmp("foreign.wav"), SFM_WRITE, &info);
        CHECK(sf != NULL);
        if (!sf)
            return;
        CHECK_EQ_INT(sf_set_string(sf, SF_STR_COMMENT, comments[k]), 0);
        short s[200] = {0};
        sf_writef_short(sf, s, 100);
        sf_close(sf);
        l = NULL;
        CHECK_EQ_INT(bl_recording_load(tmp("foreign.wav"), &l, why, sizeof why), BL_OK);
        if (!l)
            continue;
        switch (k) {
        case 0:
        case 2:
            CHECK(bl_recording_map(l) == NULL);
            CHECK_EQ_INT(bl_recording_meta_count(l), 0);
            break;
        case 1:
            CHECK(bl_recording_map(l) == NULL); /* GM is not a code: map dropped */
            CHECK_NEAR(bl_recording_gain(l, 0), 0, 0); /* wrong count: dropped */
            CHECK_NEAR(bl_recording_full_scale(l), 1.0, 0);
            CHECK(strcmp(bl_recording_unit(l), "full scale") == 0);
            CHECK(bl_recording_meta(l, "device") && strcmp(bl_recording_meta(l, "device"), "ok device") == 0);
            CHECK(bl_recording_meta(l, "BAD") == NULL);
            break;
        case 3:
            CHECK(bl_recording_map(l) && strcmp(bl_recording_map(l), "ST,AUX") == 0);
            CHECK_NEAR(bl_recording_gain(l, 0), 1000, 0);
            break;
        }
        bl_recording_destroy(l);
    }
}

static void test_bad_files(void)
{
    char why[512];
    bl_recording *l = (bl_recording *)&l;

    /* Missing file. */
    CHECK_EQ_INT(bl_recording_load(tmp("missing.wav"), &l, why, sizeof why), BL_EIO);
    CHECK(l == NULL);
    CHECK_MSG(strstr(why, "missing.wav") && strstr(why, "No such file"), "why: %s", why);

    /* Text renamed .wav, and an empty file. */
    FILE *f = fopen(tmp("text.wav"), "w");
    fputs("time,ST,BF\n0.000,0.1,0.2\n0.001,0.1,0.2\n", f);
    fclose(f);
    CHECK_EQ_INT(bl_recording_load(tmp("text.wav"), &l, why, sizeof why), BL_EFORMAT);
    CHECK_MSG(strstr(why, "text.wav") != NULL, "why: %s", why);
    f = fopen(tmp("empty.flac"), "w");
    fclose(f);
    CHECK_EQ_INT(bl_recording_load(tmp("empty.flac"), &l, why, sizeof why), BL_EFORMAT);
    /* A directory. */
    CHECK(bl_recording_load(tmpdir, &l, why, sizeof why) != BL_OK);
    CHECK(l == NULL);

    /* Zero frames. */
    SF_INFO info = {0};
    info.samplerate = 1000;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE *sf = sf_open(tmp("zero.wav"), SFM_WRITE, &info);
    sf_close(sf);
    CHECK_EQ_INT(bl_recording_load(tmp("zero.wav"), &l, why, sizeof why), BL_EFORMAT);
    CHECK_MSG(strstr(why, "no audio frames") != NULL, "why: %s", why);

    /* Truncated: a WAV chopped mid-data (metadata at the start). */
    bl_recording *r = make_rec(2, 3000, 1000);
    CHECK_EQ_INT(bl_recording_set_map(r, "ST,BF", NULL, 0), BL_OK);
    CHECK_EQ_INT(bl_recording_save(r, tmp("full.wav"), BL_FORMAT_PCM16, why, sizeof why), BL_OK);
    chop_file(tmp("full.wav"), tmp("chopped.wav"), 1001); /* also leaves a partial frame */
    CHECK_EQ_INT(bl_recording_load(tmp("chopped.wav"), &l, why, sizeof why), BL_EFORMAT);
    CHECK_MSG(strstr(why, "truncated") != NULL, "why: %s", why);
    CHECK(l == NULL);
    /* The same for FLAC and float WAV. */
    CHECK_EQ_INT(bl_recording_save(r, tmp("full.flac"), BL_FORMAT_PCM24, why, sizeof why), BL_OK);
    chop_file(tmp("full.flac"), tmp("chopped.flac"), 500);
    CHECK_EQ_INT(bl_recording_load(tmp("chopped.flac"), &l, why, sizeof why), BL_EFORMAT);
    CHECK_MSG(why[0] != '\0', "empty why");
    CHECK_EQ_INT(bl_recording_save(r, tmp("fullf.wav"), BL_FORMAT_FLOAT32, why, sizeof why), BL_OK);
    chop_file(tmp("fullf.wav"), tmp("choppedf.wav"), 4);
    CHECK_EQ_INT(bl_recording_load(tmp("choppedf.wav"), &l, why, sizeof why), BL_EFORMAT);
    CHECK_MSG(strstr(why, "truncated") != NULL, "why: %s", why);
    bl_recording_destroy(r);

    /* RIFF size 4 bytes too large (as in the Backyard Brains files) loads. */
    f = fopen(tmp("full.wav"), "r+b");
    unsigned char sz[4];
    CHECK(fseek(f, 4, SEEK_SET) == 0 && fread(sz, 1, 4, f) == 4);
    uint32_t riff = (uint32_t)sz[0] | (uint32_t)sz[1] << 8 | (uint32_t)sz[2] << 16 | (uint32_t)sz[3] << 24;
    riff += 4;
    for (int i = 0; i < 4; i++)
        sz[i] = (unsigned char)(riff >> (8 * i));
    CHECK(fseek(f, 4, SEEK_SET) == 0 && fwrite(sz, 1, 4, f) == 4);
    fclose(f);
    CHECK_EQ_INT(bl_recording_load(tmp("full.wav"), &l, why, sizeof why), BL_OK);
    CHECK(l && bl_recording_frames(l) == 3000);
    CHECK(l && bl_recording_map(l) && strcmp(bl_recording_map(l), "ST,BF") == 0);
    bl_recording_destroy(l);
}

/* ------------------------------------------------------------------ */
/* Writer                                                              */

static float wsig(size_t c, size_t i)
{
    /* Within full scale: the integer formats are compared exactly. */
    return (float)(0.7 * sin(0.001 * (double)i * (double)(c + 1)) + ((i % 997) == 0 ? 0.25 : 0.0));
}

static void writer_blocks(const char *file, bl_sample_format fmt, double tol, size_t C)
{
    const size_t sizes[] = {1, 100, 4096, 7, 0, 3000, 2803};
    size_t N = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        N += sizes[k];
    char why[512];
    bl_writer *w = NULL;
    CHECK_EQ_INT(bl_writer_open(tmp(file), C, 48000, fmt, NULL, &w, why, sizeof why), BL_OK);
    if (!w)
        return;
    float *buf = malloc(4096 * C * sizeof *buf);
    size_t pos = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        for (size_t i = 0; i < sizes[k]; i++)
            for (size_t c = 0; c < C; c++)
                buf[i * C + c] = wsig(c, pos + i);
        CHECK_EQ_INT(bl_writer_write(w, buf, sizes[k], why, sizeof why), BL_OK);
        pos += sizes[k];
        CHECK_EQ_INT(bl_writer_frames(w), pos);
    }
    free(buf);
    CHECK_EQ_INT(bl_writer_close(w, why, sizeof why), BL_OK);
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(tmp(file), &l, why, sizeof why), BL_OK);
    if (!l)
        return;
    CHECK_EQ_INT(bl_recording_frames(l), N);
    CHECK_EQ_INT(bl_recording_channels(l), C);
    CHECK_NEAR(bl_recording_rate(l), 48000, 0);
    double worst = 0;
    for (size_t c = 0; c < C; c++)
        for (size_t i = 0; i < N; i++) {
            double d = fabs((double)bl_recording_cdata(l, c)[i] - wsig(c, i));
            if (d > worst)
                worst = d;
        }
    CHECK_MSG(worst <= tol, "%s: max error %.3g > %.3g", file, worst, tol);
    /* Even without `meta` the file says who wrote it. */
    CHECK(bl_recording_meta(l, "software") != NULL || strstr(file, ".w64"));
    bl_recording_destroy(l);
}

static bl_recording *capture_meta(size_t C)
{
    bl_recording *m = NULL;
    CHECK_EQ_INT(bl_recording_create(C, 0, 44100, &m), BL_OK);
    CHECK_EQ_INT(bl_recording_set_map(m, C == 3 ? "R.ST,R.BF,AUX" : "ST", NULL, 0), BL_OK);
    CHECK_EQ_INT(bl_recording_set_gain(m, 0, 1000), BL_OK);
    if (C > 1)
        CHECK_EQ_INT(bl_recording_set_gain(m, 1, 1250.5), BL_OK);
    CHECK_EQ_INT(bl_recording_set_full_scale(m, 1.55), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(m, "device", "hw:CARD=USB,DEV=0"), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(m, "start_time", "2026-11-21T10:11:12Z"), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(m, "overruns", "0"), BL_OK);
    return m;
}

static void writer_meta(const char *file, bl_sample_format fmt, int late_ok)
{
    char why[512];
    bl_recording *m = capture_meta(3);
    bl_writer *w = NULL;
    CHECK_EQ_INT(bl_writer_open(tmp(file), 3, 44100, fmt, m, &w, why, sizeof why), BL_OK);
    if (!w) {
        bl_recording_destroy(m);
        return;
    }
    /* Before any audio every format takes keys. */
    CHECK_EQ_INT(bl_writer_set_meta(w, "ring_overflows", "0"), BL_OK);
    CHECK_EQ_INT(bl_writer_set_meta(w, "map", "ST"), BL_EINVAL);
    CHECK_EQ_INT(bl_writer_set_meta(w, "Bad", "1"), BL_EINVAL);
    float buf[3 * 500];
    for (int i = 0; i < 1500; i++)
        buf[i] = (float)(i % 100) / 200.0f;
    CHECK_EQ_INT(bl_writer_write(w, buf, 500, why, sizeof why), BL_OK);
    bl_status late = bl_writer_set_meta(w, "overruns", "17");
    CHECK_EQ_INT(late, late_ok ? BL_OK : BL_ESTATE);
    CHECK_EQ_INT(bl_writer_write(w, buf, 500, why, sizeof why), BL_OK);
    if (late_ok)
        CHECK_EQ_INT(bl_writer_set_meta(w, "end_time", "2026-11-21T10:21:12Z"), BL_OK);
    CHECK_EQ_INT(bl_writer_close(w, why, sizeof why), BL_OK);

    /* Expected in the file: the late value where late keys are stored. */
    CHECK_EQ_INT(bl_recording_set_meta(m, "overruns", late_ok ? "17" : "0"), BL_OK);
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(tmp(file), &l, why, sizeof why), BL_OK);
    if (l) {
        CHECK_EQ_INT(bl_recording_frames(l), 1000);
        check_same_meta(m, l, file);
        const char *ov = bl_recording_meta(l, "overruns");
        CHECK_MSG(ov && strcmp(ov, late_ok ? "17" : "0") == 0, "%s: overruns=%s", file,
                  ov ? ov : "(missing)");
        CHECK(bl_recording_meta(l, "ring_overflows") && strcmp(bl_recording_meta(l, "ring_overflows"), "0") == 0);
        CHECK((bl_recording_meta(l, "end_time") != NULL) == late_ok);
        CHECK(bl_recording_meta(l, "software") != NULL);
        CHECK(strcmp(bl_recording_unit(l), "full scale") == 0);
        /* The audio is intact after the late metadata chunk. */
        for (int i = 0; i < 1000; i++)
            if (fabs(bl_recording_cdata(l, 1)[i] - (float)((i % 500 * 3 + 1) % 100) / 200.0f) > 1e-4) {
                CHECK_MSG(0, "%s: sample %d differs", file, i);
                break;
            }
    }
    bl_recording_destroy(l);
    bl_recording_destroy(m);
}

static void test_writer(void)
{
    writer_blocks("wf.wav", BL_FORMAT_FLOAT32, 0, 3);
    writer_blocks("w24.wav", BL_FORMAT_PCM24, 2.0 / 8388608, 3);
    writer_blocks("w16.wav", BL_FORMAT_PCM16, 2.0 / 32768, 2);
    writer_blocks("w24.flac", BL_FORMAT_PCM24, 2.0 / 8388608, 4);
    writer_blocks("w32.caf", BL_FORMAT_PCM32, 1e-7, 1);
    writer_blocks("w24.w64", BL_FORMAT_PCM24, 2.0 / 8388608, 2);

    writer_meta("wm.wav", BL_FORMAT_PCM24, 1);
    writer_meta("wmf.wav", BL_FORMAT_FLOAT32, 1);
    writer_meta("wm.caf", BL_FORMAT_PCM16, 1);
    writer_meta("wm.flac", BL_FORMAT_PCM24, 0);
    writer_meta("wm.aiff", BL_FORMAT_PCM16, 0);

    char why[512];
    bl_writer *w = NULL;
    /* Meta with another channel count. */
    bl_recording *m = capture_meta(1);
    CHECK_EQ_INT(bl_writer_open(tmp("mm.wav"), 2, 44100, BL_FORMAT_PCM16, m, &w, why, sizeof why),
                 BL_EINVAL);
    CHECK(w == NULL);
    CHECK_MSG(strstr(why, "1") && strstr(why, "2"), "why: %s", why);
    bl_recording_destroy(m);
    CHECK_EQ_INT(bl_writer_open(tmp("wf.flac"), 2, 44100, BL_FORMAT_FLOAT32, NULL, &w, why, sizeof why),
                 BL_EINVAL);
    CHECK_EQ_INT(bl_writer_open("/nonexistent-dir/c.wav", 2, 44100, BL_FORMAT_PCM16, NULL, &w, why,
                                sizeof why),
                 BL_EIO);

    /* Metadata limit on the writer: refused, old value kept. */
    CHECK_EQ_INT(bl_writer_open(tmp("lim.wav"), 1, 1000, BL_FORMAT_PCM16, NULL, &w, why, sizeof why),
                 BL_OK);
    char val[513];
    memset(val, 'q', 512);
    val[512] = '\0';
    CHECK_EQ_INT(bl_writer_set_meta(w, "a", val), BL_OK);
    CHECK_EQ_INT(bl_writer_set_meta(w, "b", val), BL_OK);
    CHECK_EQ_INT(bl_writer_set_meta(w, "c", val), BL_OK);
    CHECK_EQ_INT(bl_writer_set_meta(w, "d", val), BL_ERANGE);
    CHECK_EQ_INT(bl_writer_set_meta(w, "c", "short"), BL_OK);
    float z[10] = {0};
    CHECK_EQ_INT(bl_writer_write(w, z, 10, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_writer_write(w, NULL, 0, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_writer_write(w, NULL, 5, why, sizeof why), BL_EINVAL);
    CHECK_EQ_INT(bl_writer_close(w, why, sizeof why), BL_OK);
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(tmp("lim.wav"), &l, why, sizeof why), BL_OK);
    CHECK(l && bl_recording_meta(l, "c") && strcmp(bl_recording_meta(l, "c"), "short") == 0);
    CHECK(l && bl_recording_meta(l, "d") == NULL);
    bl_recording_destroy(l);

    /* Closing without audio: valid header, but no frames to load. */
    CHECK_EQ_INT(bl_writer_open(tmp("none.wav"), 2, 1000, BL_FORMAT_PCM16, NULL, &w, why, sizeof why),
                 BL_OK);
    CHECK_EQ_INT(bl_writer_close(w, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_recording_load(tmp("none.wav"), &l, why, sizeof why), BL_EFORMAT);
    CHECK_MSG(strstr(why, "no audio frames") != NULL, "why: %s", why);
}

/* Child: write until the file-size limit stops us; report through a pipe. */
struct full_report {
    int first_fail_status;
    int second_fail_status;
    int late_meta_status;
    int close_status;
    int dirty_status;
    size_t frames;
    char why[256];
};

static float fsig(size_t c, size_t i)
{
    return (float)((double)((i * 13 + c * 5) % 2001) / 1000.0 - 1.0) * 0.9f;
}

static void full_disk_child(const char *path, bl_sample_format fmt, int fd, int crash)
{
    signal(SIGXFSZ, SIG_IGN); /* get EFBIG instead of being killed */
    struct rlimit rl = {64 * 1024, 64 * 1024};
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
        _exit(3);
    struct full_report rep;
    memset(&rep, 0, sizeof rep);
    bl_recording *m = capture_meta(3);
    bl_writer *w = NULL;
    if (bl_writer_open(path, 3, 44100, fmt, m, &w, rep.why, sizeof rep.why) != BL_OK)
        _exit(4);
    float buf[3 * 331];
    size_t pos = 0;
    bl_status st = BL_OK;
    for (int k = 0; k < 1000 && st == BL_OK; k++) {
        for (size_t i = 0; i < 331; i++)
            for (size_t c = 0; c < 3; c++)
                buf[i * 3 + c] = fsig(c, pos + i);
        st = bl_writer_write(w, buf, 331, rep.why, sizeof rep.why);
        pos += 331;
        /* A key changed after audio, then the disk fills: the early
         * metadata (with the map) must survive; the late key is lost. */
        if (k == 0)
            rep.dirty_status = bl_writer_set_meta(w, "ring_overflows", "2");
        if (crash && pos > 5000)
            _exit(0); /* no close: power cut */
    }
    rep.first_fail_status = st;
    rep.frames = bl_writer_frames(w);
    char why2[256];
    rep.second_fail_status = bl_writer_write(w, buf, 10, why2, sizeof why2);
    rep.late_meta_status = bl_writer_set_meta(w, "overruns", "5");
    rep.close_status = bl_writer_close(w, why2, sizeof why2);
    bl_recording_destroy(m);
    if (write(fd, &rep, sizeof rep) != (ssize_t)sizeof rep)
        _exit(5);
    _exit(0);
}

static void full_disk(const char *file, bl_sample_format fmt, double tol, int exact)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        full_disk_child(tmp(file), fmt, fds[1], 0);
    }
    close(fds[1]);
    struct full_report rep;
    memset(&rep, 0, sizeof rep);
    ssize_t got = read(fds[0], &rep, sizeof rep);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK_MSG(got == (ssize_t)sizeof rep && WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "%s: child failed (status %d, got %zd)", file, status, got);
    if (got != (ssize_t)sizeof rep)
        return;
    CHECK_EQ_INT(rep.first_fail_status, BL_EIO);
    CHECK_MSG(strstr(rep.why, "File too large") && strstr(rep.why, file), "%s: why: %s", file, rep.why);
    CHECK_EQ_INT(rep.second_fail_status, BL_EIO);
    CHECK_EQ_INT(rep.late_meta_status, BL_ESTATE);
    CHECK_EQ_INT(rep.close_status, BL_OK);
    CHECK_EQ_INT(rep.dirty_status, exact ? BL_OK : BL_ESTATE); /* FLAC: no late keys */
    CHECK_MSG(rep.frames > 1000, "%s: only %zu frames written", file, rep.frames);
    CHECK_MSG(file_size(tmp(file)) <= 64 * 1024, "%s: size %ld", file, file_size(tmp(file)));

    char why[512];
    bl_recording *l = NULL;
    bl_status st = bl_recording_load(tmp(file), &l, why, sizeof why);
    CHECK_MSG(st == BL_OK, "%s: after full disk, load %d: %s", file, st, why);
    if (!l)
        return;
    if (exact)
        CHECK_EQ_INT(bl_recording_frames(l), rep.frames);
    else { /* FLAC: the encoder's last buffered block is lost with the disk */
        CHECK_MSG(bl_recording_frames(l) > 0 && bl_recording_frames(l) <= rep.frames,
                  "%s: %zu frames of %zu", file, bl_recording_frames(l), rep.frames);
        /* If decoding stopped on the cut, the recording says so. */
        const char *t = bl_recording_meta(l, "truncated");
        CHECK(t == NULL || strcmp(t, "1") == 0);
        printf("%s: truncated=%s\n", file, t ? t : "(not set)");
    }
    printf("%s: writer stopped at %zu frames (%s), file loads with %zu frames\n", file, rep.frames,
           rep.why, bl_recording_frames(l));
    double worst = 0;
    for (size_t c = 0; c < 3; c++)
        for (size_t i = 0; i < bl_recording_frames(l); i++) {
            double d = fabs((double)bl_recording_cdata(l, c)[i] - fsig(c, i));
            if (d > worst)
                worst = d;
        }
    CHECK_MSG(worst <= tol, "%s: max error %.3g", file, worst);
    CHECK(bl_recording_map(l) && strcmp(bl_recording_map(l), "R.ST,R.BF,AUX") == 0);
    CHECK(bl_recording_meta(l, "overruns") && strcmp(bl_recording_meta(l, "overruns"), "0") == 0);
    CHECK(bl_recording_meta(l, "ring_overflows") == NULL);
    bl_recording_destroy(l);
}

/* Size field of the first data chunk of a RIFF WAV; -1 if none. */
static long wav_data_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    unsigned char h[8];
    long pos = 12, result = -1;
    while (fseek(f, pos, SEEK_SET) == 0 && fread(h, 1, 8, f) == 8) {
        long len = (long)((unsigned long)h[4] | (unsigned long)h[5] << 8 | (unsigned long)h[6] << 16 |
                          (unsigned long)h[7] << 24);
        if (memcmp(h, "data", 4) == 0) {
            result = len;
            break;
        }
        pos += 8 + len + (len & 1);
    }
    fclose(f);
    return result;
}

static void test_full_disk_and_crash(void)
{
    full_disk("full16.wav", BL_FORMAT_PCM16, 2.0 / 32768, 1);
    full_disk("fullf.wav", BL_FORMAT_FLOAT32, 0, 1);
    full_disk("full24.caf", BL_FORMAT_PCM24, 2.0 / 8388608, 1);
    full_disk("full24.flac", BL_FORMAT_PCM24, 2.0 / 8388608, 0);

    /* Killed without close: the header written after each block keeps the
     * file loadable with every frame written. */
    pid_t pid = fork();
    if (pid == 0)
        full_disk_child(tmp("crash.wav"), BL_FORMAT_PCM24, -1, 1);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char why[512];
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(tmp("crash.wav"), &l, why, sizeof why), BL_OK);
    CHECK_MSG(l && bl_recording_frames(l) == 331 * 16, "crash.wav: %zu frames (%s)",
              l ? bl_recording_frames(l) : 0, why);
    CHECK(l && bl_recording_map(l) && strcmp(bl_recording_map(l), "R.ST,R.BF,AUX") == 0);
    bl_recording_destroy(l);
    /* libsndfile recovers a zero data size by itself; other readers (SciPy,
     * Python's wave) need the sizes in the header to be current. */
    CHECK_EQ_INT(wav_data_size(tmp("crash.wav")), 331 * 16 * 3 * 3);
}

/* Deterministic fuzz: byte-mutated WAV/FLAC/AIFF files never crash the
 * loader; each loads or fails with a documented code and a reason. Run
 * under ASan in the sanitizer build. */
static int bl_chanmap_count_ok(const bl_recording *l)
{
    bl_chanmap *m = NULL;
    int ok = bl_chanmap_parse(bl_recording_map(l), &m, NULL, 0) == BL_OK &&
             bl_chanmap_count(m) == bl_recording_channels(l);
    bl_chanmap_destroy(m);
    return ok;
}

static void test_fuzz_load(void)
{
    const char *seeds[] = {"seed.wav", "seed.flac", "seed.aiff"};
    const bl_sample_format fmts[] = {BL_FORMAT_PCM16, BL_FORMAT_PCM24, BL_FORMAT_PCM16};
    char why[512];
    bl_recording *r = make_rec(2, 700, 1000);
    CHECK_EQ_INT(bl_recording_set_map(r, "L.ST,AUX", NULL, 0), BL_OK);
    CHECK_EQ_INT(bl_recording_set_gain(r, 0, 1000), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "device", "fuzz"), BL_OK);
    unsigned long long x = 0x2545F4914F6CDD1Dull;
    int loaded = 0, rejected = 0;
    for (int s = 0; s < 3; s++) {
        CHECK_EQ_INT(bl_recording_save(r, tmp(seeds[s]), fmts[s], why, sizeof why), BL_OK);
        FILE *f = fopen(tmp(seeds[s]), "rb");
        long n = file_size(tmp(seeds[s]));
        unsigned char *orig = malloc((size_t)n), *mut = malloc((size_t)n);
        if (!f || !orig || !mut || fread(orig, 1, (size_t)n, f) != (size_t)n) {
            CHECK_MSG(0, "cannot read seed %s", seeds[s]);
            return;
        }
        fclose(f);
        for (int it = 0; it < 150; it++) {
            memcpy(mut, orig, (size_t)n);
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            long len = n;
            int flips = 1 + (int)(x % 8);
            for (int k = 0; k < flips; k++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                /* Mostly the header and metadata, where parsing happens. */
                long pos = (long)((x >> 8) % (unsigned long long)(it % 3 ? (n < 300 ? n : 300) : n));
                mut[pos] = (unsigned char)(x & 0xff);
            }
            if (it % 5 == 0)
                len = (long)((x >> 20) % (unsigned long long)n); /* and cut */
            f = fopen(tmp("fuzz.bin"), "wb");
            fwrite(mut, 1, (size_t)len, f);
            fclose(f);
            bl_recording *l = NULL;
            bl_status st = bl_recording_load(tmp("fuzz.bin"), &l, why, sizeof why);
            if (st == BL_OK) {
                loaded++;
                CHECK(l && bl_recording_frames(l) > 0 && bl_recording_channels(l) > 0);
                CHECK(bl_recording_map(l) == NULL || bl_chanmap_count_ok(l));
            } else {
                rejected++;
                CHECK_MSG((st == BL_EFORMAT || st == BL_EIO || st == BL_ENOMEM) && l == NULL && why[0],
                          "%s #%d: status %d why \"%s\"", seeds[s], it, st, why);
            }
            bl_recording_destroy(l);
        }
        free(orig);
        free(mut);
    }
    printf("fuzz: %d mutated files loaded, %d rejected\n", loaded, rejected);
    CHECK_MSG(loaded > 0 && rejected > 0, "fuzz coverage: %d loaded, %d rejected", loaded, rejected);
    bl_recording_destroy(r);
}

static void cleanup(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

/* Derived recordings keep what the source says about itself. */
static void test_create_like_and_select(void)
{
    bl_recording *r = NULL, *like = NULL, *sel = NULL;
    CHECK_EQ_INT(bl_recording_create(3, 10, 1000, &r), BL_OK);
    if (!r) return;
    CHECK_EQ_INT(bl_recording_set_map(r, "L.ST,AUX,R.BF", NULL, 0), BL_OK);
    CHECK_EQ_INT(bl_recording_set_gain(r, 0, 1000), BL_OK);
    CHECK_EQ_INT(bl_recording_set_gain(r, 2, 500), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "device", "board"), BL_OK);
    for (size_t c = 0; c < 3; c++) bl_recording_data(r, c)[4] = (float)(c + 1) * 0.25f;
    CHECK_EQ_INT(bl_recording_to_microvolts(r), BL_OK);
    CHECK_EQ_INT(bl_recording_create_like(r, 5, 2000, &like), BL_OK);
    if (like) {
        CHECK_EQ_INT(bl_recording_frames(like), 5);
        CHECK_NEAR(bl_recording_rate(like), 2000, 0);
        CHECK(strcmp(bl_recording_map(like), "L.ST,AUX,R.BF") == 0);
        CHECK_NEAR(bl_recording_gain(like, 2), 500, 0);
        CHECK(strcmp(bl_recording_unit(like), bl_recording_unit(r)) == 0);
        CHECK(strcmp(bl_recording_meta(like, "device"), "board") == 0);
        CHECK_NEAR(bl_recording_data(like, 0)[4], 0, 0);
    }
    size_t pick[2] = {2, 0};
    CHECK_EQ_INT(bl_recording_select(r, pick, 2, &sel), BL_OK);
    if (sel) {
        CHECK(strcmp(bl_recording_map(sel), "R.BF,L.ST") == 0);
        CHECK_NEAR(bl_recording_gain(sel, 0), 500, 0);
        CHECK_NEAR(bl_recording_data(sel, 0)[4], bl_recording_data(r, 2)[4], 0);
        CHECK_NEAR(bl_recording_data(sel, 1)[4], bl_recording_data(r, 0)[4], 0);
        CHECK(strcmp(bl_recording_unit(sel), "uV") == 0);
    }
    size_t bad[1] = {3};
    bl_recording *none = (bl_recording *)1;
    CHECK_EQ_INT(bl_recording_select(r, bad, 1, &none), BL_ERANGE);
    CHECK(none == NULL);
    CHECK_EQ_INT(bl_recording_create_like(NULL, 5, 2000, &none), BL_EINVAL);
    bl_recording_destroy(sel);
    bl_recording_destroy(like);
    bl_recording_destroy(r);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_contract();
    test_create_and_fields();
    test_microvolts();
    test_finite();
    test_round_trip();
    test_clipping_and_float_range();
    test_meta_limits_and_foreign();
    test_bad_files();
    test_writer();
    test_full_disk_and_crash();
    test_fuzz_load();
    test_create_like_and_select();
    if (test_failures)
        fprintf(stderr, "files kept in %s\n", tmpdir);
    else
        cleanup();
    return test_finish("test_recording");
}
