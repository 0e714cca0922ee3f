/* Resampling from audio rates (44.1, 48, 96, 192 kHz or any other) to the
 * analysis rate, through libsamplerate's band-limited sinc converter. The
 * anti-aliasing keeps content up to 450 Hz at a 2 kHz output and rejects
 * what would alias into the band.
 */
#ifndef BACKLINE_RESAMPLE_H
#define BACKLINE_RESAMPLE_H

#include <stddef.h>
#include "backline/backline.h"
#include "backline/recording.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bl_resampler bl_resampler;

/* Streaming resampler over interleaved blocks. BL_ERANGE when the ratio
 * out_rate/in_rate is outside [1/256, 256]. */
bl_status bl_resampler_create(size_t channels, double in_rate_hz, double out_rate_hz,
                              bl_resampler **out);
/* Consumes all `in_frames`, writes up to out_capacity frames into `out`
 * (*out_frames tells how many). Size out_capacity as
 * bl_resampler_max_output(in_frames) to never stall. `end_of_input` flushes
 * the filter tail. */
bl_status bl_resampler_process(bl_resampler *r, const float *in, size_t in_frames, float *out,
                               size_t out_capacity, size_t *out_frames, int end_of_input);
size_t bl_resampler_max_output(const bl_resampler *r, size_t in_frames);
/* How far a stream's output can lag its input, in output samples (the sinc
 * kernel's look-ahead, measured at create with one large block; smaller
 * blocks may lag less). Offline output is time-aligned, with no delay. */
double bl_resampler_latency(const bl_resampler *r);
void bl_resampler_reset(bl_resampler *r);
void bl_resampler_destroy(bl_resampler *r);

/* Offline: a new recording at out_rate_hz with the same metadata, time
 * aligned (the converter delay is removed) and of length
 * round(frames × out/in). Returns a copy when the rates are equal. */
bl_status bl_resample_recording(const bl_recording *in, double out_rate_hz, bl_recording **out);

#ifdef __cplusplus
}
#endif
#endif
