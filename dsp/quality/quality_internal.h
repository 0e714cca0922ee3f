/* Private to the quality layer (dsp/quality/): the result object and the
 * measurements checks.c makes for quality.c. */
#ifndef BLI_QUALITY_INTERNAL_H
#define BLI_QUALITY_INTERNAL_H

#include <stddef.h>

#include "backline/ecg.h"
#include "backline/quality.h"
#include "backline/spectrum.h"

#define BLI_QC_NAME_LEN 32
#define BLI_QC_REASON_LEN 200
/* Bands of the raw-spectrum checks, Hz. Motion artefact lies below 20 Hz
 * (De Luca et al. 2010); the median frequency is taken from 5 Hz (under
 * the sound card's AC coupling and drift) to 1 kHz (or Nyquist). */
#define BLI_QC_MOTION_HZ 20.0
#define BLI_QC_SPECTRUM_LO_HZ 5.0
#define BLI_QC_SPECTRUM_HI_HZ 1000.0
#define BLI_QC_LINE_HZ 2.0
/* Surface EMG carries little power above this (tissue low-passes it; De
 * Luca 1997); a needle or a broadband noise floor carries much. */
#define BLI_QC_HIGH_HZ 500.0
/* Crosstalk: the largest correlation within this lag, s (volume-conducted
 * signals arrive together). */
#define BLI_QC_CROSSTALK_LAG_S 0.005
/* Baseline and activity: these percentiles of the windowed RMS. */
#define BLI_QC_NOISE_PCT 10.0
#define BLI_QC_ACTIVITY_PCT 99.0

struct bl_quality {
    bl_quality_config cfg;
    size_t nch;
    char (*name)[BLI_QC_NAME_LEN];
    unsigned char *is_emg;
    unsigned char *constant;                /* constant raw samples: flat, nothing else measured */
    unsigned char *in_uv;
    bl_quality_result *res;                 /* nch × BL_QC_COUNT */
    char (*reason)[BLI_QC_REASON_LEN];      /* nch × BL_QC_COUNT */
    double mains_hz, mains_db;
    char unit[16];
};

/* Is channel c graded beyond its constancy? */
static inline int bli_qc_measured(const bl_quality *q, size_t c) { return q->is_emg[c] && !q->constant[c]; }

/* Where result k of channel c lives. */
static inline bl_quality_result *bli_qc_at(bl_quality *q, size_t c, bl_quality_check k)
{
    return &q->res[c * BL_QC_COUNT + (size_t)k];
}
/* Set a result with its reason (printf-style; NULL format: pass, no reason). */
void bli_qc_set(bl_quality *q, size_t c, bl_quality_check k, bl_grade g, double value, const char *unit,
                const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* What the raw spectrum of one channel says. */
typedef struct bli_raw_spectrum {
    double motion_share;  /* power below BLI_QC_MOTION_HZ over power to 450 Hz */
    double median_hz;     /* of BLI_QC_SPECTRUM_LO_HZ .. min(BLI_QC_SPECTRUM_HI_HZ, Nyquist) */
    double line_hz;       /* the strongest bin there */
    double line_share;    /* share of that band's power within BLI_QC_LINE_HZ of it */
    double high_share;    /* share of that band's power above BLI_QC_HIGH_HZ (NAN when Nyquist is
                             below 2 x BLI_QC_HIGH_HZ) */
} bli_raw_spectrum;

/* levels.c: flat, noise and SNR of every EMG channel, and the crosstalk of
 * the hamstring sites, on the band-passed recording. */
bl_status bli_qc_level_checks(bl_quality *q, const bl_recording *cond);
/* ECG on every measured channel: the check, and the beats removed from
 * `cond` where found (the level checks then see what the analysis will). */
bl_status bli_qc_ecg(bl_quality *q, bl_recording *cond);
bl_status bli_qc_crosstalk(bl_quality *q, const bl_recording *cond);

/* checks.c */
int bli_qc_constant(const float *x, size_t n);
bl_status bli_qc_raw_spectrum(bl_spectrum *sp, const float *x, size_t n, double rate_hz, double *psd,
                              bli_raw_spectrum *out);
/* Baseline (BLI_QC_NOISE_PCT) and activity (BLI_QC_ACTIVITY_PCT) of the
 * RMS over windows of `window` samples, and the overall RMS. */
bl_status bli_qc_levels(const float *x, size_t n, size_t window, double *noise, double *activity, double *rms);
/* Largest |correlation| of a and b within ±max_lag samples. */
double bli_qc_max_correlation(const float *a, const float *b, size_t n, size_t max_lag);

#endif
