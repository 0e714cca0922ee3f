/* Muscle synergies of each side (gait.h): the matrix of its muscles'
 * time-normalised curves over every cycle, factorised at every rank
 * (nmf.c), the rank where R^2 becomes linear, and the chosen rank's
 * modules and primitives, scaled and averaged over the cycles. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gait_internal.h"

void bli_gait_synergies_free(bl_gait *g)
{
    for (size_t i = 0; g->syn && i < g->nsyn; i++) {
        free(g->syn[i].r2);
        free(g->syn[i].channel);
        free(g->syn[i].w);
        free(g->syn[i].h);
        free(g->syn[i].mean_h);
    }
    free(g->syn);
}

/* V: the side's curves, each muscle scaled to its own maximum, negatives
 * (the low-pass's ringing) set to 0. Muscles that never rise are left out. */
static double *matrix(const bl_gait *g, bli_gait_syn *s)
{
    size_t n = s->cycles * s->points, m = 0, cells = s->m * n;
    double *v = malloc((cells > 0 ? cells : 1) * sizeof *v);
    if (!v) return NULL;
    for (size_t i = 0; i < s->m; i++) {
        const double *x = g->ch[s->channel[i]].curves;
        double top = 0;
        for (size_t j = 0; j < n; j++) top = x[j] > top ? x[j] : top;
        if (!(top > 0)) continue;
        s->channel[m] = s->channel[i];
        for (size_t j = 0; j < n; j++) v[m * n + j] = x[j] > 0 ? x[j] / top : 0.0;
        m++;
    }
    s->m = m;
    return v;
}

/* Modules to a maximum of 1, primitives inversely; their cycle means. */
static void scale(bli_gait_syn *s)
{
    size_t r = s->rank, n = s->cycles * s->points;
    for (size_t k = 0; k < r; k++) {
        double top = 0;
        for (size_t i = 0; i < s->m; i++) top = s->w[i * r + k] > top ? s->w[i * r + k] : top;
        if (top > 0)
            for (size_t i = 0; i < s->m; i++) s->w[i * r + k] /= top;
        for (size_t j = 0; j < n; j++) s->h[k * n + j] *= top;
        for (size_t p = 0; p < s->points; p++) {
            double sum = 0;
            for (size_t c = 0; c < s->cycles; c++) sum += s->h[k * n + c * s->points + p];
            s->mean_h[k * s->points + p] = sum / (double)s->cycles;
        }
    }
}

static bl_status factorise(const bl_gait *g, bli_gait_syn *s, const double *v)
{
    const bl_gait_synergy_config *cfg = &g->cfg.synergy;
    size_t n = s->cycles * s->points;
    /* As musclesyneRgies: the muscles less a quarter (a rank near the
     * muscle count only fits noise). */
    size_t auto_rank = s->m - (size_t)floor((double)s->m / 4.0 + 0.5);
    s->max_rank = cfg->max_rank && cfg->max_rank < s->m ? cfg->max_rank : cfg->max_rank ? s->m : auto_rank;
    if (s->max_rank < 1) s->max_rank = 1;
    s->r2 = malloc(s->max_rank * sizeof *s->r2);
    s->w = malloc(s->m * s->max_rank * sizeof *s->w);
    s->h = malloc(s->max_rank * n * sizeof *s->h);
    s->mean_h = malloc(s->max_rank * s->points * sizeof *s->mean_h);
    if (!s->r2 || !s->w || !s->h || !s->mean_h) return BL_ENOMEM;
    bl_status st = BL_OK;
    for (size_t r = 1; r <= s->max_rank && st == BL_OK; r++) st = bl_gait_nmf(v, s->m, n, r, cfg, s->w, s->h, &s->r2[r - 1]);
    if (st != BL_OK) return st;
    /* The chosen rank again: the same seed gives the same factors. */
    s->rank = bl_gait_synergy_rank(s->r2, s->max_rank, cfg->mse_threshold);
    double r2 = 0;
    if ((st = bl_gait_nmf(v, s->m, n, s->rank, cfg, s->w, s->h, &r2)) == BL_OK) scale(s);
    return st;
}

/* The used channels whose cycles are of `side`, into s (NULL: count). */
static size_t side_channels(const bl_gait *g, bl_side side, size_t *channel)
{
    size_t m = 0;
    for (size_t c = 0; c < g->nch; c++) {
        const bli_gait_ch *ch = &g->ch[c];
        if (!ch->used || !ch->ncyc || g->cyc[ch->cyc[0]].side != side) continue;
        if (channel) channel[m] = c;
        m++;
    }
    return m;
}

bl_status bli_gait_synergies(bl_gait *g)
{
    if (!g->cfg.synergy.enabled) return BL_OK;
    if (!(g->syn = calloc(3, sizeof *g->syn))) return BL_ENOMEM;
    static const bl_side sides[3] = {BL_SIDE_LEFT, BL_SIDE_RIGHT, BL_SIDE_NONE};
    bl_status st = BL_OK;
    for (int k = 0; k < 3 && st == BL_OK; k++) {
        size_t m = side_channels(g, sides[k], NULL);
        if (m < 2) continue;
        bli_gait_syn *s = &g->syn[g->nsyn++];
        s->side = sides[k];
        s->m = m;
        s->points = g->points;
        if (!(s->channel = malloc(m * sizeof *s->channel))) return BL_ENOMEM;
        side_channels(g, sides[k], s->channel);
        s->cycles = g->ch[s->channel[0]].ncyc;
        double *v = matrix(g, s);
        if (!v) return BL_ENOMEM;
        if (s->m < 2) g->nsyn--; /* fewer than two muscles that rise: nothing to factorise */
        else st = factorise(g, s, v);
        free(v);
    }
    return st;
}
