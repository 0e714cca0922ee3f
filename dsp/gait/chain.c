/* The posterior-chain answers of gait.h, per side: the hamstrings' shares
 * of their peak in braking, propulsion, knee flexion and (running)
 * recovery, the glute-before-hamstring timing around touchdown per cycle,
 * the stance ratios and the medial:lateral balance per phase. The words
 * are chain_say.c's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/balance.h"
#include "gait_internal.h"

int bli_gait_in_group(bl_muscle m, bli_gait_group grp)
{
    bl_group g = bl_muscle_group(m);
    switch (grp) {
    case BLI_GAIT_HAMSTRINGS: return g == BL_GROUP_MEDIAL_HAMSTRING || g == BL_GROUP_LATERAL_HAMSTRING;
    case BLI_GAIT_GLUTE: return m == BL_MUSCLE_GMAX;
    case BLI_GAIT_QUADS: return g == BL_GROUP_QUAD;
    }
    return 0;
}

double bli_gait_weighted(const double *phase_mean, bl_gait_phase first, bl_gait_phase last)
{
    double s = 0, w = 0;
    for (int p = first; p <= (int)last; p++) {
        double width = bli_perry_bound(p + 1) - bli_perry_bound(p);
        s += width * phase_mean[p];
        w += width;
    }
    return w > 0 ? s / w : NAN;
}

/* The side of the cycles channel c uses (BL_SIDE_NONE also when unused). */
static int uses_side(const bl_gait *g, size_t c, bl_side side)
{
    const bli_gait_ch *ch = &g->ch[c];
    return ch->used && ch->ncyc && g->cyc[ch->cyc[0]].side == side;
}

/* Mean over the group's channels on `side` of 100 x the stretch's mean /
 * the channel's peak (share = 1) or of the stretch's mean (share = 0);
 * *n gets how many channels. */
static double group_level(const bl_gait *g, bl_side side, bli_gait_group grp, bl_gait_phase first,
                          bl_gait_phase last, int share, size_t *n)
{
    double s = 0;
    size_t k = 0;
    for (size_t c = 0; c < g->nch; c++) {
        if (!uses_side(g, c, side) || !bli_gait_in_group(g->ch[c].muscle, grp)) continue;
        const bl_gait_muscle *m = &g->ch[c].mus;
        double v = bli_gait_weighted(m->phase_mean, first, last);
        if (share) v = m->peak > 0 ? 100.0 * v / m->peak : NAN;
        if (!isfinite(v)) continue;
        s += v;
        k++;
    }
    if (n) *n = k;
    return k ? s / (double)k : NAN;
}

/* Channel c's onset (s) near the touchdown of kept cycle cy (gait.h:
 * glute lead); NAN when its envelope does not rise in the window. */
static double onset_near(const bl_gait *g, size_t c, const bl_gait_cycle *cy)
{
    double rate = bl_recording_rate(g->env), dur = cy->end_s - cy->start_s;
    size_t n = bl_recording_frames(g->env);
    const float *x = bl_recording_cdata(g->env, c);
    double t0 = cy->start_s - g->cfg.lead_before * dur, t1 = cy->start_s + g->cfg.lead_after * dur;
    if (t0 < 0) return NAN; /* the window must lie in the recording */
    size_t a = (size_t)ceil(t0 * rate), b = (size_t)floor(t1 * rate);
    if (b >= n) b = n - 1;
    if (a >= b) return NAN;
    size_t peak = a, trough = a;
    for (size_t i = a; i <= b; i++)
        if (x[i] > x[peak]) peak = i;
    for (size_t i = a; i <= peak; i++)
        if (x[i] < x[trough]) trough = i;
    if (!(x[peak] > x[trough]) || trough == peak) return NAN;
    double thr = x[trough] + g->cfg.lead_rise_fraction * (x[peak] - x[trough]);
    for (size_t i = trough; i <= peak; i++)
        if (x[i] >= thr) return (double)i / rate;
    return NAN;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Per kept cycle of `side` the hamstrings' earliest onset minus GMAX's;
 * the median over the cycles with both into ch. */
static bl_status glute_lead(bl_gait *g, bl_side side, bl_gait_chain *ch)
{
    double *v = malloc((g->ncyc ? g->ncyc : 1) * sizeof *v), *pct = malloc((g->ncyc ? g->ncyc : 1) * sizeof *pct);
    if (!v || !pct) {
        free(v);
        free(pct);
        return BL_ENOMEM;
    }
    size_t nv = 0;
    for (size_t k = 0; k < g->ncyc; k++) {
        const bl_gait_cycle *cy = &g->cyc[k];
        if (cy->side != side) continue;
        double glute = INFINITY, ham = INFINITY;
        for (size_t c = 0; c < g->nch; c++) {
            if (!uses_side(g, c, side)) continue;
            int is_g = bli_gait_in_group(g->ch[c].muscle, BLI_GAIT_GLUTE),
                is_h = bli_gait_in_group(g->ch[c].muscle, BLI_GAIT_HAMSTRINGS);
            if (!is_g && !is_h) continue;
            double t = onset_near(g, c, cy);
            if (!isfinite(t)) continue;
            if (is_g && t < glute) glute = t;
            if (is_h && t < ham) ham = t;
        }
        g->lead_s[k] = isfinite(glute) && isfinite(ham) ? ham - glute : NAN;
        if (!isfinite(g->lead_s[k])) continue;
        pct[nv] = 100.0 * g->lead_s[k] / (cy->end_s - cy->start_s);
        v[nv++] = g->lead_s[k];
        ch->glute_first += g->lead_s[k] > 0;
    }
    ch->lead_cycles = nv;
    if (nv) {
        qsort(v, nv, sizeof *v, cmp_double);
        qsort(pct, nv, sizeof *pct, cmp_double);
        ch->glute_lead_s = nv % 2 ? v[nv / 2] : 0.5 * (v[nv / 2 - 1] + v[nv / 2]);
        ch->glute_lead_pct = nv % 2 ? pct[nv / 2] : 0.5 * (pct[nv / 2 - 1] + pct[nv / 2]);
    }
    free(v);
    free(pct);
    return BL_OK;
}

/* Medial:lateral per phase through balance.h, on the side's channels. */
static bl_status medial_lateral(const bl_gait *g, bl_side side, bl_gait_chain *ch)
{
    for (int p = 0; p < BL_GAIT_PHASES; p++) ch->ml_ratio[p] = ch->ml_balance[p] = NAN;
    if (!g->map) return BL_OK;
    double *level = calloc(g->nch, sizeof *level);
    unsigned char *use = calloc(g->nch, 1);
    bl_status st = level && use ? BL_OK : BL_ENOMEM;
    for (int p = 0; st == BL_OK && p < BL_GAIT_PHASES; p++) {
        for (size_t c = 0; c < g->nch; c++) {
            use[c] = (unsigned char)uses_side(g, c, side);
            level[c] = use[c] ? g->ch[c].mus.phase_mean[p] : NAN;
        }
        bl_hamstring_balance b;
        if ((st = bl_hamstring_balance_of(g->map, level, use, BL_ANY_SIDE, &b)) != BL_OK) break;
        ch->ml_ratio[p] = b.ratio;
        ch->ml_balance[p] = b.balance;
    }
    free(level);
    free(use);
    return st;
}

/* 1 when ratio r is beyond the limit (below it, or above it when `above`),
 * 0 when not, -1 when it cannot be decided (no value, or not %MVC). */
static int beyond(const bl_gait_chain *ch, double r, double limit, int above)
{
    if (!ch->comparable || !isfinite(r)) return -1;
    return above ? r > limit : r < limit;
}

/* The pattern the answers add up to (gait.h). */
static void name_pattern(const bl_gait *g, bl_gait_chain *ch)
{
    const bl_gait_config *c = &g->cfg;
    ch->glute_dormant = beyond(ch, ch->gh_stance, ch->running ? c->gh_dormant_run : c->gh_dormant_walk, 0);
    ch->quad_dominant = beyond(ch, ch->qh_stance, ch->running ? c->qh_dominant_run : c->qh_dominant_walk, 1);
    int recovery = !ch->running ? 0 : isfinite(ch->recovery_pct) ? ch->recovery_flag : -1;
    const struct {
        int state;
        const char *name;
    } found[] = {{ch->glute_dormant, "dormant-glute"}, {ch->quad_dominant, "quad-dominant"},
                 {recovery, "active-recovery"}};
    size_t used = 0;
    int undecided = 0;
    ch->pattern[0] = '\0';
    for (size_t i = 0; i < sizeof found / sizeof found[0]; i++) {
        undecided |= found[i].state < 0;
        if (found[i].state == 1)
            used += (size_t)snprintf(ch->pattern + used, sizeof ch->pattern - used, "%s%s", used ? "+" : "",
                                     found[i].name);
    }
    if (!used) snprintf(ch->pattern, sizeof ch->pattern, "%s", undecided ? "unknown" : "normal");
}

static bl_status answer(bl_gait *g, bl_side side, bl_gait_chain *ch)
{
    memset(ch, 0, sizeof *ch);
    ch->side = side;
    ch->glute_lead_s = ch->glute_lead_pct = ch->recovery_pct = NAN;
    double sum = 0;
    for (size_t k = 0; k < g->ncyc; k++)
        if (g->cyc[k].side == side) {
            ch->cycles++;
            sum += bl_gait_cycle_stance_pct(&g->cyc[k]);
        }
    ch->stance_pct = sum / (double)ch->cycles;
    ch->running = g->cfg.task == BL_GAIT_TASK_RUN ||
                  (g->cfg.task == BL_GAIT_TASK_AUTO && ch->stance_pct < g->cfg.run_stance_pct);
    ch->comparable = !strcmp(g->unit, "%MVC");
    ch->braking_pct = group_level(g, side, BLI_GAIT_HAMSTRINGS, BL_GAIT_TERMINAL_SWING, BL_GAIT_TERMINAL_SWING, 1,
                                  &ch->n_hamstring);
    ch->propulsion_pct = group_level(g, side, BLI_GAIT_HAMSTRINGS, BL_GAIT_TERMINAL_STANCE, BL_GAIT_PRE_SWING, 1, NULL);
    ch->knee_flexion_pct = group_level(g, side, BLI_GAIT_HAMSTRINGS, BL_GAIT_INITIAL_SWING, BL_GAIT_INITIAL_SWING, 1,
                                       NULL);
    ch->braking_active = ch->braking_pct >= g->cfg.active_pct;
    ch->propulsion_active = ch->propulsion_pct >= g->cfg.active_pct;
    if (ch->running) {
        ch->recovery_pct = group_level(g, side, BLI_GAIT_HAMSTRINGS, BL_GAIT_INITIAL_SWING, BL_GAIT_MID_SWING, 1, NULL);
        ch->recovery_flag = ch->recovery_pct >= g->cfg.recovery_high_pct;
    }
    double ham = group_level(g, side, BLI_GAIT_HAMSTRINGS, BL_GAIT_LOADING_RESPONSE, BL_GAIT_PRE_SWING, 0, NULL);
    ch->hamstring_stance = ham;
    ch->glute_stance = group_level(g, side, BLI_GAIT_GLUTE, BL_GAIT_LOADING_RESPONSE, BL_GAIT_PRE_SWING, 0,
                                   &ch->n_glute);
    ch->quad_stance = group_level(g, side, BLI_GAIT_QUADS, BL_GAIT_LOADING_RESPONSE, BL_GAIT_PRE_SWING, 0,
                                  &ch->n_quad);
    ch->gh_stance = ham > 0 && ch->n_glute ? ch->glute_stance / ham : NAN;
    ch->qh_stance = ham > 0 && ch->n_quad ? ch->quad_stance / ham : NAN;
    bl_status st = glute_lead(g, side, ch);
    if (st == BL_OK) st = medial_lateral(g, side, ch);
    name_pattern(g, ch);
    return st;
}

bl_status bli_gait_chains(bl_gait *g)
{
    g->lead_s = malloc((g->ncyc ? g->ncyc : 1) * sizeof *g->lead_s);
    g->chains = calloc(3, sizeof *g->chains);
    if (!g->lead_s || !g->chains) return BL_ENOMEM;
    for (size_t k = 0; k < g->ncyc; k++) g->lead_s[k] = NAN;
    static const bl_side sides[3] = {BL_SIDE_LEFT, BL_SIDE_RIGHT, BL_SIDE_NONE};
    bl_status st = BL_OK;
    for (int s = 0; s < 3 && st == BL_OK; s++) {
        int has = 0;
        for (size_t c = 0; c < g->nch; c++)
            has |= uses_side(g, c, sides[s]) && bli_gait_in_group(g->ch[c].muscle, BLI_GAIT_HAMSTRINGS);
        if (!has) continue;
        bl_gait_chain *ch = &g->chains[g->nchains];
        if ((st = answer(g, sides[s], ch)) == BL_OK && (st = bli_gait_say(g, ch)) == BL_OK) g->nchains++;
    }
    return st;
}
