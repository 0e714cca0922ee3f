/* Moving windows over one channel: centred moving average and RMS with
 * windows in seconds, and the Teager-Kaiser energy operator. Arrays in,
 * arrays out (signal core: no recording, no file format).
 */
#ifndef BACKLINE_WINDOW_H
#define BACKLINE_WINDOW_H

#include <stddef.h>
#include "backline/backline.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Centred moving RMS of x[0..n) over window_s seconds (an odd window of
 * round(window_s × rate) samples, at most 4n + 1; the edges use the samples
 * available) into out[0..n). out may alias x. Sums are in double, so
 * hour-long signals stay exact. Allocates the window length plus one in
 * doubles (at most n + 1), not one per sample.
 * Errors: BL_EINVAL (NULL, n 0), BL_ERANGE (rate or window not positive and
 * finite), BL_ENOMEM; out is untouched on error. */
BL_API bl_status bl_moving_rms(const float *x, size_t n, double rate_hz, double window_s, float *out);
/* Centred moving average, same window, edges, aliasing and errors. */
BL_API bl_status bl_moving_average(const float *x, size_t n, double rate_hz, double window_s, float *out);
/* bl_moving_average without allocating: the caller's scratch holds n + 1
 * doubles (BL_EINVAL when NULL), so it may run where no allocation may
 * (a streaming _process). Same result, bit for bit. */
BL_API bl_status bl_moving_average_scratch(const float *x, size_t n, double rate_hz, double window_s, float *out,
                                           double *scratch);
/* Teager-Kaiser energy: y[i] = x[i]² − x[i−1]·x[i+1]; the ends copy their
 * neighbours (n < 3: x²). out must not alias x (BL_EINVAL, like NULL or
 * n 0). No allocation. */
BL_API bl_status bl_tkeo(const float *x, size_t n, float *out);

#ifdef __cplusplus
}
#endif
#endif
