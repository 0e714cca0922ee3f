/* Welch power spectra through FFTW, spectral descriptors, mains detection.
 *
 * bl_spectrum_welch reproduces scipy.signal.welch(x, fs, window='hann',
 * nperseg, noverlap=nperseg//2, detrend='constant', scaling='density',
 * average='mean') computed in float64: periodic Hann window built as
 * SciPy's general_cosine does, per-segment mean removal, one-sided
 * density scaling 1/(fs * sum(w^2)) with the non-DC/non-Nyquist bins
 * doubled, and the mean over segments.
 */
#include "backline/spectrum.h"

#include <fftw3.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* FFTW's planner keeps global state and is not thread-safe; every plan
 * made or destroyed here goes through this lock. It guards FFTW's state,
 * not ours. (Other modules planning with FFTW should share one lock; see
 * the module report.) */
static pthread_mutex_t planner_lock = PTHREAD_MUTEX_INITIALIZER;

/* Segments longer than this are refused: 2^26 samples is ~9 minutes at
 * 128 kHz in one segment, far beyond any spectral use here. */
#define MAX_SEGMENT ((size_t)1 << 26)

struct bl_spectrum {
    size_t n, bins;
    double *win;
    double win_ss; /* sum of w^2 */
    double *in;    /* fftw_malloc'd, plan-aligned */
    fftw_complex *out;
    fftw_plan plan;
};

bl_status bl_spectrum_create(size_t segment_frames, bl_spectrum **out)
{
    if (!out) return BL_EINVAL;
    *out = NULL;
    if (segment_frames < 2) return BL_EINVAL;
    if (segment_frames > MAX_SEGMENT) return BL_ERANGE;
    bl_spectrum *s = calloc(1, sizeof *s);
    if (!s) return BL_ENOMEM;
    s->n = segment_frames;
    s->bins = segment_frames / 2 + 1;
    s->win = malloc(s->n * sizeof *s->win);
    s->in = fftw_malloc(s->n * sizeof *s->in);
    s->out = fftw_malloc(s->bins * sizeof *s->out);
    if (!s->win || !s->in || !s->out) {
        bl_spectrum_destroy(s);
        return BL_ENOMEM;
    }
    /* scipy.signal.get_window('hann', n) (periodic): general_cosine over
     * fac = linspace(-pi, pi, n + 1), w = 0.5*cos(0) + 0.5*cos(fac),
     * truncated to n points. */
    double step = (M_PI - -M_PI) / (double)s->n;
    s->win_ss = 0;
    for (size_t i = 0; i < s->n; i++) {
        double fac = (double)i * step + -M_PI;
        s->win[i] = 0.5 * 1.0 + 0.5 * cos(fac);
        s->win_ss += s->win[i] * s->win[i];
    }
    pthread_mutex_lock(&planner_lock);
    s->plan = fftw_plan_dft_r2c_1d((int)s->n, s->in, s->out, FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner_lock);
    if (!s->plan) {
        bl_spectrum_destroy(s);
        return BL_ENOMEM;
    }
    *out = s;
    return BL_OK;
}

size_t bl_spectrum_bins(const bl_spectrum *s) { return s ? s->bins : 0; }

bl_status bl_spectrum_welch(bl_spectrum *s, const float *x, size_t n, double rate_hz, double *psd)
{
    if (!s || !x || !psd) return BL_EINVAL;
    if (!(rate_hz > 0) || !isfinite(rate_hz)) return BL_ERANGE;
    const size_t N = s->n, noverlap = N / 2, step = N - noverlap;
    if (n < N) return BL_ENODATA;
    const size_t nseg = (n - noverlap) / step;
    double *acc = psd;
    for (size_t k = 0; k < s->bins; k++) acc[k] = 0;
    for (size_t g = 0; g < nseg; g++) {
        const float *seg = x + g * step;
        double mean = 0;
        for (size_t i = 0; i < N; i++) mean += seg[i];
        mean /= (double)N;
        for (size_t i = 0; i < N; i++) s->in[i] = ((double)seg[i] - mean) * s->win[i];
        fftw_execute_dft_r2c(s->plan, s->in, s->out);
        for (size_t k = 0; k < s->bins; k++) acc[k] += s->out[k][0] * s->out[k][0] + s->out[k][1] * s->out[k][1];
    }
    const double scale = 1.0 / (rate_hz * s->win_ss);
    /* One-sided: double all but DC and, for even N, the Nyquist bin. */
    const size_t last = (N % 2) ? s->bins : s->bins - 1;
    for (size_t k = 0; k < s->bins; k++) {
        double v = acc[k] * scale;
        if (k >= 1 && k < last) v *= 2;
        psd[k] = v / (double)nseg;
        if (!isfinite(psd[k])) return BL_ENONFINITE;
    }
    return BL_OK;
}

void bl_spectrum_destroy(bl_spectrum *s)
{
    if (!s) return;
    if (s->plan) {
        pthread_mutex_lock(&planner_lock);
        fftw_destroy_plan(s->plan);
        pthread_mutex_unlock(&planner_lock);
    }
    fftw_free(s->in);
    fftw_free(s->out);
    free(s->win);
    free(s);
}

/* ------------------------------------------------------- descriptors */

/* Bins are taken to come from an even segment: bin k at k*rate/(2(bins-1)),
 * the last bin at Nyquist. */
static bl_status band_bins(size_t bins, double rate_hz, double lo_hz, double hi_hz, size_t *k0,
                           size_t *k1, double *df)
{
    if (bins < 2) return BL_EINVAL;
    if (!(rate_hz > 0) || !isfinite(rate_hz)) return BL_ERANGE;
    if (!(lo_hz >= 0) || !(hi_hz > lo_hz)) return BL_ERANGE;
    *df = rate_hz / (2.0 * (double)(bins - 1));
    double a = ceil(lo_hz / *df), b = floor(hi_hz / *df);
    if (b > (double)(bins - 1)) b = (double)(bins - 1);
    if (a > b) return BL_ENODATA;
    *k0 = (size_t)a;
    *k1 = (size_t)b;
    return BL_OK;
}

bl_status bl_median_frequency(const double *psd, size_t bins, double rate_hz, double lo_hz, double hi_hz,
                              double *median_hz)
{
    if (!psd || !median_hz) return BL_EINVAL;
    size_t k0, k1;
    double df;
    bl_status st = band_bins(bins, rate_hz, lo_hz, hi_hz, &k0, &k1, &df);
    if (st != BL_OK) return st;
    double total = 0;
    for (size_t k = k0; k <= k1; k++) total += psd[k];
    if (!(total > 0) || !isfinite(total)) return BL_ENODATA;
    /* Each bin's power spread evenly over [f - df/2, f + df/2] (clipped to
     * the band edges' bins): the median is where the cumulative power
     * crosses half, interpolated inside the crossing bin. */
    double half = total / 2, cum = 0;
    for (size_t k = k0; k <= k1; k++) {
        if (cum + psd[k] >= half) {
            double frac = psd[k] > 0 ? (half - cum) / psd[k] : 0.5;
            *median_hz = ((double)k - 0.5 + frac) * df;
            return BL_OK;
        }
        cum += psd[k];
    }
    *median_hz = (double)k1 * df;
    return BL_OK;
}

bl_status bl_mean_frequency(const double *psd, size_t bins, double rate_hz, double lo_hz, double hi_hz,
                            double *mean_hz)
{
    if (!psd || !mean_hz) return BL_EINVAL;
    size_t k0, k1;
    double df;
    bl_status st = band_bins(bins, rate_hz, lo_hz, hi_hz, &k0, &k1, &df);
    if (st != BL_OK) return st;
    double total = 0, moment = 0;
    for (size_t k = k0; k <= k1; k++) {
        total += psd[k];
        moment += psd[k] * (double)k * df;
    }
    if (!(total > 0) || !isfinite(total)) return BL_ENODATA;
    *mean_hz = moment / total;
    return BL_OK;
}

