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

/* A Welch estimator with Hann windows of `segment_frames` samples and 50 %
 * overlap. bl_spectrum_bins() = segment_frames/2 + 1 output bins, bin k at
 * k × rate / segment_frames Hz. */
bl_status bl_spectrum_create(size_t segment_frames, bl_spectrum **out);
size_t bl_spectrum_bins(const bl_spectrum *s);
/* One-sided PSD in units²/Hz (scipy.signal.welch(x, fs, 'hann', nperseg,
 * detrend='constant', scaling='density') convention) into psd[bins].
 * Signals shorter than one segment: BL_ENODATA. No allocation. */
bl_status bl_spectrum_welch(bl_spectrum *s, const float *x, size_t n, double rate_hz, double *psd);
void bl_spectrum_destroy(bl_spectrum *s);

/* Frequency dividing the power between lo_hz and hi_hz into two equal
 * halves (median frequency, Hz), and the power-weighted mean frequency. */
bl_status bl_median_frequency(const double *psd, size_t bins, double rate_hz, double lo_hz,
                              double hi_hz, double *median_hz);
bl_status bl_mean_frequency(const double *psd, size_t bins, double rate_hz, double lo_hz,
                            double hi_hz, double *mean_hz);

/* Mains detection: compares the power in narrow bands at 50, 100, 150 Hz
 * against 60, 120, 180 Hz and against the neighbouring spectrum. *mains_hz
 * is 50, 60, or 0 when neither stands out by more than 10 dB; *prominence_db
 * (may be NULL) is the winning family's peak-to-neighbourhood ratio. */
bl_status bl_mains_detect(const float *x, size_t n, double rate_hz, double *mains_hz,
                          double *prominence_db);

#ifdef __cplusplus
}
#endif
#endif
