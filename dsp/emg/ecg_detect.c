/* R-wave detection for ECG removal (ecg.h, steps 1 and 3): local noise
 * levels, the Pan-Tompkins beat picker, the first pass on the integrated
 * QRS-band energy and the multichannel matched filter. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backline/filter.h"
#include "backline/window.h"
#include "emg_internal.h"
#include "internal.h"

bl_status bli_ecg_level_init(bli_ecg_level *l, const float *x, size_t n, size_t win, int magnitude, float gain)
{
    memset(l, 0, sizeof *l);
    if (win < 1) win = 1;
    if (win > n) win = n;
    size_t hop = win / 4 ? win / 4 : 1, half = win / 2;
    size_t blocks = (n - 1) / hop + 2;
    float *v = malloc((win + 1) * sizeof *v), *med = malloc(blocks * sizeof *med);
    if (!v || !med) {
        free(v);
        free(med);
        return BL_ENOMEM;
    }
    double sum = 0;
    for (size_t b = 0; b < blocks; b++) {
        size_t c = b * hop < n ? b * hop : n - 1;
        size_t a = c > half ? c - half : 0, e = c + half + 1 < n ? c + half + 1 : n, m = e - a;
        for (size_t i = 0; i < m; i++) v[i] = magnitude ? fabsf(x[a + i]) : x[a + i];
        med[b] = bli_select_kth(v, m, m / 2);
        sum += med[b];
    }
    /* A level of zero (a silent or mostly-zero stretch) would divide by
     * zero: no block counts less than a thousandth of the mean level. */
    float floor_level = (float)(1e-3 * sum / (double)blocks);
    if (!(floor_level > 0)) floor_level = 1e-30f;
    for (size_t b = 0; b < blocks; b++)
        if (!(med[b] >= floor_level)) med[b] = floor_level;
    free(v);
    *l = (bli_ecg_level){.med = med, .blocks = blocks, .hop = hop, .n = n, .gain = gain};
    return BL_OK;
}

void bli_ecg_level_free(bli_ecg_level *l)
{
    if (!l) return;
    free(l->med);
    l->med = NULL;
}

void bli_ecg_level_fill(const bli_ecg_level *l, size_t from, size_t count, float *out)
{
    for (size_t k = 0; k < count; k++) out[k] = bli_ecg_level_at(l, from + k);
}

/* The running maximum of d over windows [j, j + w) (shorter at the end),
 * for j = 0, 1, ... in turn, by a monotonic deque kept in a ring of w + 1
 * indices, and the last w + 2 maxima in a ring of their own: the
 * candidates need the window before a sample and the one after it, not
 * one value per sample of the signal. */
typedef struct window_max {
    const float *d;
    size_t n, w;
    size_t *dq, cap, head, tail, len; /* deque of indices, tail: where the next goes */
    size_t pushed;                     /* next index of d to enter */
    float *m;                          /* m[j mod (w + 2)]: max of window j */
    size_t next, slot;                 /* next window, and its slot in m */
} window_max;

static size_t ring_next(size_t i, size_t cap) { return i + 1 < cap ? i + 1 : 0; }

/* Every window up to j (inclusive) into the ring of maxima. */
static void window_max_to(window_max *s, size_t j)
{
    for (; s->next <= j; s->next++) {
        size_t end = s->next + s->w < s->n ? s->next + s->w : s->n;
        for (; s->pushed < end; s->pushed++) {
            float v = s->d[s->pushed];
            while (s->len && s->d[s->dq[s->tail ? s->tail - 1 : s->cap - 1]] <= v) {
                s->tail = s->tail ? s->tail - 1 : s->cap - 1;
                s->len--;
            }
            s->dq[s->tail] = s->pushed;
            s->tail = ring_next(s->tail, s->cap);
            s->len++;
        }
        while (s->dq[s->head] < s->next) {
            s->head = ring_next(s->head, s->cap);
            s->len--;
        }
        s->m[s->slot] = s->d[s->dq[s->head]];
        s->slot = ring_next(s->slot, s->w + 2);
    }
}

/* The maximum of window j, one of the last w + 2 made. */
static float window_max_at(const window_max *s, size_t j)
{
    size_t back = s->next - j, mcap = s->w + 2; /* 1 for the last one made */
    return s->m[s->slot >= back ? s->slot - back : s->slot + mcap - back];
}

/* Candidate peaks: samples larger than everything in the w before and at
 * least as large as everything in the w after (so two are more than w
 * apart). Returns their number; idx has room for n / w + 1; dq room for
 * w + 1 indices, m for w + 2 values. */
static size_t candidates(const float *d, size_t n, size_t w, size_t *idx, size_t *dq, float *m)
{
    window_max s = {.d = d, .n = n, .w = w, .dq = dq, .cap = w + 1, .m = m};
    size_t count = 0;
    float run = -INFINITY; /* max of d[0 .. i) for the first w samples */
    for (size_t i = 0; i < n; i++) {
        window_max_to(&s, i + 1 < n ? i + 1 : i);
        float left = i >= w ? window_max_at(&s, i - w) : run;
        float right = i + 1 < n ? window_max_at(&s, i + 1) : -INFINITY;
        if (d[i] > left && d[i] >= right && d[i] > 0) idx[count++] = i;
        if (d[i] > run) run = d[i];
    }
    return count;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Initial levels from the whole signal: as Pan & Tompkins, the noise
 * level is half the signal's mean; the signal level is the median of the
 * strongest candidates that could be beats (one per RR interval at the
 * slowest rate), which needs no learning period free of bursts. */
static bl_status initial_levels(const float *d, const size_t *idx, size_t nc, size_t n, double rate,
                                const bl_ecg_config *cfg, double *spk, double *npk)
{
    float *h = malloc((nc ? nc : 1) * sizeof *h);
    if (!h) return BL_ENOMEM;
    for (size_t i = 0; i < nc; i++) h[i] = d[idx[i]];
    qsort(h, nc, sizeof *h, cmp_float);
    size_t top = (size_t)((double)n / rate * cfg->min_rate_bpm / 60.0);
    if (top < 1) top = 1;
    if (top > nc) top = nc;
    double mean = 0;
    for (size_t i = 0; i < n; i++) mean += d[i];
    *npk = 0.5 * mean / (double)n;
    if (*npk < 0) *npk = 0;
    *spk = nc ? h[nc - 1 - top / 2] : 0;
    free(h);
    return BL_OK;
}

typedef struct pt_state {
    double spk, npk;
    double rr[BLI_ECG_PT_RR_BEATS];
    size_t nrr;
    size_t last;  /* index of the last beat; SIZE_MAX before the first */
    bli_ecg_beats *out;
    const float *gate; /* what the floors apply to */
    int adapt;         /* 0: the levels stay at 1 (signal) and 0 (noise) */
} pt_state;

static double pt_threshold(const pt_state *s) { return s->npk + BLI_ECG_PT_THRESHOLD * (s->spk - s->npk); }

static double pt_rr_mean(const pt_state *s)
{
    size_t m = s->nrr < BLI_ECG_PT_RR_BEATS ? s->nrr : BLI_ECG_PT_RR_BEATS;
    double sum = 0;
    for (size_t i = 0; i < m; i++) sum += s->rr[i];
    return m ? sum / (double)m : 0;
}

static void pt_beat(pt_state *s, size_t i, double v, double weight)
{
    if (s->last != SIZE_MAX) {
        double rr = (double)(i - s->last), mean = pt_rr_mean(s);
        if (s->nrr == 0 || rr < BLI_ECG_PT_SB_RR * mean) s->rr[s->nrr++ % BLI_ECG_PT_RR_BEATS] = rr;
    }
    if (s->adapt) s->spk = weight * v + (1.0 - weight) * s->spk;
    s->out->pos[s->out->n++] = (double)i;
    s->last = i;
}

/* Search back: while the last beat is overdue at sample `now`, look
 * where the missed beats should be (the last beat plus k mean RR
 * intervals, within BLI_ECG_SB_WINDOW of an interval, k = 1, 2, ...) for
 * the largest candidate that clears half the threshold and sb_floor. */
static void pt_search_back(pt_state *s, const float *d, const size_t *idx, size_t from, size_t to, size_t now,
                           size_t refr, double sb_floor)
{
    while (s->last != SIZE_MAX && s->nrr > 0 && (double)(now - s->last) > BLI_ECG_PT_SB_RR * pt_rr_mean(s)) {
        double rr = pt_rr_mean(s), limit = (double)(now - refr / 2), last = (double)s->last;
        double thr = BLI_ECG_PT_SB_FACTOR * pt_threshold(s);
        size_t best = SIZE_MAX;
        for (double k = 1; best == SIZE_MAX && last + (k - BLI_ECG_SB_WINDOW) * rr < limit; k += 1) {
            double lo = last + (k - BLI_ECG_SB_WINDOW) * rr, hi = last + (k + BLI_ECG_SB_WINDOW) * rr;
            for (size_t c = from; c < to; c++) {
                size_t i = idx[c];
                double t = (double)i;
                if (t < lo || t > hi || t > limit || i <= s->last || i - s->last < refr) continue;
                if (s->gate[i] < sb_floor || d[i] <= thr) continue;
                if (best == SIZE_MAX || d[i] > d[best]) best = i;
            }
        }
        if (best == SIZE_MAX) return;
        pt_beat(s, best, d[best], BLI_ECG_PT_SB_UPDATE);
    }
}

/* Sub-sample positions: the vertex of the parabola through each peak. */
static void refine(const float *d, size_t n, bli_ecg_beats *b)
{
    for (size_t k = 0; k < b->n; k++) {
        size_t i = (size_t)b->pos[k];
        if (i == 0 || i + 1 >= n) continue;
        double y0 = d[i - 1], y1 = d[i], y2 = d[i + 1], den = y0 - 2.0 * y1 + y2;
        if (den < 0) {
            double delta = 0.5 * (y0 - y2) / den;
            if (delta > 0.5) delta = 0.5;
            if (delta < -0.5) delta = -0.5;
            b->pos[k] = (double)i + delta;
        }
    }
}

bl_status bli_ecg_pick(const float *d, const float *gate, size_t n, double rate, const bl_ecg_config *cfg,
                       double floor, double sb_floor, int adapt, bli_ecg_beats *out)
{
    if (!gate) gate = d;
    size_t refr = (size_t)llround(60.0 / cfg->max_rate_bpm * rate), w = refr / 2 ? refr / 2 : 1;
    size_t *idx = malloc((n / w + 2) * sizeof *idx), *dq = malloc((w + 1) * sizeof *dq);
    float *maxima = malloc((w + 2) * sizeof *maxima);
    bl_status st = BL_ENOMEM;
    if (!idx || !dq || !maxima) goto done;
    size_t nc = candidates(d, n, w, idx, dq, maxima);
    pt_state s = {.last = SIZE_MAX, .out = out, .gate = gate};
    s.adapt = adapt;
    s.spk = 1.0;
    s.npk = 0.0;
    if (adapt && (st = initial_levels(d, idx, nc, n, rate, cfg, &s.spk, &s.npk)) != BL_OK) goto done;
    out->n = 0;
    size_t since = 0; /* first candidate after the last beat */
    for (size_t k = 0; k < nc; k++) {
        size_t i = idx[k];
        size_t before = out->n;
        pt_search_back(&s, d, idx, since, k, i, refr, sb_floor);
        if (out->n != before) since = k;
        double v = d[i];
        if (v > pt_threshold(&s) && gate[i] >= floor) {
            if (s.last == SIZE_MAX || i - s.last >= refr) {
                pt_beat(&s, i, v, BLI_ECG_PT_UPDATE);
                since = k + 1;
                continue;
            }
            if (v > d[s.last]) { /* a larger peak inside the refractory period replaces the beat */
                out->pos[out->n - 1] = (double)i;
                s.last = i;
                since = k + 1;
                continue;
            }
        }
        if (adapt) s.npk = BLI_ECG_PT_UPDATE * v + (1.0 - BLI_ECG_PT_UPDATE) * s.npk;
    }
    pt_search_back(&s, d, idx, since, nc, n + refr / 2, refr, sb_floor);
    refine(d, n, out);
    st = BL_OK;
done:
    free(idx);
    free(dq);
    free(maxima);
    return st;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

bl_status bli_ecg_band_design(const bl_ecg_config *cfg, double rate, double *sos, size_t *n_sections)
{
    size_t ns = 0;
    bl_status st = bl_butter_design(BLI_ECG_BAND_ORDER, BL_BANDPASS, cfg->qrs_lo_hz, cfg->qrs_hi_hz, rate, sos,
                                    BLI_ECG_BAND_ORDER, &ns);
    if (st != BL_OK) return st;
    /* A mains residue left by the conditioning would fill the QRS band
     * with constant energy: notch both families in the detection feature
     * (the signal itself is not touched). */
    static const double mains[2] = {50.0, 60.0};
    for (int k = 0; k < 2; k++)
        if (mains[k] < 0.45 * rate && bl_notch_design(mains[k], BLI_ECG_MAINS_Q, rate, sos + ns * BL_SOS_WIDTH) == BL_OK)
            ns++;
    *n_sections = ns;
    return BL_OK;
}

bl_status bli_ecg_first_pass(const float *const *x, size_t nch, size_t n, double rate, const bl_ecg_config *cfg,
                             bli_ecg_beats *out)
{
    double sos[BLI_ECG_BAND_SECTIONS * BL_SOS_WIDTH];
    size_t ns = 0;
    bl_status st = bli_ecg_band_design(cfg, rate, sos, &ns);
    if (st != BL_OK) return st;
    size_t win = (size_t)llround(cfg->noise_window_s * rate);
    float *y = malloc(n * sizeof *y), *r = calloc(n, sizeof *r);
    st = BL_ENOMEM;
    if (!y || !r) goto done;
    for (size_t c = 0; c < nch; c++) {
        memcpy(y, x[c], n * sizeof *y);
        float *ch[1] = {y};
        if ((st = bl_sosfiltfilt(sos, ns, ch, 1, n, 1)) != BL_OK) goto done;
        for (size_t i = 0; i < n; i++) y[i] *= y[i];
        if ((st = bl_moving_average(y, n, rate, cfg->integration_s, y)) != BL_OK) goto done;
        bli_ecg_level lvl;
        if ((st = bli_ecg_level_init(&lvl, y, n, win, 0, 1.0f)) != BL_OK) goto done;
        for (size_t i0 = 0; i0 < n; i0 += BLI_ECG_CHUNK) {
            float l[BLI_ECG_CHUNK];
            size_t m = n - i0 < BLI_ECG_CHUNK ? n - i0 : BLI_ECG_CHUNK;
            bli_ecg_level_fill(&lvl, i0, m, l);
            for (size_t k = 0; k < m; k++) r[i0 + k] += y[i0 + k] / l[k] / (float)nch;
        }
        bli_ecg_level_free(&lvl);
    }
    st = bli_ecg_pick(r, NULL, n, rate, cfg, BLI_ECG_FIRST_FLOOR, BLI_ECG_FIRST_FLOOR * 2.0 / 3.0, 1, out);
done:
    free(y);
    free(r);
    return st;
}

/* Correlation of x with the template t over the QRS window (centred) at
 * sample i, sum_j t[j] x[i + j - q] inside the signal. */
static float correlate_at(const float *x, const double *t, size_t n, size_t q, size_t i)
{
    size_t j0 = i < q ? q - i : 0, j1 = i + q < n ? 2 * q : n - 1 - i + q;
    double acc = 0;
    for (size_t j = j0; j <= j1; j++) acc += t[j] * x[i + j - q];
    return (float)acc;
}

/* How much larger the correlation's noise is than white noise of the
 * local level would give (EMG is not white): the robust SD of m / (scale
 * sqrt(e)) away from the first-pass beats (every 4th sample, correlated
 * where read). scratch: room for n / 4 + 1. */
static double colour_factor(const float *x, const double *t, const bli_ecg_level *scale, size_t n, size_t q, double e,
                            const bli_ecg_beats *avoid, float *scratch)
{
    size_t count = 0, k = 0;
    for (size_t i = 0; i < n; i += 4) {
        while (k < avoid->n && avoid->pos[k] + 2.0 * (double)q < (double)i) k++;
        if (k < avoid->n && fabs(avoid->pos[k] - (double)i) <= 2.0 * (double)q) continue;
        scratch[count++] = (float)(fabsf(correlate_at(x, t, n, q, i)) / (bli_ecg_level_at(scale, i) * sqrt(e)));
    }
    if (count == 0) return 1.0;
    double f = BLI_ECG_MAD_SCALE * bli_select_kth(scratch, count, count / 2);
    return f > 0 ? f : 1.0;
}

/* Prefix sums of x² over a block's reach: p[j] = sum of x[k]² for k < from + j,
 * from the signal's start (the running sum is carried from block to block,
 * so the values are those of one pass over the whole signal). */
typedef struct prefix_block {
    double *p;
    size_t from;
} prefix_block;

/* Mean of x² over [a, b) from the block's prefix sums (clipped to the signal). */
static double mean_square(const prefix_block *pb, size_t n, long a, long b)
{
    if (a < 0) a = 0;
    if (b > (long)n) b = (long)n;
    return b > a ? (pb->p[b - (long)pb->from] - pb->p[a - (long)pb->from]) / (double)(b - a) : 0.0;
}

/* The sums of the matched filter over one block of samples: the amplitude
 * estimate's numerator and denominator in units of the correlation's
 * local noise variance, and the window's energy left once the fitted
 * template is taken out, per sample, in units of the noise around it (the
 * local level, or the window's flanks when they are louder: at a burst's
 * edge the local median lags), and the sums that test whether the
 * channels agree on the amplitude (a heartbeat has the same scale on every
 * electrode; a motion artefact does not). */
typedef struct mf_sums {
    double *num, *den; /* amplitude: num / den, z: num / sqrt(den) */
    double *res;       /* residual energy over the noise around */
    double *ca, *cb, *cc; /* consistency: sums of w, w a, w a² over channels */
} mf_sums;

/* What one channel's part of the pass needs: its template, the template's
 * energy e and the correlation's colour factor squared k2. */
typedef struct mf_channel {
    const float *x;
    const bli_ecg_level *scale;
    const double *t;
    double e, k2;
} mf_channel;

/* Samples [i0, i1) of one channel into the block's sums (index i - i0).
 * pb holds the prefix sums over [i0 - 3q, i1 + 3q] (clipped). */
static void matched_block(const mf_channel *ch, size_t n, size_t q, double tau, size_t i0, size_t i1,
                          const prefix_block *pb, float *m, const mf_sums *s)
{
    long lq = (long)q;
    float sc[BLI_ECG_CHUNK];
    for (size_t i = i0; i < i1; i++) {
        size_t k = i - i0;
        if (k % BLI_ECG_CHUNK == 0) bli_ecg_level_fill(ch->scale, i, i1 - i < BLI_ECG_CHUNK ? i1 - i : BLI_ECG_CHUNK, sc);
        m[k] = correlate_at(ch->x, ch->t, n, q, i);
        long c = (long)i;
        double e = ch->e, k2 = ch->k2;
        double s2 = (double)sc[k % BLI_ECG_CHUNK] * sc[k % BLI_ECG_CHUNK], inv = 1.0 / s2;
        double w = mean_square(pb, n, c - lq, c + lq + 1) * (double)(2 * q + 1), left = w - (double)m[k] * m[k] / e;
        double around =
            fmax(s2, fmax(mean_square(pb, n, c - 3 * lq, c - lq), mean_square(pb, n, c + lq + 1, c + 3 * lq + 1)));
        s->num[k] += m[k] * inv / k2;
        s->den[k] += e * inv / k2;
        s->res[k] += (left > 0 ? left : 0) / around;
        /* this channel's own amplitude estimate and its variance (noise,
         * plus the beat-to-beat spread tau²) */
        double a = m[k] / e, wa = 1.0 / (k2 * s2 / e + tau * tau);
        s->ca[k] += wa;
        s->cb[k] += wa * a;
        s->cc[k] += wa * a * a;
    }
}

/* The block's prefix sums, from carry (the sum before sample pb->from) to
 * sample `to`; returns the carry for the block starting its reach at next. */
static double prefix_fill(const float *x, prefix_block *pb, size_t to, double carry, size_t next)
{
    double keep = carry;
    pb->p[0] = carry;
    for (size_t i = pb->from; i < to; i++) {
        if (i == next) keep = pb->p[i - pb->from];
        pb->p[i - pb->from + 1] = pb->p[i - pb->from] + (double)x[i] * x[i];
    }
    if (to == next) keep = pb->p[to - pb->from];
    return keep;
}

/* Samples per block of the matched pass: its scratch is a few MB, not
 * seven doubles per sample of the recording. */
#define MF_BLOCK ((size_t)65536)

bl_status bli_ecg_matched_pass(const float *const *x, const bli_ecg_level *const *scale, const double *const *tmpl,
                               size_t nch, size_t n, size_t q, double rate, const bl_ecg_config *cfg,
                               const bli_ecg_beats *first, bli_ecg_beats *out)
{
    const size_t B = n < MF_BLOCK ? n : MF_BLOCK, reach = B + 6 * q + 1;
    double *buf = malloc(6 * B * sizeof *buf), *p = malloc((reach + 1) * sizeof *p);
    double *carry = calloc(nch ? nch : 1, sizeof *carry);
    float *u = malloc(n * sizeof *u), *z = malloc(n * sizeof *z), *m = malloc(B * sizeof *m);
    mf_channel *ch = calloc(nch ? nch : 1, sizeof *ch);
    bl_status st = BL_ENOMEM;
    if (!buf || !p || !carry || !u || !z || !m || !ch) goto done;
    for (size_t c = 0; c < nch; c++) { /* z doubles as the colour factor's scratch */
        ch[c] = (mf_channel){.x = x[c], .scale = scale[c], .t = tmpl[c]};
        for (size_t j = 0; j <= 2 * q; j++) ch[c].e += tmpl[c][j] * tmpl[c][j];
        if (!(ch[c].e > 0)) continue;
        double f = colour_factor(x[c], tmpl[c], scale[c], n, q, ch[c].e, first, z);
        ch[c].k2 = f * f;
    }
    double dof = (double)nch * (double)(2 * q + 1), k = (double)nch - 1.0;
    double qmax = k + BLI_ECG_AGREE_SD * sqrt(2.0 * k);
    for (size_t i0 = 0; i0 < n; i0 += B) {
        size_t i1 = n - i0 < B ? n : i0 + B, len = i1 - i0;
        memset(buf, 0, 6 * B * sizeof *buf);
        mf_sums s = {buf, buf + B, buf + 2 * B, buf + 3 * B, buf + 4 * B, buf + 5 * B};
        size_t from = i0 > 3 * q ? i0 - 3 * q : 0, to = i1 + 3 * q < n ? i1 + 3 * q : n;
        size_t next = i1 > 3 * q ? i1 - 3 * q : 0;
        for (size_t c = 0; c < nch; c++) {
            if (!(ch[c].e > 0)) continue;
            prefix_block pb = {p, from};
            carry[c] = prefix_fill(x[c], &pb, to, carry[c], next);
            matched_block(&ch[c], n, q, cfg->amplitude_sd, i0, i1, &pb, m, &s);
        }
        for (size_t j = 0; j < len; j++) {
            /* z: the template's fitted scale, channels weighted by their
             * noise, in noise SD; u: the same scale (1 for a typical beat),
             * where it is significant (z >= searchback_z), the window looks
             * like template plus noise and the channels agree, else 0, so
             * that the Pan-Tompkins levels follow the beats and not the
             * noise of a burst. */
            size_t i = i0 + j;
            double den = s.den[j];
            z[i] = den > 0 ? (float)(s.num[j] / sqrt(den)) : 0.0f;
            int shaped = s.res[j] <= BLI_ECG_SHAPE_MAX * dof;
            int agree = nch < 2 || s.cc[j] - s.cb[j] * s.cb[j] / s.ca[j] <= qmax;
            u[i] = den > 0 && shaped && agree && z[i] >= cfg->searchback_z ? (float)(s.num[j] / den) : 0.0f;
        }
    }
    st = bli_ecg_pick(u, z, n, rate, cfg, cfg->detect_z, cfg->searchback_z, 0, out);
    if (st == BL_OK && out->n > 1) qsort(out->pos, out->n, sizeof *out->pos, cmp_double);
done:
    free(buf);
    free(p);
    free(carry);
    free(u);
    free(z);
    free(m);
    free(ch);
    return st;
}
