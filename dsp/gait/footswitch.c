/* Gait events from a footswitch or force channel: a threshold between the
 * signal's robust low and high levels with hysteresis, then debouncing by
 * the shortest plausible contact and swing (gait.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gait_internal.h"
#include "internal.h"

void bl_gait_footswitch_config_default(bl_gait_footswitch_config *cfg)
{
    if (!cfg) return;
    cfg->low_pct = 5.0;
    cfg->high_pct = 95.0;
    cfg->threshold_fraction = 0.5;
    cfg->hysteresis_fraction = 0.1;
    cfg->min_contact_s = 0.1;
    cfg->min_swing_s = 0.1;
    cfg->min_range = 0.0;
}

static int config_ok(const bl_gait_footswitch_config *c)
{
    return c->low_pct >= 0 && c->low_pct < c->high_pct && c->high_pct <= 100 && c->hysteresis_fraction >= 0 &&
           c->threshold_fraction - c->hysteresis_fraction > 0 && c->threshold_fraction + c->hysteresis_fraction < 1 &&
           c->min_contact_s >= 0 && c->min_swing_s >= 0 && c->min_range >= 0 && isfinite(c->min_range);
}

/* A run of samples in one state: [start, end), contact 1 or swing 0. */
typedef struct run {
    size_t start, end;
    int contact;
} run;

/* Runs of x with hysteresis: contact starts above `on`, ends below `off`. */
static run *find_runs(const float *x, size_t n, double on, double off, size_t *n_runs)
{
    size_t cap = 64, nr = 0;
    run *r = malloc(cap * sizeof *r);
    if (!r) return NULL;
    int state = x[0] > 0.5 * (on + off);
    r[nr++] = (run){0, n, state};
    for (size_t i = 1; i < n; i++) {
        int next = state ? !(x[i] < off) : x[i] > on;
        if (next == state) continue;
        if (nr == cap) {
            run *p = realloc(r, 2 * cap * sizeof *r);
            if (!p) {
                free(r);
                return NULL;
            }
            r = p;
            cap *= 2;
        }
        r[nr - 1].end = i;
        r[nr++] = (run){i, n, next};
        state = next;
    }
    *n_runs = nr;
    return r;
}

/* Merge away interior runs shorter than their kind's minimum, the worst
 * (shortest relative to its minimum) first: flipping it joins its two
 * neighbours into one run. Returns how many were merged. */
static size_t debounce(run *r, size_t *n_runs, size_t min_contact, size_t min_swing)
{
    size_t merged = 0;
    for (;;) {
        size_t nr = *n_runs, worst = 0;
        double worst_ratio = 1.0;
        for (size_t k = 1; k + 1 < nr; k++) {
            size_t min = r[k].contact ? min_contact : min_swing;
            double ratio = min ? (double)(r[k].end - r[k].start) / (double)min : 1.0;
            if (ratio < worst_ratio) {
                worst_ratio = ratio;
                worst = k;
            }
        }
        if (!worst) return merged;
        r[worst - 1].end = r[worst + 1].end;
        memmove(&r[worst], &r[worst + 2], (nr - worst - 2) * sizeof *r);
        *n_runs = nr - 2;
        merged++;
    }
}

/* The robust low and high levels: the configured percentiles. */
static bl_status levels(const float *x, size_t n, const bl_gait_footswitch_config *cfg, double *lo, double *hi)
{
    float *v = malloc(n * sizeof *v);
    if (!v) return BL_ENOMEM;
    memcpy(v, x, n * sizeof *v);
    *lo = bli_select_kth(v, n, (size_t)floor(cfg->low_pct / 100.0 * (double)(n - 1)));
    *hi = bli_select_kth(v, n, (size_t)floor(cfg->high_pct / 100.0 * (double)(n - 1)));
    free(v);
    return BL_OK;
}

static bl_status detect(bl_gait_events *ev, const float *x, size_t n, double rate_hz, bl_side side, char *why,
                        size_t why_len)
{
    bli_gait_found *f = &ev->fs[0];
    const bl_gait_footswitch_config *cfg = &f->cfg;
    bl_status st = levels(x, n, cfg, &f->low, &f->high);
    if (st != BL_OK) return st;
    double range = f->high - f->low;
    if (!(range > cfg->min_range) || !(range > 0)) {
        bli_set_why(why, why_len, "footswitch channel %zu is flat (%g to %g between its %g and %g percentiles): no "
                    "contacts", f->channel + 1, f->low, f->high, cfg->low_pct, cfg->high_pct);
        return BL_ENODATA;
    }
    f->on = f->low + (cfg->threshold_fraction + cfg->hysteresis_fraction) * range;
    f->off = f->low + (cfg->threshold_fraction - cfg->hysteresis_fraction) * range;
    size_t nr = 0;
    run *r = find_runs(x, n, f->on, f->off, &nr);
    if (!r) return BL_ENOMEM;
    f->bounces = debounce(r, &nr, (size_t)ceil(cfg->min_contact_s * rate_hz),
                              (size_t)ceil(cfg->min_swing_s * rate_hz));
    for (size_t k = 1; k < nr && st == BL_OK; k++)
        st = bli_gait_events_push(ev, (double)r[k].start / rate_hz, side,
                                  r[k].contact ? BL_GAIT_TOUCHDOWN : BL_GAIT_LIFTOFF, 0);
    free(r);
    return st;
}

bl_status bl_gait_events_from_footswitch(const float *x, size_t n, double rate_hz, bl_side side, size_t channel,
                                         const bl_gait_footswitch_config *cfg, bl_gait_events **out, char *why,
                                         size_t why_len)
{
    if (out) *out = NULL;
    if (why && why_len) why[0] = '\0';
    if (!cfg || !out) return BL_EINVAL;
    if (!config_ok(cfg)) {
        bli_set_why(why, why_len, "invalid footswitch configuration");
        return BL_EINVAL;
    }
    bl_status st = bli_gait_check_channel(x, n, rate_hz, side, "footswitch", channel, why, why_len);
    if (st != BL_OK) return st;
    bl_gait_events *ev = NULL;
    st = bl_gait_events_create(&ev);
    if (st != BL_OK) return st;
    ev->source = BL_GAIT_EVENTS_FOOTSWITCH;
    ev->n_fs = 1;
    ev->fs[0].cfg = *cfg;
    ev->fs[0].channel = channel;
    st = detect(ev, x, n, rate_hz, side, why, why_len);
    if (st == BL_ENOMEM) bli_set_why(why, why_len, "out of memory");
    if (st != BL_OK) {
        bl_gait_events_destroy(ev);
        return st;
    }
    *out = ev;
    return BL_OK;
}
