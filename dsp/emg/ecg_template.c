/* Beat templates for ECG removal (ecg.h, steps 2 and 4): the weighted
 * average beat over the QRS window and its standard error (presence and
 * residuals), and beat-by-beat template subtraction. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "emg_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* x at the fractional position p (linear interpolation; 0 outside). */
static double at(const float *x, size_t n, double p)
{
    if (!(p >= 0) || p > (double)(n - 1)) return 0.0;
    size_t i = (size_t)p;
    double f = p - (double)i;
    return i + 1 < n ? (1.0 - f) * x[i] + f * x[i + 1] : x[i];
}

/* Inverse-variance weight of the beat at position p. */
static double weight_at(const bli_ecg_level *scale, size_t n, double p)
{
    size_t i = (size_t)llround(p < 0 ? 0 : p);
    if (i >= n) i = n - 1;
    double s = bli_ecg_level_at(scale, i);
    return 1.0 / (s * s);
}

/* Weighted mean over the QRS window (-q..q) of the beats with weights w,
 * and optionally the squared standard error of each sample. */
static void weighted_mean(const float *x, size_t n, const bli_ecg_beats *b, size_t q, const double *w, double *mean,
                          double *se2)
{
    size_t len = 2 * q + 1;
    double wsum = 0;
    memset(mean, 0, len * sizeof *mean);
    for (size_t k = 0; k < b->n; k++) {
        wsum += w[k];
        for (size_t j = 0; j < len; j++) mean[j] += w[k] * at(x, n, b->pos[k] + (double)j - (double)q);
    }
    for (size_t j = 0; j < len; j++) mean[j] = wsum > 0 ? mean[j] / wsum : 0;
    if (!se2) return;
    memset(se2, 0, len * sizeof *se2);
    for (size_t k = 0; k < b->n; k++) {
        double v = w[k] / wsum;
        for (size_t j = 0; j < len; j++) {
            double dv = at(x, n, b->pos[k] + (double)j - (double)q) - mean[j];
            se2[j] += v * v * dv * dv;
        }
    }
}

/* Beat weights: the inverse of what is left in each beat's QRS window once
 * the average beat (first weighted by the local noise) is taken out, so a
 * beat inside a burst or on a motion artefact counts little. */
static void robust_weights(const float *x, size_t n, const bli_ecg_level *scale, const bli_ecg_beats *b, size_t q,
                           double *w, double *mean)
{
    size_t len = 2 * q + 1;
    for (size_t k = 0; k < b->n; k++) w[k] = weight_at(scale, n, b->pos[k]);
    weighted_mean(x, n, b, q, w, mean, NULL);
    for (size_t k = 0; k < b->n; k++) {
        double ms = 0;
        for (size_t j = 0; j < len; j++) {
            double dv = at(x, n, b->pos[k] + (double)j - (double)q) - mean[j];
            ms += dv * dv;
        }
        ms /= (double)len;
        w[k] = ms > 0 ? 1.0 / ms : w[k];
    }
}

size_t bli_ecg_work_size(const bl_ecg_config *cfg, double rate, size_t n_beats)
{
    size_t len_t = (size_t)(lround(cfg->template_pre_s * rate) + lround(cfg->template_post_s * rate) + 1);
    size_t len_q = 2 * (size_t)lround(cfg->qrs_half_s * rate) + 1;
    return 6 * len_t + 2 * len_q + (n_beats ? n_beats : 1);
}

void bli_ecg_qrs_average(const float *x, size_t n, const bli_ecg_level *scale, const bli_ecg_beats *b, size_t q,
                         double *mean, bli_ecg_stats *st, double *work)
{
    size_t len = 2 * q + 1;
    double *se2 = work, *w = work + len;
    robust_weights(x, n, scale, b, q, w, se2);
    weighted_mean(x, n, b, q, w, mean, se2);
    double e = 0, noise = 0;
    st->peak = 0;
    st->peak_lag = 0;
    for (size_t j = 0; j < len; j++) {
        e += mean[j] * mean[j];
        noise += se2[j];
        if (fabs(mean[j]) > st->peak) {
            st->peak = fabs(mean[j]);
            st->peak_lag = (long)j - (long)q;
        }
    }
    st->energy = e;
    double cap = pow(10.0, BLI_ECG_SNR_CAP_DB / 10.0);
    st->snr = noise > 0 ? e / noise : (e > 0 ? cap : 1.0);
    if (st->snr > cap) st->snr = cap;
}

double bli_ecg_low_fraction(const double *t, size_t len, double rate, double f_hz)
{
    /* |T(f)|² on a grid of 8 len points from 0 to rate/2 */
    size_t grid = 8 * len;
    double low = 0, all = 0;
    for (size_t k = 0; k <= grid; k++) {
        double w = M_PI * (double)k / (double)grid, re = 0, im = 0; /* radians per sample */
        for (size_t j = 0; j < len; j++) {
            re += t[j] * cos(w * (double)j);
            im -= t[j] * sin(w * (double)j);
        }
        double p = re * re + im * im;
        all += p;
        if (w * rate / (2.0 * M_PI) < f_hz) low += p;
    }
    return all > 0 ? low / all : 0.0;
}

/* Sums over the neighbours of one beat, per template sample. */
typedef struct tsums {
    double *sw, *sw2, *swx, *sw2x, *sw2x2;
} tsums;

/* The window of beat k, samples relative to it: the configured window,
 * never past half the interval to a neighbour. */
static void beat_window(const bli_ecg_beats *b, size_t k, long pre, long post, long *lo, long *hi)
{
    *lo = -pre;
    *hi = post;
    if (k > 0) {
        long half = (long)floor((b->pos[k] - b->pos[k - 1]) / 2.0);
        if (-half > *lo) *lo = -half;
    }
    if (k + 1 < b->n) {
        long half = (long)floor((b->pos[k + 1] - b->pos[k]) / 2.0);
        if (half < *hi) *hi = half;
    }
}

/* The template_beats beats nearest to k, k itself left out: [*first, *last]. */
static void neighbours(size_t nb, size_t k, size_t m, size_t *first, size_t *last)
{
    if (m > nb - 1) m = nb - 1;
    size_t before = m / 2, after = m - before;
    if (before > k) {
        after += before - k;
        before = k;
    }
    if (after > nb - 1 - k) {
        before += after - (nb - 1 - k);
        after = nb - 1 - k;
    }
    if (before > k) before = k;
    *first = k - before;
    *last = k + after;
}

/* Template of beat k into t[0 .. hi - lo] (t[j - lo] is lag j): the
 * weighted mean of the neighbours, shrunk where it does not stand out of
 * its standard error, tapered at both ends. */
static void beat_template(const float *x, size_t n, const double *wt, const bli_ecg_beats *b, size_t k,
                          const bl_ecg_config *cfg, long pre, long post, long lo, long hi, size_t taper,
                          tsums *s, double *t)
{
    size_t len = (size_t)(hi - lo + 1), first, last;
    neighbours(b->n, k, cfg->template_beats, &first, &last);
    memset(s->sw, 0, len * sizeof(double));
    memset(s->sw2, 0, len * sizeof(double));
    memset(s->swx, 0, len * sizeof(double));
    memset(s->sw2x, 0, len * sizeof(double));
    memset(s->sw2x2, 0, len * sizeof(double));
    for (size_t i = first; i <= last; i++) {
        if (i == k) continue;
        long ilo, ihi;
        beat_window(b, i, pre, post, &ilo, &ihi);
        double w = wt[i];
        long j0 = ilo > lo ? ilo : lo, j1 = ihi < hi ? ihi : hi;
        for (long j = j0; j <= j1; j++) {
            double v = at(x, n, b->pos[i] + (double)j);
            size_t u = (size_t)(j - lo);
            s->sw[u] += w;
            s->sw2[u] += w * w;
            s->swx[u] += w * v;
            s->sw2x[u] += w * w * v;
            s->sw2x2[u] += w * w * v * v;
        }
    }
    for (size_t u = 0; u < len; u++) {
        if (!(s->sw[u] > 0)) {
            t[u] = 0;
            continue;
        }
        double m = s->swx[u] / s->sw[u];
        double se2 = (s->sw2x2[u] - 2.0 * m * s->sw2x[u] + m * m * s->sw2[u]) / (s->sw[u] * s->sw[u]);
        double g = m != 0 ? 1.0 - se2 / (m * m) : 0;
        t[u] = g > 0 ? g * m : 0;
    }
    for (size_t u = 0; u < taper && u < len; u++) {
        double g = 0.5 - 0.5 * cos(M_PI * ((double)u + 0.5) / (double)taper);
        t[u] *= g;
        t[len - 1 - u] *= g;
    }
}

/* Per-beat scale: least squares over the QRS window, pulled towards 1 by
 * a prior of SD amplitude_sd (ridge), limited to 0..BLI_ECG_AMP_MAX. */
static double beat_amplitude(const float *x, size_t n, const bli_ecg_level *scale, double pos, const double *t, long lo,
                             long hi, long q, double sd)
{
    double sxt = 0, stt = 0;
    long j0 = -q > lo ? -q : lo, j1 = q < hi ? q : hi;
    for (long j = j0; j <= j1; j++) {
        double tv = t[j - lo];
        sxt += at(x, n, pos + (double)j) * tv;
        stt += tv * tv;
    }
    double lambda = 1.0 / (weight_at(scale, n, pos) * sd * sd);
    double a = (sxt + lambda) / (stt + lambda);
    if (a < 0) a = 0;
    if (a > BLI_ECG_AMP_MAX) a = BLI_ECG_AMP_MAX;
    return a;
}

/* out[i] -= a t(i - pos) over the beat's window, t interpolated. */
static void subtract_beat(float *out, size_t n, double pos, const double *t, long lo, long hi, double a)
{
    double first = ceil(pos + (double)lo), end = floor(pos + (double)hi);
    if (first < 0) first = 0;
    if (end > (double)(n - 1)) end = (double)(n - 1);
    for (double p = first; p <= end; p += 1.0) {
        double rel = p - pos - (double)lo; /* 0 .. hi - lo */
        size_t u = (size_t)rel;
        double f = rel - (double)u, v = t[u];
        if (f > 0 && u + 1 <= (size_t)(hi - lo)) v = (1.0 - f) * t[u] + f * t[u + 1];
        out[(size_t)p] -= (float)(a * v);
    }
}

void bli_ecg_subtract(const float *x, size_t n, const bli_ecg_level *scale, const bli_ecg_beats *b, double rate,
                      const bl_ecg_config *cfg, float *out, double *work)
{
    long pre = lround(cfg->template_pre_s * rate), post = lround(cfg->template_post_s * rate);
    long q = lround(cfg->qrs_half_s * rate);
    size_t len = (size_t)(pre + post + 1), taper = (size_t)lround(BLI_ECG_TAPER_S * rate);
    double *buf = work, *w = work + 6 * len;
    robust_weights(x, n, scale, b, (size_t)q, w, w + (b->n ? b->n : 1));
    tsums s = {buf, buf + len, buf + 2 * len, buf + 3 * len, buf + 4 * len};
    double *t = buf + 5 * len;
    memcpy(out, x, n * sizeof *out);
    for (size_t k = 0; b->n >= 2 && k < b->n; k++) {
        long lo, hi;
        beat_window(b, k, pre, post, &lo, &hi);
        if (hi < lo) continue;
        beat_template(x, n, w, b, k, cfg, pre, post, lo, hi, taper, &s, t);
        double a = cfg->adaptive_amplitude ? beat_amplitude(x, n, scale, b->pos[k], t, lo, hi, q, cfg->amplitude_sd)
                                           : 1.0;
        subtract_beat(out, n, b->pos[k], t, lo, hi, a);
    }
}
