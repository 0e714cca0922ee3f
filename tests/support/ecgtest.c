/* Helpers for the ECG removal tests (ecgtest.h). */
#include "ecgtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/envelope.h"
#include "backline/synth.h"
#include "check.h"
#include "synthtest.h"

bl_recording *test_ecg_make_set(const test_ecg_set *sp, double ecg_uV, bl_synth_truth **truth)
{
    bl_synth_config sc;
    bl_synth_config_default(&sc);
    sc.seed = sp->seed;
    sc.heart_rate_bpm = sp->hr_bpm;
    sc.ecg_uV = ecg_uV;
    if (sp->map) sc.map = sp->map;
    if (sp->motion_uV >= 0) sc.motion_uV = sp->motion_uV;
    bl_synth *s = test_make_synth(&sc);
    bl_recording *raw = NULL, *out = NULL;
    bl_status st;
    if (sp->hinge) {
        bl_synth_hinge_config hc;
        bl_synth_hinge_config_default(&hc);
        hc.pattern = sp->pattern;
        st = bl_synth_hinge(s, &hc, &raw, truth);
    } else {
        st = bl_synth_rest(s, 60.0, &raw, truth);
    }
    if (st != BL_OK) test_fail("bl_synth scenario failed");
    bl_envelope_config ec;
    bl_envelope_config_default(&ec);
    ec.notch = BL_NOTCH_50;
    ec.ecg = BL_ECG_OFF; /* the ECG is what these tests detect and remove */
    if (bl_recording_to_microvolts(raw) != BL_OK || bl_condition(raw, &ec, &out, NULL) != BL_OK)
        test_fail("conditioning the synthetic set failed");
    bl_recording_destroy(raw);
    bl_synth_destroy(s);
    return out;
}

int test_ecg_in_reps(const bl_synth_truth *t, double x)
{
    for (size_t q = 0; q < bl_synth_truth_reps(t); q++) {
        bl_synth_rep rp;
        if (bl_synth_truth_get_rep(t, q, &rp) == BL_OK && x >= rp.start_s - 0.2 && x <= rp.end_s + 0.2) return 1;
    }
    return 0;
}

test_ecg_counts test_ecg_match(const bl_synth_truth *t, const bl_ecg_result *r)
{
    test_ecg_counts c = {{0}, {0}, {0}, 0};
    size_t nt = bl_synth_truth_ecg_count(t), nd = bl_ecg_result_beats(r), j = 0, hits = 0;
    for (size_t i = 0; i < nt; i++) {
        double x = bl_synth_truth_ecg_time(t, i);
        int k = test_ecg_in_reps(t, x);
        c.truth[k]++;
        while (j < nd && bl_ecg_result_beat_time(r, j) < x - TEST_MATCH_S) j++;
        if (j < nd && fabs(bl_ecg_result_beat_time(r, j) - x) <= TEST_MATCH_S) {
            c.hit[k]++;
            c.err_ms += 1000.0 * (bl_ecg_result_beat_time(r, j) - x);
            hits++;
            j++;
        }
    }
    for (size_t i = 0; i < nd; i++) c.found[test_ecg_in_reps(t, bl_ecg_result_beat_time(r, i))]++;
    c.err_ms = hits ? c.err_ms / (double)hits : NAN;
    return c;
}

double test_ecg_ratio(size_t a, size_t b) { return b ? (double)a / (double)b : 1.0; }

double test_ecg_envelope_mean(const bl_recording *rec, size_t ch, double t0, double t1)
{
    bl_recording *e = NULL;
    bl_envelope_config ec;
    bl_envelope_config_default(&ec);
    if (bl_recording_select(rec, &ch, 1, &e) != BL_OK || bl_linear_envelope(e, &ec) != BL_OK)
        test_fail("envelope of a test channel failed");
    const float *d = bl_recording_cdata(e, 0);
    double rate = bl_recording_rate(e), sum = 0;
    size_t i0 = (size_t)(t0 * rate), i1 = (size_t)(t1 * rate), n = bl_recording_frames(e);
    if (i1 > n) i1 = n;
    for (size_t i = i0; i < i1; i++) sum += d[i];
    bl_recording_destroy(e);
    return i1 > i0 ? sum / (double)(i1 - i0) : NAN;
}

bl_recording *test_ecg_copy(const bl_recording *rec)
{
    size_t idx[64], n = bl_recording_channels(rec);
    for (size_t i = 0; i < n; i++) idx[i] = i;
    bl_recording *out = NULL;
    if (bl_recording_select(rec, idx, n, &out) != BL_OK) test_fail("copy failed");
    return out;
}

int test_ecg_same_samples(const bl_recording *a, const bl_recording *b, size_t ch)
{
    return memcmp(bl_recording_cdata(a, ch), bl_recording_cdata(b, ch), bl_recording_frames(a) * sizeof(float)) == 0;
}

bl_ecg_result *test_ecg_new_result(void)
{
    bl_ecg_result *r = NULL;
    if (bl_ecg_result_create(&r) != BL_OK) test_fail("bl_ecg_result_create failed");
    return r;
}

