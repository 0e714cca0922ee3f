/* Helpers shared by the gait tests (gaittest.h). */
#include "gaittest.h"

#include <math.h>
#include <stdio.h>

#include "check.h"

bl_gait_events *test_gait_events(const double *td, const double *lo, size_t ncyc, bl_side side)
{
    bl_gait_events *ev = NULL;
    if (bl_gait_events_create(&ev) != BL_OK) test_fail("cannot make an events set");
    for (size_t k = 0; k <= ncyc; k++)
        if (bl_gait_events_add(ev, td[k], side, BL_GAIT_TOUCHDOWN) != BL_OK ||
            (k < ncyc && bl_gait_events_add(ev, lo[k], side, BL_GAIT_LIFTOFF) != BL_OK))
            test_fail("cannot add an event");
    return ev;
}

bl_gait *test_gait_analyse(const bl_recording *rec, const bl_gait_events *ev, const bl_gait_config *cfg)
{
    bl_gait *g = NULL;
    char why[512] = "", msg[640];
    bl_status st = bl_gait_analyse(rec, NULL, 0, ev, cfg, &g, why, sizeof why);
    if (st != BL_OK) {
        snprintf(msg, sizeof msg, "bl_gait_analyse: %s: %s", bl_strerror(st), why);
        test_fail(msg);
    }
    for (size_t i = 0; i < bl_gait_warnings(g); i++) fprintf(stderr, "  warning: %s\n", bl_gait_warning(g, i));
    return g;
}

int test_gait_largest_phase(const bl_gait_muscle *m)
{
    int best = 0;
    for (int p = 1; p < BL_GAIT_PHASES; p++)
        if (m->phase_mean[p] > m->phase_mean[best]) best = p;
    return best;
}

double test_gait_bump(double u, double centre, double sd)
{
    double s = 0;
    for (int k = -1; k <= 1; k++) {
        double d = u - centre - k;
        s += exp(-0.5 * d * d / (sd * sd));
    }
    return s;
}
