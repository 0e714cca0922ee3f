/* Moving windows over one planar channel: centred moving average and RMS
 * (windows in seconds), and the Teager-Kaiser energy operator. Arrays in,
 * arrays out. */
#include "backline/window.h"

#include <math.h>
#include <stdlib.h>

/* The prefix sums still read: the window spans hi - lo <= 2 half + 1, so
 * a ring of 2 half + 2 holds them (all n + 1 when that is fewer). */
static size_t ring_size(size_t n, size_t half) { return 2 * half + 2 < n + 1 ? 2 * half + 2 : n + 1; }

/* Centred window of an odd number of samples; edges average what exists.
 * Running sums in double keep hour-long recordings exact enough. */
static bl_status moving_mean(const float *x, size_t n, double rate_hz, double window_s, float *out, int squared,
                             double *scratch)
{
    if (!x || !out || n == 0) return BL_EINVAL;
    if (!(rate_hz > 0) || !isfinite(rate_hz) || !(window_s > 0) || !isfinite(window_s)) return BL_ERANGE;
    double w = window_s * rate_hz;
    if (w > (double)n * 4 + 1) w = (double)n * 4 + 1;
    size_t half = (size_t)llround(w) / 2, ring = ring_size(n, half);
    double *cum = scratch ? scratch : malloc(ring * sizeof *cum);
    if (!cum) return BL_ENOMEM;
    /* cum[k mod ring] = sum of x[0 .. k): k runs ahead to hi, which is past
     * i, so out may alias x (x[i] is summed before out[i] is written). */
    double run = 0;
    size_t k = 0, slot_k = 0, slot_lo = 0;
    cum[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t lo = i > half ? i - half : 0;
        size_t hi = i + half + 1 < n ? i + half + 1 : n;
        if (lo > 0) slot_lo = slot_lo + 1 < ring ? slot_lo + 1 : 0; /* lo moves by one from here on */
        for (; k < hi; k++) {
            run += squared ? (double)x[k] * x[k] : (double)x[k];
            slot_k = slot_k + 1 < ring ? slot_k + 1 : 0;
            cum[slot_k] = run;
        }
        double m = (cum[slot_k] - cum[slot_lo]) / (double)(hi - lo);
        out[i] = (float)(squared ? sqrt(m > 0 ? m : 0) : m);
    }
    if (cum != scratch) free(cum);
    return BL_OK;
}

bl_status bl_moving_rms(const float *x, size_t n, double rate_hz, double window_s, float *out)
{
    return moving_mean(x, n, rate_hz, window_s, out, 1, NULL);
}

bl_status bl_moving_average(const float *x, size_t n, double rate_hz, double window_s, float *out)
{
    return moving_mean(x, n, rate_hz, window_s, out, 0, NULL);
}

bl_status bl_moving_average_scratch(const float *x, size_t n, double rate_hz, double window_s, float *out,
                                    double *scratch)
{
    if (!scratch) return BL_EINVAL;
    return moving_mean(x, n, rate_hz, window_s, out, 0, scratch);
}

bl_status bl_tkeo(const float *x, size_t n, float *out)
{
    if (!x || !out || n == 0 || x == out) return BL_EINVAL;
    if (n < 3) {
        for (size_t i = 0; i < n; i++) out[i] = x[i] * x[i];
        return BL_OK;
    }
    for (size_t i = 1; i + 1 < n; i++)
        out[i] = (float)((double)x[i] * x[i] - (double)x[i - 1] * x[i + 1]);
    out[0] = out[1];
    out[n - 1] = out[n - 2];
    return BL_OK;
}

