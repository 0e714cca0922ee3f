/* Gait cycles from a validated events set: touchdown to the next
 * touchdown of the same side, with the lift-off inside, and the
 * duration rule that drops implausible ones (gait.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gait_internal.h"
#include "internal.h"

void bl_gait_cycle_config_default(bl_gait_cycle_config *cfg)
{
    if (!cfg) return;
    cfg->min_ratio = 0.7;
    cfg->max_ratio = 1.3;
}

const char *bl_gait_cycle_state_name(bl_gait_cycle_state s)
{
    switch (s) {
    case BL_GAIT_CYCLE_KEPT: return "kept";
    case BL_GAIT_CYCLE_NO_LIFTOFF: return "no lift-off";
    case BL_GAIT_CYCLE_TWO_LIFTOFFS: return "two lift-offs";
    case BL_GAIT_CYCLE_SHORT: return "too short";
    case BL_GAIT_CYCLE_LONG: return "too long";
    }
    return "?";
}

double bl_gait_cycle_stance_pct(const bl_gait_cycle *c)
{
    return c ? 100.0 * (c->liftoff_s - c->start_s) / (c->end_s - c->start_s) : NAN;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The candidates of one side into c[0..) (room for every touchdown). */
static size_t side_cycles(const bl_gait_events *ev, bl_side side, bl_gait_cycle *c)
{
    size_t nc = 0;
    long prev_td = -1, liftoffs = 0;
    double lo = NAN;
    for (size_t i = 0; i < ev->n; i++) {
        const bl_gait_event *e = &ev->ev[i];
        if (e->side != side) continue;
        if (e->kind == BL_GAIT_LIFTOFF) {
            if (prev_td >= 0 && e->time_s > ev->ev[prev_td].time_s) {
                liftoffs++;
                lo = e->time_s;
            }
            continue;
        }
        if (prev_td >= 0 && e->time_s > ev->ev[prev_td].time_s) {
            bl_gait_cycle_state st = liftoffs == 0   ? BL_GAIT_CYCLE_NO_LIFTOFF
                                     : liftoffs == 1 ? BL_GAIT_CYCLE_KEPT
                                                     : BL_GAIT_CYCLE_TWO_LIFTOFFS;
            c[nc++] = (bl_gait_cycle){ev->ev[prev_td].time_s, st == BL_GAIT_CYCLE_KEPT ? lo : NAN, e->time_s, side,
                                      st, NAN};
        }
        prev_td = (long)i;
        liftoffs = 0;
        lo = NAN;
    }
    return nc;
}

/* The duration rule over one side's candidates. */
static bl_status duration_rule(bl_gait_cycle *c, size_t nc, const bl_gait_cycle_config *cfg)
{
    double *d = malloc((nc ? nc : 1) * sizeof *d);
    if (!d) return BL_ENOMEM;
    size_t nd = 0;
    for (size_t k = 0; k < nc; k++)
        if (c[k].state == BL_GAIT_CYCLE_KEPT) d[nd++] = c[k].end_s - c[k].start_s;
    double median = NAN;
    if (nd) {
        qsort(d, nd, sizeof *d, cmp_double);
        median = nd % 2 ? d[nd / 2] : 0.5 * (d[nd / 2 - 1] + d[nd / 2]);
    }
    free(d);
    for (size_t k = 0; k < nc; k++) {
        c[k].median_s = median;
        if (c[k].state != BL_GAIT_CYCLE_KEPT) continue;
        double dur = c[k].end_s - c[k].start_s;
        if (dur < cfg->min_ratio * median) c[k].state = BL_GAIT_CYCLE_SHORT;
        else if (dur > cfg->max_ratio * median) c[k].state = BL_GAIT_CYCLE_LONG;
    }
    return BL_OK;
}

bl_status bl_gait_find_cycles(const bl_gait_events *ev, const bl_gait_cycle_config *cfg, bl_gait_cycle *out,
                              size_t cap, size_t *n)
{
    if (!ev || !cfg || !n || (cap && !out)) return BL_EINVAL;
    if (!(cfg->min_ratio > 0 && cfg->min_ratio <= 1 && cfg->max_ratio >= 1 && isfinite(cfg->max_ratio)))
        return BL_EINVAL;
    bl_gait_cycle *c = malloc((ev->n ? ev->n : 1) * sizeof *c);
    if (!c) return BL_ENOMEM;
    static const bl_side order[3] = {BL_SIDE_LEFT, BL_SIDE_RIGHT, BL_SIDE_NONE};
    size_t total = 0;
    bl_status st = BL_OK;
    for (int s = 0; s < 3 && st == BL_OK; s++) {
        size_t nc = side_cycles(ev, order[s], c);
        if ((st = duration_rule(c, nc, cfg)) != BL_OK) break;
        for (size_t k = 0; k < nc; k++, total++)
            if (total < cap) out[total] = c[k];
    }
    free(c);
    if (st == BL_OK) *n = total;
    return st;
}

bl_status bl_gait_cycle_why(const bl_gait_cycle *c, const bl_gait_cycle_config *cfg, char *buf, size_t len)
{
    if (!c || !cfg || !buf || !len) return BL_EINVAL;
    int n = snprintf(buf, len, "cycle %s %.3f s (to %.3f s): ", bli_gait_side_label(c->side), c->start_s, c->end_s);
    size_t used = n > 0 && (size_t)n < len ? (size_t)n : len - 1;
    double dur = c->end_s - c->start_s;
    switch (c->state) {
    case BL_GAIT_CYCLE_KEPT:
        snprintf(buf + used, len - used, "kept (lift-off %.3f s, stance %.0f %%)", c->liftoff_s,
                 bl_gait_cycle_stance_pct(c));
        break;
    case BL_GAIT_CYCLE_NO_LIFTOFF:
        snprintf(buf + used, len - used, "dropped: no lift-off of side %s between its touchdowns",
                 bli_gait_side_label(c->side));
        break;
    case BL_GAIT_CYCLE_TWO_LIFTOFFS:
        snprintf(buf + used, len - used, "dropped: more than one lift-off of side %s between its touchdowns (a "
                 "touchdown missing?)", bli_gait_side_label(c->side));
        break;
    case BL_GAIT_CYCLE_SHORT:
    case BL_GAIT_CYCLE_LONG:
        snprintf(buf + used, len - used, "dropped: lasts %.3f s, %s %g x the median %.3f s of side %s", dur,
                 c->state == BL_GAIT_CYCLE_SHORT ? "under" : "over",
                 c->state == BL_GAIT_CYCLE_SHORT ? cfg->min_ratio : cfg->max_ratio, c->median_s,
                 bli_gait_side_label(c->side));
        break;
    }
    return BL_OK;
}
