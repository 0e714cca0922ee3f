/* Filter design against SciPy reference vectors (fixtures/reference/
 * butter_sos.json, notch_sos.json from gen_reference.py), frequency-response
 * properties, and the argument contract. */
#include "check.h"
#include "json.h"

#include <complex.h>
#include <string.h>

#include "backline/filter.h"

/* Tolerance on each coefficient: relative to the reference value, with a
 * floor relative to the largest coefficient of the same row so that
 * coefficients which are zero up to cancellation (b1 of a band-pass
 * section) are judged on the row's scale. */
#define COEF_RTOL 1e-12

static double worst_rel = 0, worst_abs_rowscaled = 0;

/* Compare a design with a reference "sos" array; returns the worst error
 * in units of COEF_RTOL-relative terms and reports failures. */
static void compare_sos(const char *call, const double *sos, size_t ns, const cJSON *ref)
{
    int rows = cJSON_GetArraySize(ref);
    CHECK_MSG((size_t)rows == ns, "%s: %zu sections, SciPy has %d", call, ns, rows);
    if ((size_t)rows != ns) return;
    for (int r = 0; r < rows; r++) {
        const cJSON *row = cJSON_GetArrayItem(ref, r);
        double rowmax = 0;
        for (int c = 0; c < 6; c++) rowmax = fmax(rowmax, fabs(cJSON_GetArrayItem(row, c)->valuedouble));
        for (int c = 0; c < 6; c++) {
            double want = cJSON_GetArrayItem(row, c)->valuedouble;
            double got = sos[r * 6 + c];
            double err = fabs(got - want);
            if (want != 0 && fabs(want) > 1e-9 * rowmax) worst_rel = fmax(worst_rel, err / fabs(want));
            else worst_abs_rowscaled = fmax(worst_abs_rowscaled, err / rowmax);
            double tol = COEF_RTOL * fmax(fabs(want), 1e-9 * rowmax);
            CHECK_MSG(err <= tol, "%s: section %d coef %d: %.17g vs SciPy %.17g (err %.3g)", call, r, c,
                      got, want, err);
        }
    }
}

static bl_band band_of(const char *s)
{
    if (!strcmp(s, "lowpass")) return BL_LOWPASS;
    if (!strcmp(s, "highpass")) return BL_HIGHPASS;
    if (!strcmp(s, "bandpass")) return BL_BANDPASS;
    return BL_BANDSTOP;
}

static void test_butter_reference(void)
{
    cJSON *j = test_json_fixture("reference/butter_sos.json");
    if (!j) return;
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(j, "cases");
    int n = cJSON_GetArraySize(cases);
    CHECK(n >= 100);
    for (int i = 0; i < n; i++) {
        const cJSON *c = cJSON_GetArrayItem(cases, i);
        const char *call = cJSON_GetObjectItemCaseSensitive(c, "call")->valuestring;
        int order = (int)test_json_num(c, "order");
        bl_band band = band_of(cJSON_GetObjectItemCaseSensitive(c, "band")->valuestring);
        double sos[BL_BUTTER_MAX_ORDER * 6];
        size_t ns = 0;
        bl_status st = bl_butter_design(order, band, test_json_num(c, "f1"), test_json_num(c, "f2"), test_json_num(c, "rate"), sos,
                                        BL_BUTTER_MAX_ORDER, &ns);
        CHECK_MSG(st == BL_OK, "%s: status %d", call, st);
        if (st != BL_OK) continue;
        CHECK_EQ_INT(ns, bl_butter_sections(order, band));
        compare_sos(call, sos, ns, cJSON_GetObjectItemCaseSensitive(c, "sos"));
    }
    printf("butter: %d SciPy designs; worst relative coefficient error %.3g, worst error of "
           "near-zero coefficients relative to their row %.3g\n", n, worst_rel, worst_abs_rowscaled);
    cJSON_Delete(j);
}

static void test_notch_reference(void)
{
    cJSON *j = test_json_fixture("reference/notch_sos.json");
    if (!j) return;
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(j, "cases");
    int n = cJSON_GetArraySize(cases);
    CHECK(n >= 5);
    double before = worst_rel;
    worst_rel = 0;
    for (int i = 0; i < n; i++) {
        const cJSON *c = cJSON_GetArrayItem(cases, i);
        const char *call = cJSON_GetObjectItemCaseSensitive(c, "call")->valuestring;
        const char *kind = cJSON_GetObjectItemCaseSensitive(c, "kind")->valuestring;
        double sos[64 * 6];
        size_t ns = 0;
        bl_status st;
        if (!strcmp(kind, "notch")) {
            st = bl_notch_design(test_json_num(c, "f0"), test_json_num(c, "q"), test_json_num(c, "rate"), sos);
            ns = 1;
        } else {
            st = bl_mains_design(test_json_num(c, "mains"), test_json_num(c, "q"), test_json_num(c, "upper"), test_json_num(c, "rate"), sos, 64,
                                 &ns);
        }
        CHECK_MSG(st == BL_OK, "%s: status %d", call, st);
        if (st == BL_OK) compare_sos(call, sos, ns, cJSON_GetObjectItemCaseSensitive(c, "sos"));
    }
    printf("notch/mains: %d SciPy designs; worst relative coefficient error %.3g\n", n, worst_rel);
    worst_rel = fmax(worst_rel, before);
    cJSON_Delete(j);
}

static double db(double g) { return 20 * log10(g); }

static void test_properties(void)
{
    double sos[BL_BUTTER_MAX_ORDER * 6];
    size_t ns;
    const double m3db = -3.0102999566398120; /* 20 log10(1/sqrt 2) */

    /* The project's band-pass: 20-450 Hz, order 4, at 2 kHz. */
    CHECK(bl_butter_design(4, BL_BANDPASS, 20, 450, 2000, sos, 8, &ns) == BL_OK);
    CHECK_EQ_INT(ns, 4);
    CHECK_NEAR(db(bl_sos_gain(sos, ns, 20, 2000)), m3db, 0.01);
    CHECK_NEAR(db(bl_sos_gain(sos, ns, 450, 2000)), m3db, 0.01);
    for (double f = 40; f <= 250; f += 10) CHECK_NEAR(db(bl_sos_gain(sos, ns, f, 2000)), 0.0, 0.01);
    for (double f = 30; f <= 400; f += 10) CHECK_NEAR(db(bl_sos_gain(sos, ns, f, 2000)), 0.0, 1.0);
    /* 24 dB/octave skirts: two octaves out is below -40 dB. */
    CHECK(db(bl_sos_gain(sos, ns, 5, 2000)) < -40);
    CHECK(db(bl_sos_gain(sos, ns, 0.001, 2000)) < -100);
    CHECK(db(bl_sos_gain(sos, ns, 950, 2000)) < -30);

    /* Envelope low-pass: 6 Hz, order 4, at 2 kHz. */
    CHECK(bl_butter_design(4, BL_LOWPASS, 6, 0, 2000, sos, 8, &ns) == BL_OK);
    CHECK_EQ_INT(ns, 2);
    CHECK_NEAR(db(bl_sos_gain(sos, ns, 6, 2000)), m3db, 0.01);
    CHECK_NEAR(bl_sos_gain(sos, ns, 0, 2000), 1.0, 1e-9);
    CHECK_NEAR(db(bl_sos_gain(sos, ns, 1, 2000)), 0.0, 0.01);
    CHECK(db(bl_sos_gain(sos, ns, 24, 2000)) < -47); /* 2 octaves, 4th order: ~ -48 dB */

    /* High-pass at an audio rate, odd order (a first-order section). */
    CHECK(bl_butter_design(5, BL_HIGHPASS, 20, 0, 44100, sos, 8, &ns) == BL_OK);
    CHECK_EQ_INT(ns, 3);
    CHECK_NEAR(db(bl_sos_gain(sos, ns, 20, 44100)), m3db, 0.01);
    CHECK_NEAR(bl_sos_gain(sos, ns, 22050, 44100), 1.0, 1e-9);
    CHECK(db(bl_sos_gain(sos, ns, 5, 44100)) < -55);

    /* Band-stop around 50 Hz. */
    CHECK(bl_butter_design(2, BL_BANDSTOP, 45, 55, 1000, sos, 8, &ns) == BL_OK);
    CHECK_NEAR(db(bl_sos_gain(sos, ns, 45, 1000)), m3db, 0.01);
    CHECK_NEAR(db(bl_sos_gain(sos, ns, 55, 1000)), m3db, 0.01);
    CHECK(db(bl_sos_gain(sos, ns, sqrt(45 * 55.0), 1000)) < -100);

    /* Notch: deep at f0, transparent away from it, -3 dB at f0 +/- f0/(2Q). */
    double n6[6];
    CHECK(bl_notch_design(50, 30, 2000, n6) == BL_OK);
    CHECK(db(bl_sos_gain(n6, 1, 50, 2000)) < -40);
    CHECK(db(bl_sos_gain(n6, 1, 50.2, 2000)) < -10);
    CHECK_NEAR(db(bl_sos_gain(n6, 1, 20, 2000)), 0, 0.05);
    CHECK_NEAR(db(bl_sos_gain(n6, 1, 100, 2000)), 0, 0.05);

    /* Mains cascade: 50 Hz and harmonics to 450 Hz at 2 kHz: 9 notches. */
    CHECK(bl_mains_design(50, 30, 450, 2000, sos, BL_BUTTER_MAX_ORDER, &ns) == BL_OK);
    CHECK_EQ_INT(ns, 9);
    for (int h = 1; h <= 9; h++) {
        double g = db(bl_sos_gain(sos, ns, 50.0 * h, 2000));
        CHECK_MSG(g < -40, "mains notch at %d Hz only %.1f dB deep", 50 * h, g);
    }
    CHECK_NEAR(db(bl_sos_gain(sos, ns, 75, 2000)), 0, 0.2);
    CHECK_NEAR(db(bl_sos_gain(sos, ns, 500, 2000)), 0, 0.2);
    /* Harmonics stop below Nyquist: 60 Hz at 250 Hz rate -> 60 and 120. */
    CHECK(bl_mains_design(60, 30, 1000, 250, sos, BL_BUTTER_MAX_ORDER, &ns) == BL_OK);
    CHECK_EQ_INT(ns, 2);
    /* 50 Hz at 1000 Hz with upper 1000: 450 is the last below 500. */
    CHECK(bl_mains_design(50, 30, 1000, 1000, sos, BL_BUTTER_MAX_ORDER, &ns) == BL_OK);
    CHECK_EQ_INT(ns, 9);
}

/* Group delay against a finite difference of the phase. */
static double complex response(const double *sos, size_t ns, double w)
{
    double complex h = 1, z1 = cexp(-I * w), z2 = cexp(-2 * I * w);
    for (size_t s = 0; s < ns; s++) {
        const double *c = sos + 6 * s;
        h *= (c[0] + c[1] * z1 + c[2] * z2) / (c[3] + c[4] * z1 + c[5] * z2);
    }
    return h;
}

static void test_group_delay(void)
{
    const double delay1[6] = {0, 1, 0, 1, 0, 0}, delay2[6] = {0, 0, 1, 1, 0, 0};
    const double avg[6] = {0.5, 0.5, 0, 1, 0, 0};
    CHECK_NEAR(bl_sos_group_delay(delay1, 1, 123, 1000), 1.0, 1e-12);
    CHECK_NEAR(bl_sos_group_delay(delay2, 1, 10, 1000), 2.0, 1e-12);
    CHECK_NEAR(bl_sos_group_delay(avg, 1, 100, 1000), 0.5, 1e-12);
    double sos[BL_BUTTER_MAX_ORDER * 6];
    size_t ns;
    CHECK(bl_butter_design(4, BL_BANDPASS, 20, 450, 2000, sos, 8, &ns) == BL_OK);
    for (double f = 25; f < 900; f += 75) {
        double w = 2 * M_PI * f / 2000, dw = 1e-6;
        double dphi = carg(response(sos, ns, w + dw) / response(sos, ns, w - dw));
        double fd = -dphi / (2 * dw);
        double gd = bl_sos_group_delay(sos, ns, f, 2000);
        CHECK_MSG(fabs(gd - fd) < 1e-5 * fmax(1, fabs(fd)), "group delay at %g Hz: %g vs %g", f, gd, fd);
    }
    /* Gain agrees with the direct evaluation. */
    for (double f = 1; f < 1000; f += 37)
        CHECK_NEAR(bl_sos_gain(sos, ns, f, 2000), cabs(response(sos, ns, 2 * M_PI * f / 2000)), 1e-12);
}

static void test_contract(void)
{
    double sos[BL_BUTTER_MAX_ORDER * 6];
    size_t ns = 12345;
    CHECK_EQ_INT(bl_butter_design(4, BL_LOWPASS, 10, 0, 1000, NULL, 8, &ns), BL_EINVAL);
    CHECK_EQ_INT(bl_butter_design(4, BL_LOWPASS, 10, 0, 1000, sos, 8, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_butter_design(4, (bl_band)7, 10, 0, 1000, sos, 8, &ns), BL_EINVAL);
    CHECK_EQ_INT(bl_butter_design(0, BL_LOWPASS, 10, 0, 1000, sos, 8, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_butter_design(-1, BL_LOWPASS, 10, 0, 1000, sos, 8, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_butter_design(BL_BUTTER_MAX_ORDER + 1, BL_LOWPASS, 10, 0, 1000, sos, 24, &ns),
                 BL_ERANGE);
    CHECK_EQ_INT(bl_butter_design(4, BL_LOWPASS, 500, 0, 1000, sos, 8, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_butter_design(4, BL_LOWPASS, 600, 0, 1000, sos, 8, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_butter_design(4, BL_HIGHPASS, 0, 0, 1000, sos, 8, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_butter_design(4, BL_HIGHPASS, -5, 0, 1000, sos, 8, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_butter_design(4, BL_HIGHPASS, NAN, 0, 1000, sos, 8, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_butter_design(4, BL_LOWPASS, 10, 0, 0, sos, 8, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_butter_design(4, BL_LOWPASS, 10, 0, NAN, sos, 8, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_butter_design(4, BL_BANDPASS, 450, 20, 2000, sos, 8, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_butter_design(4, BL_BANDPASS, 20, 20, 2000, sos, 8, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_butter_design(4, BL_BANDPASS, 20, 1000, 2000, sos, 8, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_butter_design(4, BL_BANDSTOP, 20, 1200, 2000, sos, 8, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_butter_design(4, BL_BANDPASS, 20, 450, 2000, sos, 3, &ns), BL_EINVAL);
    CHECK_EQ_INT(bl_butter_design(5, BL_LOWPASS, 20, 0, 2000, sos, 2, &ns), BL_EINVAL);
    CHECK_EQ_INT(ns, 12345); /* untouched on failure */
    CHECK_EQ_INT(bl_butter_design(5, BL_LOWPASS, 20, 0, 2000, sos, 3, &ns), BL_OK);
    CHECK_EQ_INT(ns, 3);
    CHECK_EQ_INT(bl_butter_sections(0, BL_LOWPASS), 0);
    CHECK_EQ_INT(bl_butter_sections(5, BL_HIGHPASS), 3);
    CHECK_EQ_INT(bl_butter_sections(5, BL_BANDPASS), 5);
    CHECK_EQ_INT(bl_butter_sections(25, BL_BANDSTOP), 0);
    CHECK_EQ_INT(bl_butter_design(24, BL_BANDPASS, 20, 450, 2000, sos, 24, &ns), BL_OK);
    CHECK_EQ_INT(ns, 24);

    CHECK_EQ_INT(bl_notch_design(50, 30, 2000, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_notch_design(50, 0, 2000, sos), BL_ERANGE);
    CHECK_EQ_INT(bl_notch_design(50, -1, 2000, sos), BL_ERANGE);
    CHECK_EQ_INT(bl_notch_design(0, 30, 2000, sos), BL_ERANGE);
    CHECK_EQ_INT(bl_notch_design(1000, 30, 2000, sos), BL_ERANGE);
    CHECK_EQ_INT(bl_notch_design(50, 30, 0, sos), BL_ERANGE);

    CHECK_EQ_INT(bl_mains_design(50, 30, 450, 2000, NULL, 9, &ns), BL_EINVAL);
    CHECK_EQ_INT(bl_mains_design(50, 30, 450, 2000, sos, 9, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_mains_design(50, 30, 450, 2000, sos, 8, &ns), BL_EINVAL);
    CHECK_EQ_INT(bl_mains_design(50, 30, 40, 2000, sos, 9, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_mains_design(50, 0, 450, 2000, sos, 9, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_mains_design(50, 30, 450, 80, sos, 9, &ns), BL_ERANGE);
    CHECK_EQ_INT(bl_mains_design(0, 30, 450, 2000, sos, 9, &ns), BL_ERANGE);

    CHECK(isnan(bl_sos_gain(NULL, 1, 10, 1000)));
    CHECK(isnan(bl_sos_group_delay(sos, 1, 10, 0)));
}

/* How long a cascade rings: a Q = 30 notch at 50 Hz decays with time
 * constant Q/(pi f0) = 0.19 s, so to 1 % in 4.6 of them (~1760 samples at
 * 2 kHz); a pole on the unit circle never decays. */
static void test_decay_samples(void)
{
    double sos[6];
    CHECK_EQ_INT(bl_notch_design(50, 30, 2000, sos), BL_OK);
    size_t n = bl_sos_decay_samples(sos, 1, 0.01);
    double expect = log(100.0) * 30 / (M_PI * 50) * 2000;
    CHECK_MSG(fabs((double)n - expect) < 0.03 * expect, "notch decays in %zu samples, expected about %.0f", n, expect);
    double unstable[6] = {1, 0, 0, 1, 0, 1};
    CHECK(bl_sos_decay_samples(unstable, 1, 0.01) == SIZE_MAX);
    CHECK_EQ_INT(bl_sos_decay_samples(NULL, 1, 0.01), 0);
}

int main(void)
{
    test_decay_samples();
    test_butter_reference();
    test_notch_reference();
    test_properties();
    test_group_delay();
    test_contract();
    return test_finish("test_filter_design");
}
