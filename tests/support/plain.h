/* A plain, independent analysis for checking synthetic data against its
 * truth without the library's own filters, envelopes or spectra: files read
 * with libsndfile directly, an FFT brick-wall band-pass (mains lines
 * removed), the rectified signal under a centred moving mean, and a Welch
 * median frequency (Hann, 50 % overlap) that leaves mains lines out. Used by
 * test_synth_fixtures. */
#ifndef TEST_PLAIN_H
#define TEST_PLAIN_H

#include <stddef.h>

#define TEST_SIG_MAXCH 32

/* A planar multi-channel signal. */
typedef struct test_sig {
    size_t nch, n;
    double rate;                 /* Hz */
    float *x[TEST_SIG_MAXCH];
} test_sig;

/* Reads every channel with libsndfile, in the file's units (full scale for
 * integer formats); scale (nch entries, may be NULL) multiplies each
 * channel. 0 on success; -1 after saying why on stderr. */
int test_wav_read(const char *path, const double *scale, test_sig *out);
void test_sig_free(test_sig *s);

/* FFT brick-wall band-pass [lo, hi] Hz, in place, with ±1 Hz around every
 * multiple of 50 and 60 Hz (up to the 9th) removed. */
void test_plain_band(float *x, size_t n, double rate, double lo, double hi);
/* Centred moving average over w samples (edges: what is available). */
void test_moving_mean(const float *x, size_t n, size_t w, float *out);
/* The rectified signal under a centred 100 ms moving mean (caller frees). */
float *test_plain_envelope(const float *x, size_t n, double rate);
/* Mean of e between t0 and t1 seconds (clipped to the signal); NAN when
 * empty. */
double test_mean_between(const float *e, size_t n, double rate, double t0, double t1);
/* Median frequency (Hz) within 20-450 Hz of the Welch PSD (Hann segments of
 * the first power of two >= 0.25 s, from 128; 50 % overlap; each segment's
 * mean removed), leaving out ±2 Hz around multiples of 50 and 60 Hz; NAN
 * when x is shorter than one segment. */
double test_welch_median(const float *x, size_t n, double rate);

#endif
