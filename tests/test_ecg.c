/* ECG removal (ecg.h) on synthetic sessions with known R-wave times.
 *
 * Sets: bl_synth rest (60 s) and hinge sets (5 reps) with trunk channels,
 * at drawn and given heart rates (40-200 bpm at rest; the hinge raises the
 * rate by up to 15 %), conditioned as the pipeline does (bl_condition:
 * 2 kHz, 20-450 Hz; the notch is given as 50 Hz, the generator's mains,
 * so that the test does not depend on the mains detector) and in µV.
 *
 * What is asserted, and why these figures:
 *  - R waves: a detection within 50 ms of a true R wave is a hit (the
 *    usual QRS-matching window is 150 ms; ours is tighter). At rest, and in
 *    the quiet parts of hinge sets (outside the repetitions ±0.2 s),
 *    sensitivity and precision >= 98 %; inside the repetitions, where the
 *    trunk EMG can bury the QRS to 2-3 noise SD of the matched filter,
 *    sensitivity >= 75 % and precision >= 90 % over all 16 sets (measured:
 *    91 % and 95 %). Heart rate within 2 bpm (rest) and 3 bpm (hinge)
 *    of the generator's mean rate.
 *  - The done-when: the trunk envelopes at rest (6 Hz linear
 *    envelope, mean over the set less 0.5 s at each end) after removal
 *    within 3 % of the same seed generated without ECG (ecg_uV = 0),
 *    while before removal the ECG raises them by more than 10 % on
 *    average. Both recordings carry the same EMG and noise (same seed;
 *    only the mains phase differs, and it is notched), so what is left is
 *    the ECG residual plus the templates' noise: each template averages 40
 *    other beats, adding about 1/40 of the EMG's variance inside the QRS
 *    windows before the Wiener shrinkage, well under 1 % of the envelope;
 *    3 % leaves room for seeds and rates (measured: within 0.5 %).
 *  - Without ECG (ecg_uV = 0), rest and hinge: "no ECG" on every channel
 *    and not one sample changed.
 *  - EMG preserved in repetitions: with motion artefacts off (so that the
 *    sets with and without ECG differ only by it), the mean envelope over
 *    the repetitions after removal within 2 % of the set without ECG
 *    (measured: within 0.3 %), and what removal took from it at most what
 *    the ECG had added plus 2 % (the ECG's own share is up to 3 % where a
 *    burst is weak); channels without ECG (the limb muscles) untouched.
 *  - The contract: NULL, bad configurations, rates, lengths, NaN, channel
 *    lists; results and inputs unchanged after failures; descriptions.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backline/ecg.h"
#include "backline/envelope.h"
#include "check.h"
#include "ecgtest.h"


/* ------------------------------------------------------------ contract */

typedef void (*cfg_edit)(bl_ecg_config *);
static void bad_band(bl_ecg_config *c) { c->qrs_hi_hz = c->qrs_lo_hz; }
static void band_over_nyquist(bl_ecg_config *c) { c->qrs_hi_hz = 1500; }
static void bad_integration(bl_ecg_config *c) { c->integration_s = 0; }
static void bad_noise_window(bl_ecg_config *c) { c->noise_window_s = -1; }
static void bad_qrs(bl_ecg_config *c) { c->qrs_half_s = NAN; }
static void bad_rates(bl_ecg_config *c) { c->min_rate_bpm = c->max_rate_bpm; }
static void rate_too_high(bl_ecg_config *c) { c->max_rate_bpm = 700; }
static void bad_z(bl_ecg_config *c) { c->detect_z = c->searchback_z - 1; }
static void bad_sb(bl_ecg_config *c) { c->searchback_z = 0; }
static void bad_snr(bl_ecg_config *c) { c->presence_snr_db = INFINITY; }
static void bad_beats(bl_ecg_config *c) { c->template_beats = 1; }
static void bad_min_beats(bl_ecg_config *c) { c->min_beats = 1; }
static void bad_window(bl_ecg_config *c) { c->template_post_s = 0; }
static void bad_sd(bl_ecg_config *c) { c->amplitude_sd = 0; }

/* Planar arrays: errors before any work, the result and the input
 * unchanged after each. */
static void test_contract(void)
{
    bl_ecg_config cfg;
    bl_ecg_config_default(&cfg);
    CHECK(cfg.qrs_lo_hz == 20 && cfg.qrs_hi_hz == 50 && cfg.template_beats == 40 && cfg.adaptive_amplitude == 1);
    bl_ecg_config_default(NULL);
    CHECK_EQ_INT(bl_ecg_result_create(NULL), BL_EINVAL);
    bl_ecg_result_destroy(NULL);
    CHECK(bl_ecg_result_beats(NULL) == 0 && bl_ecg_result_channels(NULL) == 0 && bl_ecg_result_treated(NULL) == 0);
    CHECK(bl_ecg_result_detected(NULL) == 0 && isnan(bl_ecg_result_heart_rate(NULL)));
    CHECK(isnan(bl_ecg_result_beat_time(NULL, 0)));
    bl_ecg_channel ch;
    CHECK_EQ_INT(bl_ecg_result_get_channel(NULL, 0, &ch), BL_EINVAL);

    test_ecg_set sp = {.seed = 11, .motion_uV = -1};
    bl_synth_truth *t = NULL;
    bl_recording *rec = test_ecg_make_set(&sp, 80, &t);
    size_t n = bl_recording_frames(rec);
    float *x[2] = {bl_recording_data(rec, 3), bl_recording_data(rec, 4)};
    const float *cx[2] = {x[0], x[1]};
    double rate = bl_recording_rate(rec);
    bl_ecg_result *r = test_ecg_new_result();
    CHECK_EQ_INT(bl_ecg_detect(cx, 2, n, rate, &cfg, r), BL_OK);
    size_t beats = bl_ecg_result_beats(r);
    CHECK(beats > 50 && bl_ecg_result_channels(r) == 2);
    CHECK_EQ_INT(bl_ecg_result_get_channel(r, 2, &ch), BL_ERANGE);
    CHECK_EQ_INT(bl_ecg_result_get_channel(r, 0, NULL), BL_EINVAL);
    CHECK(isnan(bl_ecg_result_beat_time(r, beats)));

    const float *nullch[2] = {cx[0], NULL};
    CHECK_EQ_INT(bl_ecg_detect(NULL, 2, n, rate, &cfg, r), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_detect(nullch, 2, n, rate, &cfg, r), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_detect(cx, 0, n, rate, &cfg, r), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_detect(cx, 2, 0, rate, &cfg, r), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_detect(cx, 2, n, rate, NULL, r), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_detect(cx, 2, n, rate, &cfg, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_remove(NULL, 2, n, rate, &cfg, r), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_detect(cx, 2, n, 150.0, &cfg, r), BL_ERATE);
    CHECK_EQ_INT(bl_ecg_detect(cx, 2, n, NAN, &cfg, r), BL_ERATE);
    CHECK_EQ_INT(bl_ecg_detect(cx, 2, (size_t)(1.5 * rate), rate, &cfg, r), BL_ENODATA);
    static const cfg_edit edits[] = {bad_band, band_over_nyquist, bad_integration, bad_noise_window, bad_qrs,
                                     bad_rates, rate_too_high, bad_z, bad_sb, bad_snr, bad_beats, bad_min_beats,
                                     bad_window, bad_sd};
    for (size_t e = 0; e < sizeof edits / sizeof edits[0]; e++) {
        bl_ecg_config bad = cfg;
        edits[e](&bad);
        CHECK_MSG(bl_ecg_detect(cx, 2, n, rate, &bad, r) == BL_ERANGE, "configuration edit %zu accepted", e);
        CHECK_MSG(bl_ecg_remove(x, 2, n, rate, &bad, r) == BL_ERANGE, "configuration edit %zu accepted", e);
    }
    bl_recording *before = test_ecg_copy(rec);
    float keep = x[1][n / 2];
    x[1][n / 2] = NAN;
    CHECK_EQ_INT(bl_ecg_remove(x, 2, n, rate, &cfg, r), BL_ENONFINITE);
    x[1][n / 2] = keep;
    CHECK_MSG(test_ecg_same_samples(rec, before, 3) && test_ecg_same_samples(rec, before, 4),
              "a failed removal changed the input");
    CHECK_MSG(bl_ecg_result_beats(r) == beats && bl_ecg_result_channels(r) == 2, "a failed call changed the result");
    bl_recording_destroy(before);
    bl_ecg_result_destroy(r);
    bl_recording_destroy(rec);
    bl_synth_truth_destroy(t);
}

/* Channel lists of a recording. */
static void test_recording_contract(void)
{
    test_ecg_set sp = {.seed = 12, .map = "L.ES,L.EO,AUX,L.ST", .motion_uV = -1};
    bl_synth_truth *t = NULL;
    bl_recording *rec = test_ecg_make_set(&sp, 80, &t);
    bl_ecg_config cfg;
    bl_ecg_config_default(&cfg);
    bl_ecg_result *r = test_ecg_new_result();
    size_t aux[1] = {2}, out[1] = {4}, twice[2] = {0, 0}, st_only[1] = {3};
    CHECK_EQ_INT(bl_ecg_remove_recording(NULL, NULL, 0, &cfg, r), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_detect_recording(NULL, NULL, 0, &cfg, r), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_remove_recording(rec, NULL, 1, &cfg, r), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_remove_recording(rec, aux, 0, &cfg, r), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_remove_recording(rec, aux, 1, &cfg, r), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_remove_recording(rec, out, 1, &cfg, r), BL_ERANGE);
    CHECK_EQ_INT(bl_ecg_remove_recording(rec, twice, 2, &cfg, r), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_remove_recording(rec, NULL, 0, NULL, r), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_remove_recording(rec, NULL, 0, &cfg, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_result_channels(r), 0);
    /* default: the trunk channels (0 and 1) */
    CHECK_EQ_INT(bl_ecg_detect_recording(rec, NULL, 0, &cfg, r), BL_OK);
    CHECK_EQ_INT(bl_ecg_result_channels(r), 2);
    bl_ecg_channel ch;
    CHECK(bl_ecg_result_get_channel(r, 1, &ch) == BL_OK && ch.channel == 1 && ch.ecg_detected && !ch.treated);
    /* asked: any EMG channel (ST carries no ECG) */
    CHECK_EQ_INT(bl_ecg_detect_recording(rec, st_only, 1, &cfg, r), BL_OK);
    CHECK(bl_ecg_result_get_channel(r, 0, &ch) == BL_OK && ch.channel == 3 && !ch.ecg_detected);
    /* no map: nothing examined */
    bl_recording *nomap = test_ecg_copy(rec);
    bl_recording_set_map(nomap, NULL, NULL, 0);
    CHECK_EQ_INT(bl_ecg_remove_recording(nomap, NULL, 0, &cfg, r), BL_OK);
    CHECK(bl_ecg_result_channels(r) == 0 && bl_ecg_result_beats(r) == 0 && !bl_ecg_result_detected(r));
    bl_recording_destroy(nomap);
    bl_ecg_result_destroy(r);
    bl_recording_destroy(rec);
    bl_synth_truth_destroy(t);
}

static void test_describe(void)
{
    bl_ecg_config cfg;
    bl_ecg_config_default(&cfg);
    CHECK_EQ_INT(bl_ecg_describe(NULL, NULL, NULL, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_ecg_describe(&cfg, NULL, NULL, NULL), BL_OK);
    bl_doc *p = NULL, *s = NULL;
    if (bl_doc_create(&p) != BL_OK || bl_doc_create(&s) != BL_OK) test_fail("bl_doc_create failed");
    CHECK_EQ_INT(bl_ecg_describe(&cfg, NULL, p, s), BL_OK);
    static const char *keys[] = {"method", "references", "detection", "presence", "removal"};
    for (size_t i = 0; i < 5; i++) CHECK_MSG(bl_doc_find(p, keys[i]) != NULL, "no %s in the description", keys[i]);
    CHECK(bl_doc_find(p, "outcome") == NULL && bl_doc_find(s, "outcome") == NULL);
    CHECK(bl_doc_number(bl_doc_find(bl_doc_find(p, "presence"), "threshold_db")) == cfg.presence_snr_db);
    CHECK(bl_doc_number(bl_doc_find(bl_doc_find(p, "removal"), "template_beats")) == (double)cfg.template_beats);
    CHECK(strstr(bl_doc_string(bl_doc_find(s, "removal")), "ridge") != NULL);
    bl_doc_destroy(p);
    bl_doc_destroy(s);
    /* with a result, from the configuration used (no amplitude fit) */
    cfg.adaptive_amplitude = 0;
    test_ecg_set sp = {.seed = 13, .motion_uV = -1};
    bl_synth_truth *t = NULL;
    bl_recording *rec = test_ecg_make_set(&sp, 80, &t);
    bl_ecg_result *r = test_ecg_new_result();
    CHECK_EQ_INT(bl_ecg_remove_recording(rec, NULL, 0, &cfg, r), BL_OK);
    if (bl_doc_create(&p) != BL_OK || bl_doc_create(&s) != BL_OK) test_fail("bl_doc_create failed");
    CHECK_EQ_INT(bl_ecg_describe(&cfg, r, p, s), BL_OK);
    const bl_doc *o = bl_doc_find(p, "outcome");
    CHECK(o && bl_doc_bool(bl_doc_find(o, "detected")) == 1);
    CHECK(o && bl_doc_number(bl_doc_find(o, "beats")) == (double)bl_ecg_result_beats(r));
    CHECK(o && bl_doc_count(bl_doc_find(o, "channels")) == 2);
    CHECK(strstr(bl_doc_string(bl_doc_find(s, "removal")), "not scaled") != NULL);
    CHECK(strstr(bl_doc_string(bl_doc_find(s, "outcome")), "removed from 2 of 2") != NULL);
    bl_doc_destroy(p);
    bl_doc_destroy(s);
    bl_ecg_result_destroy(r);
    bl_recording_destroy(rec);
    bl_synth_truth_destroy(t);
}

/* ----------------------------------------------------------------- rest */

/* One rest set: detection figures, heart rate, and the done-when
 * criterion on each trunk channel's envelope. */
static void check_rest_set(const test_ecg_set *sp)
{
    bl_synth_truth *t = NULL, *t0 = NULL;
    bl_recording *rec = test_ecg_make_set(sp, 80, &t), *clean = test_ecg_make_set(sp, 0, &t0);
    bl_recording *before = test_ecg_copy(rec);
    bl_ecg_config cfg;
    bl_ecg_config_default(&cfg);
    bl_ecg_result *r = test_ecg_new_result();
    clock_t c0 = clock();
    CHECK_EQ_INT(bl_ecg_remove_recording(rec, NULL, 0, &cfg, r), BL_OK);
    double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    test_ecg_counts c = test_ecg_match(t, r);
    double sens = test_ecg_ratio(c.hit[0], c.truth[0]), prec = test_ecg_ratio(c.hit[0], c.found[0]);
    double hr = bl_ecg_result_heart_rate(r), hr_true = bl_synth_truth_mean_heart_rate(t);
    printf("rest seed %llu %.0f bpm: sensitivity %.3f precision %.3f (%zu beats) timing %+.2f ms, heart rate %.2f vs "
           "%.2f bpm, %.3f s\n", (unsigned long long)sp->seed, hr_true, sens, prec, c.truth[0], c.err_ms, hr,
           hr_true, cpu);
    CHECK_MSG(sens >= 0.98 && prec >= 0.98, "seed %llu: sensitivity %.3f precision %.3f",
              (unsigned long long)sp->seed, sens, prec);
    CHECK_MSG(fabs(hr - hr_true) <= 2.0, "seed %llu: heart rate %.2f vs %.2f", (unsigned long long)sp->seed, hr, hr_true);
    CHECK_MSG(fabs(c.err_ms) <= 3.0, "seed %llu: timing error %.2f ms", (unsigned long long)sp->seed, c.err_ms);
    double dur = bl_recording_duration(rec), raise = 0;
    for (size_t i = 0; i < bl_ecg_result_channels(r); i++) {
        bl_ecg_channel ch;
        bl_ecg_result_get_channel(r, i, &ch);
        double eb = test_ecg_envelope_mean(before, ch.channel, 0.5, dur - 0.5);
        double ea = test_ecg_envelope_mean(rec, ch.channel, 0.5, dur - 0.5);
        double e0 = test_ecg_envelope_mean(clean, ch.channel, 0.5, dur - 0.5);
        printf("  ch%zu snr %.1f dB, R peak %.1f -> %.2f uV (%.1f dB), rest envelope %.3f uV without ECG, %.3f "
               "with (%+.1f %%), %.3f after removal (%+.2f %%)\n", ch.channel, ch.snr_db, ch.peak_before,
               ch.peak_after, ch.residual_db, e0, eb, 100 * (eb / e0 - 1), ea, 100 * (ea / e0 - 1));
        CHECK_MSG(ch.ecg_detected && ch.treated, "seed %llu ch%zu: ECG not treated", (unsigned long long)sp->seed,
                  ch.channel);
        CHECK_MSG(fabs(ea / e0 - 1) <= 0.03, "seed %llu ch%zu: rest envelope %.3f after removal vs %.3f without ECG",
                  (unsigned long long)sp->seed, ch.channel, ea, e0);
        CHECK_MSG(ch.residual_db <= -15.0, "seed %llu ch%zu: residual %.1f dB", (unsigned long long)sp->seed,
                  ch.channel, ch.residual_db);
        raise += (eb / e0 - 1) / (double)bl_ecg_result_channels(r);
    }
    CHECK_MSG(raise > 0.10, "seed %llu: the ECG raised the rest envelopes by only %.1f %%",
              (unsigned long long)sp->seed, 100 * raise);
    bl_ecg_result_destroy(r);
    bl_recording_destroy(rec);
    bl_recording_destroy(clean);
    bl_recording_destroy(before);
    bl_synth_truth_destroy(t);
    bl_synth_truth_destroy(t0);
}

static void test_rest(void)
{
    static const test_ecg_set sets[] = {
        {.seed = 1, .motion_uV = -1},
        {.seed = 2, .hr_bpm = 40, .motion_uV = -1},
        {.seed = 3, .hr_bpm = 120, .motion_uV = -1},
        {.seed = 4, .hr_bpm = 200, .motion_uV = -1},
        {.seed = 5, .map = TEST_TRUNK8, .motion_uV = -1},
    };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) check_rest_set(&sets[i]);
}

/* -------------------------------------------------------- without ECG */

static void test_clean(void)
{
    static const test_ecg_set sets[] = {
        {.seed = 1, .motion_uV = -1},
        {.seed = 6, .map = TEST_TRUNK8, .motion_uV = -1},
        {.seed = 1, .hinge = 1, .motion_uV = -1},
        {.seed = 7, .map = TEST_TRUNK8, .hinge = 1, .pattern = BL_SYNTH_EXTERNAL, .motion_uV = -1},
    };
    bl_ecg_config cfg;
    bl_ecg_config_default(&cfg);
    double worst = -INFINITY;
    for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
        bl_synth_truth *t = NULL;
        bl_recording *rec = test_ecg_make_set(&sets[k], 0, &t), *before = test_ecg_copy(rec);
        bl_ecg_result *r = test_ecg_new_result();
        CHECK_EQ_INT(bl_ecg_remove_recording(rec, NULL, 0, &cfg, r), BL_OK);
        CHECK_MSG(!bl_ecg_result_detected(r) && bl_ecg_result_beats(r) == 0 && bl_ecg_result_treated(r) == 0,
                  "set %zu without ECG: ECG found (%zu beats)", k, bl_ecg_result_beats(r));
        CHECK(isnan(bl_ecg_result_heart_rate(r)));
        for (size_t c = 0; c < bl_recording_channels(rec); c++)
            CHECK_MSG(test_ecg_same_samples(rec, before, c), "set %zu without ECG: channel %zu changed", k, c);
        for (size_t i = 0; i < bl_ecg_result_channels(r); i++) {
            bl_ecg_channel ch;
            bl_ecg_result_get_channel(r, i, &ch);
            if (ch.snr_db > worst) worst = ch.snr_db;
        }
        bl_ecg_result_destroy(r);
        bl_recording_destroy(rec);
        bl_recording_destroy(before);
        bl_synth_truth_destroy(t);
    }
    printf("without ECG: no ECG on any channel, nothing changed; largest presence snr %.1f dB (threshold %.0f)\n",
           worst, cfg.presence_snr_db);
}

/* ---------------------------------------------------------------- hinge */

static void test_hinge(void)
{
    static const bl_synth_pattern patterns[] = {BL_SYNTH_INTERNAL, BL_SYNTH_EXTERNAL, BL_SYNTH_DRIFT,
                                                BL_SYNTH_ALTERNATING};
    static const struct { uint64_t seed; double hr; } who[] = {{1, 0}, {2, 0}, {3, 170}, {4, 45}};
    bl_ecg_config cfg;
    bl_ecg_config_default(&cfg);
    size_t hit[2] = {0}, truth[2] = {0}, found[2] = {0};
    double cpu = 0, worst_hr = 0;
    for (size_t p = 0; p < 4; p++)
        for (size_t w = 0; w < 4; w++) {
            test_ecg_set sp = {.seed = who[w].seed, .hr_bpm = who[w].hr, .map = TEST_TRUNK8, .hinge = 1,
                               .pattern = patterns[p], .motion_uV = -1};
            bl_synth_truth *t = NULL;
            bl_recording *rec = test_ecg_make_set(&sp, 80, &t);
            bl_ecg_result *r = test_ecg_new_result();
            clock_t c0 = clock();
            CHECK_EQ_INT(bl_ecg_detect_recording(rec, NULL, 0, &cfg, r), BL_OK);
            cpu += (double)(clock() - c0) / CLOCKS_PER_SEC;
            test_ecg_counts c = test_ecg_match(t, r);
            double qs = test_ecg_ratio(c.hit[0], c.truth[0]), qp = test_ecg_ratio(c.hit[0], c.found[0]);
            double hr = bl_ecg_result_heart_rate(r), hr_true = bl_synth_truth_mean_heart_rate(t);
            CHECK_MSG(bl_ecg_result_detected(r), "hinge %s seed %llu: no ECG found", bl_synth_pattern_name(patterns[p]),
                      (unsigned long long)sp.seed);
            CHECK_MSG(qs >= 0.98 && qp >= 0.98, "hinge %s seed %llu, quiet parts: sensitivity %.3f precision %.3f",
                      bl_synth_pattern_name(patterns[p]), (unsigned long long)sp.seed, qs, qp);
            CHECK_MSG(fabs(hr - hr_true) <= 3.0, "hinge %s seed %llu: heart rate %.2f vs %.2f",
                      bl_synth_pattern_name(patterns[p]), (unsigned long long)sp.seed, hr, hr_true);
            if (fabs(hr - hr_true) > worst_hr) worst_hr = fabs(hr - hr_true);
            for (int k = 0; k < 2; k++) {
                hit[k] += c.hit[k];
                truth[k] += c.truth[k];
                found[k] += c.found[k];
            }
            bl_ecg_result_destroy(r);
            bl_recording_destroy(rec);
            bl_synth_truth_destroy(t);
        }
    double qs = test_ecg_ratio(hit[0], truth[0]), qp = test_ecg_ratio(hit[0], found[0]);
    double rs = test_ecg_ratio(hit[1], truth[1]), rp = test_ecg_ratio(hit[1], found[1]);
    printf("hinge (16 sets, 5 trunk channels): quiet parts sensitivity %.3f precision %.3f (%zu beats); "
           "repetitions sensitivity %.3f precision %.3f (%zu beats); heart rate within %.2f bpm; %.2f s per set\n",
           qs, qp, truth[0], rs, rp, truth[1], worst_hr, cpu / 16);
    CHECK_MSG(rs >= 0.75 && rp >= 0.90, "repetitions: sensitivity %.3f precision %.3f", rs, rp);
}

/* EMG in the repetitions is kept: with and without ECG, motion artefacts
 * off so the sets differ only by the ECG; non-trunk channels untouched. */
static void test_preservation(void)
{
    bl_ecg_config cfg;
    bl_ecg_config_default(&cfg);
    for (int p = 0; p < 2; p++) {
        test_ecg_set sp = {.seed = 21 + (uint64_t)p, .map = TEST_TRUNK8, .hinge = 1,
                           .pattern = p ? BL_SYNTH_EXTERNAL : BL_SYNTH_INTERNAL, .motion_uV = 0};
        bl_synth_truth *t = NULL, *t0 = NULL;
        bl_recording *rec = test_ecg_make_set(&sp, 80, &t), *clean = test_ecg_make_set(&sp, 0, &t0);
        bl_recording *before = test_ecg_copy(rec);
        bl_ecg_result *r = test_ecg_new_result();
        CHECK_EQ_INT(bl_ecg_remove_recording(rec, NULL, 0, &cfg, r), BL_OK);
        for (size_t c = 0; c < 3; c++) CHECK_MSG(test_ecg_same_samples(rec, before, c), "non-trunk channel %zu changed", c);
        size_t nr = bl_synth_truth_reps(t);
        for (size_t i = 0; i < bl_ecg_result_channels(r); i++) {
            bl_ecg_channel ch;
            bl_ecg_result_get_channel(r, i, &ch);
            double eb = 0, ea = 0, e0 = 0;
            for (size_t q = 0; q < nr; q++) {
                bl_synth_rep rp;
                bl_synth_truth_get_rep(t, q, &rp);
                eb += test_ecg_envelope_mean(before, ch.channel, rp.start_s, rp.end_s) / (double)nr;
                ea += test_ecg_envelope_mean(rec, ch.channel, rp.start_s, rp.end_s) / (double)nr;
                e0 += test_ecg_envelope_mean(clean, ch.channel, rp.start_s, rp.end_s) / (double)nr;
            }
            printf("  %s ch%zu: mean envelope over the reps %.2f uV without ECG, %.2f with, %.2f after removal "
                   "(%+.2f %% vs without, %+.2f %% vs before)\n", bl_synth_pattern_name(sp.pattern), ch.channel, e0, eb,
                   ea, 100 * (ea / e0 - 1), 100 * (ea / eb - 1));
            CHECK_MSG(ch.treated, "%s ch%zu not treated", bl_synth_pattern_name(sp.pattern), ch.channel);
            /* within 2 % of the set without ECG, and what was taken away is
             * at most what the ECG had added (plus 2 %) */
            CHECK_MSG(fabs(ea / e0 - 1) <= 0.02 && eb - ea <= (eb - e0) + 0.02 * e0,
                      "%s ch%zu: rep envelope %.2f after, %.2f before, %.2f without ECG",
                      bl_synth_pattern_name(sp.pattern), ch.channel, ea, eb, e0);
        }
        bl_ecg_result_destroy(r);
        bl_recording_destroy(rec);
        bl_recording_destroy(clean);
        bl_recording_destroy(before);
        bl_synth_truth_destroy(t);
        bl_synth_truth_destroy(t0);
    }
}

/* The planar form gives what the recording form gives. */
static void test_planar_matches_recording(void)
{
    test_ecg_set sp = {.seed = 31, .hinge = 1, .motion_uV = -1};
    bl_synth_truth *t = NULL;
    bl_recording *rec = test_ecg_make_set(&sp, 80, &t), *copy = test_ecg_copy(rec);
    bl_ecg_config cfg;
    bl_ecg_config_default(&cfg);
    bl_ecg_result *a = test_ecg_new_result(), *b = test_ecg_new_result();
    CHECK_EQ_INT(bl_ecg_remove_recording(rec, NULL, 0, &cfg, a), BL_OK);
    float *x[2] = {bl_recording_data(copy, 3), bl_recording_data(copy, 4)};
    CHECK_EQ_INT(bl_ecg_remove(x, 2, bl_recording_frames(copy), bl_recording_rate(copy), &cfg, b), BL_OK);
    CHECK(bl_ecg_result_beats(a) == bl_ecg_result_beats(b) && bl_ecg_result_beats(a) > 0);
    CHECK(test_ecg_same_samples(rec, copy, 3) && test_ecg_same_samples(rec, copy, 4));
    bl_ecg_channel ca, cb;
    CHECK(bl_ecg_result_get_channel(a, 1, &ca) == BL_OK && bl_ecg_result_get_channel(b, 1, &cb) == BL_OK);
    CHECK(ca.channel == 4 && cb.channel == 1 && ca.residual_db == cb.residual_db);
    bl_ecg_result_destroy(a);
    bl_ecg_result_destroy(b);
    bl_recording_destroy(rec);
    bl_recording_destroy(copy);
    bl_synth_truth_destroy(t);
}

/* The whole pipeline with its defaults (bl_envelope_recording: mains
 * auto, ECG auto on the trunk), on raw rest sets with and without ECG
 * from one seed: the trunk envelopes fall to the level without ECG (3 %,
 * as above); with --ecg off they stay raised; the limb channels are the
 * same samples either way. */
static void test_pipeline_default(void)
{
    bl_recording *env[3] = {NULL, NULL, NULL}; /* ECG + auto, no ECG + auto, ECG + off */
    for (int k = 0; k < 3; k++) {
        bl_synth_config cfg;
        bl_synth_config_default(&cfg);
        cfg.seed = 77;
        cfg.ecg_uV = k == 1 ? 0 : 80;
        bl_synth *s = NULL;
        CHECK(bl_synth_create(&cfg, &s, NULL, 0) == BL_OK);
        bl_recording *raw = NULL;
        CHECK(bl_synth_rest(s, 60.0, &raw, NULL) == BL_OK);
        bl_recording_to_microvolts(raw);
        bl_envelope_config ec;
        bl_envelope_config_default(&ec);
        if (k == 2) ec.ecg = BL_ECG_OFF;
        bl_condition_report rep;
        CHECK(bl_envelope_recording(raw, &ec, &env[k], &rep) == BL_OK);
        if (k == 0) CHECK_MSG(rep.ecg_treated == 2 && rep.ecg_beats > 50, "treated %zu, beats %zu", rep.ecg_treated,
                              rep.ecg_beats);
        if (k == 1) CHECK_EQ_INT(rep.ecg_treated, 0);
        bl_recording_destroy(raw);
        bl_synth_destroy(s);
    }
    if (!env[0] || !env[1] || !env[2]) return;
    size_t n = bl_recording_frames(env[0]);
    double rate = bl_recording_rate(env[0]);
    size_t a = (size_t)(0.5 * rate), b = n - (size_t)(0.5 * rate);
    for (size_t c = 0; c < bl_recording_channels(env[0]); c++) {
        double m[3];
        for (int k = 0; k < 3; k++) {
            const float *x = bl_recording_cdata(env[k], c);
            double sum = 0;
            for (size_t i = a; i < b; i++) sum += x[i];
            m[k] = sum / (double)(b - a);
        }
        int trunk = c == 3 || c == 4; /* L.ES, L.EO in the default map */
        printf("pipeline rest ch%zu: %.3f uV with ECG removed, %.3f without ECG, %.3f with --ecg off\n", c, m[0],
               m[1], m[2]);
        if (trunk) {
            CHECK_MSG(fabs(m[0] / m[1] - 1) <= 0.03, "ch%zu: %.3f after removal vs %.3f without ECG", c, m[0], m[1]);
            CHECK_MSG(m[2] > 1.05 * m[1], "ch%zu: the ECG raised the envelope only to %.3f from %.3f", c, m[2], m[1]);
        } else {
            CHECK(memcmp(bl_recording_cdata(env[0], c), bl_recording_cdata(env[2], c), n * sizeof(float)) == 0);
        }
    }
    for (int k = 0; k < 3; k++) bl_recording_destroy(env[k]);
}

int main(void)
{
    clock_t t0 = clock();
    test_pipeline_default();
    test_contract();
    test_recording_contract();
    test_describe();
    test_rest();
    test_clean();
    test_hinge();
    test_preservation();
    test_planar_matches_recording();
    printf("test_ecg: %.1f s of CPU\n", (double)(clock() - t0) / CLOCKS_PER_SEC);
    return test_finish("test_ecg");
}
