/* Private to the EMG layer (dsp/emg/): what conditioning, envelopes and
 * onsets share. */
#ifndef BLI_EMG_INTERNAL_H
#define BLI_EMG_INTERNAL_H

#include <stddef.h>

#include "backline/ecg.h"
#include "backline/envelope.h"
#include "backline/filter.h"
#include "backline/onset.h"
#include "backline/spectrum.h"

/* The mains notches' edges are extended until they have rung down to this
 * fraction of the start (condition.c does it, condition_describe.c says so). */
#define BLI_NOTCH_RINGDOWN 0.01

/* Largest cascade we design: band-pass order <= 8 (8 sections) or mains
 * notches to 450 Hz at 50 Hz (9 sections). */
#define BLI_MAX_SECTIONS 32

/* BL_OK, or the code a bad configuration gets. */
bl_status bli_envelope_config_check(const bl_envelope_config *cfg);
/* The sample arrays of the EMG channels (every channel when there is no
 * map) into ptrs (room for every channel), their number into *count. */
void bli_emg_channels(bl_recording *rec, float **ptrs, size_t *count);
/* Zero-phase filtering of n planar channels; BL_ENODATA when they are
 * too short for the filter's edge padding. */
bl_status bli_filter_planar(const double *sos, size_t n_sections, float **ptrs, size_t n, size_t frames,
                            size_t threads);

/* Whether detection walks burst edges out to mean + backtrack_k·SD (the
 * rule onset.c runs and onset_describe.c reports). */
int bli_onset_refines_edges(const bl_onset_config *cfg);

/* The checks every conditioning entry point makes before touching the
 * samples (config, input rate against the band, finite samples, length
 * against the zero-phase padding; with_envelope: the low-pass's too). */
bl_status bli_condition_check(const bl_recording *in, const bl_envelope_config *cfg, int with_envelope);
/* The same checks for an input of `frames` at in_rate not held whole
 * (finite_of: the recording whose samples to check, NULL when they were
 * checked as they were read). */
bl_status bli_condition_check_shape(double in_rate, size_t frames, const bl_recording *finite_of,
                                    const bl_envelope_config *cfg, int with_envelope);
/* A report of nothing done yet, for an input at in_rate. */
/* A report of conditioning `in` (its source rate and calibration) with cfg. */
void bli_condition_report_init(bl_condition_report *rep, const bl_recording *in, const bl_envelope_config *cfg);
/* The mains choice of bl_condition over parts of the EMG channels:
 * chunk[c][k] is channel c's samples from the k-th start that
 * bl_mains_detector_plan gives for the whole signal. */
bl_status bli_detect_mains(const float *const *const *chunk, size_t n, size_t count, size_t len,
                           bl_mains_detector *d, double *mains_hz, double *prominence_db);
/* The filters of conditioning, in place, at the analysis rate, with the
 * mains frequency already in rep->mains_hz (0: no notch): notches,
 * band-pass, ECG removal; the heartbeats counted into rep are those at
 * [ecg_window_s[0], ecg_window_s[1]) seconds from the recording's start. */
bl_status bli_condition_filter(bl_recording *rec, const bl_envelope_config *cfg, const double ecg_window_s[2],
                               bl_condition_report *rep);
/* Conditioning in place of a recording that passed bli_condition_check. */
bl_status bli_condition_checked(bl_recording *rec, const bl_envelope_config *cfg, bl_condition_report *report);

/* ---- ECG removal (ecg.c, ecg_detect.c, ecg_template.c, ecg_describe.c).
 * Constants the code runs and the description names (ecg.h explains the
 * method). Pan & Tompkins (1985): */
#define BLI_ECG_PT_UPDATE 0.125    /* weight of a new peak in the signal and noise levels */
#define BLI_ECG_PT_SB_UPDATE 0.25  /* weight of a search-back beat in the signal level */
#define BLI_ECG_PT_THRESHOLD 0.25  /* threshold = noise + 0.25 (signal - noise) */
#define BLI_ECG_PT_SB_FACTOR 0.5   /* search-back threshold: half the threshold */
#define BLI_ECG_PT_SB_RR 1.66      /* search back when no beat came for 1.66 mean RR */
#define BLI_ECG_PT_RR_BEATS 8      /* the mean RR is over the last 8 intervals */
/* A search-back looks within 20 % of a mean RR interval of where each
 * missed beat should be. */
#define BLI_ECG_SB_WINDOW 0.2
/* First pass: smallest peak taken, in local medians of the integrated
 * QRS-band energy (a search-back peak: two thirds of it). */
#define BLI_ECG_FIRST_FLOOR 3.0
/* Second pass: a window whose energy, once the fitted template is taken
 * out, exceeds twice what the local noise gives is no beat (a motion
 * artefact, a burst's edge). */
#define BLI_ECG_SHAPE_MAX 2.0
/* Second pass, with several channels: the channels' own amplitude
 * estimates must agree, their weighted squared deviations (a chi-square
 * of channels - 1 degrees of freedom under a heartbeat) within 4 SD of
 * its mean. */
#define BLI_ECG_AGREE_SD 4.0
#define BLI_ECG_BAND_ORDER 2       /* the QRS band-pass, Butterworth (SciPy N) */
#define BLI_ECG_MAINS_Q 5.0        /* notches at 50 and 60 Hz in the first-pass feature */
#define BLI_ECG_BAND_SECTIONS (BLI_ECG_BAND_ORDER + 2)
#define BLI_ECG_MAD_SCALE 1.4826   /* median |x| to the SD of Gaussian noise */
#define BLI_ECG_TAPER_S 0.01       /* raised-cosine taper at each end of a subtracted template */
#define BLI_ECG_AMP_MAX 2.0        /* the per-beat scale is limited to 0..2 */
/* RR intervals over 1.5 typical intervals are gaps (missed beats), under
 * 0.7 splits (a false beat): the heart rate and rhythm use the others. */
#define BLI_ECG_GAP_RR 1.5
#define BLI_ECG_SPLIT_RR 0.7
/* A heart's rhythm: the median change between successive RR intervals is
 * at most 0.25 of the median interval (sinus rhythm changes by a few %
 * per beat; 0.25 leaves room for missed and false beats in bursts). */
#define BLI_ECG_RR_IRREGULAR 0.25
/* A channel's average beat is a heartbeat only when most of its energy
 * (70 %) lies below 60 Hz: a QRS high-passed at 20 Hz keeps little above
 * (hence the 30 Hz high-pass of Drake & Callaghan 2006), while a large
 * motor unit's potential, or a movement's edge, lies higher. */
#define BLI_ECG_LOW_HZ 60.0
#define BLI_ECG_LOW_FRACTION 0.7
#define BLI_ECG_SNR_CAP_DB 200.0   /* snr of a noiseless average */

/* Beat positions in samples from the first (fractional). */
typedef struct bli_ecg_beats {
    double *pos;
    size_t n, cap;
} bli_ecg_beats;

/* BL_OK or the code a bad configuration at this rate gets (ecg.h). */
bl_status bli_ecg_config_check(const bl_ecg_config *cfg, double rate_hz);
/* A local level of n samples: the centred median of x (|x| when
 * magnitude) over win samples, computed every hop = win/4 samples and
 * interpolated linearly between them, times gain. Only the medians are
 * kept (n / hop of them): a long recording's level costs next to nothing,
 * and bli_ecg_level_at / _fill give every sample's value on demand. */
typedef struct bli_ecg_level {
    float *med;
    size_t blocks, hop, n;
    float gain;
} bli_ecg_level;
bl_status bli_ecg_level_init(bli_ecg_level *l, const float *x, size_t n, size_t win, int magnitude, float gain);
void bli_ecg_level_free(bli_ecg_level *l);
/* The level at sample i < n. */
static inline float bli_ecg_level_at(const bli_ecg_level *l, size_t i)
{
    size_t b = i / l->hop;
    double f = (double)(i - b * l->hop) / (double)l->hop;
    return (float)((1.0 - f) * l->med[b] + f * l->med[b + 1 < l->blocks ? b + 1 : b]) * l->gain;
}
/* out[k] = the level at sample from + k, k < count (from + count <= n);
 * loops over a whole signal fill BLI_ECG_CHUNK samples at a time. */
#define BLI_ECG_CHUNK 1024
void bli_ecg_level_fill(const bli_ecg_level *l, size_t from, size_t count, float *out);
/* The Pan-Tompkins beat picker on a detection signal d (larger = more
 * beat-like): beats must reach `floor`, search-back beats `sb_floor`, on
 * `gate` (NULL: on d itself). adapt: the signal and noise levels are
 * learnt (Pan-Tompkins); 0: d is already a scale with beats at 1 and
 * noise at 0, and the levels stay there.
 * out->cap must hold n / refractory + 1 beats. */
bl_status bli_ecg_pick(const float *d, const float *gate, size_t n, double rate, const bl_ecg_config *cfg,
                       double floor, double sb_floor, int adapt, bli_ecg_beats *out);
/* The first pass's filter: the QRS band-pass and the 50 and 60 Hz
 * notches (room for BLI_ECG_BAND_SECTIONS sections). */
bl_status bli_ecg_band_design(const bl_ecg_config *cfg, double rate, double *sos, size_t *n_sections);
/* Step 1 over nch channels. */
bl_status bli_ecg_first_pass(const float *const *x, size_t nch, size_t n, double rate, const bl_ecg_config *cfg,
                             bli_ecg_beats *out);
/* Step 3: the matched filter of channels x[c] with QRS templates tmpl[c]
 * (2q + 1 samples, centred) under local noise SDs scale[c]; the noise of
 * the correlation is measured away from the `first` beats. */
bl_status bli_ecg_matched_pass(const float *const *x, const bli_ecg_level *const *scale, const double *const *tmpl,
                               size_t nch, size_t n, size_t q, double rate, const bl_ecg_config *cfg,
                               const bli_ecg_beats *first, bli_ecg_beats *out);

/* The inverse-variance weighted average beat of one channel over the QRS
 * window (-q..q samples) of all beats. */
typedef struct bli_ecg_stats {
    double snr;     /* sum mean² / sum SE² */
    double energy;  /* sum mean² */
    double peak;    /* largest |mean| */
    long peak_lag;  /* its lag, samples */
} bli_ecg_stats;
void bli_ecg_qrs_average(const float *x, size_t n, const bli_ecg_level *scale, const bli_ecg_beats *b, size_t q,
                         double *mean, bli_ecg_stats *st, double *work);
/* Doubles of `work` bli_ecg_qrs_average and bli_ecg_subtract need for up
 * to n_beats beats: allocated once, so that neither can fail (a removal
 * that has begun writing cannot stop half way). */
size_t bli_ecg_work_size(const bl_ecg_config *cfg, double rate, size_t n_beats);
/* Share of the energy of t[0..len) below f_hz. */
double bli_ecg_low_fraction(const double *t, size_t len, double rate, double f_hz);
/* Step 4: out = x minus the template of every beat (out must not alias x). */
void bli_ecg_subtract(const float *x, size_t n, const bli_ecg_level *scale, const bli_ecg_beats *b, double rate,
                      const bl_ecg_config *cfg, float *out, double *work);

#endif
