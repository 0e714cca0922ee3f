/* Amplitude normalisation to %MVC.
 *
 * The reference of a channel is the largest moving average of its
 * linear envelope over window_s seconds (500 ms) across ALL the maximal
 * voluntary contraction (MVC) trials given: one value per channel across
 * trials, not one per trial. Without MVC trials a channel falls back to the
 * session's own largest moving average (the same measure, so the session
 * peaks at exactly 100 %) and the reference is flagged as lower confidence
 * (BL_MVC_SESSION_PEAK) so reports can say so.
 *
 * Inputs are ENVELOPES (bl_linear_envelope output) as planar recordings,
 * made with the same conditioning as the session. MVC trials must share the
 * session's channel layout: the same number of channels and, when both carry
 * a channel map, the same map (otherwise BL_EMAP), and its unit (µV or full
 * scale; otherwise BL_EUNIT: a ratio of two units is no %MVC). The `why`
 * of bl_mvc_add_trial and bl_mvc_add_session_peak reads as the rest of a
 * sentence about the recording, after the caller's name for it ("has
 * channel map L.ST,L.BF but the session has L.BF,L.ST", "lasts 0.400 s,
 * shorter than the 0.500 s reference window"). Trials may have different
 * rates and lengths (the window is in seconds). Channels whose map code is
 * AUX are not EMG: they get no reference and bl_mvc_apply leaves them as
 * they are.
 *
 * Offline module: functions allocate, never print, keep no global state.
 */
#ifndef BACKLINE_NORMALISE_H
#define BACKLINE_NORMALISE_H

#include <stddef.h>
#include "backline/backline.h"
#include "backline/recording.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bl_mvc_config {
    double window_s; /* moving-average window of the reference; 0.5 */
} bl_mvc_config;

BL_API void bl_mvc_config_default(bl_mvc_config *cfg);

/* Where a channel's reference came from. */
typedef enum bl_mvc_source {
    BL_MVC_NONE = 0,      /* no reference (AUX, or nothing added yet) */
    BL_MVC_TRIALS,        /* from one or more MVC trials (full confidence) */
    BL_MVC_SESSION_PEAK   /* fallback: the session's own peak (lower confidence) */
} bl_mvc_source;

/* "none", "mvc", "session-peak". */
BL_API const char *bl_mvc_source_name(bl_mvc_source s);

/* The reference of one channel. */
typedef struct bl_mvc_reference {
    double value;        /* envelope units (µV or full scale); 0 when none */
    bl_mvc_source source;
    size_t trial;        /* 0-based index (order of bl_mvc_add_trial) of the
                            trial that gave the maximum; for SESSION_PEAK 0 */
    double time_s;       /* centre of the winning window within that recording */
    size_t trials_used;  /* trials that contributed a value for this channel */
} bl_mvc_reference;

typedef struct bl_mvc bl_mvc;

/* References for a session laid out like `layout` (the session or its
 * envelope: its channel count, its channel map (none: every channel is EMG
 * and only counts are checked) and its amplitude unit are what every trial
 * must share). `layout` is not kept. BL_EINVAL (NULL, zero channels),
 * BL_ERANGE (window not positive), BL_ENOMEM; *out NULL on failure. */
BL_API bl_status bl_mvc_create(const bl_recording *layout, const bl_mvc_config *cfg, bl_mvc **out, char *why,
                               size_t why_len);
BL_API void bl_mvc_destroy(bl_mvc *m); /* NULL: no-op */

/* Fold one MVC trial's envelope into the references (each EMG channel keeps
        * the larger of its current trial reference and this trial's largest
        * window_s moving average). BL_EINVAL (NULL); BL_EMAP when the trial's
        * channel count differs or its stored map differs from the session's,
        * BL_EUNIT when its unit does (`why` says how); BL_ERANGE when the trial is
        * shorter than window_s; BL_ENONFINITE; BL_ENOMEM. On failure the
        * references are unchanged. */
BL_API bl_status bl_mvc_add_trial(bl_mvc *m, const bl_recording *trial_envelope, char *why, size_t why_len);

/* Fallback: every EMG channel that has no trial reference gets the
 * session's largest window_s moving average, flagged BL_MVC_SESSION_PEAK.
 * Channels with a trial reference are left alone. Same errors as
 * bl_mvc_add_trial; a session shorter than the window uses its whole-length
 * mean (a short session still needs a scale). */
BL_API bl_status bl_mvc_add_session_peak(bl_mvc *m, const bl_recording *session_envelope, char *why,
                                         size_t why_len);

BL_API size_t bl_mvc_channels(const bl_mvc *m);
/* Number of trials folded in so far. */
BL_API size_t bl_mvc_trials(const bl_mvc *m);
/* The reference of one channel. BL_EINVAL for NULL, BL_ERANGE for a
 * channel out of range (*out unchanged). */
BL_API bl_status bl_mvc_get_reference(const bl_mvc *m, size_t channel, bl_mvc_reference *out);
/* Set one EMG channel's reference to a value found before (a report's:
 * `backline-analyse hinge --json` stores each channel's under
 * channels[].mvc_reference), in the layout's unit, with where it came
 * from (TRIALS or SESSION_PEAK); trial 0, time_s NAN, trials_used 1 for
 * TRIALS. BL_EINVAL (NULL, an AUX channel, a value that is not finite and
 * positive, another source), BL_ERANGE (channel); unchanged on failure. */
BL_API bl_status bl_mvc_set_reference(bl_mvc *m, size_t channel, double value, bl_mvc_source source);
/* 1 when every EMG channel has a reference and all come from trials. */
BL_API int bl_mvc_all_from_trials(const bl_mvc *m);

/* out[i] = 100 × env[i] / reference: one channel's envelope in %MVC. in ==
 * out allowed. BL_ENODATA when the channel has no reference or it is not
 * positive (a dead channel); BL_ERANGE for a channel out of range. */
BL_API bl_status bl_mvc_apply_channel(const bl_mvc *m, size_t channel, const float *env, float *out,
                                      size_t n);

/* Every EMG channel of `envelope` to %MVC in place (AUX untouched). All or
 * nothing: BL_ENODATA, with nothing changed, when an EMG channel lacks a
 * positive reference (use bl_mvc_apply_channel to go channel by channel);
 * BL_EMAP / BL_EUNIT when the layout or unit differs from the session's;
 * BL_EINVAL for NULL. */
BL_API bl_status bl_mvc_apply(const bl_mvc *m, bl_recording *envelope, char *why, size_t why_len);

/* Largest moving average of x over window_s seconds using full windows only
 * (a partial window at an edge would let a short edge transient pass for a
 * sustained contraction): *peak and *centre_s (centre of that window).
 * BL_ERANGE when the window is longer than the signal; BL_EINVAL. */
BL_API bl_status bl_mvc_peak_average(const float *x, size_t n, double rate_hz, double window_s,
                                     double *peak, double *centre_s);

#ifdef __cplusplus
}
#endif
#endif
