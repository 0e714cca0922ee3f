/* Mains detection: is there a 50 or 60 Hz hum (with harmonics) standing
 * out of the spectrum?
 *
 * The Welch spectrum uses segments of a whole number of seconds (4 s when
 * the signal holds at least three, else 2 s, 1 s or 0.5 s), so every
 * harmonic of 50 and 60 Hz falls exactly on a bin: a hum concentrates in
 * one bin and its Hann neighbours, and the finer the bins the further it
 * stands above a broadband EMG floor (which spreads its power over them).
 * Each harmonic h·f (h = 1..3) is scored on its own: the power of its bin
 * and the two beside it, against three times the median bin of its
 * neighbourhood (4 to 12 Hz either side, which the other family's lines
 * cannot move much). A family's prominence is its strongest harmonic, so a
 * hum with weak harmonics is not diluted by the floor under them; the
 * decision is the more prominent family when it exceeds 10 dB.
 *
 * The detector object makes its Welch plan and scratch at create, so
 * detecting (e.g. in a live stream after its first second) allocates
 * nothing. */
#include "backline/spectrum.h"

#include <math.h>
#include <stdlib.h>

#define MAINS_THRESHOLD_DB BL_MAINS_THRESHOLD_DB
#define MAINS_HARMONICS 3
#define NEAR_HZ 4.0       /* neighbourhood: 4..12 Hz either side */
#define FAR_HZ 12.0
#define MAX_CHUNKS BL_MAINS_CHUNKS_MAX /* long signals: this many chunks ... */
#define CHUNK_SEGMENTS 16 /* ... of this many half-overlapped segments */
#define LINE_BAND_HI_HZ 450.0 /* hum power is summed over harmonics up to here */
#define MIN_LINE_SHARE 1e-6   /* of the band's power: below, a line is rounding residue */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Power of the line at fh (its bin and the two beside it) and the median
 * bin of its neighbourhood times three; 0 when the neighbourhood does not
 * fit below Nyquist. */
static int line_and_floor(const double *psd, size_t bins, double df, double fh, double *scratch, double *line,
                          double *floor3)
{
    size_t k0 = (size_t)llround(fh / df);
    size_t lo = (size_t)ceil((fh - FAR_HZ) / df), hi = (size_t)floor((fh + FAR_HZ) / df);
    if (k0 < 1 || hi >= bins) return 0;
    *line = psd[k0 - 1] + psd[k0] + psd[k0 + 1];
    size_t m = 0;
    for (size_t k = lo; k <= hi; k++)
        if (fabs((double)k * df - fh) >= NEAR_HZ) scratch[m++] = psd[k];
    if (m == 0) return 0;
    qsort(scratch, m, sizeof *scratch, cmp_double);
    double med = (m % 2) ? scratch[m / 2] : 0.5 * (scratch[m / 2 - 1] + scratch[m / 2]);
    *floor3 = 3.0 * med;
    return 1;
}

static double ratio_db(double line, double floor3)
{
    if (!(floor3 > 0)) return line > 0 ? 300.0 : 0.0;
    return 10 * log10(line / floor3);
}

/* The strongest harmonic of family f, in dB over its neighbourhood. A
 * line carrying less than MIN_LINE_SHARE of the band's power is rounding
 * residue (a pure synthetic tone leaves periodic float rounding lines on
 * an otherwise empty spectrum), not hum: it scores 0 dB. */
static double family_prominence(const double *psd, size_t bins, double df, double nyq, double f, double band,
                                double *scratch)
{
    double best = 0;
    int used = 0;
    for (int h = 1; h <= MAINS_HARMONICS; h++) {
        double fh = h * f, line, floor3;
        if (fh + FAR_HZ >= nyq || !line_and_floor(psd, bins, df, fh, scratch, &line, &floor3)) break;
        double db = (line - floor3) * df >= MIN_LINE_SHARE * band ? ratio_db(line, floor3) : 0.0;
        if (!used || db > best) best = db;
        used = 1;
    }
    return used ? best : 0;
}

/* The power of the 20-450 Hz band, in units² (PSD × Hz). */
static double band_power(const double *psd, size_t bins, double df)
{
    double band = 0;
    for (size_t k = (size_t)ceil(20.0 / df); k < bins && (double)k * df <= LINE_BAND_HI_HZ; k++) band += psd[k] * df;
    return band;
}

/* The hum's power: its lines above their floors, every harmonic up to
 * 450 Hz, in units². */
static double hum_power(const double *psd, size_t bins, double df, double nyq, double f, double *scratch)
{
    double hum = 0;
    for (int h = 1; h * f + FAR_HZ < nyq && h * f <= LINE_BAND_HI_HZ; h++) {
        double line, floor3;
        if (!line_and_floor(psd, bins, df, h * f, scratch, &line, &floor3)) break;
        if (line > floor3) hum += (line - floor3) * df;
    }
    return hum;
}

struct bl_mains_detector {
    double rate_hz;
    size_t max_frames;
    size_t seg;          /* Welch segment */
    bl_spectrum *spectrum;
    double *psd, *acc, *scratch; /* bins each */
};

/* Whole-second segments (bins on every integer Hz): the longest of 4, 2
 * and 1 s of which the signal holds at least three half-overlapped ones,
 * else 1 or 0.5 s when one fits; 0 when nothing does. */
static size_t segment_for(double rate_hz, size_t frames)
{
    static const double seconds[] = {4.0, 2.0, 1.0};
    for (size_t i = 0; i < sizeof seconds / sizeof seconds[0]; i++) {
        double seg = round(seconds[i] * rate_hz);
        if ((double)frames >= 2.0 * seg) return (size_t)seg;
    }
    size_t one = (size_t)round(rate_hz), half = (size_t)round(0.5 * rate_hz);
    if (frames >= one) return one;
    return frames >= half && half >= 16 ? half : 0;
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

/* Which parts of the signal the spectrum is averaged over. Long
 * recordings: a few chunks spread over the signal say as much about a
 * stationary hum as the whole and cost a bounded time. */
bl_status bl_mains_detector_plan(const bl_mains_detector *d, size_t n, size_t starts[BL_MAINS_CHUNKS_MAX],
                                 size_t *count, size_t *len)
{
    if (!d || !starts || !count || !len) return BL_EINVAL;
    if (n > d->max_frames) return BL_ERANGE;
    if (n < d->seg) return BL_ENODATA;
    const size_t seg = d->seg;
    size_t chunk = (CHUNK_SEGMENTS + 1) * (seg - seg / 2) + seg / 2;
    size_t chunks = 1, l = n;
    if (n > MAX_CHUNKS * chunk) {
        chunks = MAX_CHUNKS;
        l = chunk;
    }
    for (size_t c = 0; c < chunks; c++) starts[c] = chunks == 1 ? 0 : c * (n - l) / (chunks - 1);
    *count = chunks;
    *len = l;
    return BL_OK;
}

/* The averaged spectrum of the chunks into d->acc. */
static bl_status average_spectrum(bl_mains_detector *d, const float *const *chunk, size_t chunks, size_t len)
{
    const size_t bins = bl_spectrum_bins(d->spectrum);
    for (size_t k = 0; k < bins; k++) d->acc[k] = 0;
    for (size_t c = 0; c < chunks; c++) {
        bl_status st = bl_spectrum_welch(d->spectrum, chunk[c], len, d->rate_hz, d->psd);
        if (st != BL_OK) return st;
        for (size_t k = 0; k < bins; k++) d->acc[k] += d->psd[k] / (double)chunks;
    }
    return BL_OK;
}

bl_status bl_mains_detector_analyse(bl_mains_detector *d, const float *x, size_t n, bl_mains_result *out)
{
    if (!d || !x || !out) return BL_EINVAL;
    if (n > d->max_frames) return BL_ERANGE;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return BL_ENONFINITE;
    size_t starts[BL_MAINS_CHUNKS_MAX], count = 0, len = 0;
    bl_status st = bl_mains_detector_plan(d, n, starts, &count, &len);
    if (st != BL_OK) return st;
    const float *chunk[BL_MAINS_CHUNKS_MAX];
    for (size_t c = 0; c < count; c++) chunk[c] = x + starts[c];
    return bl_mains_detector_analyse_chunks(d, chunk, count, len, out);
}

bl_status bl_mains_detector_analyse_chunks(bl_mains_detector *d, const float *const *chunk, size_t count, size_t len,
                                           bl_mains_result *out)
{
    if (!d || !chunk || !out || count == 0 || count > BL_MAINS_CHUNKS_MAX) return BL_EINVAL;
    if (len < d->seg) return BL_ENODATA;
    for (size_t c = 0; c < count; c++)
        if (!chunk[c]) return BL_EINVAL;
    bl_status st = average_spectrum(d, chunk, count, len);
    if (st != BL_OK) return st;
    const size_t bins = bl_spectrum_bins(d->spectrum);
    const double nyq = d->rate_hz / 2, df = d->rate_hz / (double)d->seg;
    out->band_power = band_power(d->acc, bins, df);
    double p50 = family_prominence(d->acc, bins, df, nyq, 50.0, out->band_power, d->scratch);
    double p60 = family_prominence(d->acc, bins, df, nyq, 60.0, out->band_power, d->scratch);
    double family = p50 >= p60 ? 50.0 : 60.0;
    out->prominence_db = p50 >= p60 ? p50 : p60;
    out->mains_hz = out->prominence_db > MAINS_THRESHOLD_DB ? family : 0.0;
    out->resolution_hz = df;
    out->hum_power = hum_power(d->acc, bins, df, nyq, family, d->scratch);
    return BL_OK;
}

bl_status bl_mains_detector_run(bl_mains_detector *d, const float *x, size_t n, double *mains_hz,
                                double *prominence_db)
{
    if (!mains_hz) return BL_EINVAL;
    bl_mains_result r;
    bl_status st = bl_mains_detector_analyse(d, x, n, &r);
    if (st != BL_OK) return st;
    *mains_hz = r.mains_hz;
    if (prominence_db) *prominence_db = r.prominence_db;
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
