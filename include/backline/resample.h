/* Resampling from audio rates (44.1, 48, 96, 192 kHz or any other) to the
 * analysis rate, through libsamplerate's band-limited sinc converter. The
 * anti-aliasing keeps content up to 450 Hz at a 2 kHz output and rejects
 * what would alias into the band.
 */
#ifndef BACKLINE_RESAMPLE_H
#define BACKLINE_RESAMPLE_H

#include <stddef.h>
#include "backline/backline.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bl_resampler bl_resampler;

/* Streaming resampler over interleaved blocks. create: BL_EINVAL (NULL
 * out, 0 or more than 1024 channels), BL_ERANGE (a rate not positive and
 * finite, or out/in outside [1/256, 256]), BL_ENOMEM; *out NULL on
 * failure. reset: as new; reset and destroy of NULL are no-ops. One object
 * is used by one thread at a time. */
BL_API bl_status bl_resampler_create(size_t channels, double in_rate_hz, double out_rate_hz,
                                     bl_resampler **out);
/* Reads up to `in_frames` interleaved frames from `in` and writes up to
 * out_capacity frames into `out`; *in_used (may be NULL) and *out_frames
 * say how many. `in` and `out` must not overlap. With out_capacity of at
 * least bl_resampler_max_output(r, in_frames) all input is consumed;
 * when the output fills first the call returns BL_ERANGE with *in_used
 * below in_frames: call again with in + *in_used (the converter keeps its
 * state, nothing is lost). `end_of_input` flushes the filter tail; when
 * the output fills while flushing the call returns BL_OK with
 * *out_frames == out_capacity: call again (end_of_input still set) until
 * it returns fewer.
 * Errors: BL_EINVAL (NULL r, out or out_frames; NULL in with frames; the
 * converter failed), BL_ERANGE (output full, or a count beyond LONG_MAX).
 * No allocation. */
BL_API bl_status bl_resampler_process(bl_resampler *r, const float *in, size_t in_frames, size_t *in_used,
                                      float *out, size_t out_capacity, size_t *out_frames, int end_of_input);
BL_API size_t bl_resampler_max_output(const bl_resampler *r, size_t in_frames);
/* How far a stream's output can lag its input, in output samples (the sinc
 * kernel's look-ahead, measured at create with one large block; smaller
 * blocks may lag less). Offline output is time-aligned, with no delay. */
BL_API double bl_resampler_latency(const bl_resampler *r);
BL_API void bl_resampler_reset(bl_resampler *r);
BL_API void bl_resampler_destroy(bl_resampler *r);

/* The converter, for reports: its name ("libsamplerate
 * SRC_SINC_MEDIUM_QUALITY") and a few words on it ("libsamplerate sinc,
 * anti-aliased"). */
BL_API const char *bl_resample_method(void);
BL_API const char *bl_resample_summary(void);

/* BL_OK when in_rate_hz → out_rate_hz is a ratio the resampler takes
 * (both rates finite and positive, out/in within [1/256, 256]), else
 * BL_ERANGE. */
BL_API bl_status bl_resample_check(double in_rate_hz, double out_rate_hz);

/* Offline length of `frames` input frames at out_rate_hz:
 * round(frames × out/in); 0 for a ratio outside [1/256, 256]. */
BL_API size_t bl_resample_length(size_t frames, double in_rate_hz, double out_rate_hz);

/* Offline, planar: each in[c][0..frames) into out[c][0..
 * bl_resample_length()) at out_rate_hz, time aligned (the converter is an
 * interpolator centred on each output instant) with the ends padded by
 * the signal's odd reflection, so an offset or a drift does not ring at the
 * edges. Equal rates copy. out[c] must not overlap in[c]. Allocates
 * scratch (not for real-time use). Errors: BL_EINVAL (NULL arrays, zero
 * channels or frames), BL_ERANGE (ratio outside [1/256, 256]), BL_ENODATA
 * (the output would be empty), BL_ENOMEM; out is then undefined. */
BL_API bl_status bl_resample(const float *const *in, size_t channels, size_t frames, double in_rate_hz,
                             double out_rate_hz, float *const *out);

#ifdef __cplusplus
}
#endif
#endif
