/* Helpers shared by the gait tests (test_gait_*.c). */
#ifndef TEST_GAITTEST_H
#define TEST_GAITTEST_H

#include <stddef.h>

#include "backline/gait.h"

/* A set of ncyc cycles of one side: touchdowns td[0..ncyc], lift-offs
 * lo[0..ncyc). Fails the test when it cannot be made. */
bl_gait_events *test_gait_events(const double *td, const double *lo, size_t ncyc, bl_side side);

/* bl_gait_analyse without MVC trials; fails the test (saying why) when it
 * fails; prints the warnings. */
bl_gait *test_gait_analyse(const bl_recording *rec, const bl_gait_events *ev, const bl_gait_config *cfg);
/* A Gaussian burst of peak 1 at phase `centre` (fractions of the cycle)
 * with SD `sd`, periodic: it continues across touchdown. */
double test_gait_bump(double u, double centre, double sd);
/* The Perry phase with the largest mean activity. */
int test_gait_largest_phase(const bl_gait_muscle *m);

#endif
