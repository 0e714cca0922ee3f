/* Helpers for the ECG removal tests (test_ecg*.c): synthetic sets
 * conditioned as the pipeline does, matching detections to the truth,
 * envelope levels, copies. */
#ifndef TEST_ECGTEST_H
#define TEST_ECGTEST_H

#include <stddef.h>
#include <stdint.h>

#include "backline/ecg.h"
#include "backline/recording.h"
#include "backline/synth.h"

#define TEST_TRUNK8 "L.ST,L.BF,L.GMAX,L.ES,L.EO,L.IO,R.ES,R.EO"
/* A detection within 50 ms of a true R wave is a hit. */
#define TEST_MATCH_S 0.05

typedef struct test_ecg_set {
    uint64_t seed;
    double hr_bpm;      /* 0: drawn */
    const char *map;    /* NULL: the default map (L.ES, L.EO trunk) */
    int hinge;          /* 0: rest 60 s */
    bl_synth_pattern pattern;
    double motion_uV;   /* < 0: the default */
} test_ecg_set;

/* A conditioned recording (bl_condition at 2 kHz, 20-450 Hz, 50 Hz notch,
 * µV) of the set with ecg_uV of ECG, and its truth (caller frees both);
 * fails the test when anything fails. */
bl_recording *test_ecg_make_set(const test_ecg_set *sp, double ecg_uV, bl_synth_truth **truth);
/* Whether time x (s) lies in a repetition (±0.2 s) of the truth. */
int test_ecg_in_reps(const bl_synth_truth *t, double x);

/* Hits, true beats and detections, [0] outside the repetitions, [1]
 * inside; err_ms: mean signed timing error of the hits. */
typedef struct test_ecg_counts {
    size_t hit[2], truth[2], found[2];
    double err_ms;
} test_ecg_counts;
test_ecg_counts test_ecg_match(const bl_synth_truth *t, const bl_ecg_result *r);
/* a / b, 1 when b is 0. */
double test_ecg_ratio(size_t a, size_t b);

/* Mean 6 Hz linear envelope of channel ch between t0 and t1 s. */
double test_ecg_envelope_mean(const bl_recording *rec, size_t ch, double t0, double t1);
/* A copy of every channel; 1 when channel ch holds the same samples. */
bl_recording *test_ecg_copy(const bl_recording *rec);
int test_ecg_same_samples(const bl_recording *a, const bl_recording *b, size_t ch);
bl_ecg_result *test_ecg_new_result(void);

#endif
