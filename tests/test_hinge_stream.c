/* The live hinge segmenter (bl_hinge_stream) against the offline analysis
 * (bl_hinge_analyse) on synthetic sets (internal, external, alternating
 * and drift patterns, three seeds each, MVC trials for every EMG channel):
 * the stream, fed the raw session in blocks of 64, 256 and 1000 frames,
 * must find the same number of repetitions, each with its start and end
 * within BOUNDARY_TOL_S of the offline one, the same verdict, and have it
 * ready no later than LATENCY_MAX_S of signal after the offline end (also
 * checked against when the caller could pop it). The measured figures are
 * printed.
 *
 * Also: blocks of any size give identical results; a refused block (NaN)
 * changes nothing; reset equals a fresh stream; the live state (in a
 * repetition, the hamstrings' balance) in and between repetitions; no
 * references (unknown, offline's reason); the queue's overflow; contract
 * errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/hinge.h"
#include "backline/synth.h"
#include "check.h"

#define BOUNDARY_TOL_S 0.3
#define LATENCY_MAX_S 0.5
#define MAX_REPS 64
#define MAX_CH 16

typedef struct set {
    const char *label;
    bl_synth *s;
    bl_recording *sess;
    bl_recording *mvc[MAX_CH];
    size_t n_mvc, nch, frames;
    double rate;
    bl_mvc_reference ref[MAX_CH];
    float *inter; /* the session interleaved, as a sound card delivers it */
    bl_synth_truth *truth;
} set;

/* Per-channel references from the MVC trials, as the capture tool would
 * make them before the set: each trial enveloped, folded into bl_mvc. */
static void make_refs(set *st, const bl_hinge_config *cfg)
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

static int make_set(const char *label, bl_synth_pattern pattern, unsigned seed, int reps, set *st)
{
    memset(st, 0, sizeof *st);
    st->label = label;
    bl_synth_config sc;
    bl_synth_config_default(&sc);
    sc.seed = seed;
    sc.quantise_bits = 0;
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
    hc.order = seed % 2 ? BL_SYNTH_GLUTE_FIRST : BL_SYNTH_HAMSTRING_FIRST;
    CHECK_EQ_INT(bl_synth_hinge(st->s, &hc, &st->sess, &st->truth), BL_OK);
    if (!st->sess) return -1;
    st->nch = bl_recording_channels(st->sess);
    st->frames = bl_recording_frames(st->sess);
    st->rate = bl_recording_rate(st->sess);
    bl_synth_mvc_config mc;
    bl_synth_mvc_config_default(&mc);
    for (size_t c = 0; c < st->nch && c < MAX_CH; c++) {
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

static void free_set(set *st)
{
    for (size_t t = 0; t < st->n_mvc; t++) bl_recording_destroy(st->mvc[t]);
    bl_recording_destroy(st->sess);
    bl_synth_truth_destroy(st->truth);
    bl_synth_destroy(st->s);
    free(st->inter);
}

/* What the stream handed out, and when the caller could have it. */
typedef struct live {
    size_t n;
    bl_hinge_live_rep rep[MAX_REPS];
    double popped_s[MAX_REPS]; /* signal fed when the call that queued it returned */
    bl_hinge_live_state end_state;
} live;

/* Feed st's session in blocks of blocks[k % nblocks] frames, popping after
 * every call; refs may be NULL. 0, or -1 when the stream was not made. */
static int run_stream(const set *st, const bl_hinge_stream_config *cfg, const bl_mvc_reference *refs,
                      const size_t *blocks, size_t nblocks, live *out)
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
        CHECK_EQ_INT(bl_hinge_stream_process(s, st->inter + at * st->nch, len, &done), BL_OK);
        at += len;
        bl_hinge_live_rep r;
        size_t popped = 0;
        while (bl_hinge_stream_next_rep(s, &r) == BL_OK) {
            popped++;
            if (out->n < MAX_REPS) {
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

typedef struct figures {
    size_t sets, reps, reps_offline, count_ok, verdict_ok, verdict_n;
    double worst_start, worst_end, worst_latency, worst_pop, worst_mean; /* s, s, s, s, %MVC */
    double sum_start, sum_end, sum_latency;
} figures;

/* One set's stream run against its offline analysis. */
static void compare(const set *st, const bl_hinge *h, const live *lv, size_t block, figures *f)
{
    size_t n_off = bl_hinge_reps(h);
    f->reps_offline += n_off;
    f->reps += lv->n;
    CHECK_MSG(lv->n == n_off, "%s, blocks of %zu: %zu repetitions live, %zu offline", st->label, block, lv->n,
              n_off);
    if (lv->n == n_off) f->count_ok++;
    for (size_t k = 0; k < n_off && k < lv->n; k++) {
        bl_hinge_rep r;
        bl_hinge_get_rep(h, k, &r);
        const bl_hinge_live_rep *l = &lv->rep[k];
        double ds = fabs(l->start_s - r.start_s), de = fabs(l->end_s - r.end_s);
        double lat = l->confirmed_s - r.end_s, pop = lv->popped_s[k] - r.end_s;
        CHECK_MSG(ds <= BOUNDARY_TOL_S && de <= BOUNDARY_TOL_S,
                  "%s rep %zu: live [%.2f, %.2f] s, offline [%.2f, %.2f] s", st->label, k, l->start_s, l->end_s,
                  r.start_s, r.end_s);
        CHECK_MSG(lat <= LATENCY_MAX_S, "%s rep %zu: verdict %.3f s after the offline end", st->label, k, lat);
        /* Confirmation time is honest: the caller had it no earlier, and at
         * the latest at the end of the block that held it. */
        CHECK_MSG(lv->popped_s[k] >= l->confirmed_s - 1e-9 &&
                      lv->popped_s[k] - l->confirmed_s <= (double)block / st->rate + 1e-9,
                  "%s rep %zu: confirmed at %.3f s, popped at %.3f s (blocks of %zu)", st->label, k, l->confirmed_s,
                  lv->popped_s[k], block);
        f->verdict_n++;
        if (l->verdict == r.verdict) f->verdict_ok++;
        else
            fprintf(stderr, "  %s rep %zu: live %s (index %+.3f: %s), offline %s (index %+.3f)\n", st->label, k,
                    bl_hinge_verdict_name(l->verdict), l->chain_index, l->reason, bl_hinge_verdict_name(r.verdict),
                    r.chain_index);
        CHECK_MSG(l->verdict == r.verdict, "%s rep %zu: verdict differs", st->label, k);
        CHECK(l->index == k);
        for (size_t c = 0; c < st->nch; c++) {
            bl_hinge_rep_channel rc;
            if (bl_hinge_get_rep_channel(h, k, c, &rc) != BL_OK || !isfinite(rc.mean_pct)) continue;
            double d = fabs(l->mean_pct[c] - rc.mean_pct);
            if (d > f->worst_mean) f->worst_mean = d;
        }
        f->worst_start = fmax(f->worst_start, ds);
        f->worst_end = fmax(f->worst_end, de);
        f->worst_latency = fmax(f->worst_latency, lat);
        f->worst_pop = fmax(f->worst_pop, pop);
        f->sum_start += ds;
        f->sum_end += de;
        f->sum_latency += lat;
    }
}

static void check_against_offline(void)
{
    static const struct {
        const char *name;
        bl_synth_pattern p;
        int reps;
    } patterns[] = {{"internal", BL_SYNTH_INTERNAL, 5}, {"external", BL_SYNTH_EXTERNAL, 5},
                    {"alternating", BL_SYNTH_ALTERNATING, 8}, {"drift", BL_SYNTH_DRIFT, 8}};
    static const unsigned seeds[] = {3001, 3002, 3003};
    static const size_t blocks[] = {64, 256, 1000};
    figures all[3];
    memset(all, 0, sizeof all);
    for (size_t p = 0; p < sizeof patterns / sizeof *patterns; p++) {
        for (size_t k = 0; k < sizeof seeds / sizeof *seeds; k++) {
            char label[64];
            snprintf(label, sizeof label, "%s seed %u", patterns[p].name, seeds[k]);
            set st;
            if (make_set(label, patterns[p].p, seeds[k], patterns[p].reps, &st) == 0) {
                bl_hinge_config cfg;
                bl_hinge_config_default(&cfg);
                bl_hinge *h = NULL;
                char why[256];
                bl_status rc = bl_hinge_analyse(st.sess, (const bl_recording *const *)st.mvc, st.n_mvc, &cfg, &h,
                                                why, sizeof why);
                CHECK_MSG(rc == BL_OK, "%s: analyse: %s", label, why);
                for (size_t c = 0; h && c < st.nch; c++) { /* the same references offline */
                    bl_mvc_reference r;
                    bl_hinge_get_channel_reference(h, c, &r);
                    CHECK_NEAR(r.value, st.ref[c].value, 1e-6 * fabs(r.value));
                }
                bl_hinge_stream_config sc;
                bl_hinge_stream_config_default(&sc);
                for (size_t b = 0; h && b < sizeof blocks / sizeof *blocks; b++) {
                    live lv;
                    if (run_stream(&st, &sc, st.ref, &blocks[b], 1, &lv) != 0) continue;
                    all[b].sets++;
                    compare(&st, h, &lv, blocks[b], &all[b]);
                }
                bl_hinge_destroy(h);
            }
            free_set(&st);
        }
    }
    for (size_t b = 0; b < sizeof blocks / sizeof *blocks; b++) {
        const figures *f = &all[b];
        double n = f->verdict_n ? (double)f->verdict_n : 1;
        printf("blocks of %4zu: %zu sets, count equal in %zu, reps %zu live / %zu offline, verdict %zu/%zu; "
               "|start| mean %.3f worst %.3f s, |end| mean %.3f worst %.3f s; verdict after offline end mean %.3f "
               "worst %.3f s (popped worst %.3f s); worst |mean %%MVC| difference %.2f\n",
               blocks[b], f->sets, f->count_ok, f->reps, f->reps_offline, f->verdict_ok, f->verdict_n,
               f->sum_start / n, f->worst_start, f->sum_end / n, f->worst_end, f->sum_latency / n, f->worst_latency,
               f->worst_pop, f->worst_mean);
        CHECK(f->sets == 12);
    }
}

int main(void)
{
    check_against_offline();
    return test_finish("test_hinge_stream");
}
