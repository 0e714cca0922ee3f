/* EDF/BDF in the recording layer (dsp/recording/edf_io.c), on files
 * written here with edflib's writer (support/edfwrite.c), so it runs
 * everywhere:
 *  - signal labels in lab words become the map where they name one of our
 *    codes and one side; ambiguous or foreign ones stay unnamed EMG (AUX
 *    when the dimension is no voltage), with one warning naming them;
 *  - the physical dimension (uV, mV, V) and range become the µV
 *    calibration: after bl_recording_to_microvolts the samples are the
 *    written values in µV within one quantisation step (EDF 16-bit, BDF
 *    24-bit; edflib's writer truncates), bl_recording_unit says uV; no
 *    dimension: no gains;
 *  - every entry point reads it: bl_recording_load, _load_at (a 48 kHz BDF
 *    decimated while read, the same samples as the WAV of the same data,
 *    clipping counted on the file's samples at the digital extremes),
 *    bl_spool_load_at, bl_reader (declared length), and by content: a
 *    file named .wav that holds an EDF is read as EDF;
 *  - annotations become markers (text made a marker label);
 *  - mixed rates, a cut file and a corrupt header are BL_EFORMAT with one
 *    line; four threads loading EDF files at once all succeed (edflib's
 *    table of open files is behind the layer's lock). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backline/recording.h"
#include "check.h"
#include "edfwrite.h"
#include "rectest.h"

static void write_or_fail(const char *path, const bl_recording *rec, const test_edf_spec *sp)
{
    char why[512] = "";
    if (test_edf_write(path, rec, sp, why, sizeof why) != 0) {
        fprintf(stderr, "FAILED: cannot write %s: %s\n", path, why);
        exit(1);
    }
}

static bl_recording *load_ok(const char *path)
{
    char why[512] = "";
    bl_recording *rec = NULL;
    bl_status st = bl_recording_load(path, &rec, why, sizeof why);
    CHECK_MSG(st == BL_OK, "%s: %s (%s)", path, bl_strerror(st), why);
    return rec;
}

static void test_labels(void)
{
    static const char *const labels[] = {"L.ST",  "EMG ST left", "st_r", "R Semitendinosus", "Soleus", "GM_L",
                                         "EMG1",  "L R ST",      "ST BF", "EMG",              "AUX R",  "BF-L",
                                         "Knee L", "Tibialis ant L", "TA right", "L biceps femoris",
                                         "Gluteus maximus"};
    static const char *const dims[] = {"uV", "uV", "uV", "uV", "uV", "uV", "uV", "uV", "uV",
                                       "uV", "V",  "uV", "deg", "uV", "uV", "uV", "uV"};
    const char *want = "L.ST,L.ST,R.ST,R.ST,SOL,EMG,EMG,EMG,EMG,EMG,R.AUX,L.BF,AUX,EMG,R.TA,L.BF,GMAX";
    size_t n = sizeof labels / sizeof labels[0];
    bl_recording *src = test_make_rec(n, 400, 1000);
    test_edf_spec sp = {.labels = labels, .dimensions = dims};
    write_or_fail(test_tmp("labels.edf"), src, &sp);
    bl_recording *rec = load_ok(test_tmp("labels.edf"));
    if (rec) {
        const char *map = bl_recording_map(rec);
        CHECK_MSG(map && !strcmp(map, want), "map %s, want %s", map ? map : "(none)", want);
        CHECK_EQ_INT(bl_recording_warning_count(rec), 1);
        const char *w = bl_recording_warning(rec, 0);
        CHECK_MSG(w && strstr(w, "6 \"GM_L\"") && strstr(w, "7 \"EMG1\"") && strstr(w, "14 \"Tibialis ant L\"") &&
                      !strstr(w, "\"EMG\""),
                  "warning: %s", w ? w : "(none)");
        CHECK_MSG(w && !strcmp(bl_recording_warning_key(rec, 0), "map"), "warning key");
        const char *units = bl_recording_meta(rec, "edf_units");
        CHECK_MSG(units && !strcmp(units, "uV,uV,uV,uV,uV,uV,uV,uV,uV,uV,V,uV,deg,uV,uV,uV,uV"), "edf_units %s", units);
        CHECK_MSG(bl_recording_gain(rec, 12) == 0 && bl_recording_gain(rec, 0) > 0, "deg: no gain, uV: a gain");
        /* The knee in degrees is AUX, so the EMG channels' calibration stands. */
        char why[256] = "";
        CHECK_MSG(bl_recording_check_units(rec, why, sizeof why) == BL_OK, "%s", why);
    }
    bl_recording_destroy(rec);
    /* No label names anything of ours: no map at all (the user gives --map). */
    static const char *const foreign[] = {"Fp1", "Fp2", "C3"};
    bl_recording *three = test_make_rec(3, 400, 1000);
    test_edf_spec fs = {.labels = foreign, .dimension = "uV"};
    write_or_fail(test_tmp("eeg.edf"), three, &fs);
    rec = load_ok(test_tmp("eeg.edf"));
    CHECK_MSG(rec && !bl_recording_chanmap(rec) && bl_recording_warning_count(rec) == 0, "foreign labels gave a map");
    bl_recording_destroy(rec);
    bl_recording_destroy(three);
    bl_recording_destroy(src);
}

/* Written in `dim` at `per_unit` physical units per sample, read back in µV. */
static void test_units(int bdf, const char *dim, double per_unit, double uv_per_physical)
{
    bl_recording *src = test_make_rec(3, 2000, 2000);
    test_edf_spec sp = {.bdf = bdf, .dimension = dim, .physical_per_unit = per_unit, .range = 1.0 * per_unit};
    const char *path = test_tmp(bdf ? "units.bdf" : "units.edf");
    write_or_fail(path, src, &sp);
    bl_recording *rec = load_ok(path);
    if (!rec) goto out;
    CHECK_MSG(!strcmp(bl_recording_format_name(rec), bdf ? "BDF+ 24-bit" : "EDF+ 16-bit"), "format %s",
              bl_recording_format_name(rec));
    CHECK_EQ_INT(bl_recording_frames(rec), 2000);
    CHECK_EQ_INT(bl_recording_to_microvolts(rec), BL_OK);
    CHECK_MSG(!strcmp(bl_recording_unit(rec), "uV"), "unit %s", bl_recording_unit(rec));
    /* One step of the digital range (2 × range over 2^16 or 2^24 - 1
     * levels: edflib's writer truncates toward zero rather than rounds,
     * measured as exactly one step here), plus float rounding of the µV
     * value; a scale off by 0.1 % would be 30 steps (EDF) away. */
    double full_uv = per_unit * uv_per_physical, step = 2 * full_uv / (bdf ? 16777215.0 : 65535.0);
    double worst = 0;
    for (size_t c = 0; c < 3; c++) {
        CHECK_NEAR(bl_recording_channel_full_scale(rec, c), full_uv, full_uv * 1e-12);
        const float *x = bl_recording_cdata(rec, c), *y = bl_recording_cdata(src, c);
        for (size_t i = 0; i < 2000; i++) {
            double e = fabs(x[i] - y[i] * full_uv);
            worst = e > worst ? e : worst;
        }
    }
    CHECK_MSG(worst <= step + full_uv * 2e-7, "%s %s: worst error %g uV, a step %g uV", bdf ? "BDF" : "EDF", dim,
              worst, step);
    fprintf(stderr, "%s in %s: worst error %.3g uV (a step %.3g)\n", bdf ? "BDF" : "EDF", dim, worst, step);
out:
    bl_recording_destroy(rec);
    bl_recording_destroy(src);
}

/* A 48 kHz file with clipped stretches, as a BDF and as a float WAV: the
 * analysis-rate loads agree, and clipping is counted on the file's own
 * samples. */
static void test_entry_points(void)
{
    const size_t frames = 96000, nch = 2;
    bl_recording *src = test_make_rec(nch, frames, 48000);
    float *x = bl_recording_data(src, 0);
    for (size_t i = 0; i < frames; i += 1000)
        for (size_t k = 0; k < 10; k++) x[i + k] = (k & 1) ? -1.0f : 1.0f; /* 1 % at the rails */
    static const char *const labels[] = {"L.ST", "L.BF"};
    test_edf_spec sp = {.bdf = 1, .labels = labels, .dimension = "mV", .range = 1.0};
    /* By content, not name: a BDF called .wav is still read as BDF. */
    write_or_fail(test_tmp("fast.bdf"), src, &sp);
    CHECK(rename(test_tmp("fast.bdf"), test_tmp("fast_bdf.wav")) == 0);
    char why[512] = "";
    CHECK(bl_recording_save(src, test_tmp("fast.wav"), BL_FORMAT_FLOAT32, why, sizeof why) == BL_OK);
    bl_recording *a = NULL, *b = NULL;
    bl_status st = bl_recording_load_at(test_tmp("fast_bdf.wav"), 2000, &a, why, sizeof why);
    CHECK_MSG(st == BL_OK, "load_at BDF: %s", why);
    CHECK(bl_recording_load_at(test_tmp("fast.wav"), 2000, &b, why, sizeof why) == BL_OK);
    if (a && b) {
        CHECK_EQ_INT(bl_recording_frames(a), frames / 24);
        CHECK_NEAR(bl_recording_source_rate(a), 48000, 0);
        CHECK_MSG(!strcmp(bl_recording_map(a), "L.ST,L.BF"), "map %s", bl_recording_map(a));
        double fa = bl_recording_raw_clipped_fraction(a, 0), fb = bl_recording_raw_clipped_fraction(b, 0);
        CHECK_MSG(fa > 0.009 && fabs(fa - fb) < 1e-9, "clipped: BDF %g, WAV %g", fa, fb);
        CHECK_MSG(bl_recording_raw_clipped_fraction(a, 1) == 0, "channel 2 is not clipped");
        double worst = 0;
        for (size_t c = 0; c < nch; c++)
            for (size_t i = 0; i < frames / 24; i++) {
                double e = fabs(bl_recording_cdata(a, c)[i] - bl_recording_cdata(b, c)[i]);
                worst = e > worst ? e : worst;
            }
        /* The same data decimated: a 24-bit step is 1.2e-7 of full scale. */
        CHECK_MSG(worst < 1e-6, "load_at: BDF and WAV differ by %g of full scale", worst);
    }
    bl_spool *s = NULL;
    st = bl_spool_load_at(test_tmp("fast_bdf.wav"), 2000, NULL, NULL, &s, why, sizeof why);
    CHECK_MSG(st == BL_OK, "spool BDF: %s", why);
    if (s && a) {
        CHECK_EQ_INT(bl_spool_frames(s), bl_recording_frames(a));
        bl_recording *blk = NULL;
        CHECK(bl_spool_read(s, 0, bl_spool_frames(s), &blk) == BL_OK);
        for (size_t c = 0; blk && c < nch; c++)
            CHECK(memcmp(bl_recording_cdata(blk, c), bl_recording_cdata(a, c), bl_recording_frames(a) * sizeof(float)) == 0);
        bl_recording_destroy(blk);
    }
    bl_reader *r = NULL;
    CHECK(bl_reader_open(test_tmp("fast_bdf.wav"), &r, why, sizeof why) == BL_OK);
    CHECK_EQ_INT(bl_reader_declared_frames(r), frames);
    CHECK_MSG(r && bl_recording_gain(bl_reader_info(r), 0) > 0, "reader info has the gain");
    bl_reader_close(r);
    bl_spool_destroy(s);
    bl_recording_destroy(a);
    bl_recording_destroy(b);
    bl_recording_destroy(src);
}

static void test_annotations(void)
{
    bl_recording *src = test_make_rec(1, 4000, 1000);
    static const double t[] = {0.5, 1.25, 2.0, 3.5};
    static const char *const text[] = {"Recording starts", "touch-down (R)", "\xc3\xb1", "1"};
    test_edf_spec sp = {.dimension = "uV", .annot_s = t, .annot_text = text, .n_annot = 4};
    write_or_fail(test_tmp("annot.edf"), src, &sp);
    bl_recording *rec = load_ok(test_tmp("annot.edf"));
    static const char *const want[] = {"Recording_starts", "touch-down_R", "annotation", "1"};
    CHECK_EQ_INT(bl_recording_marker_count(rec), 4);
    for (size_t i = 0; rec && i < 4; i++) {
        bl_marker m;
        CHECK(bl_recording_get_marker(rec, i, &m) == BL_OK);
        CHECK_NEAR(m.time_s, t[i], 1e-6);
        CHECK_MSG(!strcmp(m.label, want[i]), "marker %zu: %s, want %s", i + 1, m.label, want[i]);
    }
    bl_recording_destroy(rec);
    bl_recording_destroy(src);
}

static void expect_format_error(const char *path, const char *what, const char *needle)
{
    char why[512] = "";
    bl_recording *rec = NULL;
    bl_status st = bl_recording_load(path, &rec, why, sizeof why);
    CHECK_MSG(st == BL_EFORMAT && !rec, "%s: %s", what, bl_strerror(st));
    CHECK_MSG(strstr(why, needle) && !strchr(why, '\n'), "%s: why \"%s\" lacks \"%s\"", what, why, needle);
}

static void test_bad_files(void)
{
    bl_recording *src = test_make_rec(2, 3000, 1000);
    test_edf_spec sp = {.dimension = "uV", .halve_last_rate = 1};
    write_or_fail(test_tmp("mixed.edf"), src, &sp);
    expect_format_error(test_tmp("mixed.edf"), "mixed rates", "signals at different sample rates");
    sp.halve_last_rate = 0;
    write_or_fail(test_tmp("good.edf"), src, &sp);
    long size = test_file_size(test_tmp("good.edf"));
    CHECK(size > 1000 && truncate(test_tmp("good.edf"), size - 700) == 0);
    expect_format_error(test_tmp("good.edf"), "cut", "not a valid EDF/BDF file");
    CHECK(truncate(test_tmp("good.edf"), 300) == 0);
    expect_format_error(test_tmp("good.edf"), "header only", "not a valid EDF/BDF file");
    bl_recording_destroy(src);
}

static void *load_many(void *arg)
{
    const char *path = arg;
    intptr_t bad = 0;
    for (int i = 0; i < 25; i++) {
        bl_recording *rec = NULL;
        bad += bl_recording_load(path, &rec, NULL, 0) != BL_OK;
        bl_recording_destroy(rec);
    }
    return (void *)bad;
}

static void test_threads(void)
{
    bl_recording *src = test_make_rec(4, 2000, 1000);
    test_edf_spec sp = {.dimension = "uV"};
    write_or_fail(test_tmp("t.edf"), src, &sp);
    pthread_t th[4];
    for (int i = 0; i < 4; i++) CHECK(pthread_create(&th[i], NULL, load_many, (void *)test_tmp("t.edf")) == 0);
    for (int i = 0; i < 4; i++) {
        void *bad = NULL;
        pthread_join(th[i], &bad);
        CHECK_MSG(bad == NULL, "thread %d: %ld of 25 loads failed", i, (long)(intptr_t)bad);
    }
    bl_recording_destroy(src);
}

int main(void)
{
    test_tmpdir_make("test_recording_edf");
    test_labels();
    test_units(0, "uV", 500.0, 1.0);
    test_units(1, "uV", 500.0, 1.0);
    test_units(0, "mV", 2.0, 1e3);
    test_units(1, "V", 0.004, 1e6);
    test_entry_points();
    test_annotations();
    test_bad_files();
    test_threads();
    test_tmpdir_done();
    return test_finish("test_recording_edf");
}
