/* ECG removal from surface EMG: R-wave detection across the trunk channels
 * and beat-by-beat template subtraction.
 *
 * Input: conditioned channels (bl_condition: band-passed 20-450 Hz, mains
 * removed), planar float arrays or a conditioned bl_recording. After a
 * 20 Hz high-pass what is left of a heartbeat is its QRS complex (the P
 * and T waves are slower); its energy lies mostly below 50 Hz, where the
 * EMG spectrum (median 60-120 Hz) is weak, and it arrives on every trunk
 * electrode at the same instant, with a shape and polarity of its own per
 * electrode, while the EMG of different sites is independent.
 *
 * Method, in four steps (constants named are in the configuration):
 *
 * 1. First pass, Pan & Tompkins (1985, IEEE Trans Biomed Eng 32(3):230-236)
 *    adapted to sEMG: each channel is band-passed to the QRS band
 *    (qrs_lo_hz-qrs_hi_hz, Butterworth order 2, zero-phase, with notches
 *    at 50 and 60 Hz in case the conditioning left mains), squared and
 *    integrated over integration_s (a centred moving mean), then divided by
 *    its own local median over noise_window_s, so that a channel in an EMG
 *    burst counts as "noise level" instead of swamping the others; the
 *    channels are averaged. Peaks at least 60/max_rate_bpm apart go
 *    through Pan-Tompkins's adaptive thresholds (signal and noise peak
 *    levels updated by 1/8, threshold a quarter of the way from the noise
 *    to the signal level; peaks under 3 local medians are never beats),
 *    with search-back at half the threshold when no beat came for 1.66
 *    mean RR intervals, within 20 % of an RR interval of where each missed
 *    beat should be.
 * 2. Presence, per channel: the average beat of the channel around the
 *    first-pass beats (each beat weighted by the inverse of what is left in
 *    its window once the average is taken out: beats inside bursts or on
 *    motion artefacts count little) against its standard error, over the
 *    QRS window (±qrs_half_s): snr = Σ mean² / Σ SE². The first pass is
 *    blind to each channel's sign (it squares), so without ECG the signed
 *    average has mean zero and snr ≈ 1 (0 dB) however the peaks were
 *    picked; with ECG it grows with the number of beats. A channel has ECG
 *    when snr reaches presence_snr_db and at least 70 % of the average
 *    beat's energy lies below 60 Hz (a QRS high-passed at 20 Hz keeps
 *    little above, hence Drake & Callaghan's 2006 advice of a 30 Hz
 *    high-pass against ECG; the potential of one large motor unit, which
 *    can also line up under an energy detector, lies higher); the recording has ECG only when the
 *    final beats (step 3) show a heart's rhythm: at least min_beats, a
 *    typical RR interval (see bl_ecg_result_heart_rate) between
 *    60/max_rate_bpm and 60/min_rate_bpm, and a regular one: the median
 *    change from one RR interval to the next at most a quarter of it
 *    (sinus rhythm changes by a few % a beat; a large motor unit's train,
 *    picked at the refractory period, does not look like that, nor would
 *    atrial fibrillation, which this method does not follow).
 *    Channels without ECG are never changed.
 * 3. Second pass, a multichannel matched filter over the channels with
 *    ECG: each channel correlated with its own QRS template (from step 2)
 *    and weighted by the noise of that correlation (the local noise level,
 *    median |x| × 1.4826 over noise_window_s, times a per-channel factor
 *    for the EMG's colour measured away from the first-pass beats); the
 *    channels' sum gives the template's fitted scale u (1 for a typical
 *    beat) and its significance z in noise SD. A sample is a beat
 *    candidate only where z >= searchback_z, the window, once the fitted
 *    template is taken out, holds at most twice the energy of the noise
 *    around it (not a motion artefact), and with several channels their
 *    own scales agree (a chi-square within 4 SD; beat-to-beat spread
 *    amplitude_sd): the heart is seen on every electrode in proportion, a
 *    motion artefact is not. The Pan-Tompkins logic then runs on u with
 *    its levels held at 1 (signal) and 0 (noise): a beat needs u > 0.25
 *    and z >= detect_z, a search-back beat u > 0.125 and z >= searchback_z.
 *    Beat times are refined to a fraction of a sample (parabola through
 *    the peak); reported times are moved to the largest deflection of the
 *    clearest channel's average beat (the R wave).
 * 4. Removal (template subtraction after Petersen, Sauer, Graßhoff
 *    & Rostalski 2020, "Removing cardiac artifacts from single-channel
 *    respiratory electromyograms", IEEE Access 8, and Costa Junior, de
 *    Seixas & Miranda de Sá 2019, Biomed Signal Process Control): for
 *    each beat and channel, the template is the weighted average (weights
 *    as in step 2) of the template_beats nearest other beats (the beat
 *    itself left out, so its own EMG is not averaged into what is taken
 *    from it), over template_pre_s before to template_post_s after the
 *    beat and never past half the RR interval to a neighbour; template
 *    samples that do not stand out of their standard error are shrunk
 *    towards zero (empirical Wiener gain 1 - SE²/mean²), and the ends are
 *    tapered over 10 ms. With adaptive_amplitude the template is scaled
 *    per beat by a least-squares fit over the QRS window, pulled towards 1
 *    by a prior of SD amplitude_sd (a ridge fit: in a burst the noisy fit
 *    stays near 1) and limited to 0-2; then subtracted.
 *
 * What it can and cannot do: at rest the heart stands far out of the EMG
 * and every beat is found; inside strong trunk bursts the QRS can sink to
 * two or three noise SD of the matched filter, where no detector can tell
 * it from the EMG, and some beats there are missed or misplaced (there the
 * ECG is also small against the burst). tests/test_ecg.c states the
 * figures.
 *
 * Reports (bl_ecg_result): beats found, their times, mean heart rate,
 * and per channel whether ECG was found, the presence snr, and the
 * beat-locked residual: the energy and peak of the channel's average beat
 * (QRS window, same beats) after removal against before.
 *
 * All functions are offline (they allocate scratch), never print and keep
 * no global state; one result object is used by one thread at a time.
 * Amplitudes are in the unit of the input (µV for a calibrated recording).
 */
#ifndef BACKLINE_ECG_H
#define BACKLINE_ECG_H

#include <stddef.h>
#include "backline/backline.h"
#include "backline/doc.h"
#include "backline/recording.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bl_ecg_config {
    double qrs_lo_hz;          /* first-pass QRS band, Hz; 20 (the conditioning's high-pass) */
    double qrs_hi_hz;          /* 50: a QRS complex after a 20 Hz high-pass has most of its
                                  energy below 50 Hz, the EMG most of its own above */
    double integration_s;      /* first-pass moving integration, s; 0.05 (Pan-Tompkins's
                                  150 ms is for the whole QRS; high-passed it lasts ~50 ms) */
    double min_rate_bpm;       /* slowest plausible heart rate; 30 */
    double max_rate_bpm;       /* fastest; 240 (refractory period 60/240 = 0.25 s, above
                                  Pan-Tompkins's 0.2 s, below the 0.26 s RR of 230 bpm) */
    double noise_window_s;     /* local noise level window (local medians), s; 1.0: longer than
                                  an RR interval at 60 bpm so the QRS does not set the median,
                                  shorter than a repetition's burst */
    double qrs_half_s;         /* half-width of the QRS window (presence, matched filter,
                                  amplitude fit), s; 0.05 (a QRS lasts 80-110 ms) */
    double detect_z;           /* second pass: smallest matched-filter peak taken as a beat,
                                  in noise SD; 4 */
    double searchback_z;       /* smallest peak a search-back may take, noise SD; 3 (it only
                                  looks where a beat is overdue) */
    double presence_snr_db;    /* average beat over its standard error for "ECG present", dB;
                                  10 (without ECG it stays near 0 dB; see tests/test_ecg.c) */
    size_t min_beats;          /* fewest beats for "ECG present"; 8 */
    double template_pre_s;     /* template window before the beat, s; 0.2 */
    double template_post_s;    /* after the beat, s; 0.3 (both cut at half the RR interval) */
    size_t template_beats;     /* beats averaged into each beat's template; 40 (Petersen et
                                  al. 2020); at least 2 */
    int adaptive_amplitude;    /* 1: scale the template per beat (ridge fit); 0: subtract as is */
    double amplitude_sd;       /* beat-to-beat SD of the R amplitude around its mean, used by
                                  the ridge fit and the channels' agreement; 0.2 (breathing
                                  modulates the R amplitude by 10-20 %) */
} bl_ecg_config;

/* Fill *cfg with the defaults above. */
BL_API void bl_ecg_config_default(bl_ecg_config *cfg);

/* Per-channel outcome. Amplitudes in the input's unit. */
typedef struct bl_ecg_channel {
    size_t channel;            /* index in the input (array position, or recording channel) */
    int ecg_detected;          /* 1: ECG found on this channel (step 2, and the rhythm) */
    int treated;               /* 1: ECG subtracted (detected, and a removal was asked) */
    double snr_db;             /* presence statistic of step 2, dB (0 dB: nothing beat-locked) */
    double low_fraction;       /* share of that average beat's energy below 60 Hz */
    double peak_before;        /* largest |average beat| in the QRS window (final beats) */
    double peak_after;         /* the same after removal (= peak_before when not treated) */
    double residual_db;        /* 10 log10 of the average beat's energy in the QRS window
                                  after / before removal; 0 when not treated. Its floor is
                                  about -snr_db (what is left is the average's noise) */
    double snr_after_db;       /* presence statistic after removal (= snr_db when not treated) */
} bl_ecg_channel;

/* What a detection or removal found; opaque, owned by the caller. */
typedef struct bl_ecg_result bl_ecg_result;

/* An empty result (no beats, no channels). BL_EINVAL for NULL, BL_ENOMEM. */
BL_API bl_status bl_ecg_result_create(bl_ecg_result **out);
BL_API void bl_ecg_result_destroy(bl_ecg_result *r); /* NULL: no-op */
/* 1 when any channel has ECG; 0 otherwise and for NULL. */
BL_API int bl_ecg_result_detected(const bl_ecg_result *r);
/* Beats found (0 when no channel has ECG, and for NULL) and the time of
 * beat i, seconds from the first sample, at the R wave (NAN out of
 * range). */
BL_API size_t bl_ecg_result_beats(const bl_ecg_result *r);
BL_API double bl_ecg_result_beat_time(const bl_ecg_result *r, size_t i);
/* Mean heart rate, bpm: beats per minute over the RR intervals found,
 * leaving out gaps longer than 1.5 typical intervals (missed beats) and
 * intervals shorter than 0.7 (split by a false beat); the typical
 * interval is the median of such single intervals around the lower
 * quartile. NAN without ECG or for NULL. */
BL_API double bl_ecg_result_heart_rate(const bl_ecg_result *r);
/* Channels examined, and how many of them were treated. 0 for NULL. */
BL_API size_t bl_ecg_result_channels(const bl_ecg_result *r);
BL_API size_t bl_ecg_result_treated(const bl_ecg_result *r);
/* Copy channel i's outcome. BL_EINVAL for NULL, BL_ERANGE out of range
 * (*out unchanged). */
BL_API bl_status bl_ecg_result_get_channel(const bl_ecg_result *r, size_t i, bl_ecg_channel *out);

/* Detection only: steps 1-3 on x[0..n_channels)[0..frames), planar,
 * conditioned, at rate_hz; nothing is written but `result`, which is
 * replaced (channel i of the result is x[i]; peak_after, residual_db and
 * snr_after_db say "not treated").
 * Errors, all before any work: BL_EINVAL (NULL x, a NULL channel, cfg or
 * result, n_channels or frames 0), BL_ERATE (rate below
 * BL_MIN_EMG_RATE_HZ or not finite), BL_ERANGE (a configuration value out
 * of range: band not 0 < lo < hi < rate/2, windows or durations not
 * positive, min_rate_bpm not in (0, max_rate_bpm), max_rate_bpm above 600,
 * detect_z < searchback_z or searchback_z <= 0, presence_snr_db not
 * finite, template_beats < 2, min_beats < 2, amplitude_sd <= 0, the QRS
 * half-window or the integration under one sample or the refractory
 * period under two at this rate), BL_ENONFINITE (NaN or infinity in x),
 * BL_ENODATA (shorter than two noise windows or than the band-pass's
 * padding);
 * BL_ENOMEM. After any failure `result` is unchanged.
 * A recording too short to hold min_beats beats is not an error: it has
 * no ECG. */
BL_API bl_status bl_ecg_detect(const float *const *x, size_t n_channels, size_t frames, double rate_hz,
                               const bl_ecg_config *cfg, bl_ecg_result *result);

/* Detection, then removal in place on the channels with ECG (the others
 * are not written). Errors as bl_ecg_detect; after any failure x and
 * `result` are unchanged (the cleaned channels are built in scratch and
 * copied back only when everything has succeeded). */
BL_API bl_status bl_ecg_remove(float *const *x, size_t n_channels, size_t frames, double rate_hz,
                               const bl_ecg_config *cfg, bl_ecg_result *result);

/* The same on a conditioned recording (bl_condition), at its rate, in
 * place. `channels[0..n)` lists the channels to examine (any EMG channel);
 * channels NULL and n 0 take the trunk channels of the map
 * (bl_muscle_group(...) == BL_GROUP_TRUNK: ES, EO, IO, ...). With no map,
 * or no trunk channel, nothing is examined: BL_OK with a result of no
 * channels. The result's channel fields are recording channel indices.
 * Errors: as bl_ecg_detect, plus BL_EINVAL (NULL rec; channels NULL with
 * n > 0 or not NULL with n 0; a channel listed twice; an AUX channel) and
 * BL_ERANGE (a channel index out of range); the recording and `result`
 * are unchanged after any failure. */
BL_API bl_status bl_ecg_remove_recording(bl_recording *conditioned, const size_t *channels, size_t n,
                                         const bl_ecg_config *cfg, bl_ecg_result *result);
/* Detection only on a recording (channels chosen as above; nothing is
 * written but `result`). Errors as bl_ecg_remove_recording. */
BL_API bl_status bl_ecg_detect_recording(const bl_recording *conditioned, const size_t *channels, size_t n,
                                         const bl_ecg_config *cfg, bl_ecg_result *result);

/* What ECG detection and removal with `cfg` do, for reports, generated
 * from the configuration (the constants named are those the code uses);
 * with `result` (may be NULL) also what this run found. Into `params` (an
 * object; may be NULL): method, references, detection{...},
 * presence{...}, removal{...} and, with a result, outcome{detected,
 * beats, heart_rate_bpm, treated, channels[{channel, ecg_detected,
 * treated, snr_db, residual_db, peak_before, peak_after}]}. Into `summary`
 * (may be NULL): one sentence per step keyed "detection", "presence",
 * "removal" and, with a result, "outcome". BL_EINVAL (NULL cfg),
 * BL_ENOMEM (a tree is then marked, see doc.h). The configuration is not
 * validated: describe what ran. */
BL_API bl_status bl_ecg_describe(const bl_ecg_config *cfg, const bl_ecg_result *result, bl_doc *params,
                                 bl_doc *summary);

#ifdef __cplusplus
}
#endif
#endif
