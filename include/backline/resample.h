/* Resampling from audio rates (44.1, 48, 96, 192 kHz or any other) to the
 * analysis rate. Decimations between whole-hertz rates (48 kHz → 2 kHz is
 * 1/24, 44.1 kHz → 2 kHz is 20/441) run through bl_decimator, a
 * multi-stage polyphase FIR made for the job: flat within 0.05 dB to 40 %
 * of the output rate (800 Hz at 2 kHz), everything that would alias into
 * that band at least 90 dB down, linear phase with its delay removed.
 * Other ratios (upsampling, fractional rates) go through libsamplerate's
 * band-limited sinc converter (bl_resampler), which keeps content to 90 %
 * of the output Nyquist. bl_resample chooses.
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

/* Streaming polyphase FIR decimation over interleaved blocks, all
 * channels at once. Output frame k is the signal at k / out_rate_hz
 * seconds from the first input frame (the filters' delay is removed, so
 * the output lags the input by bl_decimator_latency frames in a stream);
 * the ends are padded with the signal's odd reflection. After
 * bl_decimator_finish the frames given out number round(input frames ×
 * out/in), as bl_resample_length says, and do not depend on how the input
 * was split into blocks.
 * check: BL_OK when in → out is a decimation this path covers (both rates
 * whole hertz, out < in ≤ 10 MHz, at most 256 phases in the rational
 * stage), else BL_ERANGE.
 * create: BL_EINVAL (NULL out, 0 or more than 1024 channels), BL_ERANGE
 * (what check refuses), BL_ENOMEM; *out NULL on failure.
 * process: reads in_frames interleaved frames and writes the output frames
 * they complete; out_capacity must be at least
 * bl_decimator_max_output(d, in_frames) (else BL_ERANGE, nothing read).
 * No allocation. finish: the remaining frames (out_capacity at least
 * bl_decimator_max_output(d, 0)); afterwards only reset or destroy.
 * Errors of both: BL_EINVAL (NULL d, out or out_frames, NULL in with
 * frames, called after finish). reset: as new. reset and destroy of NULL
 * are no-ops. One object is used by one thread at a time. */
typedef struct bl_decimator bl_decimator;

typedef struct {
    size_t up, down;                 /* the stage's rate change up/down */
    double in_rate_hz, out_rate_hz;
    double pass_hz, stop_hz;         /* flat to pass_hz; attenuated from stop_hz up */
    size_t taps;                     /* FIR length at in_rate_hz × up */
} bl_decimator_stage;

BL_API bl_status bl_decimate_check(double in_rate_hz, double out_rate_hz);
BL_API bl_status bl_decimator_create(size_t channels, double in_rate_hz, double out_rate_hz,
                                     bl_decimator **out);
BL_API bl_status bl_decimator_process(bl_decimator *d, const float *in, size_t in_frames, float *out,
                                      size_t out_capacity, size_t *out_frames);
BL_API bl_status bl_decimator_finish(bl_decimator *d, float *out, size_t out_capacity, size_t *out_frames);
BL_API size_t bl_decimator_max_output(const bl_decimator *d, size_t in_frames);
/* Output frames a stream's output lags its input (look-ahead of the
 * stages); 0 for NULL. */
BL_API double bl_decimator_latency(const bl_decimator *d);
/* The stages, for reports: count (0 for NULL) and each one's design;
 * get_stage: BL_EINVAL (NULL), BL_ERANGE (k out of range). */
BL_API size_t bl_decimator_stages(const bl_decimator *d);
BL_API bl_status bl_decimator_get_stage(const bl_decimator *d, size_t k, bl_decimator_stage *out);
BL_API void bl_decimator_reset(bl_decimator *d);
BL_API void bl_decimator_destroy(bl_decimator *d);

/* How bl_resample goes from in_rate_hz to out_rate_hz, for reports: the
 * method's name ("polyphase FIR decimation", "libsamplerate
 * SRC_SINC_MEDIUM_QUALITY", "none" for equal rates, "unsupported") and, in
 * buf, a sentence on it with its stages and band edges (truncated to len,
 * always terminated; buf may be NULL with len 0). */
BL_API const char *bl_resample_method(double in_rate_hz, double out_rate_hz);
BL_API void bl_resample_describe(double in_rate_hz, double out_rate_hz, char *buf, size_t len);

/* BL_OK when in_rate_hz → out_rate_hz is a ratio the resampler takes
 * (both rates finite and positive, out/in within [1/256, 256]), else
 * BL_ERANGE. */
BL_API bl_status bl_resample_check(double in_rate_hz, double out_rate_hz);

/* Offline length of `frames` input frames at out_rate_hz:
 * round(frames × out/in); 0 for a ratio outside [1/256, 256]. */
BL_API size_t bl_resample_length(size_t frames, double in_rate_hz, double out_rate_hz);

/* Offline, planar: each in[c][0..frames) into out[c][0..
 * bl_resample_length()) at out_rate_hz, time aligned (the decimator's
 * filters are centred on each output instant, as is the sinc converter)
 * with the ends padded by the signal's odd reflection, so an offset or a drift does not ring at the
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
