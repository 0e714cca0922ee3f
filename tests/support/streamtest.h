/* Helpers of the live hinge tests (test_hinge_stream*.c): a synthetic
 * set with its MVC trials, the references made from them and the session
 * interleaved as a sound card delivers it, and a stream run over it in
 * blocks. */
#ifndef TEST_STREAMTEST_H
#define TEST_STREAMTEST_H

#include <stddef.h>

#include "backline/hinge.h"
#include "backline/synth.h"

#define TEST_MAX_REPS 64
#define TEST_MAX_CH 16

typedef struct test_set {
    const char *label;
    bl_synth *s;
    bl_recording *sess;
    bl_recording *mvc[TEST_MAX_CH];
    size_t n_mvc, nch, frames;
    double rate;
    bl_mvc_reference ref[TEST_MAX_CH];
    float *inter; /* the session interleaved, as a sound card delivers it */
    bl_synth_truth *truth;
} test_set;

/* What the stream handed out, and when the caller could have it. */
typedef struct test_live {
    size_t n;
    bl_hinge_live_rep rep[TEST_MAX_REPS];
    double popped_s[TEST_MAX_REPS]; /* signal fed when the call that queued it returned */
    bl_hinge_live_state end_state;
    double cpu_s; /* thread CPU time spent in process */
} test_live;

/* The set: `reps` repetitions of `pattern` at `rate` after lead_s of quiet
 * standing, 32-bit float samples, an MVC trial per EMG channel and the
 * references bl_mvc makes from them (as the capture tool would before the
 * set). -1 (a counted failure) when it cannot be made; test_set_free in
 * either case. */
int test_set_make(const char *label, bl_synth_pattern pattern, unsigned seed, int reps, double rate, double lead_s,
                  test_set *st);
void test_set_free(test_set *st);
/* Electrode off on channel c: uniform noise of 0.01 full scale peak (about
 * 20 uV at the default gain) instead of the signal, in both copies. */
void test_set_electrode_off(test_set *st, size_t c);
/* Feed st's session in blocks of blocks[k % nblocks] frames, popping after
 * every call (checks that the counts agree); refs may be NULL. 0, or -1
 * (a counted failure) when the stream was not made. */
int test_stream_run(const test_set *st, const bl_hinge_stream_config *cfg, const bl_mvc_reference *refs,
                    const size_t *blocks, size_t nblocks, test_live *out);
/* This thread's CPU time, s. */
double test_cpu_now(void);

#endif
