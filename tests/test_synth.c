/* The synth library (backline/synth.h): contract, determinism, the ground
 * truth of a hinge set, board path. What is measured on the generated
 * signal (spectrum, amplitude, rate independence, fatigue, burst shape,
 * artefacts) is in test_synth_signal.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/synth.h"
#include "check.h"
#include "synthtest.h"

/* -------------------------------------------------------------- contract */

static void test_contract(void)
{
    bl_synth_config cfg;
    bl_synth_config_default(&cfg);
    bl_synth *s = NULL;
    char why[256];
    CHECK_EQ_INT(bl_synth_create(NULL, &s, NULL, 0), BL_EINVAL);
    CHECK_EQ_INT(bl_synth_create(&cfg, NULL, NULL, 0), BL_EINVAL);
    bl_synth_config c = cfg;
    c.rate_hz = 500;
    CHECK_EQ_INT(bl_synth_create(&c, &s, NULL, 0), BL_ERATE);
    CHECK(s == NULL);
    c = cfg;
    c.rate_hz = NAN;
    CHECK_EQ_INT(bl_synth_create(&c, &s, NULL, 0), BL_EINVAL);
    c = cfg;
    c.mains_hz = 55;
    CHECK_EQ_INT(bl_synth_create(&c, &s, NULL, 0), BL_ERANGE);
    c = cfg;
    c.crosstalk = 0.9;
    CHECK_EQ_INT(bl_synth_create(&c, &s, NULL, 0), BL_ERANGE);
    c = cfg;
    c.gain = 0;
    CHECK_EQ_INT(bl_synth_create(&c, &s, NULL, 0), BL_ERANGE);
    c = cfg;
    c.quantise_bits = 8;
    CHECK_EQ_INT(bl_synth_create(&c, &s, NULL, 0), BL_EINVAL);
    c = cfg;
    c.noise_uV = -1;
    CHECK_EQ_INT(bl_synth_create(&c, &s, NULL, 0), BL_EINVAL);
    c = cfg;
    c.map = "L.ST,L.XX";
    why[0] = '\0';
    CHECK_EQ_INT(bl_synth_create(&c, &s, why, sizeof why), BL_EMAP);
    CHECK_MSG(why[0] != '\0', "an unknown code must say why");
    c.map = "AUX";
    CHECK_EQ_INT(bl_synth_create(&c, &s, why, sizeof why), BL_EMAP);
    bl_synth_destroy(NULL);
    bl_synth_truth_destroy(NULL);

    c = cfg;
    c.map = "L.ST,AUX,L.BF";
    s = test_make_synth(&c);
    CHECK_EQ_INT(bl_synth_channels(s), 3);
    CHECK(!strcmp(bl_synth_map(s), "L.ST,AUX,L.BF"));
    CHECK(bl_synth_mvc_uV(s, 1) == 0.0);
    CHECK(bl_synth_mvc_uV(s, 0) > 100.0);
    bl_synth_hinge_config h;
    bl_synth_hinge_config_default(&h);
    bl_recording *rec = (bl_recording *)1;
    h.reps = 0;
    CHECK_EQ_INT(bl_synth_hinge(s, &h, &rec, NULL), BL_EINVAL);
    CHECK(rec == NULL);
    bl_synth_hinge_config_default(&h);
    h.fatigue = 0.9;
    CHECK_EQ_INT(bl_synth_hinge(s, &h, &rec, NULL), BL_EINVAL);
    bl_synth_hinge_config_default(&h);
    h.shape = (bl_synth_shape)7;
    CHECK_EQ_INT(bl_synth_hinge(s, &h, &rec, NULL), BL_EINVAL);
    bl_synth_mvc_config m;
    bl_synth_mvc_config_default(&m);
    CHECK_EQ_INT(bl_synth_mvc(s, &m, 1, &rec, NULL), BL_EINVAL); /* AUX */
    CHECK_EQ_INT(bl_synth_mvc(s, &m, 3, &rec, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_synth_rest(s, 0.1, &rec, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_synth_rest(NULL, 2.0, &rec, NULL), BL_EINVAL);

    /* The AUX channel carries the hip angle, full scale = 180°. */
    bl_synth_truth *t = NULL;
    bl_synth_hinge_config_default(&h);
    h.reps = 2;
    CHECK(bl_synth_hinge(s, &h, &rec, &t) == BL_OK);
    bl_synth_rep r;
    CHECK(bl_synth_truth_get_rep(t, 0, &r) == BL_OK);
    CHECK_EQ_INT(bl_synth_truth_get_rep(t, 2, &r), BL_ERANGE);
    CHECK(bl_synth_truth_get_rep(t, 0, &r) == BL_OK);
    double ang = bl_recording_cdata(rec, 1)[(size_t)(r.turn_s * 2000)] * 180.0;
    CHECK_MSG(ang > 65 && ang < 100, "hip angle at the turn %.1f deg", ang);
    CHECK(fabs(bl_recording_cdata(rec, 1)[10]) < 1e-3);
    CHECK(isnan(bl_synth_truth_level(t, 0, 1)));
    CHECK(isnan(bl_synth_truth_level(t, 5, 0)));
    CHECK(bl_recording_gain(rec, 1) == 0.0 && bl_recording_gain(rec, 0) == cfg.gain);
    CHECK(bl_recording_map(rec) && !strcmp(bl_recording_map(rec), "L.ST,AUX,L.BF"));
    bl_recording_destroy(rec);
    bl_synth_truth_destroy(t);
    bl_synth_destroy(s);

    CHECK_EQ_INT(bl_synth_pattern_from_name("drift"), BL_SYNTH_DRIFT);
    CHECK_EQ_INT(bl_synth_pattern_from_name("Drift"), -1);
    CHECK(!strcmp(bl_synth_order_name(BL_SYNTH_HAMSTRING_FIRST), "hamstring-first"));
}

/* -------------------------------------------------------- determinism */

static int same_recording(const bl_recording *a, const bl_recording *b)
{
    if (bl_recording_channels(a) != bl_recording_channels(b) || bl_recording_frames(a) != bl_recording_frames(b))
        return 0;
    for (size_t c = 0; c < bl_recording_channels(a); c++)
        if (memcmp(bl_recording_cdata(a, c), bl_recording_cdata(b, c), bl_recording_frames(a) * sizeof(float)))
            return 0;
    return 1;
}

static void test_determinism(void)
{
    bl_synth_config cfg;
    bl_synth_config_default(&cfg);
    cfg.seed = 42;
    bl_synth_hinge_config h;
    bl_synth_hinge_config_default(&h);
    h.reps = 3;
    h.pattern = BL_SYNTH_DRIFT;
    bl_synth_mvc_config m;
    bl_synth_mvc_config_default(&m);

    bl_synth *a = test_make_synth(&cfg), *b = test_make_synth(&cfg);
    bl_recording *ra = NULL, *rb = NULL, *rm = NULL, *rc = NULL;
    /* b makes an MVC trial first: scenarios use their own streams, so the
     * hinge must not move. */
    CHECK(bl_synth_mvc(b, &m, 0, &rm, NULL) == BL_OK);
    CHECK(bl_synth_hinge(a, &h, &ra, NULL) == BL_OK);
    CHECK(bl_synth_hinge(b, &h, &rb, NULL) == BL_OK);
    CHECK_MSG(same_recording(ra, rb), "same seed must give identical samples");
    bl_recording_destroy(rb);
    CHECK(bl_synth_hinge(a, &h, &rb, NULL) == BL_OK);
    CHECK_MSG(same_recording(ra, rb), "the same object twice must give identical samples");

    bl_synth_config c2 = cfg;
    c2.seed = 43;
    bl_synth *d = test_make_synth(&c2);
    CHECK(bl_synth_hinge(d, &h, &rc, NULL) == BL_OK);
    if (bl_recording_frames(rc) == bl_recording_frames(ra))
        CHECK_MSG(!same_recording(ra, rc), "a different seed must give different samples");
    size_t differ = 0;
    size_t nmin = bl_recording_frames(rc) < bl_recording_frames(ra) ? bl_recording_frames(rc) : bl_recording_frames(ra);
    for (size_t i = 0; i < nmin; i++)
        differ += bl_recording_cdata(ra, 0)[i] != bl_recording_cdata(rc, 0)[i];
    CHECK_MSG(differ > nmin / 2, "seed 43 differs from 42 in only %zu of %zu samples", differ, nmin);

    bl_recording_destroy(ra);
    bl_recording_destroy(rb);
    bl_recording_destroy(rc);
    bl_recording_destroy(rm);
    bl_synth_destroy(a);
    bl_synth_destroy(b);
    bl_synth_destroy(d);
}

/* ------------------------------------------------------------------ truth */

/* A drift set of 8 reps in both firing orders: the truth's timeline, chain
 * labels, firing order, levels, motion events and heart rate. The set is
 * the one whose spectra the fatigue check (test_synth_signal.c) measures. */
static void test_truth(void)
{
    bl_synth_config cfg;
    test_drift_config(&cfg);
    bl_synth *s = test_make_synth(&cfg);
    for (int order = 0; order < 2; order++) {
        bl_synth_hinge_config h;
        bl_synth_hinge_config_default(&h);
        h.reps = 8;
        h.pattern = BL_SYNTH_DRIFT;
        h.order = (bl_synth_order)order;
        bl_recording *rec = NULL;
        bl_synth_truth *t = NULL;
        CHECK(bl_synth_hinge(s, &h, &rec, &t) == BL_OK);
        CHECK_EQ_INT(bl_synth_truth_reps(t), 8);
        CHECK_EQ_INT(bl_synth_truth_motion_count(t), 24);
        double dur = bl_recording_duration(rec);
        CHECK_NEAR(bl_synth_truth_duration(t), dur, 1e-3);
        /* Resting 60–85 bpm from the seed, climbing up to +15 % over the set. */
        double bpm = 60.0 * (double)bl_synth_truth_ecg_count(t) / dur, rest = bl_synth_truth_heart_rate(t);
        printf("  heart: rest %.1f bpm, mean %.1f over the set, %.1f beats/min counted\n", rest,
               bl_synth_truth_mean_heart_rate(t), bpm);
        CHECK_MSG(rest >= 60 && rest <= 85, "resting heart rate %.1f", rest);
        CHECK_MSG(bpm > rest * 0.97 && bpm < rest * 1.15, "%.1f ECG beats per minute at rest %.1f", bpm, rest);
        CHECK(bl_synth_truth_mean_heart_rate(t) > rest);
        double prev_end = 0;
        size_t n_int = 0;
        for (size_t k = 0; k < 8; k++) {
            bl_synth_rep r;
            bl_synth_truth_get_rep(t, k, &r);
            double ecc = r.turn_s - r.start_s, con = r.end_s - r.turn_s;
            CHECK_MSG(ecc >= 1.5 && ecc <= 2.5 && con >= 1.0 && con <= 1.5, "rep %zu ecc %.2f con %.2f", k, ecc, con);
            CHECK(r.start_s - prev_end >= (k ? 1.0 : 0.3) - 1e-9);
            prev_end = r.end_s;
            n_int += r.chain == BL_CHAIN_INTERNAL;
            /* Drift: internal first, then external; never ambiguous. */
            CHECK(r.chain == (k < 4 ? BL_CHAIN_INTERNAL : BL_CHAIN_EXTERNAL));
            CHECK(fabs(r.blend - 0.5) >= 0.3 - 1e-9);
            /* Firing order in the truth. */
            double st = bl_synth_truth_onset(t, k, 0), gm = bl_synth_truth_onset(t, k, 2);
            if (order == BL_SYNTH_GLUTE_FIRST)
                CHECK_MSG(st - gm >= 0.04 && st - gm <= 0.2, "glute-first rep %zu: ST-GMAX %.3f s", k, st - gm);
            else
                CHECK_MSG(gm - st >= 0.015 && gm - st <= 0.2, "hamstring-first rep %zu: GMAX-ST %.3f s", k, gm - st);
            /* Levels follow the pattern. */
            double lst = bl_synth_truth_level(t, k, 0), lbf = bl_synth_truth_level(t, k, 1);
            CHECK(r.chain == BL_CHAIN_INTERNAL ? lst > lbf : lbf > lst);
            CHECK(bl_synth_truth_ecc_level(t, k, 0) < lst);
        }
        CHECK_EQ_INT(n_int, 4);
        bl_recording_destroy(rec);
        bl_synth_truth_destroy(t);
    }
    bl_synth_destroy(s);
}

/* ------------------------------------------------------------ board path */

static void test_board(void)
{
    bl_synth_config cfg;
    bl_synth_config_default(&cfg);
    cfg.map = "L.BF";
    bl_synth_mvc_config m;
    bl_synth_mvc_config_default(&m);

    /* 16-bit: every sample on the 1/32768 grid; 24-bit likewise. */
    for (int bits = 16; bits <= 24; bits += 8) {
        cfg.quantise_bits = bits;
        bl_synth *s = test_make_synth(&cfg);
        bl_recording *rec = NULL;
        bl_synth_truth *t = NULL;
        CHECK(bl_synth_mvc(s, &m, 0, &rec, &t) == BL_OK);
        double q = ldexp(1.0, bits - 1);
        size_t off = 0;
        for (size_t i = 0; i < bl_recording_frames(rec); i++) {
            double v = bl_recording_cdata(rec, 0)[i] * q;
            off += fabs(v - nearbyint(v)) > 1e-3;
        }
        CHECK_MSG(off == 0, "%zu samples off the %d-bit grid", off, bits);
        CHECK_EQ_INT(bl_synth_truth_clipped(t, 0), 0);
        bl_recording_destroy(rec);
        bl_synth_truth_destroy(t);
        bl_synth_destroy(s);
    }
    /* Overdriven: gain 5000 into 1 V clips a 420 µV-RMS BF at MVC. */
    cfg.quantise_bits = 0;
    cfg.gain = 5000;
    bl_synth *s = test_make_synth(&cfg);
    bl_recording *rec = NULL;
    bl_synth_truth *t = NULL;
    CHECK(bl_synth_mvc(s, &m, 0, &rec, &t) == BL_OK);
    size_t at_rail = 0;
    float mx = 0;
    for (size_t i = 0; i < bl_recording_frames(rec); i++) {
        float v = fabsf(bl_recording_cdata(rec, 0)[i]);
        at_rail += v >= 1.0f;
        if (v > mx)
            mx = v;
    }
    printf("  overdriven: %zu clipped samples, max |x| %.3f\n", bl_synth_truth_clipped(t, 0), mx);
    CHECK(bl_synth_truth_clipped(t, 0) > 100);
    CHECK(mx <= 1.0f);
    CHECK_EQ_INT(at_rail, bl_synth_truth_clipped(t, 0));
    CHECK_NEAR(bl_recording_gain(rec, 0), 5000, 0);
    bl_recording_destroy(rec);
    bl_synth_truth_destroy(t);
    bl_synth_destroy(s);
}

int main(void)
{
    printf("contract\n");
    test_contract();
    printf("determinism\n");
    test_determinism();
    printf("truth\n");
    test_truth();
    printf("board path\n");
    test_board();
    return test_finish("test_synth");
}
