/* Gait cycles and their normalisation (gait.h): which candidate cycles
 * are kept and why the others are dropped; then a synthetic walk whose
 * answers are known by construction (cycles of different lengths and
 * stance fractions; a muscle bursting at 92 % of every cycle, one at 5 %,
 * one active through stance only) analysed in both time normalisations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/gait.h"
#include "check.h"
#include "gaittest.h"

static void add(bl_gait_events *ev, double t, bl_side s, bl_gait_event_kind k)
{
    CHECK_EQ_INT(bl_gait_events_add(ev, t, s, k), BL_OK);
}

static void test_find(void)
{
    bl_gait_events *ev = NULL;
    CHECK_EQ_INT(bl_gait_events_create(&ev), BL_OK);
    /* L: 1.0 kept, 2.0 kept, 3.0 no lift-off, 4.0 too long (2.0 s), 6.0
     * kept, 7.0 kept; R: 1.5 kept, 2.5 two lift-offs, 3.5 too short, 3.8
     * and 4.8 kept. */
    const double l_td[] = {1.0, 2.0, 3.0, 4.0, 6.0, 7.0, 8.0}, l_lo[] = {1.6, 2.6, 4.6, 6.6, 7.6};
    const double r_td[] = {1.5, 2.5, 3.5, 3.8, 4.8, 5.8}, r_lo[] = {2.1, 2.8, 3.1, 3.65, 4.4, 5.4};
    double t[32];
    int kind[32], side[32];
    size_t n = 0;
    for (size_t i = 0; i < 7; i++) t[n] = l_td[i], kind[n] = BL_GAIT_TOUCHDOWN, side[n++] = BL_SIDE_LEFT;
    for (size_t i = 0; i < 5; i++) t[n] = l_lo[i], kind[n] = BL_GAIT_LIFTOFF, side[n++] = BL_SIDE_LEFT;
    for (size_t i = 0; i < 6; i++) t[n] = r_td[i], kind[n] = BL_GAIT_TOUCHDOWN, side[n++] = BL_SIDE_RIGHT;
    for (size_t i = 0; i < 6; i++) t[n] = r_lo[i], kind[n] = BL_GAIT_LIFTOFF, side[n++] = BL_SIDE_RIGHT;
    for (size_t a = 0; a < n; a++) /* sort by time */
        for (size_t b = a + 1; b < n; b++)
            if (t[b] < t[a]) {
                double x = t[a];
                t[a] = t[b], t[b] = x;
                int k = kind[a];
                kind[a] = kind[b], kind[b] = k;
                k = side[a];
                side[a] = side[b], side[b] = k;
            }
    for (size_t i = 0; i < n; i++) add(ev, t[i], (bl_side)side[i], (bl_gait_event_kind)kind[i]);
    char why[256] = "";
    CHECK_EQ_INT(bl_gait_events_validate(ev, 10, why, sizeof why), BL_OK);
    bl_gait_cycle_config cfg;
    bl_gait_cycle_config_default(&cfg);
    bl_gait_cycle c[16];
    size_t nc = 0;
    CHECK_EQ_INT(bl_gait_find_cycles(ev, &cfg, c, 2, &nc), BL_OK); /* too little room: the count */
    CHECK_EQ_INT(nc, 11);
    CHECK_EQ_INT(bl_gait_find_cycles(ev, &cfg, c, 16, &nc), BL_OK);
    const bl_gait_cycle_state want[11] = {BL_GAIT_CYCLE_KEPT, BL_GAIT_CYCLE_KEPT, BL_GAIT_CYCLE_NO_LIFTOFF,
                                          BL_GAIT_CYCLE_LONG, BL_GAIT_CYCLE_KEPT, BL_GAIT_CYCLE_KEPT,
                                          BL_GAIT_CYCLE_KEPT, BL_GAIT_CYCLE_TWO_LIFTOFFS, BL_GAIT_CYCLE_SHORT,
                                          BL_GAIT_CYCLE_KEPT, BL_GAIT_CYCLE_KEPT};
    for (size_t k = 0; k < 11 && k < nc; k++) {
        bl_gait_cycle_why(&c[k], &cfg, why, sizeof why);
        CHECK_MSG(c[k].state == want[k], "cycle %zu: %s", k, why);
    }
    CHECK_NEAR(c[0].liftoff_s, 1.6, 1e-12);
    CHECK(isnan(c[2].liftoff_s));
    CHECK_NEAR(c[3].median_s, 1.0, 1e-12); /* L: 1, 1, 2, 1, 1 with one lift-off -> median 1 */
    CHECK_EQ_INT(c[6].side, BL_SIDE_RIGHT);
    bl_gait_cycle_why(&c[3], &cfg, why, sizeof why);
    CHECK_MSG(strstr(why, "4.000 s") && strstr(why, "over 1.3"), "%s", why);
    bl_gait_cycle_why(&c[2], &cfg, why, sizeof why);
    CHECK_MSG(strstr(why, "3.000 s") && strstr(why, "no lift-off"), "%s", why);
    cfg.min_ratio = 1.2;
    CHECK_EQ_INT(bl_gait_find_cycles(ev, &cfg, c, 16, &nc), BL_EINVAL);
    bl_gait_events_destroy(ev);
}

/* ---- a synthetic walk ---- */

#define RATE 2000.0
#define NCYC 12
#define ST_PEAK 0.92 /* ST bursts at 92 % of each cycle (terminal swing) */
#define GM_PEAK 0.05 /* GMAX at 5 % (loading response) */

typedef struct walk {
    double td[NCYC + 1], lo[NCYC];
    double mean_stance; /* mean stance fraction */
} walk;

static double bump(double u, double centre, double width)
{
    double d = u - centre;
    return exp(-0.5 * d * d / (width * width));
}

/* R.ST, R.TA, R.GMAX: noise carriers under known activation profiles. */
static bl_recording *make_walk(walk *w)
{
    double t = 0.7, sum = 0;
    for (size_t k = 0; k <= NCYC; k++) {
        double dur = 1.0 + 0.08 * sin(1.3 * (double)k), sf = 0.615 + 0.06 * cos(2.1 * (double)k);
        w->td[k] = t;
        if (k < NCYC) {
            w->lo[k] = t + sf * dur;
            sum += sf;
        }
        t += dur;
    }
    w->mean_stance = sum / NCYC;
    size_t n = (size_t)((w->td[NCYC] + 0.6) * RATE);
    bl_recording *rec = NULL;
    if (bl_recording_create(3, n, RATE, &rec) != BL_OK || bl_recording_set_map(rec, "R.ST,R.TA,R.GMAX", NULL, 0))
        test_fail("cannot make the recording");
    unsigned s = 777;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double ti = (double)i / RATE, a[3] = {0.02, 0.02, 0.02};
        while (k < NCYC && ti >= w->td[k + 1]) k++;
        if (ti >= w->td[0] && k < NCYC) {
            double dur = w->td[k + 1] - w->td[k], u = (ti - w->td[k]) / dur;
            a[0] += bump(u, ST_PEAK, 0.03);
            a[1] += ti < w->lo[k] ? 1.0 : 0.0;
            a[2] += bump(u, GM_PEAK, 0.03) + bump(u, 1.0 + GM_PEAK, 0.03); /* continues over touchdown */
        }
        for (size_t c = 0; c < 3; c++) {
            s = s * 1103515245u + 12345u;
            bl_recording_data(rec, c)[i] = (float)(0.2 * a[c] * ((double)(s >> 8 & 0xffff) / 65535.0 - 0.5));
        }
    }
    return rec;
}

static bl_gait *analyse(const bl_recording *rec, const bl_gait_events *ev, bl_gait_normalise mode)
{
    bl_gait_config cfg;
    bl_gait_config_default(&cfg);
    cfg.normalise = mode;
    return test_gait_analyse(rec, ev, &cfg);
}

static void test_phases(const bl_recording *rec, const bl_gait_events *ev, const walk *w)
{
    bl_gait *g = analyse(rec, ev, BL_GAIT_NORM_PHASES);
    CHECK_EQ_INT(bl_gait_cycles(g), NCYC);
    CHECK_EQ_INT(bl_gait_points(g), 100);
    CHECK_NEAR(bl_gait_stance_points(g), 60, 0);
    CHECK_MSG(!strcmp(bl_gait_unit(g), "% of session peak"), "unit %s", bl_gait_unit(g));
    bl_gait_muscle st, ta, gm;
    CHECK_EQ_INT(bl_gait_get_muscle(g, 0, &st), BL_OK);
    CHECK_EQ_INT(bl_gait_get_muscle(g, 1, &ta), BL_OK);
    CHECK_EQ_INT(bl_gait_get_muscle(g, 2, &gm), BL_OK);
    fprintf(stderr, "phases: ST peak %.1f %% (truth %.0f), GMAX %.1f %% (truth %.0f), TA CV %.1f %%\n",
            st.peak_phase_pct, 100 * ST_PEAK, gm.peak_phase_pct, 100 * GM_PEAK, ta.cv_pct);
    CHECK_NEAR(st.peak_phase_pct, 100 * ST_PEAK, 2.5);
    CHECK_NEAR(gm.peak_phase_pct, 100 * GM_PEAK, 2.5);
    CHECK_EQ_INT(test_gait_largest_phase(&st), BL_GAIT_TERMINAL_SWING);
    CHECK_EQ_INT(test_gait_largest_phase(&gm), BL_GAIT_LOADING_RESPONSE);
    CHECK_EQ_INT(st.cycles, NCYC);
    CHECK(st.cv_pct > 0 && st.cv_pct < 100);
    /* TA: on through each cycle's own stance, whatever its length: high
     * before the boundary point, low after it, in every cycle's curve. */
    const double *m = bl_gait_channel_mean(g, 1);
    CHECK(m && m[54] > 0.6 * ta.peak && m[66] < 0.25 * ta.peak);
    for (size_t k = 0; k < bl_gait_channel_cycles(g, 1); k++) {
        const double *c = bl_gait_channel_curve(g, 1, k);
        CHECK_MSG(c[54] > 2 * c[66], "cycle %zu: %.3g before the lift-off point, %.3g after", k, c[54], c[66]);
    }
    /* Its burst from touchdown to about lift-off (real phase); the
     * smoothed rise into the next stance may show as a second one that
     * ends the cycle (bursts are not wrapped). */
    size_t nb = bl_gait_channel_bursts(g, 1);
    CHECK_MSG(nb == 1 || nb == 2, "%zu bursts", nb);
    double on = NAN, off = NAN;
    CHECK_EQ_INT(bl_gait_get_burst(g, 1, 0, &on, &off), BL_OK);
    CHECK_NEAR(on, 0, 1.0);
    CHECK_NEAR(off, 100 * w->mean_stance, 5.0);
    if (nb == 2 && bl_gait_get_burst(g, 1, 1, &on, &off) == BL_OK) CHECK_MSG(on > 90 && off > 98, "%g-%g", on, off);
    /* Phase means from each cycle's own events: TA's four stance phases
     * high, its three swing phases low. */
    for (int p = 0; p < BL_GAIT_PHASES; p++)
        CHECK_MSG(p < BL_GAIT_INITIAL_SWING ? ta.phase_mean[p] > 0.6 * ta.peak : ta.phase_mean[p] < 0.3 * ta.peak,
                  "TA %s %.3g (peak %.3g)", bl_gait_phase_name((bl_gait_phase)p), ta.phase_mean[p], ta.peak);
    /* The real phase of a grid point follows the cycle's events. */
    CHECK_NEAR(bl_gait_channel_point_phase(g, 1, 60), 100 * w->mean_stance, 1e-9);
    bl_doc *d = NULL;
    CHECK_EQ_INT(bl_doc_create(&d), BL_OK);
    CHECK_EQ_INT(bl_gait_describe(g, d, NULL), BL_OK);
    CHECK(bl_doc_find(bl_doc_find(d, "phases"), "bounds_pct") != NULL);
    CHECK_NEAR(bl_doc_number(bl_doc_find(bl_doc_find(d, "cycles"), "kept")), NCYC, 0);
    bl_doc_destroy(d);
    bl_gait_destroy(g);
}

static void test_cycle_mode(const bl_recording *rec, const bl_gait_events *ev, const walk *w)
{
    bl_gait *g = analyse(rec, ev, BL_GAIT_NORM_CYCLE);
    CHECK_EQ_INT(bl_gait_points(g), 101);
    CHECK_NEAR(bl_gait_stance_points(g), 100 * w->mean_stance, 1e-9);
    bl_gait_muscle st;
    CHECK_EQ_INT(bl_gait_get_muscle(g, 0, &st), BL_OK);
    CHECK_NEAR(st.peak_phase_pct, 100 * ST_PEAK, 2.5);
    /* The grid point k is k % of the cycle in every cycle. */
    CHECK_NEAR(bl_gait_channel_point_phase(g, 0, 37), 37, 1e-9);
    bl_gait_destroy(g);
}

/* Dropped cycles are named in the warnings; no complete cycle is an error. */
static void test_drops(const bl_recording *rec, const walk *w)
{
    bl_gait_events *ev = NULL;
    CHECK_EQ_INT(bl_gait_events_create(&ev), BL_OK);
    for (size_t k = 0; k <= NCYC; k++) {
        add(ev, w->td[k], BL_SIDE_RIGHT, BL_GAIT_TOUCHDOWN);
        if (k < NCYC && k != 4) add(ev, w->lo[k], BL_SIDE_RIGHT, BL_GAIT_LIFTOFF); /* cycle 4 loses its lift-off */
    }
    bl_gait *g = analyse(rec, ev, BL_GAIT_NORM_PHASES);
    CHECK_EQ_INT(bl_gait_cycles(g), NCYC - 1);
    char start[32];
    snprintf(start, sizeof start, "%.3f s", w->td[4]);
    int named = 0;
    for (size_t i = 0; i < bl_gait_warnings(g); i++) named |= strstr(bl_gait_warning(g, i), start) != NULL;
    CHECK_MSG(named, "no warning names the cycle at %s", start);
    bl_gait_destroy(g);
    bl_gait_events_destroy(ev);
    /* A left-leg muscle never takes the right leg's cycles. */
    bl_recording *copy = NULL;
    CHECK_EQ_INT(bl_recording_create_like(rec, bl_recording_frames(rec), bl_recording_rate(rec), &copy), BL_OK);
    for (size_t c = 0; c < 3; c++)
        memcpy(bl_recording_data(copy, c), bl_recording_cdata(rec, c), bl_recording_frames(rec) * sizeof(float));
    CHECK_EQ_INT(bl_recording_set_map(copy, "L.ST,R.TA,R.GMAX", NULL, 0), BL_OK);
    ev = test_gait_events(w->td, w->lo, NCYC, BL_SIDE_RIGHT);
    g = analyse(copy, ev, BL_GAIT_NORM_PHASES);
    CHECK(!bl_gait_channel_used(g, 0) && bl_gait_channel_used(g, 1));
    CHECK_MSG(strstr(bl_gait_channel_why(g, 0), "side L") != NULL, "%s", bl_gait_channel_why(g, 0));
    bl_gait_destroy(g);
    bl_gait_events_destroy(ev);
    bl_recording_destroy(copy);
    /* Events past the end of the recording. */
    CHECK_EQ_INT(bl_gait_events_create(&ev), BL_OK);
    add(ev, 1, BL_SIDE_RIGHT, BL_GAIT_TOUCHDOWN);
    add(ev, bl_recording_duration(rec) + 1, BL_SIDE_RIGHT, BL_GAIT_TOUCHDOWN);
    bl_gait_config cfg;
    bl_gait_config_default(&cfg);
    char why[256] = "";
    CHECK_EQ_INT(bl_gait_analyse(rec, NULL, 0, ev, &cfg, &g, why, sizeof why), BL_ERANGE);
    CHECK(g == NULL && strstr(why, "event 2"));
    bl_gait_events_destroy(ev);
    CHECK_EQ_INT(bl_gait_analyse(NULL, NULL, 0, NULL, &cfg, &g, NULL, 0), BL_EINVAL);
}

int main(void)
{
    test_find();
    walk w;
    bl_recording *rec = make_walk(&w);
    bl_gait_events *ev = test_gait_events(w.td, w.lo, NCYC, BL_SIDE_RIGHT);
    test_phases(rec, ev, &w);
    test_cycle_mode(rec, ev, &w);
    test_drops(rec, &w);
    bl_gait_events_destroy(ev);
    bl_recording_destroy(rec);
    return test_finish("test_gait_cycles");
}
