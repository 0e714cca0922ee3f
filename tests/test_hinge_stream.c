/* The live hinge segmenter (bl_hinge_stream) against the offline analysis
 * (bl_hinge_analyse) on synthetic sets (internal, external, alternating
 * and drift patterns, three seeds each, MVC trials for every EMG channel):
 * the stream, fed the raw session in blocks of 64, 256 and 1000 frames,
 * must find the same number of repetitions, each with its start, end and
 * turn within BOUNDARY_TOL_S of the offline one, the same verdict, and
 * have it ready no later than LATENCY_MAX_S of signal after the offline
 * end (also checked against when the caller could pop it). Also two sets
 * at 48 kHz, a dead electrode and a short lead. The measured figures are
 * printed. The stream's behaviour and contract: test_hinge_stream_contract.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "streamtest.h"

#define BOUNDARY_TOL_S 0.3
#define LATENCY_MAX_S 0.5

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
static void compare(const test_set *st, const bl_hinge *h, const test_live *lv, size_t block, figures *f)
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
    test_set st;
    if (test_set_make(label, pattern, seed, reps, rate, lead_s, &st) == 0) {
        if (off < st.nch) test_set_electrode_off(&st, off);
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
            test_live *lv = malloc(sizeof *lv);
            if (lv && test_stream_run(&st, &sc, st.ref, &blocks[b], 1, lv) == 0) {
                f[b].sets++;
                f[b].cpu_s += lv->cpu_s;
                f[b].signal_s += (double)st.frames / st.rate;
                compare(&st, h, lv, blocks[b], &f[b]);
            }
            free(lv);
        }
        bl_hinge_destroy(h);
    }
    test_set_free(&st);
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
        test_set st;
        char label[64];
        snprintf(label, sizeof label, "alternating lead 0.3 s seed %d", seed);
        if (test_set_make(label, BL_SYNTH_ALTERNATING, (unsigned)seed, 6, 2000, 0.3, &st) == 0) {
            bl_hinge_config cfg;
            bl_hinge_config_default(&cfg);
            bl_hinge *h = NULL;
            char why[256];
            bl_hinge_stream_config sc;
            bl_hinge_stream_config_default(&sc);
            test_live *lv = malloc(sizeof *lv);
            if (bl_hinge_analyse(st.sess, (const bl_recording *const *)st.mvc, st.n_mvc, &cfg, &h, why,
                                 sizeof why) == BL_OK &&
                lv && test_stream_run(&st, &sc, st.ref, b256, 1, lv) == 0 && lv->n && bl_hinge_reps(h)) {
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
        test_set_free(&st);
    }
}

/* Two runs handed out the same repetitions, field for field. */

int main(void)
{
    check_against_offline();
    check_short_lead();
    return test_finish("test_hinge_stream");
}
