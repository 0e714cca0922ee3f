/* Gait events estimated from a knee goniometer (gait.h): the swing peaks
 * of the flexion curve, lift-off on the rise into each and touchdown at
 * the extension that ends it, after Perry's normal knee. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/window.h"
#include "gait_internal.h"
#include "internal.h"

/* Leaving a swing: 0.1 x range below the level that starts one. */
#define SWING_HYSTERESIS 0.1

void bl_gait_knee_config_default(bl_gait_knee_config *cfg)
{
    if (!cfg) return;
    cfg->smooth_s = 0.1;
    cfg->min_range_deg = 10.0;
    cfg->swing_fraction = 0.6;
    cfg->liftoff_fraction = (40.0 - 5.0) / (60.0 - 5.0);
    cfg->min_swing_s = 0.1;
}

static int config_ok(const bl_gait_knee_config *c)
{
    return c->smooth_s > 0 && isfinite(c->smooth_s) && c->min_range_deg >= 0 &&
           c->swing_fraction - SWING_HYSTERESIS > 0 && c->swing_fraction < 1 && c->liftoff_fraction > 0 &&
           c->liftoff_fraction < 1 && c->min_swing_s >= 0;
}

/* Percentile p of x[0..n) (scratch v of n floats). */
static double pct(const float *x, float *v, size_t n, double p)
{
    memcpy(v, x, n * sizeof *v);
    return bli_select_kth(v, n, (size_t)floor(p / 100.0 * (double)(n - 1)));
}

/* Flexion positive, and the robust levels. */
static void orient(float *s, float *v, size_t n, bli_gait_knee_found *k)
{
    double p1 = pct(s, v, n, 1), p50 = pct(s, v, n, 50), p99 = pct(s, v, n, 99);
    k->flipped = p50 - p1 > p99 - p50;
    for (size_t i = 0; k->flipped && i < n; i++) s[i] = -s[i];
    k->low = pct(s, v, n, 5);
    k->high = pct(s, v, n, 95);
}

/* The time (s) where s rises through `level` last before `peak`,
 * interpolated; NAN when it never is below it after `from`. */
static double rise_through(const float *s, size_t from, size_t peak, double level, double rate)
{
    for (size_t i = peak; i > from; i--)
        if (s[i - 1] < level && s[i] >= level) return ((double)(i - 1) + (level - s[i - 1]) / (s[i] - s[i - 1])) / rate;
    return NAN;
}

/* The first minimum after `peak`, once below halfway to `low`; n when none
 * before `until`. */
static size_t first_minimum(const float *s, size_t peak, size_t until, double low)
{
    double half = 0.5 * (s[peak] + low);
    for (size_t j = peak + 1; j + 1 < until; j++)
        if (s[j] < half && s[j + 1] > s[j]) return j;
    return (size_t)-1;
}

/* Swing peaks: the maxima of runs above the swing level, into peaks. */
static size_t swing_peaks(const float *s, size_t n, double rate, const bli_gait_knee_found *k, size_t *peaks)
{
    double range = k->high - k->low, on = k->low + k->cfg.swing_fraction * range,
           off = on - SWING_HYSTERESIS * range;
    size_t np = 0, min_len = (size_t)ceil(k->cfg.min_swing_s * rate);
    for (size_t i = 0; i < n;) {
        if (!(s[i] > on)) {
            i++;
            continue;
        }
        size_t start = i, top = i;
        for (; i < n && s[i] >= off; i++)
            if (s[i] > s[top]) top = i;
        if (i - start >= min_len && start > 0) peaks[np++] = top; /* a swing cut by the start has no lift-off */
    }
    return np;
}

static bl_status detect(bl_gait_events *ev, float *s, float *v, size_t n, double rate, bl_side side, char *why,
                        size_t why_len)
{
    bli_gait_knee_found *k = &ev->knee[0];
    orient(s, v, n, k);
    if (!(k->high - k->low >= k->cfg.min_range_deg) || !(k->high > k->low)) {
        bli_set_why(why, why_len, "knee channel %zu moves %.1f deg between its 5th and 95th percentiles (under %g): "
                    "not walking", k->channel + 1, k->high - k->low, k->cfg.min_range_deg);
        return BL_ENODATA;
    }
    size_t *peaks = malloc((n / 2 + 1) * sizeof *peaks); /* runs of at least two samples */
    if (!peaks) return BL_ENOMEM;
    size_t np = swing_peaks(s, n, rate, k, peaks);
    k->swings = np;
    if (!np) {
        free(peaks);
        bli_set_why(why, why_len, "knee channel %zu: no swing (flexion peak) found", k->channel + 1);
        return BL_ENODATA;
    }
    bl_status st = BL_OK;
    double last = -INFINITY;
    for (size_t p = 0; p < np && st == BL_OK; p++) {
        size_t from = p ? peaks[p - 1] : 0, until = p + 1 < np ? peaks[p + 1] : n, trough = from;
        for (size_t i = from; i < peaks[p]; i++)
            if (s[i] < s[trough]) trough = i;
        double lo = rise_through(s, trough, peaks[p], s[trough] + k->cfg.liftoff_fraction * (s[peaks[p]] - s[trough]), rate);
        if (isfinite(lo) && lo > last && (st = bli_gait_events_push(ev, lo, side, BL_GAIT_LIFTOFF, 0)) == BL_OK)
            last = lo;
        size_t td = first_minimum(s, peaks[p], until, k->low);
        if (td != (size_t)-1 && (double)td / rate > last && st == BL_OK &&
            (st = bli_gait_events_push(ev, (double)td / rate, side, BL_GAIT_TOUCHDOWN, 0)) == BL_OK)
            last = (double)td / rate;
    }
    free(peaks);
    if (st == BL_OK)
        st = bli_lines_add(&ev->warn, "ESTIMATED from the knee angle of channel %zu (Perry's normal knee), not "
                           "measured", k->channel + 1);
    return st;
}

bl_status bl_gait_events_from_knee(const float *angle_deg, size_t n, double rate_hz, bl_side side, size_t channel,
                                   const bl_gait_knee_config *cfg, bl_gait_events **out, char *why, size_t why_len)
{
    if (out) *out = NULL;
    if (why && why_len) why[0] = '\0';
    if (!cfg || !out || n < 3) return BL_EINVAL;
    if (!config_ok(cfg)) {
        bli_set_why(why, why_len, "invalid knee-angle configuration");
        return BL_EINVAL;
    }
    bl_status st = bli_gait_check_channel(angle_deg, n, rate_hz, side, "knee", channel, why, why_len);
    if (st != BL_OK) return st;
    /* Scratch: the smoothed angle, and a copy for percentiles. */
    float *s = malloc(n * sizeof *s), *v = malloc(n * sizeof *v);
    bl_gait_events *ev = NULL;
    st = s && v ? bl_gait_events_create(&ev) : BL_ENOMEM;
    if (st == BL_OK) {
        ev->source = BL_GAIT_EVENTS_KNEE;
        ev->n_knee = 1;
        ev->knee[0].cfg = *cfg;
        ev->knee[0].channel = channel;
        st = bl_moving_average(angle_deg, n, rate_hz, cfg->smooth_s, s);
        if (st == BL_ERANGE) bli_set_why(why, why_len, "knee smoothing window %g s does not fit", cfg->smooth_s);
    }
    if (st == BL_OK) st = detect(ev, s, v, n, rate_hz, side, why, why_len);
    free(s);
    free(v);
    if (st == BL_ENOMEM) bli_set_why(why, why_len, "out of memory");
    if (st != BL_OK) {
        bl_gait_events_destroy(ev);
        return st;
    }
    *out = ev;
    return BL_OK;
}
