/* The posterior-chain answers (gait.h) on synthetic walks whose answers
 * are known by construction, in µV (so levels are the activations):
 *   ST = 0.2 + a burst at 93 % of the cycle, BF = half of ST (M:L = 2 in
 *   every phase), GMAX = 0.2 + a burst at `glute_at`, VL = 0.6 throughout;
 *   bursts are periodic Gaussians (SD 3 % of the cycle).
 * The glute's onset leads the hamstrings' by (0.93 - glute_at) of a cycle;
 * G:H and Q:H in stance follow the constant levels; the hamstrings are
 * active in terminal swing, not in terminal stance; and a run (stance 40
 * %) with a hamstring burst in mid-swing is flagged for recovery while the
 * same run without it is not; with an MVC trial the levels are %MVC. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/gait.h"
#include "check.h"
#include "gaittest.h"

#define RATE 2000.0
#define NCYC 14

typedef struct walk {
    double td[NCYC + 1], lo[NCYC];
} walk;

/* stance: fraction of each cycle; glute_at: GMAX burst; extra_at: a second
 * ST/BF burst (0: none). */
static bl_recording *make(walk *w, double stance, double glute_at, double extra_at)
{
    double t = 0.6;
    for (size_t k = 0; k <= NCYC; k++) {
        double dur = 1.0 + 0.05 * sin(1.7 * (double)k);
        w->td[k] = t;
        if (k < NCYC) w->lo[k] = t + (stance + 0.02 * cos(1.1 * (double)k)) * dur;
        t += dur;
    }
    size_t n = (size_t)((w->td[NCYC] + 0.5) * RATE), k = 0;
    bl_recording *rec = NULL;
    if (bl_recording_create(4, n, RATE, &rec) != BL_OK || bl_recording_set_map(rec, "R.ST,R.BF,R.GMAX,R.VL", NULL, 0))
        test_fail("cannot make the recording");
    for (size_t c = 0; c < 4; c++) bl_recording_set_gain(rec, c, bl_recording_full_scale(rec) * 1e3); /* 1 mV/unit */
    unsigned s = 4242;
    for (size_t i = 0; i < n; i++) {
        double ti = (double)i / RATE;
        while (k + 1 < NCYC && ti >= w->td[k + 1]) k++;
        double u = (ti - w->td[k]) / (w->td[k + 1] - w->td[k]);
        double ham = 0.2 + test_gait_bump(u, 0.93, 0.03) + (extra_at > 0 ? test_gait_bump(u, extra_at, 0.03) : 0.0);
        double a[4] = {ham, 0.5 * ham, 0.2 + test_gait_bump(u, glute_at, 0.03), 0.6};
        for (size_t c = 0; c < 4; c++) {
            s = s * 1103515245u + 12345u;
            bl_recording_data(rec, c)[i] = (float)(0.2 * a[c] * ((double)(s >> 8 & 0xffff) / 65535.0 - 0.5));
        }
    }
    if (bl_recording_to_microvolts(rec) != BL_OK) test_fail("cannot convert to uV");
    return rec;
}

static bl_gait *analyse(const walk *w, const bl_recording *rec, bl_gait_task task)
{
    bl_gait_events *ev = test_gait_events(w->td, w->lo, NCYC, BL_SIDE_RIGHT);
    bl_gait_config cfg;
    bl_gait_config_default(&cfg);
    cfg.task = task;
    bl_gait *g = test_gait_analyse(rec, ev, &cfg);
    bl_gait_events_destroy(ev);
    for (size_t i = 0; i < bl_gait_statements(g); i++) {
        bl_gait_statement s;
        bl_gait_get_statement(g, i, &s);
        fprintf(stderr, "  %s\n", s.text);
        CHECK_MSG(s.rule && strlen(s.rule) > 40, "statement %s without its rule", s.key);
    }
    return g;
}

static int has_statement(const bl_gait *g, const char *key)
{
    for (size_t i = 0; i < bl_gait_statements(g); i++) {
        bl_gait_statement s;
        if (bl_gait_get_statement(g, i, &s) == BL_OK && !strcmp(s.key, key)) return 1;
    }
    return 0;
}

static void test_walk(double glute_at)
{
    walk w;
    bl_recording *rec = make(&w, 0.6, glute_at, 0);
    bl_gait *g = analyse(&w, rec, BL_GAIT_TASK_AUTO);
    CHECK_EQ_INT(bl_gait_chains(g), 1);
    bl_gait_chain ch;
    CHECK_EQ_INT(bl_gait_get_chain(g, 0, &ch), BL_OK);
    CHECK_EQ_INT(ch.side, BL_SIDE_RIGHT);
    CHECK(!ch.running);
    CHECK_EQ_INT(ch.n_hamstring, 2);
    CHECK_EQ_INT(ch.n_glute, 1);
    CHECK_EQ_INT(ch.n_quad, 1);
    CHECK(!ch.comparable); /* uV, not %MVC */
    /* The glute's lead: (0.93 - glute_at) of a ~1 s cycle. */
    double want = 0.93 - glute_at;
    CHECK_NEAR(ch.glute_lead_pct, 100 * want, 1.5);
    CHECK_NEAR(ch.glute_lead_s, want, 0.015);
    CHECK_EQ_INT(ch.lead_cycles, NCYC);
    CHECK_EQ_INT(ch.glute_first, want > 0 ? ch.lead_cycles : 0);
    for (size_t k = 0; k < bl_gait_cycles(g); k++)
        CHECK_MSG((bl_gait_cycle_glute_lead_s(g, k) > 0) == (want > 0), "cycle %zu lead %.3f s", k,
                  bl_gait_cycle_glute_lead_s(g, k));
    /* Stance levels: hamstrings (0.2 + 0.1) / 2, GMAX 0.2 (when its burst
     * stays out of stance), VL 0.6, plus the bursts' tails (a few %). */
    if (glute_at < 0.9) CHECK_NEAR(ch.gh_stance, 0.2 / 0.15, 0.12);
    else CHECK(ch.gh_stance > 0.2 / 0.15 + 0.1); /* the burst at 97 % reaches into loading response */
    CHECK_NEAR(ch.qh_stance, 0.6 / 0.15, 0.35);
    for (int p = 0; p < BL_GAIT_PHASES; p++) CHECK_NEAR(ch.ml_ratio[p], 2.0, 0.12);
    CHECK(ch.braking_active && ch.braking_pct > 50);
    CHECK(!ch.propulsion_active && ch.propulsion_pct < 30);
    CHECK(isnan(ch.recovery_pct) && !ch.recovery_flag);
    CHECK(has_statement(g, "glute_lead") && has_statement(g, "medial_lateral") && !has_statement(g, "recovery"));
    bl_gait_destroy(g);
    bl_recording_destroy(rec);
}

/* Running: stance 40 %; the recovery share follows a mid-swing burst. */
static void test_run(void)
{
    for (int extra = 0; extra < 2; extra++) {
        walk w;
        bl_recording *rec = make(&w, 0.4, 0.88, extra ? 0.72 : 0);
        bl_gait *g = analyse(&w, rec, BL_GAIT_TASK_AUTO);
        bl_gait_chain ch;
        CHECK_EQ_INT(bl_gait_get_chain(g, 0, &ch), BL_OK);
        CHECK(ch.running);
        fprintf(stderr, "run %s a mid-swing burst: recovery %.0f %% of the peak\n", extra ? "with" : "without",
                ch.recovery_pct);
        CHECK_MSG(ch.recovery_flag == extra, "recovery %.1f %%, flag %d", ch.recovery_pct, ch.recovery_flag);
        CHECK(has_statement(g, "recovery"));
        bl_gait_destroy(g);
        /* Forced walking: no recovery answer. */
        g = analyse(&w, rec, BL_GAIT_TASK_WALK);
        CHECK_EQ_INT(bl_gait_get_chain(g, 0, &ch), BL_OK);
        CHECK(!ch.running && isnan(ch.recovery_pct));
        bl_gait_destroy(g);
        bl_recording_destroy(rec);
    }
}

/* With an MVC trial (every muscle at 1.2, in the session's unit and
 * layout) the levels are %MVC: VL's constant 0.6 is 50 %MVC, and levels
 * of different muscles become comparable. */
static void test_mvc(void)
{
    walk w;
    bl_recording *rec = make(&w, 0.6, 0.88, 0), *trial = NULL;
    size_t n = (size_t)(3.0 * RATE);
    if (bl_recording_create(4, n, RATE, &trial) != BL_OK || bl_recording_set_map(trial, "R.ST,R.BF,R.GMAX,R.VL", NULL, 0))
        test_fail("cannot make the trial");
    unsigned s = 99;
    for (size_t c = 0; c < 4; c++) {
        bl_recording_set_gain(trial, c, bl_recording_full_scale(trial) * 1e3);
        for (size_t i = 0; i < n; i++) {
            s = s * 1103515245u + 12345u;
            bl_recording_data(trial, c)[i] = (float)(0.2 * 1.2 * ((double)(s >> 8 & 0xffff) / 65535.0 - 0.5));
        }
    }
    if (bl_recording_to_microvolts(trial) != BL_OK) test_fail("cannot convert the trial");
    bl_gait_events *ev = test_gait_events(w.td, w.lo, NCYC, BL_SIDE_RIGHT);
    bl_gait_config cfg;
    bl_gait_config_default(&cfg);
    bl_gait *g = NULL;
    char why[256] = "";
    const bl_recording *trials[1] = {trial};
    CHECK_EQ_INT(bl_gait_analyse(rec, trials, 1, ev, &cfg, &g, why, sizeof why), BL_OK);
    CHECK_MSG(g && !strcmp(bl_gait_unit(g), "%MVC"), "unit %s (%s)", g ? bl_gait_unit(g) : "-", why);
    bl_gait_chain ch;
    if (g && bl_gait_get_chain(g, 0, &ch) == BL_OK) {
        CHECK(ch.comparable);
        fprintf(stderr, "mvc: VL in stance %.1f %%MVC (made at 50)\n", ch.quad_stance);
        CHECK_NEAR(ch.quad_stance, 50.0, 5.0);
    } else {
        CHECK_MSG(0, "no answers with an MVC trial");
    }
    bl_gait_destroy(g);
    /* A trial in another unit is refused, naming the trial. */
    bl_recording *fs = NULL;
    if (bl_recording_create(4, n, RATE, &fs) != BL_OK || bl_recording_set_map(fs, "R.ST,R.BF,R.GMAX,R.VL", NULL, 0))
        test_fail("cannot make the trial");
    trials[0] = fs;
    CHECK_EQ_INT(bl_gait_analyse(rec, trials, 1, ev, &cfg, &g, why, sizeof why), BL_EUNIT);
    CHECK_MSG(strstr(why, "mvc trial 1") != NULL, "%s", why);
    bl_recording_destroy(fs);
    bl_gait_events_destroy(ev);
    bl_recording_destroy(trial);
    bl_recording_destroy(rec);
}

int main(void)
{
    test_mvc();
    test_walk(0.88); /* glute first by 5 % of the cycle */
    test_walk(0.97); /* glute after the hamstrings by 4 % */
    test_run();
    return test_finish("test_gait_chain");
}
