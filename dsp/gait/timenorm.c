/* Time normalisation of the envelopes: each cycle of a channel resampled
 * to the grid (stance and swing separately, or the whole cycle), the real
 * phase of every point, and the mean activity in each of Perry's phases
 * cut by the cycle's own events (gait.h). */
#include <math.h>
#include <stdlib.h>

#include "gait_internal.h"

void bli_gait_grid(bl_gait *g)
{
    const bl_gait_config *c = &g->cfg;
    if (c->normalise == BL_GAIT_NORM_PHASES) {
        g->points = c->stance_points + c->swing_points;
        g->stance_points = (double)c->stance_points;
        return;
    }
    g->points = c->cycle_points;
    double sum = 0;
    for (size_t k = 0; k < g->ncyc; k++) sum += bl_gait_cycle_stance_pct(&g->cyc[k]) / 100.0;
    g->stance_points = g->ncyc ? sum / (double)g->ncyc * (double)(c->cycle_points - 1) : NAN;
}

/* The time (s) of grid point i in cycle cy. */
static double point_time(const bl_gait *g, const bl_gait_cycle *cy, size_t i)
{
    const bl_gait_config *c = &g->cfg;
    if (c->normalise == BL_GAIT_NORM_CYCLE)
        return cy->start_s + (cy->end_s - cy->start_s) * (double)i / (double)(c->cycle_points - 1);
    if (i < c->stance_points)
        return cy->start_s + (cy->liftoff_s - cy->start_s) * (double)i / (double)c->stance_points;
    return cy->liftoff_s + (cy->end_s - cy->liftoff_s) * (double)(i - c->stance_points) / (double)c->swing_points;
}

/* x at time t by linear interpolation between samples (clamped to the
 * recording). */
static double at_time(const float *x, size_t n, double rate, double t)
{
    double pos = t * rate;
    if (!(pos > 0)) return x[0];
    if (pos >= (double)(n - 1)) return x[n - 1];
    size_t i = (size_t)pos;
    double f = pos - (double)i;
    return (1.0 - f) * x[i] + f * x[i + 1];
}

double bli_gait_boundary_s(const bl_gait_cycle *cy, size_t b)
{
    return bl_gait_phase_bound_time((int)b, cy->start_s, cy->liftoff_s, cy->end_s);
}

/* Mean of x over the samples in [t0, t1); a stretch shorter than a
 * sample takes the interpolated value at its middle. */
static double mean_over(const float *x, size_t n, double rate, double t0, double t1)
{
    size_t a = (size_t)ceil(t0 * rate), b = (size_t)ceil(t1 * rate);
    if (b > n) b = n;
    if (a >= b) return at_time(x, n, rate, 0.5 * (t0 + t1));
    double s = 0;
    for (size_t i = a; i < b; i++) s += x[i];
    return s / (double)(b - a);
}

bl_status bli_gait_channel_curves(bl_gait *g, size_t c)
{
    size_t nc = g->ch[c].ncyc, P = g->points, n = bl_recording_frames(g->env);
    double rate = bl_recording_rate(g->env);
    const float *x = bl_recording_cdata(g->env, c);
    size_t cells = nc * P > 0 ? nc * P : 1;
    g->ch[c].curves = malloc(cells * sizeof(double));
    g->ch[c].phase_pct = malloc(cells * sizeof(double));
    g->ch[c].phase_means = malloc((nc ? nc : 1) * BL_GAIT_PHASES * sizeof(double));
    if (!g->ch[c].curves || !g->ch[c].phase_pct || !g->ch[c].phase_means) return BL_ENOMEM;
    for (size_t k = 0; k < nc; k++) {
        const bl_gait_cycle *cy = &g->cyc[g->ch[c].cyc[k]];
        double dur = cy->end_s - cy->start_s;
        for (size_t i = 0; i < P; i++) {
            double t = point_time(g, cy, i);
            g->ch[c].curves[k * P + i] = at_time(x, n, rate, t);
            g->ch[c].phase_pct[k * P + i] = 100.0 * (t - cy->start_s) / dur;
        }
        for (size_t p = 0; p < BL_GAIT_PHASES; p++)
            g->ch[c].phase_means[k * BL_GAIT_PHASES + p] =
                mean_over(x, n, rate, bli_gait_boundary_s(cy, p), bli_gait_boundary_s(cy, p + 1));
    }
    return BL_OK;
}
