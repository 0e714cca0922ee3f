/* Mains detection: is there a 50 or 60 Hz hum (with harmonics) standing
 * out of the spectrum? The power in narrow lines at h·f is compared with
 * the neighbourhood's median level, family against family. The detector
 * object makes its Welch plan and scratch at create, so detecting (e.g. in
 * a live stream after its first second) allocates nothing. */
#include "backline/spectrum.h"

#include <math.h>
#include <stdlib.h>

#define MAINS_THRESHOLD_DB 10.0
#define MAINS_HARMONICS 3
#define LINE_HALF_HZ 1.5  /* the line: +/- 1.5 Hz around h*f */
#define NEAR_HZ 4.0       /* neighbourhood: 4..12 Hz either side */
#define FAR_HZ 12.0
#define MAX_CHUNKS 4      /* long signals: this many chunks ... */
#define CHUNK_SEGMENTS 16 /* ... of this many half-overlapped segments */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Line power against the neighbourhood for one family, in dB. The
 * neighbourhood level is the median bin (robust to the other family's
 * line falling inside it), scaled to the line band's width. */
static double family_prominence(const double *psd, size_t bins, double df, double nyq, double f,
                                double *scratch)
{
    double line = 0, floor_ = 0;
    int used = 0;
    for (int h = 1; h <= MAINS_HARMONICS; h++) {
        double fh = h * f;
        if (fh + FAR_HZ >= nyq) break;
        size_t a = (size_t)ceil((fh - LINE_HALF_HZ) / df), b = (size_t)floor((fh + LINE_HALF_HZ) / df);
        if (b >= bins) break;
        double p = 0;
        size_t nb = 0;
        for (size_t k = a; k <= b; k++, nb++) p += psd[k];
        size_t m = 0;
        for (size_t k = (size_t)ceil((fh - FAR_HZ) / df); k <= (size_t)floor((fh + FAR_HZ) / df) && k < bins;
             k++) {
            double fk = (double)k * df;
            if (fabs(fk - fh) >= NEAR_HZ) scratch[m++] = psd[k];
        }
        if (nb == 0 || m == 0) break;
        qsort(scratch, m, sizeof *scratch, cmp_double);
        double med = (m % 2) ? scratch[m / 2] : 0.5 * (scratch[m / 2 - 1] + scratch[m / 2]);
        line += p;
        floor_ += med * (double)nb;
        used++;
    }
    if (!used) return 0;
    if (!(floor_ > 0)) return line > 0 ? 300.0 : 0.0;
    return 10 * log10(line / floor_);
}

struct bl_mains_detector {
    double rate_hz;
    size_t max_frames;
    size_t seg;          /* Welch segment */
    bl_spectrum *spectrum;
    double *psd, *acc, *scratch; /* bins each */
};

/* About 1 Hz resolution (a power of two near the rate), 2 Hz if the
 * signal is too short for that; 0 when even that does not fit. */
static size_t segment_for(double rate_hz, size_t frames)
{
    size_t seg = 1;
    while ((double)seg < rate_hz) seg <<= 1;
    if (frames < seg) seg >>= 1;
    return frames < seg || seg < 16 ? 0 : seg;
}

bl_status bl_mains_detector_create(double rate_hz, size_t max_frames, bl_mains_detector **out)
{
    if (!out) return BL_EINVAL;
    *out = NULL;
    if (!(rate_hz > 0) || !isfinite(rate_hz)) return BL_ERANGE;
    if (60.0 + FAR_HZ >= rate_hz / 2) return BL_ERANGE;
    size_t seg = segment_for(rate_hz, max_frames);
    if (seg == 0) return BL_ENODATA;
    bl_mains_detector *d = calloc(1, sizeof *d);
    if (!d) return BL_ENOMEM;
    d->rate_hz = rate_hz;
    d->max_frames = max_frames;
    d->seg = seg;
    bl_status st = bl_spectrum_create(seg, &d->spectrum);
    if (st == BL_OK) {
        size_t bins = bl_spectrum_bins(d->spectrum);
        d->psd = malloc(bins * sizeof *d->psd);
        d->acc = malloc(bins * sizeof *d->acc);
        d->scratch = malloc(bins * sizeof *d->scratch);
        if (!d->psd || !d->acc || !d->scratch) st = BL_ENOMEM;
    }
    if (st != BL_OK) {
        bl_mains_detector_destroy(d);
        return st;
    }
    *out = d;
    return BL_OK;
}

void bl_mains_detector_destroy(bl_mains_detector *d)
{
    if (!d) return;
    bl_spectrum_destroy(d->spectrum);
    free(d->psd);
    free(d->acc);
    free(d->scratch);
    free(d);
}

bl_status bl_mains_detector_run(bl_mains_detector *d, const float *x, size_t n, double *mains_hz,
                                double *prominence_db)
{
    if (!d || !x || !mains_hz) return BL_EINVAL;
    if (n > d->max_frames) return BL_ERANGE;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return BL_ENONFINITE;
    const size_t seg = d->seg;
    if (n < seg) return BL_ENODATA;
    const size_t bins = bl_spectrum_bins(d->spectrum);
    const double rate_hz = d->rate_hz, nyq = rate_hz / 2;
    for (size_t k = 0; k < bins; k++) d->acc[k] = 0;
    /* Long recordings: a few chunks spread over the signal say as much
     * about a stationary hum as the whole and cost a bounded time. */
    size_t chunk = (CHUNK_SEGMENTS + 1) * (seg - seg / 2) + seg / 2;
    size_t chunks = 1, len = n;
    if (n > MAX_CHUNKS * chunk) {
        chunks = MAX_CHUNKS;
        len = chunk;
    }
    for (size_t c = 0; c < chunks; c++) {
        size_t start = chunks == 1 ? 0 : c * (n - len) / (chunks - 1);
        bl_status st = bl_spectrum_welch(d->spectrum, x + start, len, rate_hz, d->psd);
        if (st != BL_OK) return st;
        for (size_t k = 0; k < bins; k++) d->acc[k] += d->psd[k];
    }
    double df = rate_hz / (double)seg;
    double p50 = family_prominence(d->acc, bins, df, nyq, 50.0, d->scratch);
    double p60 = family_prominence(d->acc, bins, df, nyq, 60.0, d->scratch);
    double best = p50 >= p60 ? p50 : p60;
    *mains_hz = best > MAINS_THRESHOLD_DB ? (p50 >= p60 ? 50.0 : 60.0) : 0.0;
    if (prominence_db) *prominence_db = best;
    return BL_OK;
}

bl_status bl_mains_detect(const float *x, size_t n, double rate_hz, double *mains_hz, double *prominence_db)
{
    if (!x || !mains_hz) return BL_EINVAL;
    bl_mains_detector *d = NULL;
    bl_status st = bl_mains_detector_create(rate_hz, n, &d);
    if (st == BL_OK) st = bl_mains_detector_run(d, x, n, mains_hz, prominence_db);
    bl_mains_detector_destroy(d);
    return st;
}
