/* The synth library's signal, measured: spectrum and amplitude, rate
 * independence, fatigue, burst shape, artefacts (mains, ECG, crosstalk).
 * Contract, determinism, the truth and the board path are in test_synth.c.
 *
 * Spectra are measured here with a plain Welch estimate on FFTW (Hann,
 * ~0.5 s segments, 50 % overlap), independent of the library's spectrum
 * module. Tolerances are stated where they are checked.
 */
#define _POSIX_C_SOURCE 200809L
#include <fftw3.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/synth.h"
#include "check.h"
#include "synthtest.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---------------------------------------------------------------- helpers */

typedef struct psd {
    size_t bins;
    double df;
    double *p;
} psd;

static psd welch(const float *x, size_t n, double rate)
{
    psd out = {0, 0, NULL};
    size_t seg = 256;
    while ((double)seg < 0.5 * rate)
        seg *= 2;
    if (n < seg)
        return out;
    double *in = fftw_malloc(seg * sizeof *in);
    fftw_complex *spec = fftw_malloc((seg / 2 + 1) * sizeof *spec);
    fftw_plan plan = fftw_plan_dft_r2c_1d((int)seg, in, spec, FFTW_ESTIMATE);
    out.bins = seg / 2 + 1;
    out.df = rate / (double)seg;
    out.p = calloc(out.bins, sizeof *out.p);
    size_t count = 0;
    for (size_t start = 0; start + seg <= n; start += seg / 2) {
        double mean = 0;
        for (size_t i = 0; i < seg; i++)
            mean += x[start + i];
        mean /= (double)seg;
        for (size_t i = 0; i < seg; i++)
            in[i] = (x[start + i] - mean) * (0.5 - 0.5 * cos(2 * M_PI * (double)i / (double)seg));
        fftw_execute(plan);
        for (size_t k = 0; k < out.bins; k++)
            out.p[k] += spec[k][0] * spec[k][0] + spec[k][1] * spec[k][1];
        count++;
    }
    for (size_t k = 0; k < out.bins; k++)
        out.p[k] /= (double)count;
    fftw_destroy_plan(plan);
    fftw_free(in);
    fftw_free(spec);
    return out;
}

static double psd_median(const psd *s, double lo, double hi)
{
    double total = 0, acc = 0;
    for (size_t k = 0; k < s->bins; k++) {
        double f = (double)k * s->df;
        if (f >= lo && f <= hi)
            total += s->p[k];
    }
    for (size_t k = 0; k < s->bins; k++) {
        double f = (double)k * s->df;
        if (f >= lo && f <= hi) {
            acc += s->p[k];
            if (acc >= 0.5 * total)
                return f;
        }
    }
    return NAN;
}

/* Median over [lo, hi] of the Shwedyk model itself, by numerical
 * integration from the reported corners. */
static double model_median(double fl, double fh, double lo, double hi)
{
    double step = 0.01, total = 0, acc = 0;
    for (double f = lo; f <= hi; f += step) {
        double d = f * f + fh * fh;
        total += f * f / ((f * f + fl * fl) * d * d);
    }
    for (double f = lo; f <= hi; f += step) {
        double d = f * f + fh * fh;
        acc += f * f / ((f * f + fl * fl) * d * d);
        if (acc >= 0.5 * total)
            return f;
    }
    return NAN;
}

/* Channel c of rec between t0 and t1 seconds, in µV. */
static float *segment_uV(const bl_recording *rec, size_t c, double t0, double t1, size_t *n)
{
    double rate = bl_recording_rate(rec);
    size_t i0 = (size_t)(t0 * rate), i1 = (size_t)(t1 * rate);
    if (i1 > bl_recording_frames(rec))
        i1 = bl_recording_frames(rec);
    double k = bl_recording_full_scale(rec) / bl_recording_gain(rec, c) * 1e6;
    float *out = malloc((i1 - i0) * sizeof *out);
    const float *x = bl_recording_cdata(rec, c);
    for (size_t i = i0; i < i1; i++)
        out[i - i0] = (float)(x[i] * k);
    *n = i1 - i0;
    return out;
}

static double rms(const float *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)x[i] * x[i];
    return sqrt(s / (double)n);
}

static void clean(bl_synth_config *cfg)
{
    cfg->noise_uV = 0;
    cfg->mains_hz = 0;
    cfg->ecg_uV = 0;
    cfg->motion_uV = 0;
    cfg->crosstalk = 0;
    cfg->quantise_bits = 0;
}

/* ------------------------------------------------- spectrum and amplitude */

static const char *all_muscles = "ST,SM,BF,GMAX,GMED,VM,VL,RF,ES,EO,IO,MG,LG,TFL,TA,PL,SOL,EMG";

/* Every muscle's MVC trial (10 s hold) with the default artefacts: the
 * measured median (20–450 Hz) is physiological (60–120 Hz) and within 8 % of
 * the model's own median over the same band (a Welch median of 10 s of
 * Gaussian sEMG scatters by ~2.5 % SD; over 3 s it is ~4 %), and the mean
 * error over all muscles is within 3 %; the RMS of a clean trial is the
 * electrode's MVC amplitude within 6 %. */
static void test_spectrum_and_amplitude(void)
{
    bl_synth_config cfg;
    bl_synth_config_default(&cfg);
    cfg.map = all_muscles;
    cfg.seed = 7;
    bl_synth *s = test_make_synth(&cfg);
    bl_synth_config cc = cfg;
    clean(&cc);
    bl_synth *sc = test_make_synth(&cc);
    bl_synth_mvc_config m;
    bl_synth_mvc_config_default(&m);
    m.hold_s = 10;
    double err_sum = 0;
    for (size_t c = 0; c < bl_synth_channels(s); c++) {
        bl_recording *rec = NULL, *crec = NULL;
        bl_synth_truth *t = NULL;
        CHECK(bl_synth_mvc(s, &m, c, &rec, &t) == BL_OK);
        CHECK(bl_synth_mvc(sc, &m, c, &crec, NULL) == BL_OK);
        double h0, h1;
        bl_synth_truth_get_hold(t, &h0, &h1);
        CHECK_NEAR(h0, 1.0, 1e-9);
        CHECK_NEAR(h1, 11.0, 1e-9);
        size_t n;
        float *x = segment_uV(rec, c, h0, h1, &n);
        psd p = welch(x, n, 2000);
        double med = psd_median(&p, 20, 450);
        double fl, fh;
        bl_synth_get_corners(s, c, &fl, &fh);
        double want = model_median(fl, fh, 20, 450);
        printf("  %-5s median %.1f Hz (model %.1f Hz over 20-450, %.1f over 0-inf), MVC %.0f uV",
               bl_muscle_code(bl_chanmap_muscle(bl_synth_chanmap(s), c)), med, want, bl_synth_median_hz(s, c),
               bl_synth_mvc_uV(s, c));
        CHECK_MSG(med >= 60 && med <= 120, "channel %zu median %.1f Hz outside 60-120", c, med);
        CHECK_MSG(fabs(med / want - 1) < 0.08, "channel %zu median %.1f vs model %.1f", c, med, want);
        err_sum += med / want - 1;
        free(p.p);
        free(x);
        x = segment_uV(crec, c, h0, h1, &n);
        double r = rms(x, n);
        printf(", clean RMS %.0f uV (%.1f %%)\n", r, 100 * (r / bl_synth_mvc_uV(sc, c) - 1));
        CHECK_MSG(fabs(r / bl_synth_mvc_uV(sc, c) - 1) < 0.06, "channel %zu RMS %.1f vs %.1f", c, r,
                  bl_synth_mvc_uV(sc, c));
        free(x);
        bl_recording_destroy(rec);
        bl_recording_destroy(crec);
        bl_synth_truth_destroy(t);
    }
    double mean_err = err_sum / (double)bl_synth_channels(s);
    printf("  mean median error over %zu muscles: %+.1f %%\n", bl_synth_channels(s), 100 * mean_err);
    CHECK_MSG(fabs(mean_err) < 0.03, "mean median error %.3f", mean_err);
    bl_synth_destroy(s);
    bl_synth_destroy(sc);
}

/* The EMG up to 450 Hz does not depend on the output rate: same median and
 * RMS (in the band) at 1, 2, 44.1 and 48 kHz within 5 %. */
static double band_rms(const float *x, size_t n, double rate, double lo, double hi)
{
    psd p = welch(x, n, rate);
    double acc = 0;
    for (size_t k = 0; k < p.bins; k++) {
        double f = (double)k * p.df;
        if (f >= lo && f <= hi)
            acc += p.p[k];
    }
    /* Hann-windowed periodogram: power = Σ|X|² / (Σw²·seg) per segment,
     * and Σw² = 3/8 seg; the one-sided sum doubles. */
    size_t seg = (p.bins - 1) * 2;
    free(p.p);
    return sqrt(2.0 * acc / (0.375 * (double)seg * (double)seg));
}

static void test_rate_independence(void)
{
    const double rates[] = {1000, 2000, 44100, 48000};
    double med[4], amp[4];
    for (int i = 0; i < 4; i++) {
        bl_synth_config cfg;
        bl_synth_config_default(&cfg);
        clean(&cfg);
        cfg.rate_hz = rates[i];
        cfg.map = "L.ST,L.BF";
        cfg.seed = 99;
        bl_synth *s = test_make_synth(&cfg);
        bl_synth_mvc_config m;
        bl_synth_mvc_config_default(&m);
        m.hold_s = 8;
        bl_recording *rec = NULL;
        CHECK(bl_synth_mvc(s, &m, 1, &rec, NULL) == BL_OK);
        size_t n;
        float *x = segment_uV(rec, 1, 1.0, 9.0, &n);
        psd p = welch(x, n, rates[i]);
        double hi = rates[i] / 2 < 450 ? rates[i] / 2 : 450;
        med[i] = psd_median(&p, 20, hi);
        amp[i] = band_rms(x, n, rates[i], 20, hi);
        printf("  rate %6.0f Hz: BF median %.1f Hz, RMS 20-%g Hz %.1f uV\n", rates[i], med[i], hi, amp[i]);
        free(p.p);
        free(x);
        bl_recording_destroy(rec);
        bl_synth_destroy(s);
    }
    for (int i = 2; i < 4; i++) {
        CHECK_MSG(fabs(med[i] / med[1] - 1) < 0.05, "median at %.0f Hz %.1f vs %.1f at 2 kHz", rates[i], med[i], med[1]);
        CHECK_MSG(fabs(amp[i] / amp[1] - 1) < 0.05, "RMS at %.0f Hz %.1f vs %.1f at 2 kHz", rates[i], amp[i], amp[1]);
    }
}

/* ---------------------------------------------------------------- fatigue */

/* Median frequency falls over a drift set of 8 reps by the truth's scale:
 * first vs last rep of ST, BF and GMAX. The expected ratio is the model's
 * (medians over 20–450 Hz of the corners times mf_scale, which is a
 * little above mf_scale as more of the fatigued spectrum falls below
 * 20 Hz). One rep's median scatters by ~4 % SD, so each channel gets
 * ±0.10 and the mean of the three ±0.04. */
static void test_fatigue(void)
{
    bl_synth_config cfg;
    /* Mains lines and white noise would pull a weak rep's median towards
     * their own: the drift set keeps them out, so the check measures the
     * model's scaling. */
    test_drift_config(&cfg);
    bl_synth *s = test_make_synth(&cfg);
    bl_synth_hinge_config h;
    bl_synth_hinge_config_default(&h);
    h.reps = 8;
    h.pattern = BL_SYNTH_DRIFT;
    bl_recording *rec = NULL;
    bl_synth_truth *t = NULL;
    CHECK(bl_synth_hinge(s, &h, &rec, &t) == BL_OK);
    if (!t) {
        bl_synth_destroy(s);
        return;
    }
    bl_synth_rep r0, r7;
    bl_synth_truth_get_rep(t, 0, &r0);
    bl_synth_truth_get_rep(t, 7, &r7);
    double err_sum = 0;
    for (size_t c = 0; c < 3; c++) {
        size_t n0, n7;
        float *x0 = segment_uV(rec, c, r0.start_s + 0.3, r0.end_s, &n0);
        float *x7 = segment_uV(rec, c, r7.start_s + 0.3, r7.end_s, &n7);
        psd p0 = welch(x0, n0, 2000), p7 = welch(x7, n7, 2000);
        double m0 = psd_median(&p0, 20, 450), m7 = psd_median(&p7, 20, 450);
        double fl, fh;
        bl_synth_get_corners(s, c, &fl, &fh);
        double want = model_median(fl * r7.mf_scale, fh * r7.mf_scale, 20, 450) /
                      model_median(fl * r0.mf_scale, fh * r0.mf_scale, 20, 450);
        printf("  drift ch %zu: median %.1f -> %.1f Hz (ratio %.3f, model %.3f, mf_scale %.3f)\n", c, m0, m7,
               m7 / m0, want, r7.mf_scale / r0.mf_scale);
        CHECK_MSG(fabs(m7 / m0 - want) < 0.10, "channel %zu median ratio %.3f vs %.3f", c, m7 / m0, want);
        err_sum += m7 / m0 - want;
        CHECK(m7 >= 60);
        free(x0);
        free(x7);
        free(p0.p);
        free(p7.p);
    }
    CHECK_MSG(fabs(err_sum / 3) < 0.04, "mean median-ratio error %.3f", err_sum / 3);
    bl_recording_destroy(rec);
    bl_synth_truth_destroy(t);
    bl_synth_destroy(s);
}

/* ------------------------------------------------------------ burst shape */

/* Torque-shaped bursts: RMS rises through the eccentric and falls through
 * the concentric (early vs late halves, clean signal, ST over 6 reps). */
static void test_torque_shape(void)
{
    bl_synth_config cfg;
    bl_synth_config_default(&cfg);
    clean(&cfg);
    cfg.map = "L.ST,AUX";
    bl_synth *s = test_make_synth(&cfg);
    bl_synth_hinge_config h;
    bl_synth_hinge_config_default(&h);
    h.shape = BL_SYNTH_TORQUE;
    h.reps = 6;
    bl_recording *rec = NULL;
    bl_synth_truth *t = NULL;
    CHECK(bl_synth_hinge(s, &h, &rec, &t) == BL_OK);
    double e1 = 0, e2 = 0, c1 = 0, c2 = 0;
    for (size_t k = 0; k < 6; k++) {
        bl_synth_rep r;
        bl_synth_truth_get_rep(t, k, &r);
        double em = 0.5 * (r.start_s + 0.4 + r.turn_s), cm = 0.5 * (r.turn_s + 0.25 + r.end_s);
        size_t n;
        float *x;
        x = segment_uV(rec, 0, r.start_s + 0.4, em, &n); e1 += rms(x, n); free(x);
        x = segment_uV(rec, 0, em, r.turn_s, &n); e2 += rms(x, n); free(x);
        x = segment_uV(rec, 0, r.turn_s + 0.25, cm, &n); c1 += rms(x, n); free(x);
        x = segment_uV(rec, 0, cm, r.end_s, &n); c2 += rms(x, n); free(x);
    }
    printf("  torque shape: eccentric RMS %.0f -> %.0f uV, concentric %.0f -> %.0f uV (6-rep sums)\n", e1, e2, c1, c2);
    CHECK_MSG(e2 > 1.2 * e1, "eccentric does not rise (%.0f -> %.0f)", e1, e2);
    CHECK_MSG(c1 > 1.1 * c2, "concentric does not ease off (%.0f -> %.0f)", c1, c2);
    bl_recording_destroy(rec);
    bl_synth_truth_destroy(t);
    bl_synth_destroy(s);
    CHECK_EQ_INT(bl_synth_shape_from_name("torque"), BL_SYNTH_TORQUE);
    CHECK(!strcmp(bl_synth_shape_name(BL_SYNTH_PLATEAU), "plateau"));
}

/* ------------------------------------------------------------ artefacts */

static double band_power(const psd *p, double f, double half)
{
    double acc = 0;
    for (size_t k = 0; k < p->bins; k++)
        if (fabs((double)k * p->df - f) <= half)
            acc += p->p[k];
    return acc;
}

/* Mains and ECG on 20 s of quiet standing (ST and EO), in each mains
 * family. */
static void test_mains_and_ecg(void)
{
    /* Mains: the chosen family stands out by > 10 dB against the other. */
    for (int fam = 0; fam < 2; fam++) {
        bl_synth_config cfg;
        bl_synth_config_default(&cfg);
        cfg.map = "L.ST,L.EO";
        cfg.mains_hz = fam ? 60 : 50;
        bl_synth *s = test_make_synth(&cfg);
        bl_recording *rec = NULL;
        bl_synth_truth *t = NULL;
        CHECK(bl_synth_rest(s, 20.0, &rec, &t) == BL_OK);
        size_t n;
        float *x = segment_uV(rec, 0, 0, 20, &n);
        psd p = welch(x, n, 2000);
        double own = band_power(&p, cfg.mains_hz, 1.5) + band_power(&p, 3 * cfg.mains_hz, 1.5);
        double other_f = fam ? 50 : 60;
        double other = band_power(&p, other_f, 1.5) + band_power(&p, 3 * other_f, 1.5);
        printf("  mains %g Hz: %.1f dB over the other family\n", cfg.mains_hz, 10 * log10(own / other));
        CHECK(10 * log10(own / other) > 10);
        free(p.p);
        free(x);

        /* ECG: EO carries the beats, ST does not. The signal averaged over
         * the truth's R-wave times (±50 ms; mains, not locked to the heart,
         * averages out) against the same average 0.37 s earlier, between
         * the previous T wave and the P wave. */
        for (size_t c = 0; c < 2; c++) {
            float *y = segment_uV(rec, c, 0, 20, &n);
            size_t w = 100, used = 0;
            double on[201] = {0}, off[201] = {0};
            for (size_t b = 0; b < bl_synth_truth_ecg_count(t); b++) {
                double tb = bl_synth_truth_ecg_time(t, b);
                if (tb < 0.5 || tb > 19.8)
                    continue;
                size_t i0 = (size_t)(tb * 2000) - w, j0 = (size_t)((tb - 0.37) * 2000) - w;
                for (size_t i = 0; i <= 2 * w; i++) {
                    on[i] += y[i0 + i];
                    off[i] += y[j0 + i];
                }
                used++;
            }
            double ea = 0, eb = 0;
            for (size_t i = 0; i <= 2 * w; i++) {
                ea += on[i] * on[i];
                eb += off[i] * off[i];
            }
            double ratio = sqrt(ea / eb);
            printf("  mains %g: %s ECG template over %zu beats %.2fx the off-beat average\n", cfg.mains_hz,
                   c ? "EO" : "ST", used, ratio);
            if (c == 1)
                CHECK_MSG(ratio > 2.0, "ECG not visible on EO (ratio %.2f)", ratio);
            else
                CHECK_MSG(ratio < 1.6, "ECG leaks into ST (ratio %.2f)", ratio);
            free(y);
        }
        bl_recording_destroy(rec);
        bl_synth_truth_destroy(t);
        bl_synth_destroy(s);
    }
}

/* Crosstalk: a BF-only contraction shows on ST at a few % of BF's
 * amplitude, and not at all with crosstalk 0. */
static void test_crosstalk(void)
{
    for (int on = 0; on < 2; on++) {
        bl_synth_config cfg;
        bl_synth_config_default(&cfg);
        clean(&cfg);
        cfg.map = "L.ST,L.BF";
        cfg.crosstalk = on ? 0.05 : 0.0;
        bl_synth *s = test_make_synth(&cfg);
        bl_synth_mvc_config m;
        bl_synth_mvc_config_default(&m);
        m.others_pct = 0;
        bl_recording *rec = NULL;
        CHECK(bl_synth_mvc(s, &m, 1, &rec, NULL) == BL_OK);
        size_t n;
        float *st = segment_uV(rec, 0, 1, 4, &n), *bf = segment_uV(rec, 1, 1, 4, &n);
        double ratio = rms(st, n) / rms(bf, n);
        printf("  crosstalk %.2f: ST/BF RMS during a BF MVC %.3f\n", cfg.crosstalk, ratio);
        if (on)
            CHECK_MSG(ratio > 0.02 && ratio < 0.10, "crosstalk ratio %.3f", ratio);
        else
            CHECK_MSG(ratio < 0.01, "crosstalk off but ratio %.3f", ratio);
        free(st);
        free(bf);
        bl_recording_destroy(rec);
        bl_synth_destroy(s);
    }
}

int main(void)
{
    printf("spectrum and amplitude\n");
    test_spectrum_and_amplitude();
    printf("rate independence\n");
    test_rate_independence();
    printf("fatigue\n");
    test_fatigue();
    printf("torque shape\n");
    test_torque_shape();
    printf("artefacts\n");
    test_mains_and_ecg();
    test_crosstalk();
    return test_finish("test_synth_signal");
}
