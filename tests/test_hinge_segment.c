/* bl_hinge_segment_find on hand-made envelopes: rests from 0.3 s to 8 s
 * between repetitions (short rests leave the activity above the off
 * threshold, so repetitions must be split at their valleys), 1 to 20
 * repetitions, a trunk channel with ECG-like spikes that must not create
 * repetitions, a motion spike, a flat channel, the eccentric/concentric
 * turn, and the argument contract. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/hinge.h"
#include "check.h"
#include "match.h"

#define RATE 500.0
#define MAXN 200000

typedef struct rep {
    double start, turn, end;
} rep;

static double rc(double u) { return u <= 0 ? 0 : u >= 1 ? 1 : 0.5 - 0.5 * cos(M_PI * u); }

static unsigned long long lcg = 88172645463325252ULL;
static double urand(void)
{
    lcg ^= lcg << 13;
    lcg ^= lcg >> 7;
    lcg ^= lcg << 17;
    return (double)(lcg >> 11) * 0x1.0p-53;
}

/* Activity of one muscle at time t: rest, eccentric level E, concentric C. */
static double level(const rep *r, size_t nr, double t, double E, double C, double rest)
{
    double v = rest;
    for (size_t k = 0; k < nr; k++) {
        if (t < r[k].start - 0.1 || t > r[k].end + 0.4) continue;
        double x;
        if (t < r[k].turn) x = rest + (E - rest) * rc((t - r[k].start) / 0.25);
        else if (t < r[k].end) x = E + (C - E) * rc((t - r[k].turn) / 0.2);
        else x = C + (rest - C) * rc((t - r[k].end) / 0.3);
        if (x > v) v = x;
    }
    return v;
}

/* Build 4 channels (two hamstrings, glute, trunk with ECG), segment, and
 * return the F1 at IoU 0.5 and the mean turn error. */
static double run(const rep *r, size_t nr, double dur, double *turn_err, size_t *found, int flat_channel)
{
    size_t n = (size_t)(dur * RATE);
    float *ch[5];
    for (int c = 0; c < 5; c++) ch[c] = calloc(n, sizeof(float));
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / RATE;
        double noise = 0.08 * (urand() - 0.5);
        ch[0][i] = (float)(level(r, nr, t, 30, 50, 2) * (1 + noise));
        ch[1][i] = (float)(level(r, nr, t, 20, 35, 1.5) * (1 + noise));
        ch[2][i] = (float)(level(r, nr, t, 25, 60, 3) * (1 + noise));
        /* Trunk: modest activity and strong ECG bumps every 0.83 s. */
        double ph = fmod(t, 0.83);
        ch[3][i] = (float)(level(r, nr, t, 15, 20, 3) + 25.0 * exp(-ph * ph / (2 * 0.02 * 0.02)));
        ch[4][i] = flat_channel ? 0.0f : (float)(level(r, nr, t, 10, 15, 1));
    }
    /* A motion spike in a rest. */
    if (nr > 1) {
        double mid = 0.5 * (r[0].end + r[1].start);
        for (size_t i = (size_t)(mid * RATE); i < (size_t)((mid + 0.03) * RATE) && i < n; i++) ch[0][i] += 400;
    }
    double w[5] = {1, 1, 1, 0.25, 1};
    bl_hinge_segment_config cfg;
    bl_hinge_segment_config_default(&cfg);
    bl_hinge_segment segs[64];
    size_t ns = 0;
    unsigned char ign[5];
    bl_status st = bl_hinge_segment_find((const float *const *)ch, w, 5, n, RATE, NULL, &cfg, segs, 64, &ns, ign);
    CHECK_EQ_INT(st, BL_OK);
    if (flat_channel) CHECK_EQ_INT(ign[4], 1);
    else CHECK_EQ_INT(ign[4], 0);
    /* Each true repetition against the segments kept (the first 64; the
     * precision counts every segment found). */
    test_interval truth_iv[20], found_iv[64];
    size_t nf = ns < 64 ? ns : 64, match[20], tn = 0;
    for (size_t k = 0; k < nr; k++) truth_iv[k] = (test_interval){r[k].start, r[k].end};
    for (size_t j = 0; j < nf; j++) found_iv[j] = (test_interval){segs[j].start_s, segs[j].end_s};
    test_match_rule rule = test_match_iou(0.5);
    test_match_counts mc;
    test_match(truth_iv, nr, found_iv, nf, &rule, match, &mc);
    mc.found = ns;
    double te = 0;
    for (size_t k = 0; k < nr; k++) {
        if (match[k] == TEST_UNMATCHED || !isfinite(segs[match[k]].turn_s)) continue;
        te += fabs(segs[match[k]].turn_s - r[k].turn);
        tn++;
    }
    for (int c = 0; c < 5; c++) free(ch[c]);
    *found = ns;
    *turn_err = tn ? te / (double)tn : NAN;
    return test_f1(&mc);
}

int main(void)
{
    const double rests[] = {0.3, 0.5, 1.0, 2.0, 4.0, 8.0};
    const size_t counts[] = {1, 2, 5, 12, 20};
    for (size_t ri = 0; ri < sizeof rests / sizeof rests[0]; ri++)
        for (size_t ci = 0; ci < sizeof counts / sizeof counts[0]; ci++) {
            rep r[20];
            size_t nr = counts[ci];
            double t = 1.5;
            for (size_t k = 0; k < nr; k++) {
                double ecc = 1.5 + urand(), con = 1.0 + 0.5 * urand();
                r[k].start = t;
                r[k].turn = t + ecc;
                r[k].end = t + ecc + con;
                /* Rests vary around the nominal length (x0.6 .. x1.6). */
                t = r[k].end + rests[ri] * (0.6 + urand());
            }
            double dur = r[nr - 1].end + 1.5, te;
            size_t found;
            double f1 = run(r, nr, dur, &te, &found, (int)(ri % 2));
            printf("rest %.1f s, %2zu reps: found %2zu, F1 %.3f, mean |turn error| %.2f s\n", rests[ri], nr, found,
                   f1, te);
            CHECK_MSG(f1 >= 0.95, "rest %.1f s, %zu reps: F1 %.3f", rests[ri], nr, f1);
        }

    /* Only the trunk (ECG) moves: no repetitions. */
    {
        size_t n = (size_t)(30 * RATE);
        float *a = calloc(n, sizeof(float)), *b = calloc(n, sizeof(float)), *e = calloc(n, sizeof(float));
        for (size_t i = 0; i < n; i++) {
            double t = (double)i / RATE, ph = fmod(t, 0.8);
            a[i] = (float)(3 * (1 + 0.1 * (urand() - 0.5)));
            b[i] = (float)(2 * (1 + 0.1 * (urand() - 0.5)));
            e[i] = (float)(3 + 30 * exp(-ph * ph / (2 * 0.02 * 0.02)));
        }
        const float *ch[3] = {a, b, e};
        double w[3] = {1, 1, 0.25};
        bl_hinge_segment_config cfg;
        bl_hinge_segment_config_default(&cfg);
        bl_hinge_segment segs[8];
        size_t ns = 99;
        CHECK_EQ_INT(bl_hinge_segment_find(ch, w, 3, n, RATE, NULL, &cfg, segs, 8, &ns, NULL), BL_OK);
        CHECK_MSG(ns == 0, "quiet standing with ECG on the trunk gave %zu repetitions", ns);
        /* Asking for the count only (max_segments 0) works too. */
        CHECK_EQ_INT(bl_hinge_segment_find(ch, w, 3, n, RATE, NULL, &cfg, NULL, 0, &ns, NULL), BL_OK);
        free(a);
        free(b);
        free(e);
    }

    /* Contract. */
    {
        float x[1000] = {0};
        const float *ch[1] = {x};
        bl_hinge_segment_config cfg;
        bl_hinge_segment_config_default(&cfg);
        size_t ns;
        double w = -1;
        CHECK_EQ_INT(bl_hinge_segment_find(ch, &w, 1, 1000, RATE, NULL, &cfg, NULL, 0, &ns, NULL), BL_EINVAL);
        CHECK_EQ_INT(bl_hinge_segment_find(ch, NULL, 0, 1000, RATE, NULL, &cfg, NULL, 0, &ns, NULL), BL_EINVAL);
        CHECK_EQ_INT(bl_hinge_segment_find(ch, NULL, 1, 1000, 0, NULL, &cfg, NULL, 0, &ns, NULL), BL_EINVAL);
        CHECK_EQ_INT(bl_hinge_segment_find(ch, NULL, 1, 1000, RATE, NULL, NULL, NULL, 0, &ns, NULL), BL_EINVAL);
        /* A flat channel is a finding (no repetitions), not an error. */
        ns = 99;
        CHECK_EQ_INT(bl_hinge_segment_find(ch, NULL, 1, 1000, RATE, NULL, &cfg, NULL, 0, &ns, NULL), BL_OK);
        CHECK_EQ_INT(ns, 0);
        w = 0;
        CHECK_EQ_INT(bl_hinge_segment_find(ch, &w, 1, 1000, RATE, NULL, &cfg, NULL, 0, &ns, NULL), BL_ENODATA);
        CHECK_EQ_INT(bl_hinge_segment_find(ch, NULL, 1, 100, RATE, NULL, &cfg, NULL, 0, &ns, NULL), BL_ENODATA);
        CHECK_EQ_INT(bl_hinge_segment_find(ch, NULL, 1, 1000, RATE, NULL, &cfg, NULL, 5, &ns, NULL), BL_EINVAL);
        cfg.min_used_weight = 2;
        CHECK_EQ_INT(bl_hinge_segment_find(ch, NULL, 1, 1000, RATE, NULL, &cfg, NULL, 0, &ns, NULL), BL_EINVAL);
        CHECK(bl_hinge_segment_weight(BL_MUSCLE_ST) > bl_hinge_segment_weight(BL_MUSCLE_ES));
        CHECK(bl_hinge_segment_weight(BL_MUSCLE_AUX) == 0);
    }
    return test_finish("test_hinge_segment");
}
