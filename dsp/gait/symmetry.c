/* Left/right symmetry of each muscle used on both sides (gait.h): the
 * symmetry index of the levels, the correlation of the mean curves and
 * their circular lag. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gait_internal.h"

/* The first used channel of muscle m whose cycles are of `side`. */
static size_t channel_of(const bl_gait *g, bl_muscle m, bl_side side)
{
    for (size_t c = 0; c < g->nch; c++) {
        const bli_gait_ch *ch = &g->ch[c];
        if (ch->used && ch->muscle == m && ch->ncyc && g->cyc[ch->cyc[0]].side == side) return c;
    }
    return SIZE_MAX;
}

static double pearson(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) ma += a[i], mb += b[i];
    ma /= (double)n;
    mb /= (double)n;
    for (size_t i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : NAN;
}

/* The shift k (points, in (-n/2, n/2]) maximising sum a[i] b[i + k]
 * (circular), i.e. how much later b runs. */
static long best_lag(const double *a, const double *b, size_t n)
{
    long best = 0;
    double best_v = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        double v = 0;
        for (size_t i = 0; i < n; i++) v += a[i] * b[(i + k) % n];
        long lag = k > n / 2 ? (long)k - (long)n : (long)k;
        if (v > best_v || (v == best_v && labs(lag) < labs(best))) {
            best_v = v;
            best = lag;
        }
    }
    return best;
}

bl_status bli_gait_symmetry(bl_gait *g)
{
    g->sym = calloc(BL_MUSCLE_COUNT, sizeof *g->sym);
    if (!g->sym) return BL_ENOMEM;
    /* The cycle grid repeats the touchdown at its end: one period is P - 1. */
    size_t P = g->points, period = g->cfg.normalise == BL_GAIT_NORM_CYCLE ? P - 1 : P;
    for (int m = 0; m < BL_MUSCLE_COUNT; m++) {
        size_t l = channel_of(g, (bl_muscle)m, BL_SIDE_LEFT), r = channel_of(g, (bl_muscle)m, BL_SIDE_RIGHT);
        if (l == SIZE_MAX || r == SIZE_MAX) continue;
        const bli_gait_ch *L = &g->ch[l], *R = &g->ch[r];
        bl_gait_symmetry *s = &g->sym[g->nsym++];
        s->muscle = (bl_muscle)m;
        s->left = l;
        s->right = r;
        s->level_left = L->mus.mean;
        s->level_right = R->mus.mean;
        double mid = 0.5 * (s->level_left + s->level_right);
        s->si_pct = mid > 0 ? 100.0 * (s->level_left - s->level_right) / mid : NAN;
        s->r = pearson(L->mean, R->mean, P);
        s->lag_pct = 100.0 * (double)best_lag(L->mean, R->mean, period) / (double)period;
        s->peak_diff_pct = R->mus.peak_phase_pct - L->mus.peak_phase_pct;
        s->comparable = !strcmp(g->unit, "%MVC");
    }
    return BL_OK;
}
