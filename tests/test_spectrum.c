/* Welch PSD against SciPy (fixtures/reference/welch.json from
 * gen_reference.py), median/mean frequency, mains detection on synthetic
 * hum, thread safety of the planner, and the argument contract; arrays
 * only, linked against backline_core alone. The real recordings:
 * test_spectrum_real.c. */
#include "check.h"

#include <cJSON.h>
#include <pthread.h>
#include <string.h>

#include "backline/spectrum.h"

/* Relative tolerance per PSD bin (bins below 1e-12 of the peak are judged
 * against the peak instead: they are rounding noise in both). */
#define WELCH_RTOL 1e-9

static unsigned long long rng = 0x2545F4914F6CDD1Dull;
static double urand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (rng >> 11) * (1.0 / 9007199254740992.0);
}
static double gauss(void)
{
    double u = urand() + 1e-300, v = urand();
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static void test_welch_reference(void)
{
    cJSON *j = test_json_fixture("reference/welch.json");
    if (!j) return;
    double rate = cJSON_GetObjectItemCaseSensitive(j, "rate")->valuedouble;
    const cJSON *xs = cJSON_GetObjectItemCaseSensitive(j, "x");
    size_t n = (size_t)cJSON_GetArraySize(xs);
    float *x = malloc(n * sizeof *x);
    size_t i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, xs) x[i++] = (float)v->valuedouble;
    const cJSON *c;
    int cases = 0;
    double worst = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(j, "cases")) {
        size_t nper = (size_t)cJSON_GetObjectItemCaseSensitive(c, "nperseg")->valuedouble;
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(c, "psd");
        bl_spectrum *s = NULL;
        CHECK(bl_spectrum_create(nper, &s) == BL_OK);
        if (!s) continue;
        size_t bins = bl_spectrum_bins(s);
        CHECK_EQ_INT(bins, cJSON_GetArraySize(ref));
        CHECK_EQ_INT(bins, nper / 2 + 1);
        double *psd = malloc(bins * sizeof *psd);
        CHECK(bl_spectrum_welch(s, x, n, rate, psd) == BL_OK);
        double peak = 0;
        cJSON_ArrayForEach(v, ref) peak = fmax(peak, v->valuedouble);
        size_t k = 0;
        cJSON_ArrayForEach(v, ref) {
            if (k >= bins) break;
            double want = v->valuedouble, err = fabs(psd[k] - want);
            double scale = fmax(want, 1e-12 * peak);
            worst = fmax(worst, err / scale);
            CHECK_MSG(err <= WELCH_RTOL * scale, "nperseg %zu bin %zu: %.17g vs SciPy %.17g", nper, k, psd[k], want);
            k++;
        }
        free(psd);
        bl_spectrum_destroy(s);
        cases++;
    }
    printf("welch: %d SciPy cases, worst relative bin error %.3g\n", cases, worst);
    CHECK(cases >= 3);
    free(x);
    cJSON_Delete(j);
}

static void test_welch_properties(void)
{
    /* Parseval-like check: white noise of variance s2 has a one-sided
     * density 2*s2/fs. */
    const size_t n = 200000;
    const double fs = 1000, sd = 0.5;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) x[i] = (float)(sd * gauss());
    bl_spectrum *s = NULL;
    CHECK(bl_spectrum_create(512, &s) == BL_OK);
    size_t bins = bl_spectrum_bins(s);
    double *psd = malloc(bins * sizeof *psd), mean = 0;
    CHECK(bl_spectrum_welch(s, x, n, fs, psd) == BL_OK);
    for (size_t k = 1; k + 1 < bins; k++) mean += psd[k];
    mean /= (double)(bins - 2);
    CHECK_NEAR(mean, 2 * sd * sd / fs, 0.03 * 2 * sd * sd / fs);
    /* Shorter than a segment. */
    CHECK_EQ_INT(bl_spectrum_welch(s, x, 511, fs, psd), BL_ENODATA);
    CHECK_EQ_INT(bl_spectrum_welch(s, x, 512, fs, psd), BL_OK);
    CHECK_EQ_INT(bl_spectrum_welch(s, x, 512, 0, psd), BL_ERANGE);
    CHECK_EQ_INT(bl_spectrum_welch(s, NULL, 512, fs, psd), BL_EINVAL);
    CHECK_EQ_INT(bl_spectrum_welch(s, x, 512, fs, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_spectrum_welch(NULL, x, 512, fs, psd), BL_EINVAL);
    x[100] = NAN;
    CHECK_EQ_INT(bl_spectrum_welch(s, x, 512, fs, psd), BL_ENONFINITE);
    bl_spectrum_destroy(s);
    bl_spectrum_destroy(NULL);
    CHECK_EQ_INT(bl_spectrum_bins(NULL), 0);
    s = (bl_spectrum *)&s;
    CHECK_EQ_INT(bl_spectrum_create(0, &s), BL_EINVAL);
    CHECK(s == NULL);
    CHECK_EQ_INT(bl_spectrum_create(1, &s), BL_EINVAL);
    CHECK_EQ_INT(bl_spectrum_create(64, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_spectrum_create((size_t)1 << 40, &s), BL_ERANGE);
    free(psd);
    free(x);
}

static void test_descriptors(void)
{
    /* Flat spectrum, 1 Hz bins: median and mean of 20..220 Hz are 120. */
    const size_t bins = 1001;
    double *psd = malloc(bins * sizeof *psd), f;
    for (size_t k = 0; k < bins; k++) psd[k] = 1.0;
    CHECK(bl_median_frequency(psd, bins, 2000, 20, 220, &f) == BL_OK);
    CHECK_NEAR(f, 120, 0.51);
    CHECK(bl_mean_frequency(psd, bins, 2000, 20, 220, &f) == BL_OK);
    CHECK_NEAR(f, 120, 1e-9);
    /* Power rising linearly with frequency over 0..100 Hz: the median is
     * at 100/sqrt(2) (half the area of a triangle), the mean at 200/3. */
    for (size_t k = 0; k < bins; k++) psd[k] = (double)k;
    CHECK(bl_median_frequency(psd, bins, 2000, 0, 100, &f) == BL_OK);
    CHECK_NEAR(f, 100 / sqrt(2.0), 0.6);
    CHECK(bl_mean_frequency(psd, bins, 2000, 0, 100, &f) == BL_OK);
    CHECK_NEAR(f, 200.0 / 3, 0.5);

    /* A known signal through Welch: tones at 80 and 160 Hz of equal
     * power put the median between them and the mean at 120 Hz. */
    const double fs = 2000;
    const size_t n = 40000;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(sin(2 * M_PI * 80 * i / fs) + sin(2 * M_PI * 160 * i / fs) + 0.01 * gauss());
    bl_spectrum *s = NULL;
    CHECK(bl_spectrum_create(2000, &s) == BL_OK);
    double *p = malloc(bl_spectrum_bins(s) * sizeof *p);
    CHECK(bl_spectrum_welch(s, x, n, fs, p) == BL_OK);
    CHECK(bl_median_frequency(p, bl_spectrum_bins(s), fs, 20, 450, &f) == BL_OK);
    CHECK_MSG(f > 80 && f < 161, "median %g", f);
    CHECK(bl_mean_frequency(p, bl_spectrum_bins(s), fs, 20, 450, &f) == BL_OK);
    CHECK_NEAR(f, 120, 0.5);
    /* One tone: median at the tone. */
    for (size_t i = 0; i < n; i++) x[i] = (float)(sin(2 * M_PI * 97 * i / fs) + 0.01 * gauss());
    CHECK(bl_spectrum_welch(s, x, n, fs, p) == BL_OK);
    CHECK(bl_median_frequency(p, bl_spectrum_bins(s), fs, 20, 450, &f) == BL_OK);
    CHECK_NEAR(f, 97, 1.0);

    /* Contract. */
    CHECK_EQ_INT(bl_median_frequency(NULL, bins, 2000, 20, 220, &f), BL_EINVAL);
    CHECK_EQ_INT(bl_median_frequency(psd, bins, 2000, 20, 220, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_median_frequency(psd, 1, 2000, 20, 220, &f), BL_EINVAL);
    CHECK_EQ_INT(bl_median_frequency(psd, bins, 0, 20, 220, &f), BL_ERANGE);
    CHECK_EQ_INT(bl_median_frequency(psd, bins, 2000, 220, 20, &f), BL_ERANGE);
    CHECK_EQ_INT(bl_mean_frequency(psd, bins, 2000, -1, 20, &f), BL_ERANGE);
    CHECK_EQ_INT(bl_mean_frequency(psd, bins, 2000, 20.2, 20.7, &f), BL_ENODATA); /* no bin inside */
    for (size_t k = 0; k < bins; k++) psd[k] = 0;
    CHECK_EQ_INT(bl_median_frequency(psd, bins, 2000, 20, 220, &f), BL_ENODATA);
    CHECK_EQ_INT(bl_mean_frequency(psd, bins, 2000, 20, 220, &f), BL_ENODATA);
    bl_spectrum_destroy(s);
    free(p);
    free(x);
    free(psd);
}

/* EMG-like broadband noise (white noise through a crude band-pass), plus
 * hum at `mains` Hz and two harmonics with amplitude `hum`. */
static void synth(float *x, size_t n, double fs, double mains, double hum)
{
    double lp = 0, hp = 0, prev = 0;
    for (size_t i = 0; i < n; i++) {
        double w = gauss();
        lp += 0.5 * (w - lp);
        double y = lp - prev + 0.99 * hp; /* DC blocker */
        prev = lp;
        hp = y;
        double t = i / fs, h = 0;
        if (mains > 0)
            h = hum * (sin(2 * M_PI * mains * t) + 0.3 * sin(2 * M_PI * 3 * mains * t + 1) +
                       0.1 * sin(2 * M_PI * 2 * mains * t));
        x[i] = (float)(y + h + 0.2);
    }
}

static void test_mains_synthetic(void)
{
    const double rates[] = {1000, 2000, 44100};
    for (int r = 0; r < 3; r++) {
        double fs = rates[r];
        size_t n = (size_t)(fs * 20);
        float *x = malloc(n * sizeof *x);
        double hz = -1, db = -1;
        synth(x, n, fs, 50, 0.5);
        CHECK(bl_mains_detect(x, n, fs, &hz, &db) == BL_OK);
        CHECK_MSG(hz == 50, "%g Hz: 50 Hz hum detected as %g (%.1f dB)", fs, hz, db);
        CHECK(db > 10);
        synth(x, n, fs, 60, 0.5);
        CHECK(bl_mains_detect(x, n, fs, &hz, &db) == BL_OK);
        CHECK_MSG(hz == 60, "%g Hz: 60 Hz hum detected as %g (%.1f dB)", fs, hz, db);
        synth(x, n, fs, 0, 0);
        CHECK(bl_mains_detect(x, n, fs, &hz, &db) == BL_OK);
        CHECK_MSG(hz == 0, "%g Hz: clean signal detected as %g Hz (%.1f dB)", fs, hz, db);
        CHECK(db < 3);
        /* Hum far below the noise: not reported. */
        synth(x, n, fs, 50, 0.002);
        CHECK(bl_mains_detect(x, n, fs, &hz, NULL) == BL_OK);
        CHECK_MSG(hz == 0, "%g Hz: buried hum reported as %g", fs, hz);
        free(x);
    }
    /* Short signal: 2 Hz resolution still works; shorter is ENODATA. */
    float x[3000];
    double hz, db;
    synth(x, 1500, 1000, 60, 0.5);
    CHECK(bl_mains_detect(x, 1500, 1000, &hz, &db) == BL_OK);
    CHECK_EQ_INT((int)hz, 60);
    CHECK_EQ_INT(bl_mains_detect(x, 300, 1000, &hz, &db), BL_ENODATA);
    CHECK_EQ_INT(bl_mains_detect(NULL, 300, 1000, &hz, &db), BL_EINVAL);
    CHECK_EQ_INT(bl_mains_detect(x, 300, 1000, NULL, &db), BL_EINVAL);
    CHECK_EQ_INT(bl_mains_detect(x, 1500, 100, &hz, &db), BL_ERANGE);
    CHECK_EQ_INT(bl_mains_detect(x, 1500, 0, &hz, &db), BL_ERANGE);
    x[7] = INFINITY;
    CHECK_EQ_INT(bl_mains_detect(x, 1500, 1000, &hz, &db), BL_ENONFINITE);
}

/* Plans are made under a lock: objects created and used concurrently in
 * several threads give the same spectra as one made alone. */
typedef struct { const float *x; size_t n; double psd[257]; int status; } welch_job;

static void *welch_thread(void *arg)
{
    welch_job *j = arg;
    j->status = 0;
    for (int rep = 0; rep < 20; rep++) {
        bl_spectrum *s = NULL;
        if (bl_spectrum_create(512, &s) != BL_OK) { j->status = -1; return NULL; }
        if (bl_spectrum_welch(s, j->x, j->n, 1000, j->psd) != BL_OK) j->status = -2;
        bl_spectrum_destroy(s);
    }
    return NULL;
}

static void test_threads(void)
{
    const size_t n = 8192;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) x[i] = (float)gauss();
    double ref[257];
    bl_spectrum *s = NULL;
    CHECK(bl_spectrum_create(512, &s) == BL_OK);
    CHECK(bl_spectrum_welch(s, x, n, 1000, ref) == BL_OK);
    bl_spectrum_destroy(s);
    welch_job jobs[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        jobs[i].x = x;
        jobs[i].n = n;
        CHECK(pthread_create(&t[i], NULL, welch_thread, &jobs[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ_INT(jobs[i].status, 0);
        CHECK(memcmp(jobs[i].psd, ref, sizeof ref) == 0);
    }
    free(x);
}

int main(void)
{
    test_threads();
    test_welch_reference();
    test_welch_properties();
    test_descriptors();
    test_mains_synthetic();
    return test_finish("test_spectrum");
}
