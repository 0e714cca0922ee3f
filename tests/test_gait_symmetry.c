/* Left/right symmetry and two footswitches (gait.h) on a constructed
 * bilateral walk in µV: the right foot half a cycle after the left; L.ST
 * and R.ST with one shape, the right at 0.8 of the left's level (SI =
 * 100 x 0.2 / 0.9 = 22 %, r = 1, no lag); L.TA bursting at 30 % of its
 * cycle, R.TA at 40 % (the right 10 % later). The events come from the
 * two AUX footswitches, detected one by one and merged. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/gait.h"
#include "check.h"
#include "gaittest.h"

#define RATE 2000.0
#define NCYC 12
#define DUR 1.05
#define STANCE 0.6

/* Phase in [0, 1) of time t for a foot whose first touchdown is at t0. */
static double phase(double t, double t0) { return fmod(t - t0 + 100 * DUR, DUR) / DUR; }

static bl_recording *make(void)
{
    const double t0[2] = {0.5, 0.5 + DUR / 2};
    size_t n = (size_t)((t0[1] + (NCYC + 0.3) * DUR) * RATE);
    bl_recording *rec = NULL;
    if (bl_recording_create(6, n, RATE, &rec) != BL_OK ||
        bl_recording_set_map(rec, "L.ST,R.ST,L.TA,R.TA,L.AUX,R.AUX", NULL, 0) != BL_OK)
        test_fail("cannot make the recording");
    for (size_t c = 0; c < 4; c++) bl_recording_set_gain(rec, c, bl_recording_full_scale(rec) * 1e3);
    unsigned s = 31337;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / RATE, a[4];
        for (int side = 0; side < 2; side++) {
            double u = phase(t, t0[side]);
            int walking = t >= t0[side] && t < t0[side] + NCYC * DUR + 0.3;
            a[side] = (side ? 0.8 : 1.0) * (0.2 + test_gait_bump(u, 0.92, 0.04));
            a[2 + side] = 0.2 + test_gait_bump(u, side ? 0.40 : 0.30, 0.04);
            bl_recording_data(rec, 4 + (size_t)side)[i] = (float)(walking && u < STANCE ? 0.8 : 0.05);
        }
        for (size_t c = 0; c < 4; c++) {
            s = s * 1103515245u + 12345u;
            bl_recording_data(rec, c)[i] = (float)(0.2 * a[c] * ((double)(s >> 8 & 0xffff) / 65535.0 - 0.5));
        }
    }
    if (bl_recording_to_microvolts(rec) != BL_OK) test_fail("cannot convert to uV");
    return rec;
}

static bl_gait_events *footswitches(const bl_recording *rec)
{
    bl_gait_footswitch_config fc;
    bl_gait_footswitch_config_default(&fc);
    bl_gait_events *l = NULL, *r = NULL, *both = NULL;
    size_t n = bl_recording_frames(rec);
    CHECK_EQ_INT(bl_gait_events_from_footswitch(bl_recording_cdata(rec, 4), n, RATE, BL_SIDE_LEFT, 4, &fc, &l, NULL, 0),
                 BL_OK);
    CHECK_EQ_INT(bl_gait_events_from_footswitch(bl_recording_cdata(rec, 5), n, RATE, BL_SIDE_RIGHT, 5, &fc, &r, NULL, 0),
                 BL_OK);
    CHECK_EQ_INT(bl_gait_events_merge(l, r, &both), BL_OK);
    CHECK_EQ_INT(bl_gait_events_count(both), bl_gait_events_count(l) + bl_gait_events_count(r));
    char why[256] = "";
    CHECK_MSG(bl_gait_events_validate(both, bl_recording_duration(rec), why, sizeof why) == BL_OK, "%s", why);
    CHECK_EQ_INT(bl_gait_events_source_of(both), BL_GAIT_EVENTS_FOOTSWITCH);
    bl_doc *d = NULL;
    bl_doc_create(&d);
    CHECK_EQ_INT(bl_gait_events_describe(both, d), BL_OK);
    CHECK_EQ_INT(bl_doc_count(bl_doc_find(d, "footswitch")), 2);
    bl_doc_destroy(d);
    bl_gait_events_destroy(l);
    bl_gait_events_destroy(r);
    return both;
}

int main(void)
{
    bl_recording *rec = make();
    bl_gait_events *ev = footswitches(rec);
    bl_gait_config cfg;
    bl_gait_config_default(&cfg);
    bl_gait *g = test_gait_analyse(rec, ev, &cfg);
    size_t per_side[3] = {0, 0, 0};
    for (size_t k = 0; k < bl_gait_cycles(g); k++) {
        bl_gait_cycle cy;
        bl_gait_get_cycle(g, k, &cy);
        per_side[cy.side]++;
        CHECK_NEAR(cy.end_s - cy.start_s, DUR, 2.0 / RATE);
        CHECK_NEAR(bl_gait_cycle_stance_pct(&cy), 100 * STANCE, 0.5);
    }
    CHECK_EQ_INT(per_side[BL_SIDE_LEFT], NCYC);
    CHECK_EQ_INT(per_side[BL_SIDE_RIGHT], NCYC);
    CHECK_EQ_INT(bl_gait_symmetries(g), 2);
    for (size_t i = 0; i < bl_gait_symmetries(g); i++) {
        bl_gait_symmetry sy;
        CHECK_EQ_INT(bl_gait_get_symmetry(g, i, &sy), BL_OK);
        fprintf(stderr, "%s: SI %.1f %%, r %.3f, lag %.1f %%, peak R-L %.1f %%\n", bl_muscle_code(sy.muscle), sy.si_pct,
                sy.r, sy.lag_pct, sy.peak_diff_pct);
        CHECK(!sy.comparable);
        if (sy.muscle == BL_MUSCLE_ST) {
            CHECK_NEAR(sy.si_pct, 100 * 0.2 / 0.9, 3.0);
            CHECK(sy.r > 0.97);
            CHECK_NEAR(sy.lag_pct, 0, 1.01);
            CHECK_NEAR(sy.peak_diff_pct, 0, 2.0);
        } else {
            CHECK_EQ_INT(sy.muscle, BL_MUSCLE_TA);
            CHECK_NEAR(sy.si_pct, 0, 3.0);
            CHECK_NEAR(sy.lag_pct, 10, 2.01);
            CHECK_NEAR(sy.peak_diff_pct, 10, 2.0);
            CHECK(sy.r < 0.9); /* shifted: not the same curve */
        }
    }
    bl_gait_destroy(g);
    bl_gait_events_destroy(ev);
    bl_recording_destroy(rec);
    return test_finish("test_gait_symmetry");
}
