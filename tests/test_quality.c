/* Signal quality (quality.h): every check on synthetic sessions with one
 * known defect injected (the generator's: clipping through an overdriven
 * gain, hum at 50 and 60 Hz, motion artefact, crosstalk; by hand: a dead or
 * disconnected electrode, a test tone, an envelope given as raw EMG); the
 * real recordings are test_quality_real's.
 *
 * A clean session (no mains, ECG or motion) passes on every channel; each
 * injected defect makes the check it belongs to warn or fail on the
 * channels it touches, and leaves the others' grades alone where it does
 * not reach them. The figures each case measured are printed. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backline/envelope.h"
#include "backline/quality.h"
#include "backline/synth.h"
#include "check.h"
#include "synthtest.h"

#define MAP "L.ST,L.BF,L.GMAX,L.ES,L.EO,L.VL"

/* A clean configuration: nothing but EMG and 3 uV of baseline noise. */
static void clean_config(bl_synth_config *cfg, double rate_hz)
{
    bl_synth_config_default(cfg);
    cfg->rate_hz = rate_hz;
    cfg->map = MAP;
    cfg->seed = 11;
    cfg->mains_hz = 0;
    cfg->ecg_uV = 0;
    cfg->motion_uV = 0;
}

/* A three-repetition hinge set from cfg, in uV. */
static bl_recording *hinge_set(const bl_synth_config *cfg)
{
    bl_synth *s = test_make_synth(cfg);
    bl_synth_hinge_config hc;
    bl_synth_hinge_config_default(&hc);
    hc.reps = 3;
    bl_recording *rec = NULL;
    if (bl_synth_hinge(s, &hc, &rec, NULL) != BL_OK) test_fail("bl_synth_hinge failed");
    bl_synth_destroy(s);
    bl_recording_to_microvolts(rec);
    return rec;
}

static bl_quality *assess(const bl_recording *rec, const char *what)
{
    bl_quality *q = NULL;
    char why[256] = "";
    bl_status st = bl_quality_assess(rec, NULL, &q, why, sizeof why);
    CHECK_MSG(st == BL_OK, "%s: %s (%s)", what, bl_strerror(st), why);
    return q;
}

static bl_quality_result result(const bl_quality *q, size_t c, bl_quality_check k)
{
    bl_quality_result r = {BL_GRADE_NA, NAN, "", NAN, NAN, ""};
    CHECK(bl_quality_get_check(q, c, k, &r) == BL_OK);
    return r;
}

static bl_grade grade(const bl_quality *q, size_t c, bl_quality_check k) { return result(q, c, k).grade; }

/* Every EMG channel's grade for a check, printed with its value. */
static void show(const char *what, const bl_quality *q, bl_quality_check k)
{
    printf("%-22s %-9s", what, bl_quality_check_name(k));
    for (size_t c = 0; q && c < bl_quality_channels(q); c++) {
        bl_quality_result r = result(q, c, k);
        printf(" %s=%s(%.3g)", bl_quality_channel_name(q, c), bl_grade_name(r.grade), r.value);
    }
    printf("\n");
}

static void test_clean_passes(double rate_hz)
{
    bl_synth_config cfg;
    clean_config(&cfg, rate_hz);
    bl_recording *rec = hinge_set(&cfg);
    bl_quality *q = assess(rec, "clean");
    for (size_t c = 0; q && c < bl_quality_channels(q); c++) {
        CHECK_MSG(bl_quality_channel_grade(q, c) == BL_GRADE_PASS, "clean %g Hz: %s graded %s", rate_hz,
                  bl_quality_channel_name(q, c), bl_grade_name(bl_quality_channel_grade(q, c)));
        for (int k = 0; k < BL_QC_COUNT; k++) {
            bl_quality_result r = result(q, c, (bl_quality_check)k);
            CHECK_MSG(r.grade == BL_GRADE_PASS || r.grade == BL_GRADE_NA, "clean %g Hz: %s %s %s: %s", rate_hz,
                      bl_quality_channel_name(q, c), bl_quality_check_name((bl_quality_check)k),
                      bl_grade_name(r.grade), r.reason);
        }
    }
    /* Noise is graded in uV: the generator's 3 uV baseline, measured. */
    bl_quality_result n = result(q, 0, BL_QC_NOISE);
    CHECK_MSG(n.grade == BL_GRADE_PASS && n.value > 1 && n.value < 6, "clean noise %.3g uV", n.value);
    CHECK(strcmp(bl_quality_unit(q), "uV") == 0);
    CHECK(bl_quality_mains_hz(q) == 0);
    char what[32];
    snprintf(what, sizeof what, "clean %g Hz", rate_hz);
    show(what, q, BL_QC_SNR);
    show(what, q, BL_QC_SPECTRUM);
    bl_quality_destroy(q);
    bl_recording_destroy(rec);
}

/* A dead channel (digital silence) and a disconnected one (a few tenths
 * of a uV of amplifier noise, no muscle): flat fails, the rest still pass. */
static void test_dead_and_disconnected(void)
{
    bl_synth_config cfg;
    clean_config(&cfg, 2000);
    bl_recording *rec = hinge_set(&cfg);
    size_t n = bl_recording_frames(rec);
    float *dead = bl_recording_data(rec, 0), *loose = bl_recording_data(rec, 2);
    uint64_t s = 7;
    for (size_t i = 0; i < n; i++) {
        dead[i] = 0;
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        loose[i] = (float)(0.2 * ((double)(s >> 11) / 9007199254740992.0 - 0.5));
    }
    bl_quality *q = assess(rec, "dead");
    show("dead ch1, loose ch3", q, BL_QC_FLAT);
    CHECK(grade(q, 0, BL_QC_FLAT) == BL_GRADE_FAIL);
    CHECK(grade(q, 2, BL_QC_FLAT) == BL_GRADE_FAIL);
    CHECK(bl_quality_channel_grade(q, 0) == BL_GRADE_FAIL);
    CHECK(bl_quality_channel_grade(q, 2) == BL_GRADE_FAIL);
    /* A constant channel is not also called clipped: nothing else is
     * measured on it. */
    CHECK(grade(q, 0, BL_QC_CLIPPING) == BL_GRADE_NA);
    CHECK_MSG(strstr(result(q, 0, BL_QC_FLAT).reason, "constant") != NULL, "%s", result(q, 0, BL_QC_FLAT).reason);
    for (size_t c = 0; c < bl_quality_channels(q); c++)
        if (c != 0 && c != 2) CHECK_MSG(grade(q, c, BL_QC_FLAT) == BL_GRADE_PASS, "channel %zu", c);
    bl_quality_destroy(q);
    bl_recording_destroy(rec);
}

/* Overdriven: the generator's gain so high that the loud channels clip at
 * full scale. The measured fraction matches the generator's count. */
static void test_clipped(void)
{
    bl_synth_config cfg;
    clean_config(&cfg, 2000);
    cfg.gain = 20000;
    bl_synth *s = test_make_synth(&cfg);
    bl_synth_hinge_config hc;
    bl_synth_hinge_config_default(&hc);
    hc.reps = 3;
    bl_recording *rec = NULL;
    bl_synth_truth *t = NULL;
    CHECK(bl_synth_hinge(s, &hc, &rec, &t) == BL_OK);
    bl_recording_to_microvolts(rec);
    bl_quality *q = assess(rec, "clipped");
    show("gain 20000", q, BL_QC_CLIPPING);
    size_t n = bl_recording_frames(rec), flagged = 0;
    for (size_t c = 0; q && c < bl_quality_channels(q); c++) {
        double truth = (double)bl_synth_truth_clipped(t, c) / (double)n;
        bl_quality_result r = result(q, c, BL_QC_CLIPPING);
        /* Samples within 0.1 % of full scale count too: a few more. */
        CHECK_MSG(r.value >= truth && r.value <= 1.2 * truth + 1e-4, "%s: measured %.4g, generator %.4g",
                  bl_quality_channel_name(q, c), r.value, truth);
        if (truth >= 1e-2) CHECK(r.grade == BL_GRADE_FAIL);
        if (truth > 0) flagged += r.grade != BL_GRADE_PASS;
    }
    CHECK_MSG(flagged >= 3, "%zu channels flagged clipped", flagged);
    bl_quality_destroy(q);
    bl_synth_truth_destroy(t);
    bl_synth_destroy(s);
    bl_recording_destroy(rec);
}

/* A full-scale square wave in a float file without gains (the issue's
 * case), and one clipped at 0.4 of full scale before the converter: flat
 * tops at the signal's own extremes. */
static void test_square_waves(void)
{
    for (int variant = 0; variant < 2; variant++) {
        bl_recording *rec = NULL;
        CHECK(bl_recording_create(1, 4000, 2000, &rec) == BL_OK);
        float *x = bl_recording_data(rec, 0);
        double level = variant ? 0.4 : 1.0;
        for (size_t i = 0; i < 4000; i++) {
            double v = 1.5 * sin(2 * M_PI * 7 * (double)i / 2000) + 0.05 * sin(2 * M_PI * 130 * (double)i / 2000);
            x[i] = (float)fmax(-level, fmin(level, v));
        }
        bl_quality *q = assess(rec, "square");
        bl_quality_result r = result(q, 0, BL_QC_CLIPPING);
        printf("square wave at %.1f FS  clipping %s (%.3g)\n", level, bl_grade_name(r.grade), r.value);
        CHECK(r.grade == BL_GRADE_FAIL && r.value > 0.5);
        bl_quality_destroy(q);
        bl_recording_destroy(rec);
    }
}

/* Hum at 50 and 60 Hz: the generator's 25 uV is found and warns (it will
 * be notched); 10 mV (a floating input) outweighs the EMG by more than the
 * notches remove, and fails. */
static void test_mains(void)
{
    const double freq[2] = {50, 60}, amp[2] = {25, 10000};
    for (int f = 0; f < 2; f++)
        for (int a = 0; a < 2; a++) {
            bl_synth_config cfg;
            clean_config(&cfg, 2000);
            cfg.mains_hz = freq[f];
            cfg.mains_uV = amp[a];
            cfg.gain = a ? 50 : cfg.gain; /* 10 mV x 1.5 stays under full scale: hum, not clipping */
            cfg.seed = 20 + (uint64_t)(2 * f + a);
            bl_recording *rec = hinge_set(&cfg);
            bl_quality *q = assess(rec, "mains");
            char what[48];
            snprintf(what, sizeof what, "hum %g Hz %g uV", freq[f], amp[a]);
            show(what, q, BL_QC_MAINS);
            CHECK_MSG(bl_quality_mains_hz(q) == freq[f], "%s: found %g", what, bl_quality_mains_hz(q));
            /* Per channel: the session's family or none (a loud muscle
             * can hide 25 uV of hum), never the other one; most channels
             * show it. */
            size_t shown = 0;
            for (size_t c = 0; q && c < bl_quality_channels(q); c++) {
                bl_quality_result r = result(q, c, BL_QC_MAINS);
                CHECK_MSG(r.detail == freq[f] || r.detail == 0, "%s %s: %g Hz", what, bl_quality_channel_name(q, c),
                          r.detail);
                shown += r.detail == freq[f];
                if (a) CHECK_MSG(r.grade == BL_GRADE_FAIL, "%s %s: %s", what, bl_quality_channel_name(q, c),
                                 bl_grade_name(r.grade));
                else CHECK_MSG(r.grade == (r.detail > 0 ? BL_GRADE_WARN : BL_GRADE_PASS), "%s %s: %s", what,
                               bl_quality_channel_name(q, c), bl_grade_name(r.grade));
                /* Hum is not a test tone. */
                CHECK(grade(q, c, BL_QC_SPECTRUM) != BL_GRADE_FAIL);
            }
            CHECK_MSG(shown >= 4, "%s: %zu channels show it", what, shown);
            bl_quality_destroy(q);
            bl_recording_destroy(rec);
        }
}

/* Motion artefact: the default (150 uV at the transitions) is removed by
 * the 20 Hz high-pass and passes; a severe one (3 mV) warns or fails. */
static void test_motion(void)
{
    const double amp[2] = {150, 3000};
    for (int a = 0; a < 2; a++) {
        bl_synth_config cfg;
        clean_config(&cfg, 2000);
        cfg.motion_uV = amp[a];
        bl_recording *rec = hinge_set(&cfg);
        bl_quality *q = assess(rec, "motion");
        char what[48];
        snprintf(what, sizeof what, "motion %g uV", amp[a]);
        show(what, q, BL_QC_MOTION);
        size_t flagged = 0;
        for (size_t c = 0; q && c < bl_quality_channels(q); c++) flagged += grade(q, c, BL_QC_MOTION) != BL_GRADE_PASS;
        if (a) CHECK_MSG(flagged == bl_quality_channels(q), "%s: %zu channels flagged", what, flagged);
        else CHECK_MSG(flagged == 0, "%s: %zu channels flagged", what, flagged);
        bl_quality_destroy(q);
        bl_recording_destroy(rec);
    }
}

/* ECG on the trunk (the generator's 80 uV R-waves at ES and EO): found
 * there at the generator's heart rate (resting, climbing over the set)
 * and warned; the limbs pass. */
static void test_ecg(void)
{
    bl_synth_config cfg;
    clean_config(&cfg, 2000);
    cfg.ecg_uV = 80;
    bl_synth *s = test_make_synth(&cfg);
    double hr = bl_synth_heart_rate(s);
    bl_synth_destroy(s);
    bl_recording *rec = hinge_set(&cfg);
    bl_quality *q = assess(rec, "ecg");
    show("ECG 80 uV", q, BL_QC_ECG);
    for (size_t c = 0; q && c < bl_quality_channels(q); c++) {
        bl_quality_result r = result(q, c, BL_QC_ECG);
        int trunk = c == 3 || c == 4; /* L.ES, L.EO */
        CHECK_MSG(r.grade == (trunk ? BL_GRADE_WARN : BL_GRADE_PASS), "%s: %s", bl_quality_channel_name(q, c),
                  bl_grade_name(r.grade));
        /* The generator's rate climbs by up to 15 % over a set. */
        if (trunk)
            CHECK_MSG(r.detail >= 0.95 * hr && r.detail <= 1.2 * hr, "%s: %.1f bpm, generator %.1f at rest",
                      bl_quality_channel_name(q, c), r.detail, hr);
    }
    bl_quality_destroy(q);
    bl_recording_destroy(rec);
}

/* Crosstalk between the medial and lateral hamstring sites: the
 * generator's 5 % passes, 50 % is flagged on both sites; sites without a
 * partner are not applicable. */
static void test_crosstalk(void)
{
    const double share[2] = {0.05, 0.5};
    for (int i = 0; i < 2; i++) {
        bl_synth_config cfg;
        clean_config(&cfg, 2000);
        cfg.crosstalk = share[i];
        bl_recording *rec = hinge_set(&cfg);
        bl_quality *q = assess(rec, "crosstalk");
        char what[48];
        snprintf(what, sizeof what, "crosstalk %g", share[i]);
        show(what, q, BL_QC_CROSSTALK);
        for (size_t c = 0; c < 2; c++) {
            bl_quality_result r = result(q, c, BL_QC_CROSSTALK);
            CHECK_MSG(i ? r.grade != BL_GRADE_PASS && r.grade != BL_GRADE_NA : r.grade == BL_GRADE_PASS, "%s %s: %s",
                      what, bl_quality_channel_name(q, c), bl_grade_name(r.grade));
            CHECK(r.detail == (double)(1 - c));
        }
        CHECK(grade(q, 2, BL_QC_CROSSTALK) == BL_GRADE_NA);
        bl_quality_destroy(q);
        bl_recording_destroy(rec);
    }
}

/* Not raw sEMG: a 202 Hz test tone, the session's own linear envelope, a
 * rest recording (no activity). */
static void test_not_emg(void)
{
    bl_synth_config cfg;
    clean_config(&cfg, 2000);
    bl_recording *rec = hinge_set(&cfg), *env = NULL;
    float *x = bl_recording_data(rec, 1);
    for (size_t i = 0; i < bl_recording_frames(rec); i++) x[i] = (float)(300 * sin(2 * M_PI * 202 * (double)i / 2000));
    bl_quality *q = assess(rec, "tone");
    show("202 Hz tone on ch2", q, BL_QC_SPECTRUM);
    CHECK(grade(q, 1, BL_QC_SPECTRUM) == BL_GRADE_FAIL);
    CHECK(grade(q, 0, BL_QC_SPECTRUM) == BL_GRADE_PASS);
    bl_quality_destroy(q);

    bl_envelope_config ec;
    bl_envelope_config_default(&ec);
    bl_condition_report rep;
    CHECK(bl_envelope_recording(rec, &ec, &env, &rep) == BL_OK);
    q = assess(env, "envelope");
    show("envelope as raw", q, BL_QC_SPECTRUM);
    for (size_t c = 0; q && c < bl_quality_channels(q); c++)
        if (c != 1) CHECK_MSG(grade(q, c, BL_QC_SPECTRUM) == BL_GRADE_FAIL, "%s", bl_quality_channel_name(q, c));
    bl_quality_destroy(q);
    bl_recording_destroy(env);
    bl_recording_destroy(rec);

    bl_synth *s = test_make_synth(&cfg);
    CHECK(bl_synth_rest(s, 10, &rec, NULL) == BL_OK);
    bl_recording_to_microvolts(rec);
    q = assess(rec, "rest");
    show("rest", q, BL_QC_SNR);
    for (size_t c = 0; q && c < bl_quality_channels(q); c++) CHECK(grade(q, c, BL_QC_SNR) == BL_GRADE_WARN);
    bl_quality_destroy(q);
    bl_recording_destroy(rec);
    bl_synth_destroy(s);
}

static void test_errors(void)
{
    bl_recording *rec = NULL;
    bl_quality *q = (bl_quality *)&rec;
    char why[256] = "";
    CHECK(bl_recording_create(2, 200, 100, &rec) == BL_OK);
    CHECK(bl_quality_assess(rec, NULL, &q, why, sizeof why) == BL_ERATE && q == NULL);
    CHECK(strstr(why, "100 Hz") != NULL);
    bl_recording_destroy(rec);
    CHECK(bl_recording_create(2, 1000, 2000, &rec) == BL_OK);
    CHECK(bl_quality_assess(rec, NULL, &q, why, sizeof why) == BL_ENODATA);
    bl_recording_destroy(rec);
    CHECK(bl_recording_create(2, 4000, 2000, &rec) == BL_OK);
    bl_recording_data(rec, 1)[100] = NAN;
    CHECK(bl_quality_assess(rec, NULL, &q, why, sizeof why) == BL_ENONFINITE);
    bl_quality_config bad;
    bl_quality_config_default(&bad);
    bad.clip_fail_fraction = bad.clip_warn_fraction / 2;
    CHECK(bl_quality_assess(rec, &bad, &q, why, sizeof why) == BL_EINVAL);
    bl_recording_destroy(rec);
    CHECK(bl_quality_assess(NULL, NULL, &q, why, sizeof why) == BL_EINVAL);
    bl_quality_result r;
    CHECK(bl_quality_get_check(NULL, 0, BL_QC_FLAT, &r) == BL_EINVAL);
    CHECK(bl_quality_channel_grade(NULL, 0) == BL_GRADE_NA);
    CHECK(bl_quality_check_name(BL_QC_COUNT) == NULL);
    bl_quality_destroy(NULL);
}

int main(void)
{
    test_clean_passes(2000);
    test_clean_passes(44100);
    test_dead_and_disconnected();
    test_clipped();
    test_square_waves();
    test_mains();
    test_motion();
    test_crosstalk();
    test_ecg();
    test_not_emg();
    test_errors();
    return test_finish("test_quality");
}
