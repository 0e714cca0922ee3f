/* Signal quality: every EMG channel graded pass, warn or fail before a
 * number resting on it is trusted.
 *
 * Checks (each with its threshold in bl_quality_config; where a threshold
 * comes from is in the comment beside its default and in the description,
 * bl_quality_describe). The taxonomy of contaminants follows McCool et al.
 * 2014 (IEEE TBME 61: "Identification of contaminant type in surface
 * EMG"): power line, motion artefact, ECG, amplifier saturation, noise.
 *   clipping   fraction of samples at full scale (the stored full scale, or
 *              the format's limit: |x| >= 0.999 of it, where no sample
 *              exceeds it) or on flat tops at the signal's own extremes
 *   flat       a disconnected or dead electrode: band-passed RMS below an
 *              absolute floor (µV) or far below the other channels
 *   mains      50/60 Hz hum and its harmonics (bl_mains_detector): present
 *              above 10 dB is a warning (it will be notched), hum carrying
 *              1000 times the power of the EMG band (30 dB;
 *              mains_fail_ratio) is a failure
 *   noise      baseline noise RMS (µV): the quietest quarter-seconds of the
 *              band-passed signal
 *   snr        activity against that baseline, dB
 *   motion     share of the raw signal's power below 20 Hz (movement
 *              artefact; De Luca et al. 2010, J Biomech 43:1573)
 *   ecg        heartbeats in the channel (ecg.h: QRS detection across the
 *              channels, an average beat standing out of its noise):
 *              found warns, with the heart rate; the beats are then
 *              removed from every channel before the level checks (the
 *              analysis, with --ecg auto, only from the trunk channels)
 *   crosstalk  correlation of the medial and lateral hamstring sites of one
 *              side (Winter, Fuglevand & Archer 1994, J Electromyogr
 *              Kinesiol 4:5)
 *   spectrum   most power in one narrow line (a test tone) or a median
 *              frequency below a plausible surface EMG band (an envelope
 *              file) fails; above it warns (a needle recording, a board
 *              filtering high, a noise floor)
 * A channel's grade is its worst check's. AUX channels are not graded.
 *
 * Input is a recording as loaded (raw, µV when its gains are known); it is
 * not changed. Offline (allocates), never prints, no global state.
 */
#ifndef BACKLINE_QUALITY_H
#define BACKLINE_QUALITY_H

#include <stddef.h>
#include "backline/backline.h"
#include "backline/doc.h"
#include "backline/recording.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bl_grade { BL_GRADE_PASS = 0, BL_GRADE_WARN, BL_GRADE_FAIL, BL_GRADE_NA } bl_grade;
/* "pass", "warn", "fail", "n/a". */
BL_API const char *bl_grade_name(bl_grade g);

typedef enum bl_quality_check {
    BL_QC_CLIPPING = 0, BL_QC_FLAT, BL_QC_MAINS, BL_QC_NOISE, BL_QC_SNR, BL_QC_MOTION, BL_QC_ECG,
    BL_QC_CROSSTALK, BL_QC_SPECTRUM, BL_QC_COUNT
} bl_quality_check;
/* "clipping", "flat", "mains", "noise", "snr", "motion", "ecg",
 * "crosstalk", "spectrum"; NULL out of range. */
BL_API const char *bl_quality_check_name(bl_quality_check k);

typedef struct bl_quality_config {
    double clip_warn_fraction;   /* 1e-4: a few clipped peaks distort little */
    double clip_fail_fraction;   /* 1e-2: amplitudes and spectra no longer hold */
    double flat_uV;              /* band-passed RMS below this is a dead electrode, µV; 0.5 (below
                                    any amplifier's input noise) */
    double flat_ratio;           /* ... or below this × the median channel's RMS; 0.02 */
    double mains_fail_ratio;     /* hum power over the rest of the 20-450 Hz band's above this fails;
                                    1000 (30 dB: about what the Q 30 notches remove from a hum that
                                    wanders, so the residue would rival the EMG; a floating or
                                    unreferenced input. A quiet recording's 25 uV hum is 15-20 dB
                                    over its band and only warns) */
    double noise_warn_uV;        /* baseline RMS above this warns (µV only); 10 (good setups: 1-5,
                                    De Luca et al. 2010) */
    double noise_fail_uV;        /* ... fails; 50 */
    double snr_warn_db;          /* activity over baseline below this warns (no activity seen); 6 */
    double motion_warn_share;    /* raw power share below 20 Hz above this warns; 0.3 */
    double motion_fail_share;    /* ... fails; 0.7 */
    double crosstalk_warn_r;     /* hamstring sites correlated above this warn; 0.3 */
    double crosstalk_fail_r;     /* ... fail (one signal on two sites: bridged or swapped); 0.7 */
    double spectrum_lo_hz;       /* raw median frequency below this fails (an envelope, drift); 10
                                    (an envelope's is under 10 Hz; real sEMG here 10-130 Hz, most
                                    of it 40-110) */
    double spectrum_hi_hz;       /* ... above this warns (needle EMG, a board that filters high, a
                                    noise floor); 180 (surface EMG: 50-150 Hz, Merletti & Parker
                                    2004; PhysioNet needle 180-220 Hz, Backyard Brains 660-710) */
    double tone_share;           /* this share of the power within 2 Hz of one line (not a mains
                                    harmonic) fails: a tone, not EMG; 0.5 */
    double window_s;             /* RMS windows for noise and SNR, s; 0.25 */
} bl_quality_config;

BL_API void bl_quality_config_default(bl_quality_config *cfg);

/* One check of one channel. */
typedef struct bl_quality_result {
    bl_grade grade;      /* BL_GRADE_NA: not applicable (e.g. noise without µV, crosstalk without a
                            hamstring pair) */
    double value;        /* what was measured, in `unit`; NAN when not measured */
    const char *unit;    /* "fraction", "uV", "FS", "dB", "share", "r", "Hz", "bpm" */
    double detail;       /* check-specific: MAINS the frequency (50, 60 or 0); SNR the activity
                            level; CROSSTALK the other site's channel index; SPECTRUM the
                            strongest line's share; ECG the heart rate (NAN: none found); NAN
                            otherwise */
    double detail2;      /* SPECTRUM the share of power above 500 Hz; ECG the beats found; NAN
                            otherwise */
    const char *reason;  /* one line when not pass ("" when pass); valid as long as the object */
} bl_quality_result;

typedef struct bl_quality bl_quality;

/* Grade every channel of `rec` (EMG channels per its map; no map: all).
 * Errors: BL_EINVAL (NULL, bad config), BL_ERATE (a rate below
 * BL_MIN_EMG_RATE_HZ), BL_ENODATA (under one second), BL_ENONFINITE,
 * BL_ENOMEM; `why` gets one line; *out NULL on failure. */
BL_API bl_status bl_quality_assess(const bl_recording *rec, const bl_quality_config *cfg, bl_quality **out,
                                   char *why, size_t why_len);
BL_API void bl_quality_destroy(bl_quality *q); /* NULL: no-op */

BL_API size_t bl_quality_channels(const bl_quality *q);
/* "L.ST", "ch1" without a map; "" out of range. */
BL_API const char *bl_quality_channel_name(const bl_quality *q, size_t c);
/* Worst grade of the channel's checks; BL_GRADE_NA for AUX or out of range. */
BL_API bl_grade bl_quality_channel_grade(const bl_quality *q, size_t c);
/* BL_EINVAL (NULL), BL_ERANGE (channel or check out of range; *out unchanged). */
BL_API bl_status bl_quality_get_check(const bl_quality *q, size_t c, bl_quality_check k, bl_quality_result *out);
/* The recording's hum: the most prominent channel's family (50, 60, 0)
 * and score, dB. */
BL_API double bl_quality_mains_hz(const bl_quality *q);
BL_API double bl_quality_mains_prominence(const bl_quality *q);
/* The amplitude unit the checks saw ("uV" or "full scale"). */
BL_API const char *bl_quality_unit(const bl_quality *q);

/* What was checked and with which thresholds, for reports: into `params`
 * one object per check (rule, thresholds, source). BL_EINVAL (NULL q),
 * BL_ENOMEM. */
BL_API bl_status bl_quality_describe(const bl_quality *q, bl_doc *params);

#ifdef __cplusplus
}
#endif
#endif
