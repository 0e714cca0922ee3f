/* Burst detection: baseline threshold (Hodges–Bui), double threshold
 * (Bonato) and TKEO-conditioned threshold, with one shared post-processing
 * step. See include/backline/onset.h for the contract. */
#include "backline/onset.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backline/envelope.h"
#include "backline/filter.h"
#include "backline/window.h"
#include "emg_internal.h"

#ifndef BACKTRACK_DEFAULT
#define BACKTRACK_DEFAULT 2.0
#endif

struct bl_bursts {
    bl_burst *items;
    size_t count;
    size_t capacity;
};

void bl_onset_config_default_method(bl_onset_config *cfg, bl_onset_method m)
{
    if (!cfg) return;
    memset(cfg, 0, sizeof *cfg);
    cfg->method = m;
    /* See onset.h for why 8: the automatic quiet window is biased low. */
    cfg->k = m == BL_ONSET_DOUBLE ? 4.0 : m == BL_ONSET_TKEO ? 10.0 : 8.0;
    cfg->baseline_start_s = 0.0;
    cfg->baseline_end_s = 0.0;
    /* 2 s holds a dozen independent samples of a 6 Hz envelope and a couple
     * of heartbeats, so ECG on the channel is part of the baseline. */
    cfg->baseline_window_s = 2.0;
    cfg->min_on_s = 0.1;
    cfg->min_off_s = 0.3;
    /* 50 ms keeps the window at ≥ 12 samples down to 250 Hz files. */
    cfg->double_window_s = 0.05;
    cfg->double_fraction = 0.3;
    /* Solnik et al. (2010): TKEO then 50 Hz low-pass. */
    cfg->tkeo_lowpass_hz = 50.0;
    cfg->tkeo_lowpass_order = 2;
    cfg->backtrack_k = BACKTRACK_DEFAULT;
}

void bl_onset_config_default(bl_onset_config *cfg)
{
    bl_onset_config_default_method(cfg, BL_ONSET_BASELINE);
}

const char *bl_onset_method_name(bl_onset_method m)
{
    switch (m) {
    case BL_ONSET_BASELINE: return "baseline";
    case BL_ONSET_DOUBLE: return "double";
    case BL_ONSET_TKEO: return "tkeo";
    }
    return NULL;
}

bl_status bl_onset_method_from_name(const char *name, bl_onset_method *out)
{
    if (!name || !out) return BL_EINVAL;
    static const bl_onset_method all[] = { BL_ONSET_BASELINE, BL_ONSET_DOUBLE, BL_ONSET_TKEO };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(name, bl_onset_method_name(all[i])) == 0) {
            *out = all[i];
            return BL_OK;
        }
    }
    return BL_EINVAL;
}

/* ---- burst lists ------------------------------------------------------ */

bl_status bl_bursts_create(bl_bursts **out)
{
    if (!out) return BL_EINVAL;
    *out = calloc(1, sizeof **out);
    return *out ? BL_OK : BL_ENOMEM;
}

void bl_bursts_destroy(bl_bursts *b)
{
    if (!b) return;
    free(b->items);
    free(b);
}

size_t bl_bursts_count(const bl_bursts *b) { return b ? b->count : 0; }

bl_status bl_bursts_get_burst(const bl_bursts *b, size_t index, bl_burst *out)
{
    if (!b || !out) return BL_EINVAL;
    if (index >= b->count) return BL_ERANGE;
    *out = b->items[index];
    return BL_OK;
}

static bl_status bursts_reserve(bl_bursts *b, size_t need)
{
    if (need <= b->capacity) return BL_OK;
    size_t cap = b->capacity ? b->capacity : 16;
    while (cap < need) {
        if (cap > SIZE_MAX / 2 / sizeof(bl_burst)) return BL_ENOMEM;
        cap *= 2;
    }
    bl_burst *p = realloc(b->items, cap * sizeof *p);
    if (!p) return BL_ENOMEM;
    b->items = p;
    b->capacity = cap;
    return BL_OK;
}

bl_status bl_bursts_append(bl_bursts *b, const bl_burst *burst)
{
    if (!b || !burst) return BL_EINVAL;
    if (!isfinite(burst->onset_s) || !isfinite(burst->offset_s) || !isfinite(burst->peak) ||
        !isfinite(burst->peak_s) || burst->offset_s < burst->onset_s)
        return BL_EINVAL;
    bl_status st = bursts_reserve(b, b->count + 1);
    if (st != BL_OK) return st;
    b->items[b->count++] = *burst;
    return BL_OK;
}

void bl_bursts_clear(bl_bursts *b)
{
    if (b) b->count = 0;
}

/* ---- baseline statistics ---------------------------------------------- */

/* Prefix sums of x and x² in double, so that window statistics over long
 * recordings do not lose precision (float running sums drift over 10⁶
 * samples). Kept every SUM_STRIDE samples and continued from there where
 * read: the values are those of one running sum over the whole signal, at
 * two doubles per stride rather than per sample. */
#define SUM_STRIDE ((size_t)64)

typedef struct prefix_sums {
    const float *x;
    double *s1, *s2; /* at samples 0, SUM_STRIDE, 2 SUM_STRIDE, ... <= n */
} prefix_sums;

static bl_status prefix_sums_init(prefix_sums *p, const float *x, size_t n)
{
    size_t m = n / SUM_STRIDE + 1;
    p->x = x;
    p->s1 = malloc(m * sizeof *p->s1);
    p->s2 = malloc(m * sizeof *p->s2);
    if (!p->s1 || !p->s2) {
        free(p->s1);
        free(p->s2);
        p->s1 = p->s2 = NULL;
        return BL_ENOMEM;
    }
    double a = 0.0, b = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (i % SUM_STRIDE == 0) {
            p->s1[i / SUM_STRIDE] = a;
            p->s2[i / SUM_STRIDE] = b;
        }
        a += p->x[i];
        b += (double)p->x[i] * p->x[i];
    }
    if (n % SUM_STRIDE == 0) {
        p->s1[m - 1] = a;
        p->s2[m - 1] = b;
    }
    return BL_OK;
}

static void prefix_sums_free(prefix_sums *p)
{
    free(p->s1);
    free(p->s2);
}

/* The sums of x[0 .. i) and of its squares. */
static void prefix_at(const prefix_sums *p, size_t i, double *s1, double *s2)
{
    size_t k = i / SUM_STRIDE;
    double a = p->s1[k], b = p->s2[k];
    for (size_t j = k * SUM_STRIDE; j < i; j++) {
        a += p->x[j];
        b += (double)p->x[j] * p->x[j];
    }
    *s1 = a;
    *s2 = b;
}

static void window_stats(const prefix_sums *p, size_t a, size_t b, double *mean, double *sd)
{
    double len = (double)(b - a), a1, a2, b1, b2;
    prefix_at(p, a, &a1, &a2);
    prefix_at(p, b, &b1, &b2);
    double m = (b1 - a1) / len;
    double var = (b2 - a2) / len - m * m;
    /* Sample SD (n − 1) as in the Hodges–Bui description; clamp the tiny
     * negative values cancellation can give. */
    var = var > 0.0 ? var * len / (len - 1.0) : 0.0;
    *mean = m;
    *sd = sqrt(var);
}

/* Index of the start of the quietest window of w samples. */
static size_t quietest_start(const prefix_sums *p, size_t n, size_t w, double k)
{
    size_t step = w / 4 ? w / 4 : 1;
    size_t best = 0, best_flat = 0;
    double best_score = INFINITY, best_flat_score = INFINITY;
    for (size_t a = 0;; a += step) {
        if (a + w > n) a = n - w; /* the last window ends at the signal's end */
        double m, sd;
        window_stats(p, a, a + w, &m, &sd);
        double score = m + k * sd;
        /* A window with zero spread is digital silence (padding, a muted
         * input), not a physiological baseline: its threshold would flag
         * every later noise sample. Use it only if nothing else exists. */
        if (sd > 0.0) {
            if (score < best_score) { best_score = score; best = a; }
        } else if (score < best_flat_score) {
            best_flat_score = score;
            best_flat = a;
        }
        if (a + w >= n) break;
    }
    return isfinite(best_score) ? best : best_flat;
}

static size_t seconds_to_samples(double s, double rate_hz)
{
    double v = floor(s * rate_hz + 0.5);
    return v <= 0.0 ? 0 : (v >= (double)SIZE_MAX ? SIZE_MAX : (size_t)v);
}

bl_status bl_onset_quietest_window(const float *x, size_t n, double rate_hz, double window_s,
                                   double k, double *start_s)
{
    if (!x || !start_s || n == 0 || !(rate_hz > 0.0) || !(window_s > 0.0) || !(k >= 0.0) ||
        !isfinite(rate_hz) || !isfinite(window_s) || !isfinite(k))
        return BL_EINVAL;
    size_t w = seconds_to_samples(window_s, rate_hz);
    if (w < 2 || w > n) return BL_ERANGE;
    prefix_sums p;
    bl_status st = prefix_sums_init(&p, x, n);
    if (st != BL_OK) return st;
    *start_s = (double)quietest_start(&p, n, w, k) / rate_hz;
    prefix_sums_free(&p);
    return BL_OK;
}

/* ---- detection -------------------------------------------------------- */

static bl_status validate(const float *x, size_t n, double rate_hz, const bl_onset_config *c)
{
    if (!x || !c || n == 0 || !(rate_hz > 0.0) || !isfinite(rate_hz)) return BL_EINVAL;
    if (!bl_onset_method_name(c->method)) return BL_EINVAL;
    if (!(c->k >= 0.0) || !isfinite(c->k)) return BL_EINVAL;
    if (!(c->min_on_s >= 0.0) || !(c->min_off_s >= 0.0) || !isfinite(c->min_on_s) ||
        !isfinite(c->min_off_s))
        return BL_EINVAL;
    if (!isfinite(c->baseline_start_s) || !isfinite(c->baseline_end_s)) return BL_EINVAL;
    if (isnan(c->backtrack_k)) return BL_EINVAL;
    int given = c->baseline_start_s < c->baseline_end_s;
    if (!given && !(c->baseline_window_s > 0.0 && isfinite(c->baseline_window_s))) return BL_EINVAL;
    if (c->method == BL_ONSET_DOUBLE) {
        if (!(c->double_window_s > 0.0) || !isfinite(c->double_window_s)) return BL_EINVAL;
        if (!(c->double_fraction > 0.0 && c->double_fraction <= 1.0)) return BL_EINVAL;
    }
    if (c->method == BL_ONSET_TKEO) {
        if (!(c->tkeo_lowpass_hz > 0.0) || !isfinite(c->tkeo_lowpass_hz)) return BL_EINVAL;
        if (c->tkeo_lowpass_order < 1 || c->tkeo_lowpass_order > BL_BUTTER_MAX_ORDER)
            return BL_ERANGE;
        if (!(c->tkeo_lowpass_hz < rate_hz / 2.0)) return BL_ERANGE;
    }
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return BL_ENONFINITE;
    return BL_OK;
}

/* TKEO envelope: Teager–Kaiser energy, rectified, zero-phase low-pass. */
static bl_status tkeo_envelope(const float *x, size_t n, double rate_hz, const bl_onset_config *c,
                               float *out)
{
    if (n < 3) return BL_ERANGE;
    bl_status st = bl_tkeo(x, n, out);
    if (st != BL_OK) return st;
    for (size_t i = 0; i < n; i++) out[i] = fabsf(out[i]);
    double sos[BL_BUTTER_MAX_ORDER * BL_SOS_WIDTH];
    size_t ns = 0;
    st = bl_butter_design(c->tkeo_lowpass_order, BL_LOWPASS, c->tkeo_lowpass_hz, 0.0, rate_hz, sos,
                          BL_BUTTER_MAX_ORDER, &ns);
    if (st != BL_OK) return st;
    if (n <= bl_sosfiltfilt_padlen(sos, ns)) return BL_ERANGE;
    float *ch[1] = { out };
    st = bl_sosfiltfilt(sos, ns, ch, 1, n, 1);
    if (st != BL_OK) return st;
    /* The low-pass rings below zero next to sharp energy peaks; an energy
     * envelope is non-negative by definition. */
    for (size_t i = 0; i < n; i++)
        if (out[i] < 0.0f) out[i] = 0.0f;
    return BL_OK;
}

typedef struct run { size_t a, b; } run; /* samples [a, b) */

/* The threshold: from the caller's statistics (`fixed`: mean, SD), or from
 * the given or the quietest baseline period of the detection signal. */
static bl_status baseline_threshold(const prefix_sums *p, size_t n, double rate_hz,
                                    const bl_onset_config *cfg, const double *fixed, bl_onset_report *rep)
{
    if (fixed) {
        rep->baseline_mean = fixed[0];
        rep->baseline_sd = fixed[1];
        rep->threshold = fixed[0] + cfg->k * fixed[1];
        return BL_OK;
    }
    size_t b0, b1;
    if (cfg->baseline_start_s < cfg->baseline_end_s) {
        if (cfg->baseline_start_s < 0.0 || cfg->baseline_end_s > (double)n / rate_hz + 0.5 / rate_hz)
            return BL_ERANGE;
        b0 = seconds_to_samples(cfg->baseline_start_s, rate_hz);
        b1 = seconds_to_samples(cfg->baseline_end_s, rate_hz);
        if (b1 > n) b1 = n;
        if (b1 < b0 + 2) return BL_ERANGE;
        rep->baseline_automatic = 0;
    } else {
        size_t w = seconds_to_samples(cfg->baseline_window_s, rate_hz);
        /* In a short recording (one repetition, one MVC) a long window
         * cannot avoid the activity: no window is quiet. Rest is a small
         * part of any recording worth analysing, so the window is at most
         * an eighth of the signal. */
        if (w > n / 8) w = n / 8;
        if (w < 2) return BL_ERANGE;
        b0 = quietest_start(p, n, w, cfg->k);
        b1 = b0 + w;
        rep->baseline_automatic = 1;
    }
    window_stats(p, b0, b1, &rep->baseline_mean, &rep->baseline_sd);
    rep->baseline_start_s = (double)b0 / rate_hz;
    rep->baseline_end_s = (double)b1 / rate_hz;
    rep->threshold = rep->baseline_mean + cfg->k * rep->baseline_sd;
    return BL_OK;
}

/* Which samples are "on": over the threshold, or for DOUBLE at least m of
 * the n samples of the centred window over it (a running count: the
 * window's ends only move forward). At low rates the window may be a
 * single sample; then this is a plain threshold. */
static void mark_on(const float *sig, size_t n, double rate_hz, const bl_onset_config *cfg, bl_onset_report *rep,
                    unsigned char *on)
{
    if (cfg->method != BL_ONSET_DOUBLE) {
        for (size_t i = 0; i < n; i++) on[i] = sig[i] > rep->threshold;
        return;
    }
    size_t w = seconds_to_samples(cfg->double_window_s, rate_hz);
    if (w < 1) w = 1;
    if (w > n) w = n;
    size_t m = (size_t)ceil(cfg->double_fraction * (double)w - 1e-9);
    if (m < 1) m = 1;
    rep->double_window_samples = w;
    rep->double_min_samples = m;
    size_t half = w / 2, lo = 0, hi = 0, count = 0; /* count: samples over in [lo, hi) */
    for (size_t i = 0; i < n; i++) {
        size_t a = i >= half ? i - half : 0;
        size_t b = a + w;
        if (b > n) { b = n; a = n - w; }
        for (; hi < b; hi++) count += sig[hi] > rep->threshold;
        for (; lo < a; lo++) count -= sig[lo] > rep->threshold;
        on[i] = count >= m;
    }
}

/* Runs of "on" samples into *runs (grown as needed); their count or
 * (size_t)-1 when out of memory. */
static size_t find_runs(const unsigned char *on, size_t n, run **runs)
{
    size_t nr = 0, cap = 0;
    for (size_t i = 0; i < n;) {
        if (!on[i]) { i++; continue; }
        size_t a = i;
        while (i < n && on[i]) i++;
        if (nr == cap) {
            size_t nc = cap ? cap * 2 : 64;
            run *p = realloc(*runs, nc * sizeof *p);
            if (!p) return (size_t)-1;
            *runs = p;
            cap = nc;
        }
        (*runs)[nr].a = a;
        (*runs)[nr].b = i;
        nr++;
    }
    return nr;
}

/* Merge first, then drop short bursts: a burst interrupted by a brief dip
 * is one contraction, and its pieces must not be rejected as too short
 * one by one. A gap of g samples lasts g / rate seconds. */
static size_t merge_and_drop(run *runs, size_t nr, double rate_hz, const bl_onset_config *cfg, bl_onset_report *rep)
{
    size_t k = 0;
    for (size_t r = 0; r < nr; r++) {
        if (k > 0 && (double)(runs[r].a - runs[k - 1].b) / rate_hz < cfg->min_off_s) {
            runs[k - 1].b = runs[r].b;
            rep->merged++;
        } else {
            runs[k++] = runs[r];
        }
    }
    nr = k;
    k = 0;
    for (size_t r = 0; r < nr; r++) {
        /* 1e-9 keeps a burst of exactly min_on_s from being lost to rounding. */
        if ((double)(runs[r].b - runs[r].a) / rate_hz + 1e-9 >= cfg->min_on_s) runs[k++] = runs[r];
        else rep->rejected_short++;
    }
    return k;
}

/* Refine the edges: the k·SD threshold is crossed part-way up a
 * contraction's rise, late by a level-dependent amount (a strong muscle
 * crosses sooner than a weak one on the same ramp), which would distort
 * firing order. Walk each kept burst's edges out to where the detection
 * signal falls to mean + backtrack_k·SD. Only kept bursts are refined, so
 * this cannot add false positives; DOUBLE is left alone (x² per sample is
 * too rough to walk on, and m of n is already sharp). */
static size_t refine_edges(const float *sig, size_t n, run *runs, size_t nr, const bl_onset_config *cfg,
                           const bl_onset_report *rep)
{
    if (!bli_onset_refines_edges(cfg) || !(rep->baseline_sd > 0.0)) return nr;
    double lo = rep->baseline_mean + cfg->backtrack_k * rep->baseline_sd;
    for (size_t r = 0; r < nr; r++) {
        while (runs[r].a > 0 && sig[runs[r].a - 1] > lo) runs[r].a--;
        while (runs[r].b < n && sig[runs[r].b] > lo) runs[r].b++;
    }
    size_t k = 0;
    for (size_t r = 0; r < nr; r++) {
        if (k > 0 && runs[r].a <= runs[k - 1].b) {
            if (runs[r].b > runs[k - 1].b) runs[k - 1].b = runs[r].b;
        } else {
            runs[k++] = runs[r];
        }
    }
    return k;
}

/* The bursts with their peaks (|x| for DOUBLE, the TKEO envelope for TKEO,
 * the envelope for BASELINE) into a new list. */
static bl_status make_bursts(const float *x, const float *sig, const run *runs, size_t nr, double rate_hz,
                             bl_onset_method method, bl_bursts *out)
{
    bl_status st = bursts_reserve(out, nr ? nr : 1);
    if (st != BL_OK) return st;
    const float *pk = method == BL_ONSET_TKEO ? sig : x;
    for (size_t r = 0; r < nr; r++) {
        size_t ip = runs[r].a;
        float best = method == BL_ONSET_DOUBLE ? fabsf(pk[ip]) : pk[ip];
        for (size_t i = runs[r].a; i < runs[r].b; i++) {
            float v = method == BL_ONSET_DOUBLE ? fabsf(pk[i]) : pk[i];
            if (v > best) { best = v; ip = i; }
        }
        bl_burst bu = { (double)runs[r].a / rate_hz, (double)runs[r].b / rate_hz, best, (double)ip / rate_hz };
        out->items[out->count++] = bu;
    }
    return BL_OK;
}

/* The signal the threshold applies to: x itself, or in *work (allocated)
 * its energy (DOUBLE) or TKEO envelope. */
static bl_status detection_input(const float *x, size_t n, double rate_hz, const bl_onset_config *cfg,
                                 float **work, const float **sig)
{
    *sig = x;
    if (cfg->method == BL_ONSET_BASELINE) return BL_OK;
    *work = malloc(n * sizeof **work);
    if (!*work) return BL_ENOMEM;
    *sig = *work;
    if (cfg->method == BL_ONSET_DOUBLE) {
        for (size_t i = 0; i < n; i++) (*work)[i] = x[i] * x[i];
        return BL_OK;
    }
    return tkeo_envelope(x, n, rate_hz, cfg, *work);
}

/* The detection pipeline; `fixed` (may be NULL) holds a baseline mean and
 * SD that replace the baseline search. The result is built aside so that
 * `bursts` stays unchanged on failure. */
static bl_status detect(const float *x, size_t n, double rate_hz, const bl_onset_config *cfg,
                        const double *fixed, bl_bursts *bursts, bl_onset_report *report)
{
    if (!bursts) return BL_EINVAL;
    if (fixed && (!isfinite(fixed[0]) || !isfinite(fixed[1]) || fixed[1] < 0.0)) return BL_EINVAL;
    bl_status st = validate(x, n, rate_hz, cfg);
    if (st != BL_OK) return st;
    if (n > SIZE_MAX / sizeof(float) / 2) return BL_ENOMEM;

    bl_onset_report rep;
    memset(&rep, 0, sizeof rep);
    rep.method = cfg->method;
    rep.rate_hz = rate_hz;
    float *work = NULL;
    unsigned char *on = NULL;
    prefix_sums sums = {0};
    run *runs = NULL;
    const float *sig = x;
    bl_bursts tmp = { NULL, 0, 0 };

    if ((st = detection_input(x, n, rate_hz, cfg, &work, &sig)) != BL_OK) goto done;
    if ((st = prefix_sums_init(&sums, sig, n)) != BL_OK) goto done;
    if ((st = baseline_threshold(&sums, n, rate_hz, cfg, fixed, &rep)) != BL_OK) goto done;
    if (!(on = malloc(n))) { st = BL_ENOMEM; goto done; }
    mark_on(sig, n, rate_hz, cfg, &rep, on);
    size_t nr = find_runs(on, n, &runs);
    if (nr == (size_t)-1) { st = BL_ENOMEM; goto done; }
    nr = merge_and_drop(runs, nr, rate_hz, cfg, &rep);
    nr = refine_edges(sig, n, runs, nr, cfg, &rep);
    if ((st = make_bursts(x, sig, runs, nr, rate_hz, cfg->method, &tmp)) != BL_OK) goto done;
    free(bursts->items);
    *bursts = tmp;
    tmp.items = NULL;
    if (report) *report = rep;

done:
    free(tmp.items);
    free(work);
    free(on);
    prefix_sums_free(&sums);
    free(runs);
    return st;
}

bl_status bl_onset_detect(const float *x, size_t n, double rate_hz, const bl_onset_config *cfg,
                          bl_bursts *bursts, bl_onset_report *report)
{
    return detect(x, n, rate_hz, cfg, NULL, bursts, report);
}

bl_status bl_onset_detect_with_baseline(const float *x, size_t n, double rate_hz,
                                        const bl_onset_config *cfg, double baseline_mean,
                                        double baseline_sd, bl_bursts *bursts,
                                        bl_onset_report *report)
{
    double fixed[2] = { baseline_mean, baseline_sd };
    return detect(x, n, rate_hz, cfg, fixed, bursts, report);
}

bl_status bl_onset_detection_signal(const float *x, size_t n, double rate_hz,
                                    const bl_onset_config *cfg, float *out)
{
    if (!out || out == x) return BL_EINVAL;
    bl_status st = validate(x, n, rate_hz, cfg);
    if (st != BL_OK) return st;
    switch (cfg->method) {
    case BL_ONSET_BASELINE:
        memcpy(out, x, n * sizeof *out);
        return BL_OK;
    case BL_ONSET_DOUBLE:
        for (size_t i = 0; i < n; i++) out[i] = x[i] * x[i];
        return BL_OK;
    case BL_ONSET_TKEO:
        return tkeo_envelope(x, n, rate_hz, cfg, out);
    }
    return BL_EINVAL;
}
