/* Perry's phases of the gait cycle: the model's one table of them, used by
 * the gait analysis (gait.h) to cut each cycle and by the generator
 * (synth.h) to state its ground truth in the same phases.
 *
 * Perry & Burnfield, Gait Analysis: Normal and Pathological Function, 2nd
 * ed., SLACK 2010. Bounds in % of a normal walking cycle whose stance ends
 * at BL_GAIT_NORMAL_STANCE_PCT: loading response 0-10, mid-stance 10-30,
 * terminal stance 30-50, pre-swing 50-60, initial swing 60-73, mid-swing
 * 73-87, terminal swing 87-100. A cycle with another stance fraction is
 * cut by its own events: a stance bound b (<= 60) lies at touchdown +
 * (b / 60) x its stance duration, a swing bound at lift-off + ((b - 60) /
 * 40) x its swing duration.
 */
#ifndef BACKLINE_GAIT_PHASES_H
#define BACKLINE_GAIT_PHASES_H

#include "backline/backline.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where stance ends in a normal walking cycle, % of the cycle. */
#define BL_GAIT_NORMAL_STANCE_PCT 60.0

/* Perry's seven phases, in cycle order. */
typedef enum bl_gait_phase {
    BL_GAIT_LOADING_RESPONSE = 0, BL_GAIT_MID_STANCE, BL_GAIT_TERMINAL_STANCE, BL_GAIT_PRE_SWING,
    BL_GAIT_INITIAL_SWING, BL_GAIT_MID_SWING, BL_GAIT_TERMINAL_SWING, BL_GAIT_PHASES
} bl_gait_phase;

/* "loading_response" ... "terminal_swing"; NULL out of range. */
BL_API const char *bl_gait_phase_name(bl_gait_phase p);
/* The phase's bounds in % of a normal cycle (Perry), stance ending at 60.
 * BL_ERANGE out of range, BL_EINVAL NULL. */
BL_API bl_status bl_gait_phase_bounds(bl_gait_phase p, double *lo_pct, double *hi_pct);
/* Bound b (0..BL_GAIT_PHASES: 0 the touchdown, 4 the lift-off, 7 the next
 * touchdown) of the cycle [touchdown_s, end_s) with its lift-off, in
 * seconds; NAN for b out of range. */
BL_API double bl_gait_phase_bound_time(int b, double touchdown_s, double liftoff_s, double end_s);

#ifdef __cplusplus
}
#endif
#endif
