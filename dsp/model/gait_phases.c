/* Perry's phases of the gait cycle (gait_phases.h): their names, their
 * bounds in a normal cycle and in a cycle's own time. */
#include "backline/gait_phases.h"

#include <math.h>
#include <stddef.h>

/* Perry & Burnfield 2010, % of a normal cycle: loading response, mid-,
 * terminal stance, pre-swing (stance ends at 60), initial, mid-, terminal
 * swing. */
static const double perry_bounds[BL_GAIT_PHASES + 1] = {0, 10, 30, 50, 60, 73, 87, 100};

const char *bl_gait_phase_name(bl_gait_phase p)
{
    static const char *const names[BL_GAIT_PHASES] = {"loading_response", "mid_stance", "terminal_stance",
                                                      "pre_swing", "initial_swing", "mid_swing", "terminal_swing"};
    return (int)p >= 0 && p < BL_GAIT_PHASES ? names[p] : NULL;
}

bl_status bl_gait_phase_bounds(bl_gait_phase p, double *lo_pct, double *hi_pct)
{
    if (!lo_pct || !hi_pct) return BL_EINVAL;
    if ((int)p < 0 || p >= BL_GAIT_PHASES) return BL_ERANGE;
    *lo_pct = perry_bounds[p];
    *hi_pct = perry_bounds[p + 1];
    return BL_OK;
}

double bl_gait_phase_bound_time(int b, double touchdown_s, double liftoff_s, double end_s)
{
    if (b < 0 || b > BL_GAIT_PHASES) return NAN;
    double p = perry_bounds[b];
    if (p <= BL_GAIT_NORMAL_STANCE_PCT)
        return touchdown_s + p / BL_GAIT_NORMAL_STANCE_PCT * (liftoff_s - touchdown_s);
    return liftoff_s + (p - BL_GAIT_NORMAL_STANCE_PCT) / (100.0 - BL_GAIT_NORMAL_STANCE_PCT) * (end_s - liftoff_s);
}
