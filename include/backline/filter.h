/* IIR filter design and filtering in second-order sections (SOS).
 *
 * Coefficients follow SciPy's layout: one row of six doubles per section,
 * [b0, b1, b2, a0, a1, a2] with a0 = 1, rows stored contiguously. Butterworth
 * designs reproduce scipy.signal.butter(N, Wn, btype, output='sos', fs=rate)
 * (bilinear transform with pre-warping, zpk2sos 'nearest' pairing, gain in
 * the first section) to rounding error. Notches reproduce
 * scipy.signal.iirnotch(w0, Q, fs).
 */
#ifndef BACKLINE_FILTER_H
#define BACKLINE_FILTER_H

#include <stddef.h>
#include "backline/backline.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BL_SOS_WIDTH 6
#define BL_BUTTER_MAX_ORDER 24

typedef enum bl_band { BL_LOWPASS = 0, BL_HIGHPASS, BL_BANDPASS, BL_BANDSTOP } bl_band;

/* Number of sections a Butterworth design of this order and band needs:
 * ceil(order/2) for low/high-pass, `order` for band-pass/stop; 0 for an
 * order outside 1..BL_BUTTER_MAX_ORDER or an unknown band. */
BL_API size_t bl_butter_sections(int order, bl_band band);

/* Butterworth design, SciPy convention: `order` is N of butter(N, ...), so a
 * band-pass of order 4 has 8 poles. f1_hz is the corner (low/high-pass) or
 * the lower corner; f2_hz the upper corner (band designs; ignored
 * otherwise). BL_ERANGE unless 0 < f1 < f2 < rate/2 (band) or
 * 0 < f1 < rate/2, and 1 <= order <= BL_BUTTER_MAX_ORDER; BL_EINVAL when
 * sos or n_sections is NULL, the band unknown, or max_sections too small.
 * On error sos and *n_sections are not written. */
BL_API bl_status bl_butter_design(int order, bl_band band, double f1_hz, double f2_hz, double rate_hz,
                                  double *sos, size_t max_sections, size_t *n_sections);

/* Second-order IIR notch at f0_hz with quality factor q (f0/bandwidth),
 * as scipy.signal.iirnotch. One section into sos[6]. BL_EINVAL (NULL sos),
 * BL_ERANGE (rate or q not positive and finite, f0 not in (0, rate/2));
 * sos untouched on error. */
BL_API bl_status bl_notch_design(double f0_hz, double q, double rate_hz, double sos[BL_SOS_WIDTH]);

/* Mains removal: a cascade of notches at mains_hz (50 or 60 Hz in
 * practice; any frequency below Nyquist is accepted) and its
 * harmonics up to and including upper_hz (and below Nyquist), each with
 * quality factor q. BL_EINVAL (NULL, max_sections too small for the
 * harmonics), BL_ERANGE (rate or q not positive, mains not below Nyquist,
 * upper_hz below mains_hz); nothing written on error. */
BL_API bl_status bl_mains_design(double mains_hz, double q, double upper_hz, double rate_hz,
                                 double *sos, size_t max_sections, size_t *n_sections);

/* Complex frequency response magnitude of a SOS cascade at f_hz; NAN for
 * NULL sos or a rate not positive. */
BL_API double bl_sos_gain(const double *sos, size_t n_sections, double f_hz, double rate_hz);
/* Group delay of the cascade at f_hz, in samples; NAN as bl_sos_gain. */
BL_API double bl_sos_group_delay(const double *sos, size_t n_sections, double f_hz, double rate_hz);

/* Streaming causal filter over interleaved multi-channel blocks. The output
 * does not depend on how the input is split. State in double precision.
 * create: copies the cascade; BL_EINVAL (NULL, zero sections or channels,
 * a coefficient not finite, a0 = 0), BL_ENOMEM; *out NULL on failure.
 * One object is used by one thread at a time. */
typedef struct bl_sosfilt bl_sosfilt;
BL_API bl_status bl_sosfilt_create(const double *sos, size_t n_sections, size_t channels, bl_sosfilt **out);
/* `in` and `out` hold frames × channels interleaved floats; in == out
 * allowed, partial overlap not. No allocation, no locks. BL_EINVAL (NULL
 * f, or NULL in/out with frames > 0); the state is then unchanged. */
BL_API bl_status bl_sosfilt_process(bl_sosfilt *f, const float *in, float *out, size_t frames);
BL_API void bl_sosfilt_reset(bl_sosfilt *f);
/* reset: back to the state of a new filter (zero state). Latency (group
 * delay) in samples at f_hz for a stream at rate_hz; report it at the
 * centre of the band of interest (NAN for NULL). destroy(NULL): no-op. */
BL_API double bl_sosfilt_latency(const bl_sosfilt *f, double f_hz, double rate_hz);
BL_API void bl_sosfilt_destroy(bl_sosfilt *f);

/* Zero-phase offline filtering equivalent to scipy.signal.sosfiltfilt(sos,
 * x, padtype='odd', padlen=default) applied to each planar channel, in
 * place (channels[c][0..frames) is read and overwritten; the arrays must
 * not overlap). Worker threads: at most `threads` (0 = one per online core,
 * up to 8; 1 = none, everything on the caller's thread); inputs under 2^20
 * samples in all, or of one channel, run on the caller's thread whatever
 * is asked. The result is the same for any thread count. Allocates
 * scratch; not for real-time use.
 * Errors: BL_EINVAL (NULL sos or channel, zero sections or channels, a
 * coefficient that is not finite, a0 = 0, frames <= padlen: SciPy raises
 * there too), BL_ENOMEM; the channels are untouched after BL_EINVAL, and
 * may be part-filtered after BL_ENOMEM. */
BL_API bl_status bl_sosfiltfilt(const double *sos, size_t n_sections, float *const *channels,
                                size_t n_channels, size_t frames, size_t threads);
/* The same zero-phase filtering with the edges extended by the signal
 * itself shifted by `shift` samples instead of odd reflections: `pad`
 * samples x[shift-pad .. shift) before the start and x[N-shift ..
 * N-shift+pad) after the end (a whole number of mains periods continues a
 * hum in phase, so notches do not ring at the edges). Errors as
 * bl_sosfiltfilt, and BL_EINVAL unless 0 < pad <= shift <= frames. */
BL_API bl_status bl_sosfiltfilt_shifted(const double *sos, size_t n_sections, float *const *channels,
                                        size_t n_channels, size_t frames, size_t threads, size_t pad, size_t shift);
/* The edge padding sosfiltfilt uses for this cascade, in samples. */
BL_API size_t bl_sosfiltfilt_padlen(const double *sos, size_t n_sections);
/* Samples for the slowest pole of the cascade to decay to `residual` of its
 * start (e.g. 0.01), i.e. how long the filter rings; SIZE_MAX when a pole
 * is on or outside the unit circle. */
BL_API size_t bl_sos_decay_samples(const double *sos, size_t n_sections, double residual);

#ifdef __cplusplus
}
#endif
#endif
