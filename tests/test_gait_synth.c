/* Synthetic gait with ground truth (bl_synth_gait), recovered by the gait
 * analysis: for the walk and the run, normal and each variant, with MVC
 * trials (so levels are %MVC) and the events found on the generated
 * footswitch:
 *   - the footswitch's events are the truth's within 10 ms;
 *   - every complete stride of the truth is a kept cycle, its events within
 *     10 ms;
 *   - each muscle's peak phase is the truth's within 5 % of the cycle;
 *   - its Perry phase means follow the truth's (correlation >= 0.9 over
 *     the seven phases, and the largest phase the truth's or a neighbour);
 *   - its levels are the truth's (the mean of its phase means within 0.8-1.2
 *     of the truth's: the MVC reference is a 0.5 s window's mean, and 5 %
 *     crosstalk from the neighbours raises a quiet muscle);
 *   - the analysis names the variant, and no other;
 * both legs (two footswitches) on one walk; without MVC trials the
 * patterns that compare muscles are "unknown", the run's recovery (a share
 * of each muscle's own peak) still named; short sets over 30 seeds, two
 * legs and L only, lose no stride at the ends; and the same seed gives the
 * same recording, another seed another. The pattern limits were set
 * between these very profiles and their variants, so naming them shows
 * that generator and analysis agree, not that the limits fit people. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/gait.h"
#include "backline/synth.h"
#include "check.h"
#include "synthtest.h"

/* The seed of the checked sets: 7, or BL_TEST_SEED to try others. */
static uint64_t test_seed = 7;

typedef struct set {
    bl_synth *synth;
    bl_recording *rec;
    bl_synth_truth *truth;
    bl_recording *mvc[16];
    size_t n_mvc;
} set;

static void make_set(set *s, bl_synth_gait_task task, bl_synth_gait_variant variant, uint64_t seed, const char *map,
                     int with_mvc)
{
    bl_synth_config cfg;
    bl_synth_config_default(&cfg);
    cfg.seed = seed;
    cfg.map = map ? map : BL_SYNTH_GAIT_DEFAULT_MAP;
    s->synth = test_make_synth(&cfg);
    bl_synth_gait_config g;
    bl_synth_gait_config_default(&g);
    g.task = task;
    g.variant = variant;
    g.strides = 16;
    if (bl_synth_gait(s->synth, &g, &s->rec, &s->truth) != BL_OK) test_fail("bl_synth_gait failed");
    if (bl_recording_to_microvolts(s->rec) != BL_OK) test_fail("cannot convert the walk to uV");
    bl_synth_mvc_config mc;
    bl_synth_mvc_config_default(&mc);
    const bl_chanmap *cm = bl_synth_chanmap(s->synth);
    s->n_mvc = 0;
    for (size_t c = 0; with_mvc && c < bl_synth_channels(s->synth); c++) {
        if (bl_chanmap_muscle(cm, c) == BL_MUSCLE_AUX) continue;
        bl_recording **m = &s->mvc[s->n_mvc++];
        if (bl_synth_mvc(s->synth, &mc, c, m, NULL) != BL_OK || bl_recording_to_microvolts(*m) != BL_OK)
            test_fail("cannot make an MVC trial");
    }
}

static void free_set(set *s)
{
    for (size_t i = 0; i < s->n_mvc; i++) bl_recording_destroy(s->mvc[i]);
    bl_recording_destroy(s->rec);
    bl_synth_truth_destroy(s->truth);
    bl_synth_destroy(s->synth);
}

/* An AUX channel's side: the map's, or for a sideless one the first leg's
 * (as `--footswitch AUX:L` tells the tool). */
static bl_side side_of(const set *s, const bl_chanmap *cm, size_t c)
{
    bl_synth_stride st;
    if (bl_chanmap_side(cm, c) != BL_SIDE_NONE || bl_synth_truth_get_stride(s->truth, 0, &st) != BL_OK)
        return bl_chanmap_side(cm, c);
    return st.side;
}

/* The events of every AUX channel (its side from the map), merged. */
static bl_gait_events *footswitch_events(const set *s)
{
    const bl_chanmap *cm = bl_recording_chanmap(s->rec);
    bl_gait_events *all = NULL;
    for (size_t c = 0; c < bl_recording_channels(s->rec); c++) {
        if (bl_chanmap_muscle(cm, c) != BL_MUSCLE_AUX) continue;
        bl_gait_footswitch_config fc;
        bl_gait_footswitch_config_default(&fc);
        bl_gait_events *ev = NULL, *m = NULL;
        char why[256] = "";
        if (bl_gait_events_from_footswitch(bl_recording_cdata(s->rec, c), bl_recording_frames(s->rec),
                                           bl_recording_rate(s->rec), side_of(s, cm, c), c, &fc, &ev, why,
                                           sizeof why) != BL_OK)
            test_fail(why);
        if (!all) {
            all = ev;
            continue;
        }
        if (bl_gait_events_merge(all, ev, &m) != BL_OK) test_fail("cannot merge the footswitches");
        bl_gait_events_destroy(all);
        bl_gait_events_destroy(ev);
        all = m;
    }
    if (!all) test_fail("no footswitch channel");
    return all;
}

/* Every truth event has a detected one of its kind and side within 10 ms,
 * and there are as many. */
static void check_events(const set *s, const bl_gait_events *ev, const char *name)
{
    size_t n = bl_synth_truth_gait_events(s->truth), found = 0;
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double t;
        bl_side side;
        int td;
        bl_synth_truth_get_gait_event(s->truth, i, &t, &side, &td);
        double best = INFINITY;
        for (size_t j = 0; j < bl_gait_events_count(ev); j++) {
            bl_gait_event e;
            bl_gait_events_get(ev, j, &e);
            if (e.side == side && (e.kind == BL_GAIT_TOUCHDOWN) == td && fabs(e.time_s - t) < best)
                best = fabs(e.time_s - t);
        }
        /* An event within an edge of the recording's ends may be missed. */
        if (best <= 0.010) found++;
        else CHECK_MSG(t < 0.02 || t > bl_synth_truth_duration(s->truth) - 0.02,
                       "%s: the %s at %.3f s is %.3f s from any detected one", name, td ? "touchdown" : "lift-off", t, best);
        if (best <= 0.010 && best > worst) worst = best;
    }
    fprintf(stderr, "%s: %zu of %zu truth events found by the footswitch (worst %.1f ms), %zu detected\n", name, found,
            n, 1e3 * worst, bl_gait_events_count(ev));
    CHECK_MSG(bl_gait_events_count(ev) <= n && bl_gait_events_count(ev) + 2 >= n, "%s: %zu events detected, %zu true",
              name, bl_gait_events_count(ev), n);
}

/* Every true stride is a kept cycle whose touchdown, lift-off and next
 * touchdown are the truth's within 10 ms, and no cycle is kept that is
 * not a true stride. */
static void check_cycles(const set *s, const bl_gait *g, const char *name)
{
    size_t n = bl_synth_truth_strides(s->truth), matched = 0;
    CHECK_MSG(bl_gait_cycles(g) == n, "%s: %zu cycles kept, %zu true strides", name, bl_gait_cycles(g), n);
    for (size_t k = 0; k < n; k++) {
        bl_synth_stride st;
        bl_synth_truth_get_stride(s->truth, k, &st);
        for (size_t j = 0; j < bl_gait_cycles(g); j++) {
            bl_gait_cycle cy;
            bl_gait_get_cycle(g, j, &cy);
            if (cy.side == st.side && fabs(cy.start_s - st.start_s) <= 0.01 && fabs(cy.liftoff_s - st.liftoff_s) <= 0.01 &&
                fabs(cy.end_s - st.end_s) <= 0.01) {
                matched++;
                break;
            }
        }
    }
    CHECK_MSG(matched == n, "%s: %zu of %zu true strides found as cycles", name, matched, n);
}

static double wrapped_diff(double a, double b)
{
    double d = fmod(a - b + 150.0, 100.0) - 50.0;
    return fabs(d);
}

static double correlation(const double *a, const double *b, int n)
{
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < n; i++) ma += a[i] / n, mb += b[i] / n;
    for (int i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / sqrt(saa * sbb);
}

static void check_muscles(const set *s, const bl_gait *g, const char *name)
{
    for (size_t c = 0; c < bl_gait_channels(g); c++) {
        if (bl_gait_channel_muscle(g, c) == BL_MUSCLE_AUX) continue;
        bl_gait_muscle m;
        CHECK_MSG(bl_gait_get_muscle(g, c, &m) == BL_OK, "%s: %s not used: %s", name, bl_gait_channel_name(g, c),
                  bl_gait_channel_why(g, c));
        if (bl_gait_get_muscle(g, c, &m) != BL_OK) continue;
        double truth_peak = bl_synth_truth_peak_phase(s->truth, c), tm[BL_GAIT_PHASES];
        int tbest = 0, best = 0;
        for (int p = 0; p < BL_GAIT_PHASES; p++) {
            tm[p] = bl_synth_truth_phase_mean(s->truth, c, (bl_gait_phase)p);
            if (tm[p] > tm[tbest]) tbest = p;
            if (m.phase_mean[p] > m.phase_mean[best]) best = p;
        }
        double r = correlation(tm, m.phase_mean, BL_GAIT_PHASES), level = 0, tlevel = 0;
        for (int p = 0; p < BL_GAIT_PHASES; p++) level += m.phase_mean[p], tlevel += tm[p];
        fprintf(stderr, "  %-7s peak %5.1f %% (truth %5.1f)  phases r %.3f  largest %d (truth %d)  LR %.1f/%.1f TSw %.1f/%.1f\n",
                bl_gait_channel_name(g, c), m.peak_phase_pct, truth_peak, r, best, tbest, m.phase_mean[0], tm[0],
                m.phase_mean[6], tm[6]);
        CHECK_MSG(wrapped_diff(m.peak_phase_pct, truth_peak) <= 5.0, "%s: %s peaks at %.1f %%, truth %.1f %%", name,
                  bl_gait_channel_name(g, c), m.peak_phase_pct, truth_peak);
        CHECK_MSG(r >= 0.9, "%s: %s phase means correlate %.3f with the truth", name, bl_gait_channel_name(g, c), r);
        if (!strcmp(bl_gait_unit(g), "%MVC"))
            CHECK_MSG(level / tlevel >= 0.8 && level / tlevel <= 1.2, "%s: %s levels %.2f of the truth's", name,
                      bl_gait_channel_name(g, c), level / tlevel);
        CHECK_MSG(abs(best - tbest) <= 1 || abs(best - tbest) == BL_GAIT_PHASES - 1,
                  "%s: %s is largest in phase %d, truth %d", name, bl_gait_channel_name(g, c), best, tbest);
    }
}

/* Analyse one generated set and check it against its truth; `expect`:
 * the pattern every side must be given. */
static void run_case(bl_synth_gait_task task, bl_synth_gait_variant variant, const char *map, int with_mvc,
                     const char *expect)
{
    char name[96];
    snprintf(name, sizeof name, "%s %s%s%s", bl_synth_gait_task_name(task), bl_synth_gait_variant_name(variant),
             map ? " two legs" : "", with_mvc ? "" : " without MVC");
    set s;
    make_set(&s, task, variant, test_seed, map, with_mvc);
    bl_gait_events *ev = footswitch_events(&s);
    check_events(&s, ev, name);
    bl_gait_config cfg;
    bl_gait_config_default(&cfg);
    bl_gait *g = NULL;
    char why[512] = "";
    bl_status st = bl_gait_analyse(s.rec, (const bl_recording *const *)s.mvc, s.n_mvc, ev, &cfg, &g, why, sizeof why);
    CHECK_MSG(st == BL_OK, "%s: bl_gait_analyse: %s", name, why);
    if (st == BL_OK) {
        for (size_t i = 0; i < bl_gait_warnings(g); i++) fprintf(stderr, "  warning: %s\n", bl_gait_warning(g, i));
        check_cycles(&s, g, name);
        CHECK_MSG(!strcmp(bl_gait_unit(g), with_mvc ? "%MVC" : "uV"), "%s: unit %s", name, bl_gait_unit(g));
        check_muscles(&s, g, name);
        for (size_t i = 0; i < bl_gait_statements(g); i++) {
            bl_gait_statement stt;
            bl_gait_get_statement(g, i, &stt);
            if (!strcmp(stt.key, "pattern") || !strcmp(stt.key, "glute_hamstring") || !strcmp(stt.key, "quad_hamstring"))
                fprintf(stderr, "  %s\n", stt.text);
        }
        CHECK_MSG(bl_gait_chains(g) == (map ? 2u : 1u), "%s: %zu sides answered", name, bl_gait_chains(g));
        for (size_t i = 0; i < bl_gait_chains(g); i++) {
            bl_gait_chain ch;
            bl_gait_get_chain(g, i, &ch);
            CHECK_MSG(!strcmp(ch.pattern, expect), "%s: side %s named \"%s\", expected \"%s\"", name,
                      bl_gait_side_name(ch.side), ch.pattern, expect);
            CHECK_MSG(ch.running == (task == BL_SYNTH_RUN), "%s: running %d", name, ch.running);
        }
    }
    bl_gait_destroy(g);
    bl_gait_events_destroy(ev);
    free_set(&s);
}

/* The same seed, the same samples; another seed, others. */
static void check_determinism(void)
{
    set a, b, c;
    make_set(&a, BL_SYNTH_RUN, BL_SYNTH_GAIT_NORMAL, 11, NULL, 0);
    make_set(&b, BL_SYNTH_RUN, BL_SYNTH_GAIT_NORMAL, 11, NULL, 0);
    make_set(&c, BL_SYNTH_RUN, BL_SYNTH_GAIT_NORMAL, 12, NULL, 0);
    size_t n = bl_recording_frames(a.rec);
    CHECK(n == bl_recording_frames(b.rec));
    int same = 1;
    for (size_t ch = 0; same && ch < bl_recording_channels(a.rec); ch++)
        same = !memcmp(bl_recording_cdata(a.rec, ch), bl_recording_cdata(b.rec, ch), n * sizeof(float));
    CHECK_MSG(same, "seed 11 twice gave different recordings");
    CHECK_MSG(n != bl_recording_frames(c.rec) ||
                  memcmp(bl_recording_cdata(a.rec, 0), bl_recording_cdata(c.rec, 0), n * sizeof(float)),
              "seeds 11 and 12 gave the same recording");
    free_set(&a);
    free_set(&b);
    free_set(&c);
}

/* Short two-legged and one-legged (L only, a sideless footswitch) sets
 * over many seeds: no stride is lost at the recording's ends, and a leg
 * no channel follows makes no strides. */
static void check_edges(void)
{
    static const char *const maps[] = {"L.ST,L.BF,L.AUX,R.ST,R.BF,R.AUX", "L.ST,L.BF,L.GMAX,AUX"};
    for (size_t m = 0; m < 2; m++)
        for (uint64_t sd = 1; sd <= 30; sd++) {
            bl_synth_config cfg;
            bl_synth_config_default(&cfg);
            cfg.seed = sd;
            cfg.map = maps[m];
            bl_synth *sy = test_make_synth(&cfg);
            bl_synth_gait_config gc;
            bl_synth_gait_config_default(&gc);
            gc.strides = 4;
            gc.task = sd % 2 ? BL_SYNTH_RUN : BL_SYNTH_WALK;
            set s;
            memset(&s, 0, sizeof s);
            s.synth = sy;
            if (bl_synth_gait(sy, &gc, &s.rec, &s.truth) != BL_OK) test_fail("bl_synth_gait failed");
            size_t first = 0;
            for (size_t k = 0; k < bl_synth_truth_strides(s.truth); k++) {
                bl_synth_stride st;
                bl_synth_truth_get_stride(s.truth, k, &st);
                first += st.side == (m ? BL_SIDE_LEFT : BL_SIDE_RIGHT);
                CHECK_MSG(m == 0 || st.side == BL_SIDE_LEFT, "L-only map, seed %llu: a stride of side %s",
                          (unsigned long long)sd, bl_gait_side_name(st.side));
            }
            CHECK_MSG(first == 4, "map %zu seed %llu: %zu strides of the first leg, asked 4", m, (unsigned long long)sd,
                      first);
            bl_gait_events *ev = footswitch_events(&s);
            bl_gait_config gcfg;
            bl_gait_config_default(&gcfg);
            gcfg.synergy.enabled = 0;
            bl_gait *g = NULL;
            char why[512] = "", name[64];
            snprintf(name, sizeof name, "edges map %zu seed %llu", m, (unsigned long long)sd);
            if (bl_gait_analyse(s.rec, NULL, 0, ev, &gcfg, &g, why, sizeof why) == BL_OK) check_cycles(&s, g, name);
            else CHECK_MSG(0, "%s: %s", name, why);
            bl_gait_destroy(g);
            bl_gait_events_destroy(ev);
            free_set(&s);
        }
}

/* Bad configurations are refused: active-recovery is a running variant. */
static void check_refusals(void)
{
    bl_synth_config cfg;
    bl_synth_config_default(&cfg);
    cfg.map = BL_SYNTH_GAIT_DEFAULT_MAP;
    bl_synth *sy = test_make_synth(&cfg);
    bl_synth_gait_config g;
    bl_synth_gait_config_default(&g);
    bl_recording *rec = NULL;
    g.variant = BL_SYNTH_GAIT_ACTIVE_RECOVERY;
    CHECK(bl_synth_gait(sy, &g, &rec, NULL) == BL_EINVAL && !rec);
    bl_synth_gait_config_default(&g);
    g.strides = 2;
    CHECK(bl_synth_gait(sy, &g, &rec, NULL) == BL_EINVAL && !rec);
    bl_synth_gait_config_default(&g);
    g.stance_pct = 90;
    CHECK(bl_synth_gait(sy, &g, &rec, NULL) == BL_EINVAL && !rec);
    g.stance_pct = 45; /* walking has double support */
    CHECK(bl_synth_gait(sy, &g, &rec, NULL) == BL_EINVAL && !rec);
    g.task = BL_SYNTH_RUN;
    g.stance_pct = 55; /* running has a flight phase */
    CHECK(bl_synth_gait(sy, &g, &rec, NULL) == BL_EINVAL && !rec);
    CHECK(bl_synth_gait(sy, NULL, &rec, NULL) == BL_EINVAL && !rec);
    bl_synth_stride st;
    double t;
    bl_side side;
    int td;
    CHECK(bl_synth_truth_get_stride(NULL, 0, &st) == BL_EINVAL);
    CHECK(bl_synth_truth_get_gait_event(NULL, 0, &t, &side, &td) == BL_EINVAL);
    CHECK(isnan(bl_gait_phase_bound_time(8, 0, 0.6, 1)) && bl_gait_phase_bound_time(4, 0, 0.6, 1) == 0.6);
    CHECK(bl_synth_gait_variant_from_name("dormant-glute") == BL_SYNTH_GAIT_DORMANT_GLUTE);
    CHECK(bl_synth_gait_task_from_name("jog") == -1);
    bl_synth_destroy(sy);
}

int main(void)
{
    if (getenv("BL_TEST_SEED")) test_seed = strtoull(getenv("BL_TEST_SEED"), NULL, 10);
    static const bl_synth_gait_variant walk_variants[] = {BL_SYNTH_GAIT_NORMAL, BL_SYNTH_GAIT_DORMANT_GLUTE,
                                                          BL_SYNTH_GAIT_QUAD_DOMINANT};
    for (size_t i = 0; i < 3; i++)
        run_case(BL_SYNTH_WALK, walk_variants[i], NULL, 1, bl_synth_gait_variant_name(walk_variants[i]));
    for (int v = BL_SYNTH_GAIT_NORMAL; v <= BL_SYNTH_GAIT_ACTIVE_RECOVERY; v++)
        run_case(BL_SYNTH_RUN, (bl_synth_gait_variant)v, NULL, 1, bl_synth_gait_variant_name((bl_synth_gait_variant)v));
    run_case(BL_SYNTH_WALK, BL_SYNTH_GAIT_NORMAL, "L.ST,L.BF,L.GMAX,L.VL,L.AUX,R.ST,R.BF,R.GMAX,R.VL,R.AUX", 1, "normal");
    run_case(BL_SYNTH_WALK, BL_SYNTH_GAIT_DORMANT_GLUTE, NULL, 0, "unknown");
    run_case(BL_SYNTH_RUN, BL_SYNTH_GAIT_ACTIVE_RECOVERY, NULL, 0, "active-recovery");
    check_determinism();
    check_refusals();
    check_edges();
    return test_finish("test_gait_synth");
}
