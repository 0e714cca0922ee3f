/* Recordings in memory: contracts, fields, metadata, µV conversion,
 * non-finite detection, derived recordings (create_like, select) and
 * resampling a recording. Files: test_recording_files.c; the streaming
 * writer: test_recording_writer.c. */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "rectest.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "backline/backline.h"
#include "backline/recording.h"
#include "backline/resample.h"

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
    CHECK_EQ_INT(bl_recording_save(NULL, test_tmp("x.wav"), BL_FORMAT_PCM16, why, sizeof why), BL_EINVAL);
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
    CHECK_EQ_INT(bl_writer_open(test_tmp("w.wav"), 0, 1000, BL_FORMAT_PCM16, NULL, &w, why, sizeof why),
                 BL_EINVAL);
    CHECK_EQ_INT(bl_writer_open(test_tmp("w.wav"), 1, 1000, BL_FORMAT_PCM16, NULL, NULL, why, sizeof why),
                 BL_EINVAL);
    CHECK_EQ_INT(bl_writer_open(test_tmp("w.wav"), 1, 1000.5, BL_FORMAT_PCM16, NULL, &w, why, sizeof why),
                 BL_EINVAL);
    CHECK_EQ_INT(bl_writer_open(test_tmp("w.mp3"), 1, 1000, BL_FORMAT_PCM16, NULL, &w, why, sizeof why),
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
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("uv.wav"), BL_FORMAT_PCM24, why, sizeof why), BL_EINVAL);
    CHECK_MSG(strstr(why, "float32") != NULL, "why: %s", why);
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("uv.wav"), BL_FORMAT_FLOAT32, why, sizeof why), BL_OK);
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(test_tmp("uv.wav"), &l, why, sizeof why), BL_OK);
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
    bl_recording *r = test_make_rec(3, 100, 1000);
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
    CHECK_EQ_INT(bl_recording_save(r, test_tmp("nan.wav"), BL_FORMAT_FLOAT32, why, sizeof why), BL_OK);
    bl_recording *l = NULL;
    CHECK_EQ_INT(bl_recording_load(test_tmp("nan.wav"), &l, why, sizeof why), BL_OK);
    CHECK_EQ_INT(bl_recording_check_finite(l, &ch, &fr), BL_ENONFINITE);
    CHECK_EQ_INT(ch, 1);
    CHECK_EQ_INT(fr, 77);
    bl_recording_destroy(l);
    bl_recording_destroy(r);
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

/* A recording at another rate: every channel resampled as the core's
 * array resampler does it, bit for bit, the metadata carried over. */
static void test_resample(void)
{
    const double in_rate = 48000, out_rate = 2000;
    bl_recording *r = test_make_rec(2, 48000, in_rate), *out = NULL;
    CHECK_EQ_INT(bl_recording_set_map(r, "L.ST,AUX", NULL, 0), BL_OK);
    CHECK_EQ_INT(bl_recording_set_gain(r, 0, 1000), BL_OK);
    CHECK_EQ_INT(bl_recording_set_meta(r, "device", "board"), BL_OK);
    CHECK_EQ_INT(bl_recording_resample(r, out_rate, &out), BL_OK);
    if (out) {
        size_t m = bl_resample_length(48000, in_rate, out_rate);
        CHECK_EQ_INT(bl_recording_frames(out), m);
        CHECK_EQ_INT(bl_recording_channels(out), 2);
        CHECK_NEAR(bl_recording_rate(out), out_rate, 0);
        test_check_same_meta(r, out, "resampled");
        CHECK(strcmp(bl_recording_unit(out), bl_recording_unit(r)) == 0);
        float *y0 = malloc(m * sizeof *y0), *y1 = malloc(m * sizeof *y1);
        const float *in[2] = {bl_recording_cdata(r, 0), bl_recording_cdata(r, 1)};
        float *ref[2] = {y0, y1};
        CHECK_EQ_INT(bl_resample(in, 2, 48000, in_rate, out_rate, ref), BL_OK);
        for (size_t c = 0; c < 2; c++)
            CHECK_MSG(memcmp(bl_recording_cdata(out, c), ref[c], m * sizeof(float)) == 0,
                      "channel %zu differs from bl_resample on the array", c);
        free(y0);
        free(y1);
    }
    bl_recording_destroy(out);
    /* Refusals: the documented codes, no recording made. */
    out = (bl_recording *)1;
    CHECK_EQ_INT(bl_recording_resample(NULL, 2000, &out), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_resample(r, 2000, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_recording_resample(r, 100, &out), BL_ERANGE); /* ratio below 1/256 */
    CHECK(out == NULL);
    CHECK_EQ_INT(bl_recording_resample(r, NAN, &out), BL_ERANGE);
    bl_recording_destroy(r);
}

int main(void)
{
    test_tmpdir_make("bl_test_recording");
    test_contract();
    test_create_and_fields();
    test_microvolts();
    test_finite();
    test_create_like_and_select();
    test_resample();
    test_tmpdir_done();
    return test_finish("test_recording");
}
