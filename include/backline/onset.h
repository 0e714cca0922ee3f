/* Burst (onset/offset) detection on one channel.
 *
 * Three detectors share one configuration, one result type and one
 * post-processing step (merge bursts separated by less than min_off_s, then
 * drop bursts shorter than min_on_s). Every window and duration is given in
 * seconds and converted inside.
 *
 *   BL_ONSET_BASELINE  Hodges & Bui (1996) style: the input is a linear
 *                      envelope (non-negative, e.g. from bl_linear_envelope);
 *                      a sample is "on" when it exceeds mean + k·SD of a
 *                      quiet baseline period.
 *   BL_ONSET_DOUBLE    Bonato et al. (1998) style double threshold: the input
 *                      is the band-passed signal (zero mean); a sample-level
 *                      threshold on its energy x² (baseline mean + k·SD of
 *                      x²), and a sample is "on" when at least
 *                      double_fraction of the double_window_s window centred
 *                      on it exceeds that threshold.
 *   BL_ONSET_TKEO      Li, Zhou & Aruin (2007) / Solnik et al. (2010): the
 *                      input is the band-passed signal; Teager–Kaiser energy,
 *                      full-wave rectified, zero-phase Butterworth low-pass at
 *                      tkeo_lowpass_hz, then the baseline threshold.
 *
 * The baseline (quiet) period is either given (baseline_start_s <
 * baseline_end_s) or found automatically as the window of baseline_window_s
 * seconds whose mean + k·SD of the detection signal is lowest (the quietest
 * stretch, hence the most sensitive threshold the data support). The
 * automatic window is shortened to an eighth of the signal when the signal
 * is shorter than 8 windows: in a single repetition no 2 s window is quiet.
 * The report says which period was used.
 *
 * All functions are offline (they allocate scratch); none prints, exits or
 * keeps global state. Input is one channel as a contiguous float array;
 * bl_onset_prepare makes it from a conditioned recording.
 */
#ifndef BACKLINE_ONSET_H
#define BACKLINE_ONSET_H

#include <stddef.h>
#include "backline/backline.h"
#include "backline/doc.h"
#include "backline/envelope.h"
#include "backline/recording.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bl_onset_method {
    BL_ONSET_BASELINE = 0,
    BL_ONSET_DOUBLE,
    BL_ONSET_TKEO
} bl_onset_method;

typedef struct bl_onset_config {
    bl_onset_method method;   /* BL_ONSET_BASELINE */
    double k;                 /* SD multiplier of the threshold; 8 (DOUBLE 4, TKEO 10) */
    double baseline_start_s;  /* quiet period start; used when < baseline_end_s */
    double baseline_end_s;    /* quiet period end; both 0 (default) = automatic */
    double baseline_window_s; /* length of the automatic quiet window; 2.0 */
    double min_on_s;          /* shortest burst kept; 0.1 */
    double min_off_s;         /* bursts closer than this are merged; 0.3 */
    double double_window_s;   /* double threshold: window n, seconds; 0.05 */
    double double_fraction;   /* double threshold: m/n in (0, 1]; 0.3 */
    double tkeo_lowpass_hz;   /* TKEO envelope low-pass corner; 50 */
    int tkeo_lowpass_order;   /* its Butterworth order (zero-phase); 2 */
    double backtrack_k;       /* edge refinement (BASELINE, TKEO): each kept
                                 burst's onset is moved back, and its offset
                                 forward, to where the detection signal falls
                                 to baseline mean + backtrack_k·SD; negative
                                 (or >= k) = off; 2 */
} bl_onset_config;

/* Fill *cfg with the defaults for BL_ONSET_BASELINE (the values above). */
BL_API void bl_onset_config_default(bl_onset_config *cfg);
/* Fill *cfg with the defaults for method `m`: the same values except k,
 * which is 4 for DOUBLE (its sample threshold applies to x², whose spread
 * in noise is already wide: 4 SD puts it at |x| > 2.6 σ of Gaussian noise,
 * about 1 % of samples, and m of n does the rest), 10 for TKEO (its
 * envelope is spikier than the linear envelope) and 8 for BASELINE.
 *
 * Why k = 8 and not the textbook 3: the automatic baseline is the QUIETEST
 * window of the recording, so its mean and SD are biased low (the minimum
 * of many noisy estimates); with k = 3 a 60 s stretch of pure band-limited
 * noise gives tens of false bursts, with these defaults none at 2 kHz
 * (tests/test_onset.c; at 250 Hz, where band-limited noise samples are
 * strongly correlated, none in 30 minutes either).
 * With a hand-picked baseline period a smaller k (3-5) is appropriate. */
BL_API void bl_onset_config_default_method(bl_onset_config *cfg, bl_onset_method m);

/* The signal each method thresholds, from a conditioned recording
 * (bl_condition): the linear envelope (BASELINE) or the band-passed signal
 * itself (DOUBLE, TKEO, which derive their energy from it). */
typedef enum bl_onset_input { BL_ONSET_ON_ENVELOPE = 0, BL_ONSET_ON_CONDITIONED } bl_onset_input;
BL_API bl_onset_input bl_onset_method_input(bl_onset_method m);
/* Make a conditioned recording the input `m` thresholds, in place: the
 * linear envelope for BASELINE (bl_linear_envelope: its errors, and its
 * state after them), nothing for the others. BL_EINVAL for NULL or an
 * unknown method. */
BL_API bl_status bl_onset_prepare(bl_recording *conditioned, const bl_envelope_config *cfg, bl_onset_method m);
/* Unit of thresholds, baselines and peaks of method `m` on a recording in
 * `amplitude_unit` (bl_recording_unit: "uV" or "full scale"): "uV" or
 * "FS" for BASELINE, squared ("uV^2", "FS^2") for the energies of DOUBLE
 * and TKEO. */
BL_API const char *bl_onset_signal_unit(bl_onset_method m, const char *amplitude_unit);
/* What a detection with `cfg` does, for reports, generated from the
 * configuration. Into `params` (an object; may be NULL): method,
 * reference, detection_signal, threshold_rule, k, baseline{mode, ...},
 * min_on_s, min_off_s, post_processing, edge_refinement{enabled, ...},
 * double_threshold{...} (DOUBLE), tkeo{...} (TKEO). Into `summary` (may be
 * NULL): one sentence per step keyed "detection", "threshold", "double",
 * "tkeo", "bursts". BL_EINVAL (NULL cfg, unknown method), BL_ENOMEM. */
BL_API bl_status bl_onset_describe(const bl_onset_config *cfg, bl_doc *params, bl_doc *summary);

/* "baseline", "double", "tkeo"; NULL for an unknown value. */
BL_API const char *bl_onset_method_name(bl_onset_method m);
/* Parse a method name (exact, lower case). BL_EINVAL when unknown. */
BL_API bl_status bl_onset_method_from_name(const char *name, bl_onset_method *out);

/* One detected burst. peak is the largest value of the detection signal
 * inside the burst (the envelope for BASELINE, |x| for DOUBLE, the TKEO
 * envelope for TKEO) and peak_s its time. Times are seconds from the first
 * sample of the input. offset_s is the time of the last "on" sample plus
 * one sample period, so offset_s - onset_s is the burst duration. */
typedef struct bl_burst {
    double onset_s;
    double offset_s;
    double peak;
    double peak_s;
} bl_burst;

/* A list of bursts in time order; opaque, owned by the caller. */
typedef struct bl_bursts bl_bursts;

/* An empty list. BL_EINVAL for NULL out, BL_ENOMEM. */
BL_API bl_status bl_bursts_create(bl_bursts **out);
BL_API void bl_bursts_destroy(bl_bursts *b); /* NULL: no-op */
BL_API size_t bl_bursts_count(const bl_bursts *b); /* 0 for NULL */
/* Copy burst `index` into *out. BL_EINVAL for NULL, BL_ERANGE past the end. */
BL_API bl_status bl_bursts_get_burst(const bl_bursts *b, size_t index, bl_burst *out);
/* Append a burst (for callers that build or edit lists, e.g. per repetition).
 * BL_EINVAL when offset_s < onset_s or a value is not finite; BL_ENOMEM. The
 * list is not re-sorted. */
BL_API bl_status bl_bursts_append(bl_bursts *b, const bl_burst *burst);
BL_API void bl_bursts_clear(bl_bursts *b);

/* What a detection used, for reports (ISEK style) and for explaining a
 * result. Filled on success. */
typedef struct bl_onset_report {
    bl_onset_method method;
    double rate_hz;
    double threshold;         /* on the detection signal (x² for DOUBLE) */
    double baseline_mean;     /* of the detection signal in the quiet period */
    double baseline_sd;
    double baseline_start_s;  /* quiet period actually used */
    double baseline_end_s;
    int baseline_automatic;   /* 1 when found by the quietest-window search */
    size_t double_window_samples; /* n of the double threshold (DOUBLE only) */
    size_t double_min_samples;    /* m of the double threshold (DOUBLE only) */
    size_t merged;            /* gaps shorter than min_off_s that were closed */
    size_t rejected_short;    /* bursts dropped for being shorter than min_on_s */
} bl_onset_report;

/* Detect bursts in x[0..n) sampled at rate_hz with cfg->method (see the top
 * of this header for what x must be per method). On success `bursts` is
 * replaced by the result (possibly empty: no burst is not an error) and
 * *report (may be NULL) is filled.
 * Errors: BL_EINVAL (NULL x/cfg/bursts, n == 0, rate <= 0, bad method,
 * k < 0, fractions out of range, negative durations), BL_ERANGE (baseline
 * period outside the signal or shorter than two samples, a signal under 16
 * samples with an automatic baseline, TKEO low-pass not below rate/2), BL_ENONFINITE (NaN
 * or infinity in x), BL_ENOMEM. After a failure `bursts` is unchanged. */
BL_API bl_status bl_onset_detect(const float *x, size_t n, double rate_hz, const bl_onset_config *cfg,
                                 bl_bursts *bursts, bl_onset_report *report);

/* The same detection with the baseline statistics given by the caller
 * instead of found in x (the baseline period settings are ignored; the
 * threshold is baseline_mean + k·baseline_sd and edges are refined with
 * backtrack_k as usual; the report's baseline period is 0-0). Use it to
 * detect inside a slice of a recording (one repetition: pass x + offset)
 * with the statistics found once on the whole recording by bl_onset_detect
 * (report.baseline_mean / baseline_sd), so that every slice is judged
 * against the same quiet period. Statistics are of the detection signal
 * (x² for DOUBLE). Errors as bl_onset_detect, plus BL_EINVAL for a
 * non-finite mean or SD or a negative SD. */
BL_API bl_status bl_onset_detect_with_baseline(const float *x, size_t n, double rate_hz,
                                               const bl_onset_config *cfg, double baseline_mean,
                                               double baseline_sd, bl_bursts *bursts,
                                               bl_onset_report *report);

/* The signal a method thresholds, into out[0..n) (out must not alias x):
 * x itself for BASELINE, x² for DOUBLE, the TKEO envelope for TKEO. For
 * plots and for callers that compute their own statistics. Errors as
 * bl_onset_detect (the baseline settings are not checked against n). */
BL_API bl_status bl_onset_detection_signal(const float *x, size_t n, double rate_hz,
                                           const bl_onset_config *cfg, float *out);

/* The quietest window: start time (seconds) of the window of window_s
 * seconds whose mean + k·SD of x is lowest, searched in steps of a quarter
 * window. BL_ERANGE when the window does not fit in the signal; BL_EINVAL for
 * NULL/zero arguments. */
BL_API bl_status bl_onset_quietest_window(const float *x, size_t n, double rate_hz, double window_s,
                                          double k, double *start_s);

#ifdef __cplusplus
}
#endif
#endif
