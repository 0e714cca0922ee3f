/* Power spectra (FFTW), spectral descriptors and mains detection.
 *
 * FFTW plans are made in bl_spectrum_create under a lock (the FFTW planner
 * is not thread-safe); bl_spectrum_welch only executes them.
 */
#ifndef BACKLINE_SPECTRUM_H
#define BACKLINE_SPECTRUM_H

#include <stddef.h>
#include "backline/backline.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bl_spectrum bl_spectrum;

/* A mains family counts as present when its strongest harmonic stands
 * this far above its neighbourhood (bl_mains_detect). */
#define BL_MAINS_THRESHOLD_DB 10.0

/* A Welch estimator with Hann windows of `segment_frames` samples and 50 %
 * overlap. bl_spectrum_bins() = segment_frames/2 + 1 output bins, bin k at
 * k × rate / segment_frames Hz (0 for NULL). create: BL_EINVAL (NULL out,
 * fewer than 2 frames), BL_ERANGE (over 2^26 frames), BL_ENOMEM; *out NULL
 * on failure. destroy(NULL): no-op. One estimator is used by one thread at
 * a time (the plan is shared by nothing else). */
BL_API bl_status bl_spectrum_create(size_t segment_frames, bl_spectrum **out);
BL_API size_t bl_spectrum_bins(const bl_spectrum *s);
/* One-sided PSD in units²/Hz (scipy.signal.welch(x, fs, 'hann', nperseg,
 * detrend='constant', scaling='density') convention) into psd[bins].
 * x must not overlap psd. No allocation. Errors: BL_EINVAL (NULL),
 * BL_ERANGE (rate not positive and finite), BL_ENODATA (shorter than one
 * segment), BL_ENONFINITE (a non-finite result: NaN or Inf in x); psd is
 * undefined after an error. */
BL_API bl_status bl_spectrum_welch(bl_spectrum *s, const float *x, size_t n, double rate_hz, double *psd);
BL_API void bl_spectrum_destroy(bl_spectrum *s);

/* Frequency dividing the power between lo_hz and hi_hz into two equal
 * halves (median frequency, Hz; each bin's power spread over its width),
 * and the power-weighted mean frequency, from `bins` bins of an even
 * segment. Errors: BL_EINVAL (NULL, fewer than 2 bins), BL_ERANGE (rate
 * not positive, lo < 0 or hi <= lo), BL_ENODATA (no bin in the band, or
 * no power in it); the output is then not written. */
BL_API bl_status bl_median_frequency(const double *psd, size_t bins, double rate_hz, double lo_hz,
                                     double hi_hz, double *median_hz);
BL_API bl_status bl_mean_frequency(const double *psd, size_t bins, double rate_hz, double lo_hz,
                                   double hi_hz, double *mean_hz);

/* Mains detection. A Welch spectrum with whole-second segments (4 s when
 * the signal holds three of them, else 2, 1 or 0.5 s), so every harmonic of
 * 50 and 60 Hz lies on a bin; each harmonic h·f (h = 1..3) scores the power
 * of its bin and the two beside it against three times the median bin of
 * its neighbourhood (4-12 Hz either side); a family's prominence is its
 * strongest harmonic. Long signals are read as four chunks of 16 segments
 * spread over them. *mains_hz is 50, 60, or 0 when neither family stands
 * out by more than 10 dB; *prominence_db (may be NULL) is the more
 * prominent family's score.
 * Errors: BL_EINVAL (NULL x or mains_hz), BL_ERANGE (a rate whose Nyquist
 * is not above 72 Hz), BL_ENONFINITE, BL_ENODATA (shorter than half a
 * second), BL_ENOMEM. Allocates; see bl_mains_detector for a form that
 * does not. */
BL_API bl_status bl_mains_detect(const float *x, size_t n, double rate_hz, double *mains_hz,
                                 double *prominence_db);

/* Everything the detection measured. */
typedef struct bl_mains_result {
    double mains_hz;      /* 50, 60 or 0 (none above 10 dB) */
    double prominence_db; /* of the more prominent family (its strongest harmonic) */
    double resolution_hz; /* bin width of the spectrum used */
    double hum_power;     /* that family's lines above their floors, every harmonic to
                             450 Hz, in signal units² */
    double band_power;    /* all power from 20 to 450 Hz (or Nyquist), signal units² */
} bl_mains_result;

/* The same detection with its plan and scratch made once, for signals of
 * at most max_frames samples at rate_hz (the segment length follows
 * max_frames as bl_mains_detect's follows n, so running on exactly
 * max_frames gives bl_mains_detect's answer). create: BL_ERANGE (rate),
 * BL_ENODATA (max_frames too short), BL_ENOMEM, under the FFTW planner
 * lock. run/analyse: no allocation; BL_EINVAL (NULL), BL_ERANGE (n >
 * max_frames), BL_ENONFINITE, BL_ENODATA (n shorter than the segment);
 * outputs unchanged on error. One detector is used by one thread at a
 * time. destroy(NULL) is a no-op. */
typedef struct bl_mains_detector bl_mains_detector;
BL_API bl_status bl_mains_detector_create(double rate_hz, size_t max_frames, bl_mains_detector **out);
BL_API bl_status bl_mains_detector_run(bl_mains_detector *d, const float *x, size_t n, double *mains_hz,
                                       double *prominence_db);
BL_API bl_status bl_mains_detector_analyse(bl_mains_detector *d, const float *x, size_t n, bl_mains_result *out);
/* The same analysis for a signal that is not held whole (read from a
 * file in blocks): plan says which parts of a signal of n samples it reads
 * (*count chunks of *len samples from starts[i]; BL_ERANGE n > max_frames,
 * BL_ENODATA shorter than a segment); analyse_chunks gives, from those
 * parts (chunk[i] holds the len samples from starts[i], finite: it does
 * not check), exactly what bl_mains_detector_analyse gives on the whole. */
#define BL_MAINS_CHUNKS_MAX 4
BL_API bl_status bl_mains_detector_plan(const bl_mains_detector *d, size_t n, size_t starts[BL_MAINS_CHUNKS_MAX],
                                        size_t *count, size_t *len);
BL_API bl_status bl_mains_detector_analyse_chunks(bl_mains_detector *d, const float *const *chunk, size_t count,
                                                  size_t len, bl_mains_result *out);
BL_API void bl_mains_detector_destroy(bl_mains_detector *d);

#ifdef __cplusplus
}
#endif
#endif
