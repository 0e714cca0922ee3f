/* Spectra of real recordings (the optional real-data folder; skips loudly
 * when it is absent): the Backyard Brains 202 Hz test tone peaks, and has
 * its median frequency, at 202 Hz; mains detection runs on the other
 * Backyard Brains files and gives a valid answer. The files are read with
 * libsndfile directly (first channel, full-scale units). */
#include "check.h"

#include <sndfile.h>
#include <string.h>

#include "backline/spectrum.h"

static float *load_wav(const char *path, size_t *n, double *rate)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    if (!f) return NULL;
    float *all = malloc((size_t)info.frames * info.channels * sizeof *all);
    sf_count_t got = sf_readf_float(f, all, info.frames);
    sf_close(f);
    float *x = malloc((size_t)got * sizeof *x);
    for (sf_count_t i = 0; i < got; i++) x[i] = all[i * info.channels]; /* first channel */
    free(all);
    *n = (size_t)got;
    *rate = info.samplerate;
    return x;
}

static void test_real(void)
{
    char path[1024];
    test_real_file(path, sizeof path, "backyardbrains/202_Hz_testtone_NOT_EMG.wav");
    size_t n;
    double fs;
    float *x = load_wav(path, &n, &fs);
    CHECK_MSG(x != NULL, "libsndfile cannot read %s", path);
    if (!x) return;
    CHECK_NEAR(fs, 44100, 0);
    bl_spectrum *s = NULL;
    CHECK(bl_spectrum_create(16384, &s) == BL_OK);
    size_t bins = bl_spectrum_bins(s);
    double *p = malloc(bins * sizeof *p);
    CHECK(bl_spectrum_welch(s, x, n, fs, p) == BL_OK);
    size_t kmax = 1;
    for (size_t k = 1; k < bins; k++)
        if (p[k] > p[kmax]) kmax = k;
    double fpk = kmax * fs / 16384;
    printf("202 Hz test tone: PSD peak at %.2f Hz\n", fpk);
    CHECK_MSG(fabs(fpk - 202) < 3, "test tone peak at %.2f Hz", fpk);
    double med;
    CHECK(bl_median_frequency(p, bins, fs, 20, 450, &med) == BL_OK);
    CHECK_MSG(fabs(med - 202) < 5, "test tone median frequency %.2f Hz", med);
    double hz, db;
    CHECK(bl_mains_detect(x, n, fs, &hz, &db) == BL_OK);
    printf("202 Hz test tone: mains %g Hz, %.1f dB\n", hz, db);
    free(p);
    free(x);
    bl_spectrum_destroy(s);

    /* The other Backyard Brains files: report what is found, and require
     * only that detection runs and gives a valid answer. */
    const char *names[] = {"amp_on_baseline.wav", "amp_off.wav", "pulse_1.wav"};
    for (int i = 0; i < 3; i++) {
        char name[256];
        snprintf(name, sizeof name, "backyardbrains/%s", names[i]);
        test_real_file(path, sizeof path, name);
        x = load_wav(path, &n, &fs);
        if (!x) {
            CHECK_MSG(0, "cannot read %s", path);
            continue;
        }
        bl_status st = bl_mains_detect(x, n, fs, &hz, &db);
        CHECK(st == BL_OK);
        CHECK(hz == 0 || hz == 50 || hz == 60);
        printf("%s: mains %g Hz, prominence %.1f dB\n", names[i], hz, db);
        free(x);
    }
}


int main(void)
{
    test_real();
    return test_finish("test_spectrum_real");
}
