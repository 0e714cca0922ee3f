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
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backline/hinge.h"
#include "backline/synth.h"
#include "check.h"

/* Allocation counting for the real-time check: glibc lets a program
 * replace malloc; these forward to it and count while `counting` is set.
 * Not under AddressSanitizer, which owns malloc itself. */
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#define TEST_COUNT_ALLOCATIONS 1
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static int counting;
static size_t allocations;
void *malloc(size_t n)
{
    allocations += counting;
    return __libc_malloc(n);
}
void *calloc(size_t n, size_t m)
{
    allocations += counting;
    return __libc_calloc(n, m);
}
void *realloc(void *p, size_t n)
{
    allocations += counting;
    return __libc_realloc(p, n);
}
#endif

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

static int make_set(const char *label, bl_synth_pattern pattern, unsigned seed, int reps, double rate, double lead_s,
                    set *st);

/* Electrode off on channel c: uniform noise of 0.01 full scale peak (about
 * 20 uV at the default gain) instead of the signal. */
static void electrode_off(set *st, size_t c)
{
    float *x = bl_recording_data(st->sess, c);
    uint32_t r = 12345u;
    for (size_t i = 0; i < st->frames; i++) {
        r = r * 1664525u + 1013904223u;
        x[i] = (float)((double)(r >> 8) / 16777216.0 - 0.5) * 0.02f;
        st->inter[i * st->nch + c] = x[i];
    }
}

static int make_set(const char *label, bl_synth_pattern pattern, unsigned seed, int reps, double rate, double lead_s,
                    set *st)
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
    double cpu_s; /* thread CPU time spent in process */
} live;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

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
        double t0 = cpu_now();
        CHECK_EQ_INT(bl_hinge_stream_process(s, st->inter + at * st->nch, len, &done), BL_OK);
        out->cpu_s += cpu_now() - t0;
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
    double cpu_s, signal_s; /* the stream's CPU time over the signal it processed */
    size_t turn_both, turn_offline; /* turns resolved live and offline / offline */
    double worst_turn;
    double worst_index, closest_margin; /* |live - offline index|; offline's nearest ||index| - margin| */
    size_t reason_same;                 /* reps whose reason reads as offline's */
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
        f->reason_same += strcmp(l->reason, r.reason) == 0;
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
        CHECK_MSG(!isfinite(r.turn_s) || (isfinite(l->turn_s) && fabs(l->turn_s - r.turn_s) <= BOUNDARY_TOL_S),
                  "%s rep %zu: turn live %.2f s, offline %.2f s", st->label, k, l->turn_s, r.turn_s);
        if (isfinite(r.chain_index) && isfinite(l->chain_index)) {
            bl_hinge_config hc;
            bl_hinge_get_config(h, &hc);
            f->worst_index = fmax(f->worst_index, fabs(l->chain_index - r.chain_index));
            double m = fabs(fabs(r.chain_index) - hc.verdict_margin);
            if (!(f->closest_margin <= m)) f->closest_margin = m;
        }
        if (isfinite(r.turn_s)) {
            f->turn_offline++;
            if (isfinite(l->turn_s)) {
                f->turn_both++;
                f->worst_turn = fmax(f->worst_turn, fabs(l->turn_s - r.turn_s));
            }
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

/* One synthetic set (channel `off` with its electrode off, (size_t)-1
 * none) analysed offline and streamed in each block size of
 * blocks[0..nb) (stream_cfg NULL: the defaults), the figures added to
 * f[0..nb). */
static void compare_set_off(const char *label, bl_synth_pattern pattern, unsigned seed, int reps, double rate,
                            double lead_s, const bl_hinge_stream_config *stream_cfg, const size_t *blocks, size_t nb,
                            figures *f, size_t off)
{
    set st;
    if (make_set(label, pattern, seed, reps, rate, lead_s, &st) == 0) {
        if (off < st.nch) electrode_off(&st, off);
        bl_hinge_config cfg;
        bl_hinge_config_default(&cfg);
        bl_hinge *h = NULL;
        char why[256];
        bl_status rc = bl_hinge_analyse(st.sess, (const bl_recording *const *)st.mvc, st.n_mvc, &cfg, &h, why,
                                        sizeof why);
        CHECK_MSG(rc == BL_OK, "%s: analyse: %s", label, why);
        for (size_t c = 0; h && c < st.nch; c++) { /* the same references offline */
            bl_mvc_reference r;
            bl_hinge_get_channel_reference(h, c, &r);
            CHECK_NEAR(r.value, st.ref[c].value, 1e-6 * fabs(r.value));
        }
        bl_hinge_stream_config sc;
        bl_hinge_stream_config_default(&sc);
        if (stream_cfg) sc = *stream_cfg;
        for (size_t b = 0; h && b < nb; b++) {
            live *lv = malloc(sizeof *lv);
            if (lv && run_stream(&st, &sc, st.ref, &blocks[b], 1, lv) == 0) {
                f[b].sets++;
                f[b].cpu_s += lv->cpu_s;
                f[b].signal_s += (double)st.frames / st.rate;
                compare(&st, h, lv, blocks[b], &f[b]);
            }
            free(lv);
        }
        bl_hinge_destroy(h);
    }
    free_set(&st);
}

static void compare_set(const char *label, bl_synth_pattern pattern, unsigned seed, int reps, double rate,
                        double lead_s, const bl_hinge_stream_config *stream_cfg, const size_t *blocks, size_t nb,
                        figures *f)
{
    compare_set_off(label, pattern, seed, reps, rate, lead_s, stream_cfg, blocks, nb, f, (size_t)-1);
}

static void print_figures(const char *what, size_t block, const figures *f)
{
    double n = f->verdict_n ? (double)f->verdict_n : 1;
    printf("%s, blocks of %4zu: %zu sets, count equal in %zu, reps %zu live / %zu offline, verdict %zu/%zu; "
           "|start| mean %.3f worst %.3f s, |end| mean %.3f worst %.3f s; verdict after offline end mean %.3f "
           "worst %.3f s (popped worst %.3f s); worst |mean %%MVC| difference %.2f; turn resolved live in %zu of "
           "the %zu resolved offline, worst |turn| difference %.3f s; worst |index| difference %.3f (offline indices "
           "at least %.3f from the verdict margin); stream CPU %.1f ms per s of signal (%zu "
           "channels)\n",
           what, block, f->sets, f->count_ok, f->reps, f->reps_offline, f->verdict_ok, f->verdict_n,
           f->sum_start / n, f->worst_start, f->sum_end / n, f->worst_end, f->sum_latency / n, f->worst_latency,
           f->worst_pop, f->worst_mean, f->turn_both, f->turn_offline, f->worst_turn, f->worst_index,
           f->closest_margin, f->signal_s > 0 ? 1e3 * f->cpu_s / f->signal_s : 0.0, (size_t)6);
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
    for (int b = 0; b < 3; b++) all[b].closest_margin = NAN;
    for (size_t p = 0; p < sizeof patterns / sizeof *patterns; p++) {
        for (size_t k = 0; k < sizeof seeds / sizeof *seeds; k++) {
            char label[64];
            snprintf(label, sizeof label, "%s seed %u", patterns[p].name, seeds[k]);
            compare_set(label, patterns[p].p, seeds[k], patterns[p].reps, 2000, 1.5, NULL, blocks, 3, all);
        }
    }
    for (size_t b = 0; b < sizeof blocks / sizeof *blocks; b++) {
        print_figures("2 kHz", blocks[b], &all[b]);
        CHECK(all[b].sets == 12);
    }
    /* A sound card's rate: offline decimates to 2 kHz, the stream runs at
     * 48 kHz (its grid point is 960 samples). */
    static const size_t b48[] = {1024};
    figures f48[1];
    memset(f48, 0, sizeof f48);
    f48[0].closest_margin = NAN;
    compare_set("internal 48 kHz seed 3001", BL_SYNTH_INTERNAL, 3001, 5, 48000, 1.5, NULL, b48, 1, f48);
    compare_set("alternating 48 kHz seed 3002", BL_SYNTH_ALTERNATING, 3002, 8, 48000, 1.5, NULL, b48, 1, f48);
    print_figures("48 kHz", b48[0], &f48[0]);
    CHECK(f48[0].sets == 2);
    /* L.BF's electrode off (noise only): offline finds it dead, the stream
     * finds it not modulating; both leave every label unknown, for the same
 * reason in the same words. */
    static const size_t b256[] = {256};
    figures fo[1];
    memset(fo, 0, sizeof fo);
    fo[0].closest_margin = NAN;
    compare_set_off("alternating, L.BF off, seed 3001", BL_SYNTH_ALTERNATING, 3001, 6, 2000, 1.5, NULL, b256, 1, fo,
                    1);
    print_figures("electrode off", b256[0], &fo[0]);
    CHECK(fo[0].sets == 1 && fo[0].verdict_n == 6 && fo[0].verdict_ok == 6);
    CHECK_MSG(fo[0].reason_same == 6, "%zu of 6 reasons as offline's", fo[0].reason_same);
}

/* The first repetition 0.3 s after the stream starts: with the mains
 * family given the stream's history starts at once and it must still
 * agree; with an automatic notch it drops the detection second, so the
 * first repetition's start is lost (the limit hinge.h states: measured
 * and printed here, not asserted). */
static void check_short_lead(void)
{
    static const size_t b256[] = {256};
    bl_hinge_stream_config given;
    bl_hinge_stream_config_default(&given);
    given.hinge.envelope.notch = BL_NOTCH_50;
    figures f[1];
    memset(f, 0, sizeof f);
    f[0].closest_margin = NAN;
    compare_set("alternating lead 0.3 s seed 3001", BL_SYNTH_ALTERNATING, 3001, 6, 2000, 0.3, &given, b256, 1, f);
    compare_set("alternating lead 0.3 s seed 3002", BL_SYNTH_ALTERNATING, 3002, 6, 2000, 0.3, &given, b256, 1, f);
    print_figures("lead 0.3 s, notch 50 Hz given", b256[0], &f[0]);
    CHECK(f[0].sets == 2);
    for (int seed = 3001; seed <= 3002; seed++) {
        set st;
        char label[64];
        snprintf(label, sizeof label, "alternating lead 0.3 s seed %d", seed);
        if (make_set(label, BL_SYNTH_ALTERNATING, (unsigned)seed, 6, 2000, 0.3, &st) == 0) {
            bl_hinge_config cfg;
            bl_hinge_config_default(&cfg);
            bl_hinge *h = NULL;
            char why[256];
            bl_hinge_stream_config sc;
            bl_hinge_stream_config_default(&sc);
            live *lv = malloc(sizeof *lv);
            if (bl_hinge_analyse(st.sess, (const bl_recording *const *)st.mvc, st.n_mvc, &cfg, &h, why,
                                 sizeof why) == BL_OK &&
                lv && run_stream(&st, &sc, st.ref, b256, 1, lv) == 0 && lv->n && bl_hinge_reps(h)) {
                bl_hinge_rep r;
                bl_hinge_get_rep(h, 0, &r);
                printf("%s, automatic notch (known limit): first repetition live [%.2f, %.2f] s %s, offline "
                       "[%.2f, %.2f] s %s; %zu live / %zu offline (live: %s)\n", label, lv->rep[0].start_s,
                       lv->rep[0].end_s, bl_hinge_verdict_name(lv->rep[0].verdict), r.start_s, r.end_s,
                       bl_hinge_verdict_name(r.verdict), lv->n, bl_hinge_reps(h), lv->rep[0].reason);
            }
            free(lv);
            bl_hinge_destroy(h);
        }
        free_set(&st);
    }
}

/* Two runs handed out the same repetitions, field for field. */
static int same_reps(const live *a, const live *b)
{
    if (a->n != b->n) return 0;
    for (size_t k = 0; k < a->n; k++) {
        const bl_hinge_live_rep *x = &a->rep[k], *y = &b->rep[k];
        if (x->index != y->index || x->start_s != y->start_s || x->end_s != y->end_s ||
            x->confirmed_s != y->confirmed_s || x->verdict != y->verdict || strcmp(x->reason, y->reason) ||
            memcmp(&x->chain_index, &y->chain_index, sizeof x->chain_index) ||
            memcmp(x->mean_pct, y->mean_pct, sizeof x->mean_pct))
            return 0;
    }
    return 1;
}

/* Irregular blocks (1 frame up to several seconds) give what blocks of 64
 * give, bit for bit, and so does the end state of the meters. */
static void check_block_invariance(const set *st)
{
    bl_hinge_stream_config sc;
    bl_hinge_stream_config_default(&sc);
    static const size_t b64[] = {64}, odd[] = {1, 7, 333, 4096, 2, 999, 12000, 17, 640};
    live *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    if (!a || !b || run_stream(st, &sc, st->ref, b64, 1, a) || run_stream(st, &sc, st->ref, odd, 9, b)) {
        CHECK(0);
    } else {
        CHECK_MSG(same_reps(a, b), "%s: blocks of 64 and irregular blocks differ (%zu vs %zu reps)", st->label,
                  a->n, b->n);
        CHECK(memcmp(&a->end_state, &b->end_state, sizeof a->end_state) == 0);
        printf("%s: blocks of 64 and irregular blocks (1..12000 frames): %zu repetitions, identical\n", st->label,
               a->n);
    }
    free(a);
    free(b);
}

/* A block with a NaN is refused whole and changes nothing; reset gives
 * what a fresh stream gives. */
static void check_refusal_and_reset(const set *st)
{
    bl_hinge_stream_config sc;
    bl_hinge_stream_config_default(&sc);
    static const size_t b256[] = {256};
    live *want = malloc(sizeof *want);
    bl_hinge_stream *s = NULL;
    if (!want || run_stream(st, &sc, st->ref, b256, 1, want) ||
        bl_hinge_stream_create(&sc, bl_synth_chanmap(st->s), st->rate, st->ref, &s) != BL_OK) {
        CHECK(0);
        free(want);
        return;
    }
    float *bad = malloc(256 * st->nch * sizeof *bad);
    for (int pass = 0; bad && pass < 2; pass++) {
        /* Pass 0 refuses a poisoned copy of every 50th block; pass 1 runs
         * again after a reset (and some signal fed before it). */
        size_t got = 0, at = 0, completed = 0;
        int same = 1;
        for (size_t k = 0; at < st->frames; k++) {
            size_t len = st->frames - at < 256 ? st->frames - at : 256;
            if (pass == 0 && k % 50 == 10) {
                memcpy(bad, st->inter + at * st->nch, len * st->nch * sizeof *bad);
                bad[len * st->nch / 2] = NAN;
                CHECK_EQ_INT(bl_hinge_stream_process(s, bad, len, &completed), BL_ENONFINITE);
                CHECK_EQ_INT(completed, 0);
                bad[len * st->nch / 2] = INFINITY;
                CHECK_EQ_INT(bl_hinge_stream_process(s, bad, len, NULL), BL_ENONFINITE);
            }
            CHECK_EQ_INT(bl_hinge_stream_process(s, st->inter + at * st->nch, len, NULL), BL_OK);
            at += len;
            bl_hinge_live_rep r;
            while (bl_hinge_stream_next_rep(s, &r) == BL_OK) {
                if (got >= want->n || memcmp(&r, &want->rep[got], sizeof r)) same = 0;
                got++;
            }
        }
        CHECK_MSG(same && got == want->n, "%s: %s: %zu repetitions, %zu wanted, %s", st->label,
                  pass ? "after reset" : "with refused blocks", got, want->n, same ? "same" : "different");
        bl_hinge_stream_reset(s);
        bl_hinge_live_state ls;
        CHECK_EQ_INT(bl_hinge_stream_get_state(s, &ls), BL_OK);
        CHECK(isnan(ls.time_s) && !ls.in_repetition && bl_hinge_stream_reps(s) == 0);
        if (pass == 0) { /* feed something, then reset again: nothing of it may remain */
            CHECK_EQ_INT(bl_hinge_stream_process(s, st->inter, st->frames / 3, NULL), BL_OK);
            bl_hinge_stream_reset(s);
        }
    }
    free(bad);
    bl_hinge_stream_destroy(s);
    free(want);
}

/* The meters' state: inside each repetition's concentric part the
 * hamstrings are active and the balance leans the way the pattern was
 * generated (in at least 95 % of its 20 ms readings); well between
 * repetitions nothing is active and there is no balance. */
static void check_live_state(const set *st, bl_synth_pattern pattern)
{
    bl_hinge_stream_config sc;
    bl_hinge_stream_config_default(&sc);
    bl_hinge_stream *s = NULL;
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, bl_synth_chanmap(st->s), st->rate, st->ref, &s), BL_OK);
    if (!s) return;
    size_t nt = bl_synth_truth_reps(st->truth), in_ok = 0, in_n = 0, rest_ok = 0, rest_n = 0, sign_ok = 0;
    int want_sign = pattern == BL_SYNTH_INTERNAL ? 1 : -1;
    double lat = bl_hinge_stream_latency(s) / st->rate, bal_min = INFINITY, bal_max = -INFINITY;
    const size_t step = 20; /* 10 ms */
    for (size_t at = 0; at < st->frames; at += step) {
        size_t len = st->frames - at < step ? st->frames - at : step;
        bl_hinge_stream_process(s, st->inter + at * st->nch, len, NULL);
        bl_hinge_live_state ls;
        bl_hinge_stream_get_state(s, &ls);
        /* The state describes the signal the delay ago. */
        double t = (double)(at + len) / st->rate - lat - 0.05;
        for (size_t k = 0; k < nt; k++) {
            bl_synth_rep tr;
            bl_synth_truth_get_rep(st->truth, k, &tr);
            double next = k + 1 < nt ? (bl_synth_truth_get_rep(st->truth, k + 1, &tr), tr.start_s) : INFINITY;
            bl_synth_truth_get_rep(st->truth, k, &tr);
            if (t > tr.turn_s + 0.3 && t < tr.end_s - 0.2) {
                in_n++;
                if (ls.in_repetition && ls.hamstrings_active && isfinite(ls.balance)) {
                    in_ok++;
                    bal_min = fmin(bal_min, ls.balance);
                    sign_ok += ls.balance * want_sign > 0;
                    bal_max = fmax(bal_max, ls.balance);
                }
            } else if (t > tr.end_s + 0.8 && t < next - 0.5) {
                rest_n++;
                rest_ok += !ls.in_repetition && !ls.hamstrings_active && isnan(ls.balance);
            }
        }
    }
    printf("%s: live state: active with a balance in %zu/%zu concentric points (balance %+.2f..%+.2f, %zu on "
           "the generated side), quiet in %zu/%zu rest points\n", st->label, in_ok, in_n, bal_min, bal_max, sign_ok,
           rest_ok, rest_n);
    CHECK_MSG(in_n > 50 && in_ok == in_n, "%s: active in %zu of %zu", st->label, in_ok, in_n);
    CHECK_MSG(rest_n > 50 && rest_ok == rest_n, "%s: quiet in %zu of %zu", st->label, rest_ok, rest_n);
    /* A 20 ms reading is noisy at the turn: the meter must lean the
     * generated way in at least 95 % of them. */
    CHECK_MSG(sign_ok >= 0.95 * (double)in_ok, "%s: balance on the generated side in %zu of %zu", st->label,
              sign_ok, in_ok);
    bl_hinge_stream_destroy(s);
}

/* Without references: the same repetitions, every verdict unknown with
 * offline's reason, no live balance. With one channel's reference only a
 * session peak: that channel is left out, so no label (as offline). */
static void check_references(const set *st, const live *with)
{
    bl_hinge_stream_config sc;
    bl_hinge_stream_config_default(&sc);
    static const size_t b256[] = {256};
    live *lv = malloc(sizeof *lv);
    if (lv && run_stream(st, &sc, NULL, b256, 1, lv) == 0) {
        CHECK_EQ_INT(lv->n, with->n);
        for (size_t k = 0; k < lv->n && k < with->n; k++) {
            CHECK(lv->rep[k].start_s == with->rep[k].start_s && lv->rep[k].end_s == with->rep[k].end_s);
            CHECK(lv->rep[k].verdict == BL_VERDICT_UNKNOWN && strstr(lv->rep[k].reason, "no MVC trials"));
        }
        CHECK(isnan(lv->end_state.balance) && isnan(lv->end_state.hamstring_pct));
    }
    bl_mvc_reference refs[MAX_CH];
    memcpy(refs, st->ref, sizeof refs);
    refs[1].source = BL_MVC_SESSION_PEAK; /* L.BF */
    bl_hinge_stream *s = NULL;
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, bl_synth_chanmap(st->s), st->rate, refs, &s), BL_OK);
    CHECK_EQ_INT(bl_hinge_stream_channel_state(s, 1), BL_HINGE_CH_NO_REFERENCE);
    CHECK_EQ_INT(bl_hinge_stream_channel_state(s, 0), BL_HINGE_CH_OK);
    CHECK_EQ_INT(bl_hinge_stream_channel_state(s, 99), BL_HINGE_CH_AUX);
    bl_hinge_stream_destroy(s);
    if (lv && run_stream(st, &sc, refs, b256, 1, lv) == 0) {
        CHECK_EQ_INT(lv->n, with->n);
        for (size_t k = 0; k < lv->n; k++)
            CHECK_MSG(lv->rep[k].verdict == BL_VERDICT_UNKNOWN && strstr(lv->rep[k].reason, "L.BF"),
                      "rep %zu: %s: %s", k, bl_hinge_verdict_name(lv->rep[k].verdict), lv->rep[k].reason);
    }
    free(lv);
}

/* A caller that never pops keeps the newest BL_HINGE_STREAM_QUEUE. */
static void check_queue(void)
{
    set st;
    if (make_set("20 reps", BL_SYNTH_INTERNAL, 3100, 20, 2000, 1.5, &st) != 0) {
        free_set(&st);
        return;
    }
    bl_hinge_stream_config sc;
    bl_hinge_stream_config_default(&sc);
    bl_hinge_stream *s = NULL;
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, bl_synth_chanmap(st.s), st.rate, st.ref, &s), BL_OK);
    size_t completed = 0;
    double t0 = cpu_now();
    CHECK_EQ_INT(bl_hinge_stream_process(s, st.inter, st.frames, &completed), BL_OK);
    double secs = (double)st.frames / st.rate;
    printf("20 reps, %.0f s at 2 kHz (the 60 s window full after a minute): stream CPU %.1f ms per s of signal\n",
           secs, 1e3 * (cpu_now() - t0) / secs);
    size_t found = bl_hinge_stream_reps(s);
    CHECK_MSG(found == 20, "%zu repetitions of 20", found);
    CHECK_EQ_INT(completed, found);
    CHECK_EQ_INT(bl_hinge_stream_dropped(s), found - BL_HINGE_STREAM_QUEUE);
    bl_hinge_live_rep r;
    size_t k = 0;
    while (bl_hinge_stream_next_rep(s, &r) == BL_OK) CHECK_EQ_INT(r.index, found - BL_HINGE_STREAM_QUEUE + k++);
    CHECK_EQ_INT(k, BL_HINGE_STREAM_QUEUE);
    CHECK_EQ_INT(bl_hinge_stream_next_rep(s, &r), BL_ENODATA);
    bl_hinge_stream_destroy(s);
    free_set(&st);
}

/* process (the automatic notch's detection included), next_rep, the
 * getters and reset allocate nothing. */
static void check_no_allocation(const set *st)
{
#ifdef TEST_COUNT_ALLOCATIONS
    bl_hinge_stream_config sc;
    bl_hinge_stream_config_default(&sc);
    bl_hinge_stream *s = NULL;
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, bl_synth_chanmap(st->s), st->rate, st->ref, &s), BL_OK);
    if (!s) return;
    bl_hinge_live_rep *r = malloc(sizeof *r);
    size_t reps = 0;
    allocations = 0;
    counting = 1;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t at = 0; r && at < st->frames; at += 256) {
            size_t len = st->frames - at < 256 ? st->frames - at : 256;
            bl_hinge_stream_process(s, st->inter + at * st->nch, len, NULL);
            while (bl_hinge_stream_next_rep(s, r) == BL_OK) reps++;
            bl_hinge_live_state ls;
            bl_hinge_stream_get_state(s, &ls);
        }
        bl_hinge_stream_reset(s);
    }
    counting = 0;
    printf("%s: %zu repetitions over two passes with a reset: %zu allocations in process, next_rep, get_state, "
           "reset\n", st->label, reps, allocations);
    CHECK_MSG(allocations == 0 && reps > 0, "%zu allocations, %zu repetitions", allocations, reps);
    free(r);
    bl_hinge_stream_destroy(s);
#else
    (void)st;
    printf("allocation count not checked (no glibc malloc to replace, or AddressSanitizer)\n");
#endif
}

static void check_contract(const set *st)
{
    bl_hinge_stream_config sc;
    bl_hinge_stream_config_default(&sc);
    const bl_chanmap *map = bl_synth_chanmap(st->s);
    bl_hinge_stream *s = (bl_hinge_stream *)&sc;
    CHECK_EQ_INT(bl_hinge_stream_create(NULL, map, 2000, NULL, &s), BL_EINVAL);
    CHECK(s == NULL);
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, NULL, 2000, NULL, &s), BL_EINVAL);
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, map, 2000, NULL, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, map, 100, NULL, &s), BL_ERATE);
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, map, NAN, NULL, &s), BL_ERATE);
    sc.look_behind_s = 2;
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, map, 2000, NULL, &s), BL_EINVAL);
    bl_hinge_stream_config_default(&sc);
    sc.hinge.segment.on_fraction = 0.05; /* below off_fraction */
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, map, 2000, NULL, &s), BL_EINVAL);
    bl_hinge_stream_config_default(&sc);
    sc.hinge.envelope.lowpass_hz = 5000;
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, map, 2000, NULL, &s), BL_ERANGE);
    CHECK(s == NULL);
    bl_hinge_stream_config_default(&sc);
    CHECK_EQ_INT(bl_hinge_stream_create(&sc, map, 2000, NULL, &s), BL_OK);
    CHECK_EQ_INT(bl_hinge_stream_process(NULL, st->inter, 10, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_hinge_stream_process(s, NULL, 10, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_hinge_stream_process(s, NULL, 0, NULL), BL_OK);
    bl_hinge_live_rep r;
    bl_hinge_live_state ls;
    CHECK_EQ_INT(bl_hinge_stream_next_rep(s, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_hinge_stream_next_rep(NULL, &r), BL_EINVAL);
    CHECK_EQ_INT(bl_hinge_stream_next_rep(s, &r), BL_ENODATA);
    CHECK_EQ_INT(bl_hinge_stream_get_state(NULL, &ls), BL_EINVAL);
    CHECK_EQ_INT(bl_hinge_stream_get_state(s, NULL), BL_EINVAL);
    CHECK(bl_hinge_stream_latency(s) > 0);
    CHECK_EQ_INT(bl_hinge_stream_reps(NULL), 0);
    bl_hinge_stream_destroy(s);
    bl_hinge_stream_destroy(NULL);
    bl_hinge_stream_reset(NULL);
}

int main(void)
{
    check_against_offline();
    check_short_lead();
    set st;
    if (make_set("internal seed 3004", BL_SYNTH_INTERNAL, 3004, 5, 2000, 1.5, &st) == 0) {
        check_block_invariance(&st);
        check_refusal_and_reset(&st);
        check_live_state(&st, BL_SYNTH_INTERNAL);
        bl_hinge_stream_config sc;
        bl_hinge_stream_config_default(&sc);
        static const size_t b256[] = {256};
        live *with = malloc(sizeof *with);
        if (with && run_stream(&st, &sc, st.ref, b256, 1, with) == 0) check_references(&st, with);
        free(with);
        check_contract(&st);
        check_no_allocation(&st);
    }
    free_set(&st);
    if (make_set("external seed 3005", BL_SYNTH_EXTERNAL, 3005, 5, 2000, 1.5, &st) == 0)
        check_live_state(&st, BL_SYNTH_EXTERNAL);
    free_set(&st);
    check_queue();
    return test_finish("test_hinge_stream");
}
