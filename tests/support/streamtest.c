/* Helpers of the live hinge tests: see streamtest.h. */
#define _POSIX_C_SOURCE 200809L
#include "streamtest.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

/* Per-channel references from the MVC trials, as the capture tool would
 * make them before the set: each trial enveloped, folded into bl_mvc. */
static void make_refs(test_set *st, const bl_hinge_config *cfg)
{
    bl_mvc *m = NULL;
    char why[256];
    CHECK_EQ_INT(bl_mvc_create(st->sess, &cfg->mvc, &m, why, sizeof why), BL_OK);
    for (size_t t = 0; m && t < st->n_mvc; t++) {
        bl_recording *env = NULL;
        CHECK_EQ_INT(bl_envelope_recording(st->mvc[t], &cfg->envelope, &env, NULL), BL_OK);
        if (env) CHECK_EQ_INT(bl_mvc_add_trial(m, env, why, sizeof why), BL_OK);
        bl_recording_destroy(env);
    }
    for (size_t c = 0; m && c < st->nch; c++) bl_mvc_get_reference(m, c, &st->ref[c]);
    bl_mvc_destroy(m);
}


/* Electrode off on channel c: uniform noise of 0.01 full scale peak (about
 * 20 uV at the default gain) instead of the signal. */
void test_set_electrode_off(test_set *st, size_t c)
{
    float *x = bl_recording_data(st->sess, c);
    uint32_t r = 12345u;
    for (size_t i = 0; i < st->frames; i++) {
        r = r * 1664525u + 1013904223u;
        x[i] = (float)((double)(r >> 8) / 16777216.0 - 0.5) * 0.02f;
        st->inter[i * st->nch + c] = x[i];
    }
}

int test_set_make(const char *label, bl_synth_pattern pattern, unsigned seed, int reps, double rate, double lead_s,
                    test_set *st)
{
    memset(st, 0, sizeof *st);
    st->label = label;
    bl_synth_config sc;
    bl_synth_config_default(&sc);
    sc.seed = seed;
    sc.quantise_bits = 0;
    sc.rate_hz = rate;
    char why[256];
    if (bl_synth_create(&sc, &st->s, why, sizeof why) != BL_OK) {
        fprintf(stderr, "%s: synth: %s\n", label, why);
        CHECK(0);
        return -1;
    }
    bl_synth_hinge_config hc;
    bl_synth_hinge_config_default(&hc);
    hc.reps = reps;
    hc.pattern = pattern;
    hc.lead_s = lead_s;
    hc.order = seed % 2 ? BL_SYNTH_GLUTE_FIRST : BL_SYNTH_HAMSTRING_FIRST;
    CHECK_EQ_INT(bl_synth_hinge(st->s, &hc, &st->sess, &st->truth), BL_OK);
    if (!st->sess) return -1;
    st->nch = bl_recording_channels(st->sess);
    st->frames = bl_recording_frames(st->sess);
    st->rate = bl_recording_rate(st->sess);
    bl_synth_mvc_config mc;
    bl_synth_mvc_config_default(&mc);
    for (size_t c = 0; c < st->nch && c < TEST_MAX_CH; c++) {
        if (bl_chanmap_muscle(bl_synth_chanmap(st->s), c) == BL_MUSCLE_AUX) continue;
        CHECK_EQ_INT(bl_synth_mvc(st->s, &mc, c, &st->mvc[st->n_mvc], NULL), BL_OK);
        if (st->mvc[st->n_mvc]) st->n_mvc++;
    }
    bl_hinge_config cfg;
    bl_hinge_config_default(&cfg);
    make_refs(st, &cfg);
    st->inter = malloc(st->frames * st->nch * sizeof *st->inter);
    if (!st->inter) return -1;
    for (size_t c = 0; c < st->nch; c++) {
        const float *x = bl_recording_cdata(st->sess, c);
        for (size_t i = 0; i < st->frames; i++) st->inter[i * st->nch + c] = x[i];
    }
    return 0;
}

void test_set_free(test_set *st)
{
    for (size_t t = 0; t < st->n_mvc; t++) bl_recording_destroy(st->mvc[t]);
    bl_recording_destroy(st->sess);
    bl_synth_truth_destroy(st->truth);
    bl_synth_destroy(st->s);
    free(st->inter);
}


double test_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Feed st's session in blocks of blocks[k % nblocks] frames, popping after
 * every call; refs may be NULL. 0, or -1 when the stream was not made. */
int test_stream_run(const test_set *st, const bl_hinge_stream_config *cfg, const bl_mvc_reference *refs,
                      const size_t *blocks, size_t nblocks, test_live *out)
{
    memset(out, 0, sizeof *out);
    bl_hinge_stream *s = NULL;
    bl_status rc = bl_hinge_stream_create(cfg, bl_synth_chanmap(st->s), st->rate, refs, &s);
    CHECK_MSG(rc == BL_OK, "%s: stream create: %s", st->label, bl_strerror(rc));
    if (!s) return -1;
    size_t at = 0;
    for (size_t k = 0; at < st->frames; k++) {
        size_t len = blocks[k % nblocks];
        if (len > st->frames - at) len = st->frames - at;
        size_t done = 0;
        double t0 = test_cpu_now();
        CHECK_EQ_INT(bl_hinge_stream_process(s, st->inter + at * st->nch, len, &done), BL_OK);
        out->cpu_s += test_cpu_now() - t0;
        at += len;
        bl_hinge_live_rep r;
        size_t popped = 0;
        while (bl_hinge_stream_next_rep(s, &r) == BL_OK) {
            popped++;
            if (out->n < TEST_MAX_REPS) {
                out->rep[out->n] = r;
                out->popped_s[out->n] = (double)at / st->rate;
                out->n++;
            }
        }
        CHECK_EQ_INT(popped, done);
    }
    CHECK_EQ_INT(bl_hinge_stream_dropped(s), 0);
    CHECK_EQ_INT(bl_hinge_stream_reps(s), out->n);
    bl_hinge_stream_get_state(s, &out->end_state);
    bl_hinge_stream_destroy(s);
    return 0;
}
