/* Ensemble metrics of one channel's time-normalised cycles: mean and SD
 * curves, the real phase of each point, the peak phase, Perry's phase
 * means, the coefficient of variation and the bursts of the mean curve
 * (every rule in gait.h). */
#include <math.h>
#include <stdlib.h>

#include "gait_internal.h"

/* Mean and sample SD of v[k * stride + off] over k < n (SD NAN under 2). */
static void mean_sd(const double *v, size_t n, size_t stride, size_t off, double *mean, double *sd)
{
    double s = 0, ss = 0;
    for (size_t k = 0; k < n; k++) s += v[k * stride + off];
    double m = n ? s / (double)n : NAN;
    for (size_t k = 0; k < n; k++) ss += (v[k * stride + off] - m) * (v[k * stride + off] - m);
    *mean = m;
    *sd = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
}

/* Runs of the mean curve above min + fraction x (max - min), as
 * onset/offset phases. */
static bl_status bursts(bl_gait *g, size_t c)
{
    size_t P = g->points, nb = 0;
    const double *m = g->ch[c].mean, *ph = g->ch[c].point_phase;
    double lo = m[0], hi = m[0];
    for (size_t i = 1; i < P; i++) {
        if (m[i] < lo) lo = m[i];
        if (m[i] > hi) hi = m[i];
    }
    double thr = lo + g->cfg.onset_fraction * (hi - lo);
    g->ch[c].bursts = malloc((P + 2) * sizeof(double)); /* at most (P + 1) / 2 runs of two values */
    if (!g->ch[c].bursts) return BL_ENOMEM;
    if (!(hi > lo)) {
        g->ch[c].n_bursts = 0;
        return BL_OK;
    }
    for (size_t i = 0; i < P;) {
        if (!(m[i] > thr)) {
            i++;
            continue;
        }
        size_t j = i;
        while (j + 1 < P && m[j + 1] > thr) j++;
        g->ch[c].bursts[2 * nb] = ph[i];
        g->ch[c].bursts[2 * nb + 1] = ph[j];
        nb++;
        i = j + 2;
    }
    g->ch[c].n_bursts = nb;
    return BL_OK;
}

bl_status bli_gait_channel_metrics(bl_gait *g, size_t c)
{
    size_t nc = g->ch[c].ncyc, P = g->points;
    if (!nc || !P) return BL_EINVAL; /* a used channel has cycles; the grid has points */
    g->ch[c].mean = malloc(P * sizeof(double));
    g->ch[c].sd = malloc(P * sizeof(double));
    g->ch[c].point_phase = malloc(P * sizeof(double));
    if (!g->ch[c].mean || !g->ch[c].sd || !g->ch[c].point_phase) return BL_ENOMEM;
    bl_gait_muscle *mu = &g->ch[c].mus;
    mu->cycles = nc;
    double var_sum = 0, abs_sum = 0, mean_sum = 0, unused;
    size_t peak = 0;
    for (size_t i = 0; i < P; i++) {
        mean_sd(g->ch[c].curves, nc, P, i, &g->ch[c].mean[i], &g->ch[c].sd[i]);
        mean_sd(g->ch[c].phase_pct, nc, P, i, &g->ch[c].point_phase[i], &unused);
        var_sum += g->ch[c].sd[i] * g->ch[c].sd[i];
        abs_sum += fabs(g->ch[c].mean[i]);
        mean_sum += g->ch[c].mean[i];
    }
    double best = -INFINITY;
    for (size_t i = 0; i < P; i++) {
        double v = g->ch[c].mean[i];
        if (v > best) {
            best = v;
            peak = i;
        }
    }
    mu->peak_phase_pct = g->ch[c].point_phase[peak];
    mu->peak = g->ch[c].mean[peak];
    mu->mean = mean_sum / (double)P;
    /* Winter's CV of an ensemble: RMS of the SD over the mean |curve|. */
    mu->cv_pct = nc > 1 && abs_sum > 0 ? 100.0 * sqrt(var_sum / (double)P) / (abs_sum / (double)P) : NAN;
    for (size_t p = 0; p < BL_GAIT_PHASES; p++)
        mean_sd(g->ch[c].phase_means, nc, BL_GAIT_PHASES, p, &mu->phase_mean[p], &mu->phase_sd[p]);
    return bursts(g, c);
}
