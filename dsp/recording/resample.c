/* A recording at another rate: the core's offline resampler over every
 * channel, the metadata carried over. */
#include "backline/recording.h"
#include "backline/resample.h"

#include <stdlib.h>

bl_status bl_recording_resample(const bl_recording *in, double out_rate_hz, bl_recording **out)
{
    if (!in || !out) return BL_EINVAL;
    *out = NULL;
    double in_rate = bl_recording_rate(in);
    size_t channels = bl_recording_channels(in), frames = bl_recording_frames(in);
    bl_status st = bl_resample_check(in_rate, out_rate_hz);
    if (st != BL_OK) return st;
    size_t out_len = bl_resample_length(frames, in_rate, out_rate_hz);
    if (out_len == 0) return BL_ENODATA;
    bl_recording *res = NULL;
    st = bl_recording_create_like(in, out_len, out_rate_hz, &res);
    if (st != BL_OK) return st;
    const float **src = malloc(channels * sizeof *src);
    float **dst = malloc(channels * sizeof *dst);
    if (!src || !dst) st = BL_ENOMEM;
    for (size_t c = 0; st == BL_OK && c < channels; c++) {
        src[c] = bl_recording_cdata(in, c);
        dst[c] = bl_recording_data(res, c);
    }
    if (st == BL_OK) st = bl_resample(src, channels, frames, in_rate, out_rate_hz, dst);
    free(src);
    free(dst);
    if (st != BL_OK) {
        bl_recording_destroy(res);
        return st;
    }
    *out = res;
    return BL_OK;
}
