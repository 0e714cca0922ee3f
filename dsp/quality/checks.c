/* The measurements behind the quality checks, on one channel's samples:
 * constancy, the raw spectrum's shape, windowed levels and the
 * correlation of two sites. Arrays in, numbers out. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quality_internal.h"

int bli_qc_constant(const float *x, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (x[i] != x[0]) return 0;
    return 1;
}

/* Power in bins [a, b] of a one-sided PSD, units² (bin width df). */
static double band_power(const double *psd, size_t a, size_t b, double df)
{
    double p = 0;
    for (size_t k = a; k <= b; k++) p += psd[k];
    return p * df;
}

bl_status bli_qc_raw_spectrum(bl_spectrum *sp, const float *x, size_t n, double rate_hz, double *psd,
                              bli_raw_spectrum *out)
{
    bl_status st = bl_spectrum_welch(sp, x, n, rate_hz, psd);
    if (st != BL_OK) return st;
    size_t bins = bl_spectrum_bins(sp);
    double df = rate_hz / (2.0 * (double)(bins - 1)), nyq = rate_hz / 2;
    size_t k1 = (size_t)ceil(1.0 / df), km = (size_t)floor(BLI_QC_MOTION_HZ / df);
    size_t k450 = (size_t)floor(fmin(450.0, nyq) / df);
    if (k450 >= bins) k450 = bins - 1;
    double low = band_power(psd, k1, km, df), all = band_power(psd, k1, k450, df);
    out->motion_share = all > 0 ? low / all : NAN;

    double lo = BLI_QC_SPECTRUM_LO_HZ, hi = fmin(BLI_QC_SPECTRUM_HI_HZ, nyq);
    out->median_hz = NAN;
    if (bl_median_frequency(psd, bins, rate_hz, lo, hi, &out->median_hz) != BL_OK) out->median_hz = NAN;
    size_t a = (size_t)ceil(lo / df), b = (size_t)floor(hi / df);
    if (b >= bins) b = bins - 1;
    size_t peak = a;
    for (size_t k = a; k <= b; k++)
        if (psd[k] > psd[peak]) peak = k;
    size_t w = (size_t)ceil(BLI_QC_LINE_HZ / df);
    size_t la = peak > a + w ? peak - w : a, lb = peak + w < b ? peak + w : b;
    double total = band_power(psd, a, b, df);
    out->line_hz = (double)peak * df;
    out->line_share = total > 0 ? band_power(psd, la, lb, df) / total : NAN;
    size_t kh = (size_t)ceil(BLI_QC_HIGH_HZ / df);
    out->high_share = hi >= 2 * BLI_QC_HIGH_HZ && total > 0 && kh <= b ? band_power(psd, kh, b, df) / total : NAN;
    return BL_OK;
}

static int cmp_double(const void *p, const void *q)
{
    double x = *(const double *)p, y = *(const double *)q;
    return (x > y) - (x < y);
}

static double percentile_sorted(const double *v, size_t n, double pct)
{
    double pos = pct / 100.0 * (double)(n - 1);
    size_t i = (size_t)pos;
    if (i + 1 >= n) return v[n - 1];
    double f = pos - (double)i;
    return (1 - f) * v[i] + f * v[i + 1];
}

bl_status bli_qc_levels(const float *x, size_t n, size_t window, double *noise, double *activity, double *rms)
{
    if (window < 2 || n < window) return BL_ENODATA;
    size_t m = n / window;
    double *r = malloc(m * sizeof *r), total = 0;
    if (!r) return BL_ENOMEM;
    for (size_t w = 0; w < m; w++) {
        double s = 0;
        for (size_t i = w * window; i < (w + 1) * window; i++) s += (double)x[i] * x[i];
        total += s;
        r[w] = sqrt(s / (double)window);
    }
    qsort(r, m, sizeof *r, cmp_double);
    *noise = percentile_sorted(r, m, BLI_QC_NOISE_PCT);
    *activity = percentile_sorted(r, m, BLI_QC_ACTIVITY_PCT);
    *rms = sqrt(total / (double)(m * window));
    free(r);
    return BL_OK;
}

double bli_qc_max_correlation(const float *a, const float *b, size_t n, size_t max_lag)
{
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; i++) {
        ma += a[i];
        mb += b[i];
    }
    ma /= (double)n;
    mb /= (double)n;
    double saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    if (!(saa > 0) || !(sbb > 0) || n <= 2 * max_lag) return 0;
    double best = 0;
    for (size_t l = 0; l <= 2 * max_lag; l++) {
        /* lag from -max_lag to +max_lag: b shifted against a */
        double sab = 0;
        for (size_t i = max_lag; i + max_lag < n; i++) sab += (a[i] - ma) * (b[i + l - max_lag] - mb);
        double r = fabs(sab) / sqrt(saa * sbb);
        if (r > best) best = r;
    }
    return best;
}
