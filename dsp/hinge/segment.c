/* Repetition segmentation of a hinge set. See include/backline/hinge.h.
 *
 * Why this shape: channels differ in units, MVC scaling, resting tone and
 * artefacts, and the patterns move activity between muscles from rep to rep
 * (internal → external), so no single channel and no absolute level can
 * define a repetition. Each channel is therefore scaled to its own robust
 * range (10th to 99th percentile), clipped so one motion spike cannot
 * dominate, and combined with weights that favour the hamstrings and glutes
 * (active in every hinge whatever the chain) over the trunk (ECG) and the
 * quads (barely active). Thresholds are relative to the combined activity's
 * own percentiles, so they need no tuning per session.
 */
#include "hinge_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backline/window.h"

void bl_hinge_segment_config_default(bl_hinge_segment_config *cfg)
{
    if (!cfg) return;
    cfg->frame_rate_hz = 50.0;
    cfg->smooth_s = 0.2;
    cfg->on_fraction = 0.30;
    cfg->off_fraction = 0.15;
    cfg->edge_fraction = 0.10;
    cfg->min_rep_s = 0.6;
    cfg->min_gap_s = 0.15;
    cfg->split_factor = 1.6;
    cfg->valley_depth = 0.6;
    cfg->clip = 1.5;
    cfg->min_used_weight = 0.5;
}

double bl_hinge_segment_weight(bl_muscle m)
{
    switch (bl_muscle_group(m)) {
    case BL_GROUP_MEDIAL_HAMSTRING:
    case BL_GROUP_LATERAL_HAMSTRING: return 1.0;
    case BL_GROUP_GLUTE: return m == BL_MUSCLE_GMAX ? 1.0 : 0.5;
    case BL_GROUP_TRUNK: return 0.25;
    case BL_GROUP_CALF: return 0.25;
    default: return 0.0;
    }
}

/* In-place heapsort of finite floats: no allocation (glibc's qsort may
 * allocate, and the stream sorts in _process), the same sorted values. */
static void sift_down(float *x, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && x[child] < x[child + 1]) child++;
        if (!(x[root] < x[child])) return;
        float t = x[root];
        x[root] = x[child];
        x[child] = t;
        root = child;
    }
}

static void sort_floats(float *x, size_t n)
{
    for (size_t i = n / 2; i-- > 0;) sift_down(x, i, n);
    for (size_t end = n; end > 1; end--) {
        float t = x[0];
        x[0] = x[end - 1];
        x[end - 1] = t;
        sift_down(x, 0, end - 1);
    }
}

float bli_seg_percentile_sorted(const float *sorted, size_t n, double p)
{
    double pos = p / 100.0 * (double)(n - 1);
    size_t i = (size_t)pos;
    if (i + 1 >= n) return sorted[n - 1];
    double f = pos - (double)i;
    return (float)((1.0 - f) * sorted[i] + f * sorted[i + 1]);
}

/* x[0..n) sorted into scratch. */
static void sorted_copy(const float *x, size_t n, float *scratch)
{
    memcpy(scratch, x, n * sizeof *x);
    sort_floats(scratch, n);
}

static int config_ok(const bl_hinge_segment_config *c)
{
    return c->frame_rate_hz > 0 && isfinite(c->frame_rate_hz) && c->smooth_s >= 0 &&
           c->on_fraction > 0 && c->on_fraction < 1 && c->off_fraction > 0 &&
           c->off_fraction <= c->on_fraction && c->edge_fraction >= 0 &&
           c->edge_fraction <= c->off_fraction && c->min_rep_s >= 0 && c->min_gap_s >= 0 &&
           c->split_factor > 1 && c->valley_depth > 0 && c->valley_depth < 1 && c->clip > 0 &&
           c->min_used_weight >= 0 && c->min_used_weight <= 1;
}

int bli_seg_config_ok(const bl_hinge_segment_config *c) { return c && config_ok(c); }

/* A fixed list (the stream's, sized at create) fails when full instead of
 * growing. */
static int segs_push(bli_segs *s, size_t a, size_t b)
{
    if (s->n == s->cap) {
        if (s->fixed) return -1;
        size_t cap = s->cap ? 2 * s->cap : 32;
        bli_seg *p = realloc(s->v, cap * sizeof *p);
        if (!p) return -1;
        s->v = p;
        s->cap = cap;
    }
    s->v[s->n].a = a;
    s->v[s->n].b = b;
    s->n++;
    return 0;
}

static size_t argmax(const float *x, size_t a, size_t b)
{
    size_t k = a;
    for (size_t i = a; i < b; i++)
        if (x[i] > x[k]) k = i;
    return k;
}

/* Split [a, b) at its deepest interior valley when that valley is below
 * depth × the lower of the two flanking peaks and both halves last at least
 * min_len frames; recursive. Interior minima only: the edges of a segment
 * are low by construction. */
static int split_at_valleys(const float *A, size_t a, size_t b, size_t min_len, double depth, bli_segs *out)
{
    size_t best = 0;
    double best_ratio = depth;
    if (b - a >= 2 * min_len && b - a >= 3) {
        for (size_t i = a + min_len; i + min_len <= b && i + 1 < b; i++) {
            if (i == a || !(A[i] <= A[i - 1] && A[i] <= A[i + 1])) continue;
            double lp = A[argmax(A, a, i)], rp = A[argmax(A, i, b)];
            double lo = lp < rp ? lp : rp;
            if (!(lo > 0)) continue;
            double r = A[i] / lo;
            if (r < best_ratio) {
                best_ratio = r;
                best = i;
            }
        }
    }
    if (!best) return segs_push(out, a, b);
    if (split_at_valleys(A, a, best, min_len, depth, out)) return -1;
    return split_at_valleys(A, best, b, min_len, depth, out);
}

/* Eccentric/concentric boundary from the combined activity: the split point
 * of a two-level (step) fit over [a, b), accepted when the second level is
 * clearly above the first (the concentric drive is the larger). Returns the
 * frame or (size_t)-1. */
static size_t change_point(const float *A, size_t a, size_t b)
{
    size_t n = b - a;
    if (n < 10) return (size_t)-1;
    double total = 0;
    for (size_t i = a; i < b; i++) total += A[i];
    double left = 0, best_cost = INFINITY;
    size_t best = (size_t)-1;
    double best_l = 0, best_r = 0;
    size_t lo = a + n / 6, hi = b - n / 6;
    for (size_t i = a; i < hi; i++) {
        left += A[i];
        if (i + 1 < lo) continue;
        size_t nl = i + 1 - a, nr = b - (i + 1);
        double ml = left / (double)nl, mr = (total - left) / (double)nr;
        /* SSE of a two-level fit = Σx² − nl·ml² − nr·mr²; Σx² is constant. */
        double cost = -(double)nl * ml * ml - (double)nr * mr * mr;
        if (cost < best_cost) {
            best_cost = cost;
            best = i + 1;
            best_l = ml;
            best_r = mr;
        }
    }
    if (best == (size_t)-1 || !(best_r > best_l * 1.25 + 0.05)) return (size_t)-1;
    return best;
}

/* The grid the segmentation runs on: envelopes averaged in blocks. */
typedef struct grid {
    size_t block;  /* samples per grid point */
    size_t nd;     /* grid points */
    double fd;     /* grid rate, Hz */
} grid;

size_t bli_seg_block(double rate_hz, const bl_hinge_segment_config *cfg)
{
    size_t block = (size_t)lround(rate_hz / cfg->frame_rate_hz);
    return block < 1 ? 1 : block;
}

int bli_seg_channel_range(const float *sorted, size_t n, float *lo, float *hi)
{
    *lo = bli_seg_percentile_sorted(sorted, n, BLI_SEG_CHANNEL_LO_PCT);
    *hi = bli_seg_percentile_sorted(sorted, n, BLI_SEG_CHANNEL_HI_PCT);
    /* A dead electrode or one that only sees noise: no modulation worth
     * the name (a working muscle in a hinge spans > 2:1). */
    return *hi > 0 && *hi - *lo > 1e-12f && !(*hi < 2.0f * (*lo > 0 ? *lo : 0));
}

void bli_seg_add_channel(const float *dec, size_t nd, float lo, float hi, double w, double clip, float *A)
{
    float inv = 1.0f / (hi - lo);
    for (size_t i = 0; i < nd; i++) {
        float v = (dec[i] - lo) * inv;
        if (v < 0) v = 0;
        if (v > (float)clip) v = (float)clip;
        A[i] += (float)w * v;
    }
}

/* Each usable channel block-averaged, scaled to its own robust range,
 * clipped, and added with its weight into A; *wsum and *wtotal get the
 * weight used and the weight offered. */
static void combine_channels(const float *const *env, const double *weights, size_t channels, const grid *g,
                             const bl_hinge_segment_config *cfg, float *dec, float *scratch, float *A,
                             unsigned char *ignored, double *wsum, double *wtotal)
{
    *wsum = *wtotal = 0;
    for (size_t c = 0; c < channels; c++) {
        double w = weights ? weights[c] : 1.0;
        if (w > 0) *wtotal += w;
        int skip = !(w > 0);
        if (!skip) {
            for (size_t i = 0; i < g->nd; i++) {
                double s = 0;
                for (size_t k = 0; k < g->block; k++) s += env[c][i * g->block + k];
                dec[i] = (float)(s / (double)g->block);
                if (!isfinite(dec[i])) skip = 1;
            }
        }
        float lo = 0, hi = 0;
        if (!skip) {
            sorted_copy(dec, g->nd, scratch);
            skip = !bli_seg_channel_range(scratch, g->nd, &lo, &hi);
        }
        if (ignored) ignored[c] = (unsigned char)skip;
        if (skip) continue;
        bli_seg_add_channel(dec, g->nd, lo, hi, w, cfg->clip, A);
        *wsum += w;
    }
}

/* Hysteresis on the smoothed activity As: segments above `on`, extended
 * back while above `off`, ended below `off`; *open_at_end says whether the
 * last one is still going at the end. -1 when out of room. */
static int hysteresis(const float *As, size_t nd, double on, double off, bli_segs *raw, int *open_at_end)
{
    int active = 0;
    size_t start = 0;
    for (size_t i = 0; i < nd; i++) {
        if (!active && As[i] > on) {
            active = 1;
            start = i;
            while (start > 0 && As[start - 1] > off) start--;
        } else if (active && As[i] < off) {
            active = 0;
            if (segs_push(raw, start, i)) return -1;
        }
    }
    *open_at_end = active;
    return active && segs_push(raw, start, nd) ? -1 : 0;
}

/* Merge gaps shorter than min_gap, then drop segments shorter than
 * min_len (grid points). -1 when out of room. */
static int merge_and_drop(const bli_segs *raw, size_t min_gap, size_t min_len, bli_segs *merged)
{
    for (size_t k = 0; k < raw->n; k++) {
        if (merged->n && raw->v[k].a - merged->v[merged->n - 1].b < min_gap)
            merged->v[merged->n - 1].b = raw->v[k].b;
        else if (segs_push(merged, raw->v[k].a, raw->v[k].b))
            return -1;
    }
    size_t kept = 0;
    for (size_t k = 0; k < merged->n; k++)
        if (merged->v[k].b - merged->v[k].a >= min_len) merged->v[kept++] = merged->v[k];
    merged->n = kept;
    return 0;
}

/* Split runs of repetitions that never fell back to baseline: at deep
 * valleys anywhere (below half the valley_depth criterion), and at
 * ordinary valleys in segments much longer than the typical one (the
 * median of merged->n lengths, sorted in len). -1 when out of room. */
static int split_long(const float *As, const bli_segs *merged, size_t min_len, const bl_hinge_segment_config *cfg,
                      size_t *len, bli_segs *split)
{
    if (!merged->n) return 0;
    for (size_t k = 0; k < merged->n; k++) len[k] = merged->v[k].b - merged->v[k].a;
    for (size_t i = 1; i < merged->n; i++) /* insertion sort: few segments */
        for (size_t j = i; j > 0 && len[j - 1] > len[j]; j--) {
            size_t t = len[j];
            len[j] = len[j - 1];
            len[j - 1] = t;
        }
    double median = merged->n % 2 ? (double)len[merged->n / 2]
                                   : 0.5 * (double)(len[merged->n / 2 - 1] + len[merged->n / 2]);
    for (size_t k = 0; k < merged->n; k++) {
        double d = (double)(merged->v[k].b - merged->v[k].a);
        double depth = d > cfg->split_factor * median ? cfg->valley_depth : 0.5 * cfg->valley_depth;
        if (split_at_valleys(As, merged->v[k].a, merged->v[k].b, min_len, depth, split)) return -1;
    }
    return 0;
}

/* Extend the boundaries outward down the flanks to the edge level (the
 * movement starts before the activity reaches the on threshold), never
 * past a local minimum or a neighbour. */
static void extend_edges(const float *As, size_t nd, double edge, bli_segs *split)
{
    for (size_t k = 0; k < split->n; k++) {
        size_t lo_lim = k ? split->v[k - 1].b : 0, hi_lim = k + 1 < split->n ? split->v[k + 1].a : nd;
        size_t a = split->v[k].a, b = split->v[k].b;
        while (a > lo_lim && As[a - 1] > edge && As[a - 1] <= As[a]) a--;
        while (b < hi_lim && b > 0 && As[b] > edge && As[b] <= As[b - 1]) b++;
        split->v[k].a = a;
        split->v[k].b = b;
    }
}

bl_status bli_seg_run(bli_seg_work *w, size_t nd, double fd, double wsum, const bl_hinge_segment_config *cfg)
{
    w->raw.n = w->merged.n = w->split.n = 0;
    w->open_at_end = 0;
    w->range = 0;
    float *A = w->A, *As = w->As;
    for (size_t i = 0; i < nd; i++) A[i] = (float)(A[i] / wsum);
    if (cfg->smooth_s > 0) {
        bl_status st = bl_moving_average_scratch(A, nd, fd, cfg->smooth_s, As, w->cum);
        if (st != BL_OK) return st;
    } else {
        memcpy(As, A, nd * sizeof *A);
    }
    sorted_copy(As, nd, w->scratch);
    w->base = bli_seg_percentile_sorted(w->scratch, nd, BLI_SEG_LEVEL_LO_PCT);
    double range = (double)bli_seg_percentile_sorted(w->scratch, nd, BLI_SEG_LEVEL_HI_PCT) - w->base;
    if (!(range > 1e-6)) return BL_OK; /* no modulation at all: no repetitions */
    w->range = range;
    size_t min_gap = (size_t)lround(cfg->min_gap_s * fd);
    size_t min_len = (size_t)lround(cfg->min_rep_s * fd);
    if (min_len < 1) min_len = 1;
    if (hysteresis(As, nd, w->base + cfg->on_fraction * range, w->base + cfg->off_fraction * range, &w->raw,
                   &w->open_at_end) ||
        merge_and_drop(&w->raw, min_gap, min_len, &w->merged) ||
        split_long(As, &w->merged, min_len, cfg, w->len, &w->split))
        return BL_ENOMEM;
    extend_edges(As, nd, w->base + cfg->edge_fraction * range, &w->split);
    return BL_OK;
}

double bli_seg_turn(const float *A, size_t a, size_t b, double grid_s)
{
    size_t cp = change_point(A, a, b);
    return cp != (size_t)-1 ? ((double)cp + 0.5) * grid_s : NAN;
}

/* The eccentric/concentric turn of grid segment [a, b): the hip angle's
 * extremum relative to standing (the bottom of the hinge) when there is an
 * angle trace, else the change point of the combined activity A. */
static double turn_of(const float *A, const float *aux, size_t a, size_t b, const grid *g, size_t frames,
                      double rate_hz)
{
    if (aux) {
        size_t fa = a * g->block, fb = b * g->block < frames ? b * g->block : frames, best = fa;
        double ref = aux[fa], bestd = -1;
        for (size_t i = fa; i < fb; i++) {
            double d = fabs((double)aux[i] - ref);
            if (d > bestd) {
                bestd = d;
                best = i;
            }
        }
        return bestd > 0 && best > fa && best + 1 < fb ? (double)best / rate_hz : NAN;
    }
    return bli_seg_turn(A, a, b, (double)g->block / rate_hz);
}

bl_status bl_hinge_segment_find(const float *const *env, const double *weights, size_t channels,
                                size_t frames, double rate_hz, const float *aux,
                                const bl_hinge_segment_config *cfg, bl_hinge_segment *segs_out,
                                size_t max_segments, size_t *n_segments, unsigned char *ignored)
{
    if (!env || channels == 0 || frames == 0 || !(rate_hz > 0) || !isfinite(rate_hz) || !cfg ||
        !n_segments || (max_segments && !segs_out) || !config_ok(cfg))
        return BL_EINVAL;
    for (size_t c = 0; c < channels; c++)
        if (!env[c] || (weights && !(weights[c] >= 0))) return BL_EINVAL;
    *n_segments = 0;
    if ((double)frames / rate_hz < 1.0) return BL_ENODATA;

    grid g;
    g.block = bli_seg_block(rate_hz, cfg);
    g.nd = frames / g.block;
    if (g.nd < 8) return BL_ENODATA;
    g.fd = rate_hz / (double)g.block;
    const size_t nd = g.nd;

    bl_status st = BL_ENOMEM;
    bli_seg_work w = {0};
    float *dec = malloc(nd * sizeof *dec);
    w.scratch = malloc(nd * sizeof *w.scratch);
    w.A = calloc(nd, sizeof *w.A);
    w.As = malloc(nd * sizeof *w.As);
    w.cum = malloc((nd + 1) * sizeof *w.cum);
    w.len = malloc(nd * sizeof *w.len);
    if (!dec || !w.scratch || !w.A || !w.As || !w.cum || !w.len) goto done;

    double wsum, wtotal;
    combine_channels(env, weights, channels, &g, cfg, dec, w.scratch, w.A, ignored, &wsum, &wtotal);
    if (!(wsum > 0)) {
        /* No weight at all is a caller problem; weight on channels that
         * are all flat is a finding: no repetitions. */
        st = wtotal > 0 ? BL_OK : BL_ENODATA;
        goto done;
    }
    if (wsum < cfg->min_used_weight * wtotal) {
        st = BL_OK; /* what still moves is too little of the chain to be a set */
        goto done;
    }
    if ((st = bli_seg_run(&w, nd, g.fd, wsum, cfg)) != BL_OK) goto done;

    *n_segments = w.split.n;
    for (size_t k = 0; k < w.split.n && k < max_segments; k++) {
        size_t a = w.split.v[k].a, b = w.split.v[k].b;
        bl_hinge_segment *o = &segs_out[k];
        o->start_s = (double)(a * g.block) / rate_hz;
        o->end_s = (double)(b * g.block) / rate_hz;
        o->peak = w.As[argmax(w.As, a, b)];
        o->turn_s = turn_of(w.A, aux, a, b, &g, frames, rate_hz);
    }
    st = BL_OK;
done:
    free(dec);
    free(w.scratch);
    free(w.A);
    free(w.As);
    free(w.cum);
    free(w.len);
    free(w.raw.v);
    free(w.merged.v);
    free(w.split.v);
    return st;
}
