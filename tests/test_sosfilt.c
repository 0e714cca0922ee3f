/* SOS filtering: SciPy reference outputs (fixtures/reference/sosfilt.json
 * from gen_reference.py), a scalar transcription of SciPy's loop for
 * configurations the fixture does not cover (many channels, long
 * cascades), block-split invariance, reset, in-place use and contracts. */
#include "check.h"

#include <cJSON.h>
#include <string.h>

#include "backline/filter.h"

static size_t json_doubles(const cJSON *arr, double *out, size_t max)
{
    size_t n = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, arr) {
        if (n < max) out[n] = v->valuedouble;
        n++;
    }
    return n;
}

static unsigned long long rng = 88172645463325252ull;
static double urand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (rng >> 11) * (1.0 / 9007199254740992.0);
}

/* scipy.signal._sosfilt, one channel, double in and out, from zi. */
static void ref_sosfilt(const double *sos, size_t ns, double *x, size_t n, double *zi /* ns x 2 */)
{
    for (size_t i = 0; i < n; i++) {
        double xc = x[i];
        for (size_t s = 0; s < ns; s++) {
            const double *c = sos + 6 * s;
            double xn = c[0] * xc + zi[2 * s];
            zi[2 * s] = (c[1] * xc - c[4] * xn) + zi[2 * s + 1];
            zi[2 * s + 1] = c[2] * xc - c[5] * xn;
            xc = xn;
        }
        x[i] = xc;
    }
}

/* scipy.signal.sosfiltfilt (odd padding, default padlen) in double. */
static void ref_sosfiltfilt(const double *sos, size_t ns, const float *x, size_t n, double *y)
{
    size_t pad = bl_sosfiltfilt_padlen(sos, ns), len = n + 2 * pad;
    double *e = malloc(len * sizeof *e), *zi = malloc(2 * ns * sizeof *zi), *z = malloc(2 * ns * sizeof *z);
    for (size_t i = 0; i < pad; i++) e[i] = (float)(2.0f * x[0] - x[pad - i]);
    for (size_t i = 0; i < n; i++) e[pad + i] = x[i];
    for (size_t j = 0; j < pad; j++) e[pad + n + j] = (float)(2.0f * x[n - 1] - x[n - 2 - j]);
    double scale = 1;
    for (size_t s = 0; s < ns; s++) {
        const double *c = sos + 6 * s;
        double B0 = c[1] - c[4] * c[0], B1 = c[2] - c[5] * c[0];
        double z0 = (B0 + B1) / (1 + c[4] + c[5]);
        zi[2 * s] = scale * z0;
        zi[2 * s + 1] = scale * (B1 - c[5] * z0);
        scale *= (c[0] + c[1] + c[2]) / (1 + c[4] + c[5]);
    }
    for (size_t k = 0; k < 2 * ns; k++) z[k] = zi[k] * e[0];
    ref_sosfilt(sos, ns, e, len, z);
    for (size_t i = 0; i < len / 2; i++) {
        double t = e[i];
        e[i] = e[len - 1 - i];
        e[len - 1 - i] = t;
    }
    for (size_t k = 0; k < 2 * ns; k++) z[k] = zi[k] * e[0];
    ref_sosfilt(sos, ns, e, len, z);
    for (size_t i = 0; i < n; i++) y[i] = e[len - 1 - pad - i];
    free(e);
    free(zi);
    free(z);
}

/* Tolerances. Streaming output is the float64 result rounded once to
 * float: within one float ulp. sosfiltfilt also rounds the intermediate
 * (forward) result to float, so allow a few ulps of the output's peak. */
#define STREAM_RTOL 1.2e-7
#define FILTFILT_PEAK_TOL 5e-7

static double peak_of(const double *v, size_t n)
{
    double p = 0;
    for (size_t i = 0; i < n; i++) p = fmax(p, fabs(v[i]));
    return p;
}

static void test_reference(void)
{
    cJSON *j = test_json_fixture("reference/sosfilt.json");
    if (!j) return;
    enum { MAXN = 4096 };
    static double xd[MAXN], want[MAXN], sos[64 * 6];
    static float x[MAXN], y[MAXN], planar[3][MAXN];
    size_t n = json_doubles(cJSON_GetObjectItemCaseSensitive(j, "x"), xd, MAXN);
    CHECK(n > 100 && n <= MAXN);
    for (size_t i = 0; i < n; i++) {
        x[i] = (float)xd[i];
        CHECK(x[i] == xd[i]); /* stored as float32 values */
    }
    const cJSON *c;
    int cases = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(j, "cases")) {
        const char *name = cJSON_GetObjectItemCaseSensitive(c, "name")->valuestring;
        size_t ns = 0;
        const cJSON *row;
        cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(c, "sos")) {
            json_doubles(row, sos + 6 * ns, 6);
            ns++;
        }
        CHECK_EQ_INT(bl_sosfiltfilt_padlen(sos, ns), (int)cJSON_GetObjectItemCaseSensitive(c, "padlen")->valuedouble);

        /* Streaming, one channel, one call. */
        CHECK(json_doubles(cJSON_GetObjectItemCaseSensitive(c, "sosfilt"), want, MAXN) == n);
        bl_sosfilt *f = NULL;
        CHECK(bl_sosfilt_create(sos, ns, 1, &f) == BL_OK);
        if (!f) continue;
        CHECK(bl_sosfilt_process(f, x, y, n) == BL_OK);
        double worst = 0, peak = peak_of(want, n);
        for (size_t i = 0; i < n; i++) {
            double err = fabs(y[i] - want[i]);
            worst = fmax(worst, err / peak);
            CHECK_MSG(err <= STREAM_RTOL * fabs(want[i]) + 1e-12 * peak, "%s sosfilt[%zu]: %.9g vs SciPy %.17g",
                      name, i, y[i], want[i]);
        }
        printf("%s: sosfilt max |err|/peak %.3g\n", name, worst);
        bl_sosfilt_destroy(f);

        /* Zero-phase, three planar channels scaled by powers of two. */
        CHECK(json_doubles(cJSON_GetObjectItemCaseSensitive(c, "sosfiltfilt"), want, MAXN) == n);
        const float gain[3] = {1.0f, -2.0f, 0.25f};
        for (int ch = 0; ch < 3; ch++)
            for (size_t i = 0; i < n; i++) planar[ch][i] = gain[ch] * x[i];
        float *ptrs[3] = {planar[0], planar[1], planar[2]};
        CHECK(bl_sosfiltfilt(sos, ns, ptrs, 3, n, 0) == BL_OK);
        peak = peak_of(want, n);
        worst = 0;
        for (int ch = 0; ch < 3; ch++)
            for (size_t i = 0; i < n; i++) {
                double err = fabs(planar[ch][i] / gain[ch] - want[i]);
                worst = fmax(worst, err / peak);
                CHECK_MSG(err <= FILTFILT_PEAK_TOL * peak, "%s sosfiltfilt ch %d [%zu]: %.9g vs SciPy %.17g", name,
                          ch, i, planar[ch][i] / gain[ch], want[i]);
            }
        printf("%s: sosfiltfilt max |err|/peak %.3g\n", name, worst);
        cases++;
    }
    CHECK(cases >= 3);
    cJSON_Delete(j);
}

/* Many channel counts and cascade lengths against the scalar reference. */
static void test_against_scalar(void)
{
    const size_t n = 3001;
    float *inter = malloc(16 * n * sizeof *inter), *out = malloc(16 * n * sizeof *out);
    double *ref = malloc(n * sizeof *ref), *zi = calloc(2 * 32, sizeof *zi);
    float *planar[16];
    for (int c = 0; c < 16; c++) planar[c] = malloc(n * sizeof(float));
    double sos[32 * 6];
    size_t ns;
    const struct { int order; bl_band band; double f1, f2; } designs[] = {
        {1, BL_LOWPASS, 100, 0}, {3, BL_HIGHPASS, 20, 0}, {4, BL_BANDPASS, 20, 450},
        {12, BL_BANDPASS, 20, 450}, {9, BL_BANDSTOP, 45, 55}, {16, BL_LOWPASS, 6, 0},
    };
    const size_t chans[] = {1, 3, 4, 5, 8, 9, 16};
    for (size_t d = 0; d < sizeof designs / sizeof *designs; d++) {
        CHECK(bl_butter_design(designs[d].order, designs[d].band, designs[d].f1, designs[d].f2, 2000, sos, 32,
                               &ns) == BL_OK);
        for (size_t ci = 0; ci < sizeof chans / sizeof *chans; ci++) {
            size_t C = chans[ci];
            for (size_t i = 0; i < n; i++)
                for (size_t c = 0; c < C; c++) {
                    float v = (float)(urand() - 0.5 + 0.3 * c + (i > n / 2 ? 1.0 : 0.0));
                    inter[i * C + c] = v;
                    planar[c][i] = v;
                }
            bl_sosfilt *f = NULL;
            CHECK(bl_sosfilt_create(sos, ns, C, &f) == BL_OK);
            if (!f) continue;
            CHECK(bl_sosfilt_process(f, inter, out, n) == BL_OK);
            bl_sosfilt_destroy(f);
            int bad = 0;
            for (size_t c = 0; c < C; c++) {
                for (size_t i = 0; i < n; i++) ref[i] = inter[i * C + c];
                memset(zi, 0, 2 * 32 * sizeof *zi);
                ref_sosfilt(sos, ns, ref, n, zi);
                for (size_t i = 0; i < n; i++)
                    if ((float)ref[i] != out[i * C + c]) bad++;
            }
            /* Same operations in the same order: bit-identical after the
             * final rounding to float. */
            CHECK_MSG(bad == 0, "order %d band %d, %zu channels: %d streaming samples differ from the scalar loop",
                      designs[d].order, designs[d].band, C, bad);

            CHECK(bl_sosfiltfilt(sos, ns, planar, C, n, 0) == BL_OK);
            double worst = 0;
            for (size_t c = 0; c < C; c++) {
                float *orig = malloc(n * sizeof *orig);
                for (size_t i = 0; i < n; i++) orig[i] = inter[i * C + c];
                ref_sosfiltfilt(sos, ns, orig, n, ref);
                double peak = peak_of(ref, n);
                for (size_t i = 0; i < n; i++) worst = fmax(worst, fabs(planar[c][i] - ref[i]) / peak);
                free(orig);
            }
            CHECK_MSG(worst <= FILTFILT_PEAK_TOL, "order %d band %d, %zu channels: filtfilt error %.3g of peak",
                      designs[d].order, designs[d].band, C, worst);
        }
    }
    for (int c = 0; c < 16; c++) free(planar[c]);
    free(inter);
    free(out);
    free(ref);
    free(zi);
}

static void test_streaming_properties(void)
{
    const size_t C = 6, n = 5000;
    double sos[8 * 6];
    size_t ns;
    CHECK(bl_butter_design(4, BL_BANDPASS, 20, 450, 2000, sos, 8, &ns) == BL_OK);
    float *x = malloc(C * n * sizeof *x), *whole = malloc(C * n * sizeof *x), *split = malloc(C * n * sizeof *x);
    for (size_t i = 0; i < C * n; i++) x[i] = (float)(urand() * 2 - 1);
    bl_sosfilt *f = NULL, *g = NULL;
    CHECK(bl_sosfilt_create(sos, ns, C, &f) == BL_OK);
    CHECK(bl_sosfilt_create(sos, ns, C, &g) == BL_OK);
    if (!f || !g) return;
    CHECK(bl_sosfilt_process(f, x, whole, n) == BL_OK);

    /* Random block sizes, including 1 and blocks longer than the
     * internal 256-frame transpose block. */
    for (int trial = 0; trial < 5; trial++) {
        bl_sosfilt_reset(g);
        size_t done = 0;
        while (done < n) {
            size_t b = trial == 0 ? 1 : 1 + (size_t)(urand() * (trial < 3 ? 20 : 700));
            if (b > n - done) b = n - done;
            CHECK(bl_sosfilt_process(g, x + done * C, split + done * C, b) == BL_OK);
            done += b;
        }
        CHECK_MSG(memcmp(whole, split, C * n * sizeof *x) == 0, "block split (trial %d) changed the output", trial);
    }
    /* Zero frames is a no-op. */
    CHECK(bl_sosfilt_process(g, NULL, NULL, 0) == BL_OK);

    /* Reset equals a fresh object. */
    CHECK(bl_sosfilt_process(f, x, split, n / 3) == BL_OK);
    bl_sosfilt_reset(f);
    CHECK(bl_sosfilt_process(f, x, split, n) == BL_OK);
    CHECK_MSG(memcmp(whole, split, C * n * sizeof *x) == 0, "reset does not equal a fresh filter");

    /* In place. */
    bl_sosfilt_reset(f);
    memcpy(split, x, C * n * sizeof *x);
    CHECK(bl_sosfilt_process(f, split, split, n) == BL_OK);
    CHECK_MSG(memcmp(whole, split, C * n * sizeof *x) == 0, "in-place output differs");

    /* Channels are independent: channel 2 alone gives the same result. */
    float *one = malloc(n * sizeof *one), *oneout = malloc(n * sizeof *one);
    for (size_t i = 0; i < n; i++) one[i] = x[i * C + 2];
    bl_sosfilt *h = NULL;
    CHECK(bl_sosfilt_create(sos, ns, 1, &h) == BL_OK);
    CHECK(bl_sosfilt_process(h, one, oneout, n) == BL_OK);
    int bad = 0;
    for (size_t i = 0; i < n; i++) bad += oneout[i] != whole[i * C + 2];
    CHECK_EQ_INT(bad, 0);

    /* Latency is the cascade's group delay. */
    CHECK_NEAR(bl_sosfilt_latency(f, 95, 2000), bl_sos_group_delay(sos, ns, 95, 2000), 1e-12);
    CHECK(bl_sosfilt_latency(f, 95, 2000) > 1.0);
    CHECK(isnan(bl_sosfilt_latency(NULL, 95, 2000)));

    /* Steady-state gain: a 100 Hz sine passes, a 2 Hz one is removed. */
    bl_sosfilt_destroy(h);
    CHECK(bl_sosfilt_create(sos, ns, 1, &h) == BL_OK);
    for (size_t i = 0; i < n; i++) one[i] = (float)(sin(2 * M_PI * 100 * i / 2000.0) + sin(2 * M_PI * 2 * i / 2000.0));
    CHECK(bl_sosfilt_process(h, one, oneout, n) == BL_OK);
    double pk = 0;
    for (size_t i = n / 2; i < n; i++) pk = fmax(pk, fabs(oneout[i]));
    CHECK_NEAR(pk, 1.0, 0.02);

    free(one);
    free(oneout);
    bl_sosfilt_destroy(h);
    bl_sosfilt_destroy(f);
    bl_sosfilt_destroy(g);
    free(x);
    free(whole);
    free(split);
}

static void test_filtfilt_properties(void)
{
    /* Zero phase: a 100 Hz sine through the band-pass keeps its phase
     * (the peak stays where it was) and its amplitude. */
    const size_t n = 4000;
    double sos[8 * 6];
    size_t ns;
    CHECK(bl_butter_design(4, BL_BANDPASS, 20, 450, 2000, sos, 8, &ns) == BL_OK);
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) x[i] = (float)sin(2 * M_PI * 100 * i / 2000.0);
    float *p[1] = {x};
    CHECK(bl_sosfiltfilt(sos, ns, p, 1, n, 0) == BL_OK);
    double err = 0;
    for (size_t i = 500; i < n - 500; i++) err = fmax(err, fabs(x[i] - sin(2 * M_PI * 100 * i / 2000.0)));
    CHECK_MSG(err < 1e-3, "zero-phase 100 Hz sine changed by %g", err);

    /* Shortest accepted input: padlen + 1 frames; padlen frames refused. */
    size_t pad = bl_sosfiltfilt_padlen(sos, ns);
    CHECK_EQ_INT(pad, 27);
    CHECK_EQ_INT(bl_sosfiltfilt(sos, ns, p, 1, pad, 0), BL_EINVAL);
    CHECK_EQ_INT(bl_sosfiltfilt(sos, ns, p, 1, pad + 1, 0), BL_OK);
    /* Odd orders have a first-order section: padlen counts it once. */
    CHECK(bl_butter_design(3, BL_LOWPASS, 50, 0, 2000, sos, 8, &ns) == BL_OK);
    CHECK_EQ_INT(bl_sosfiltfilt_padlen(sos, ns), 3 * (2 * 2 + 1 - 1));
    free(x);
}

/* Long multi-channel inputs are split over threads by channel ranges:
 * each channel must come out exactly as when filtered alone, whatever
 * the thread count asked for (0 = one per core, 1 = none, 3, 8). */
static void test_filtfilt_threads(void)
{
    const size_t C = 5, n = 300000;
    double sos[8 * 6];
    size_t ns;
    CHECK(bl_butter_design(4, BL_BANDPASS, 20, 450, 2000, sos, 8, &ns) == BL_OK);
    float *all[5], *alone[5];
    const size_t asked[] = {0, 1, 3, 8};
    int bad = 0;
    for (size_t c = 0; c < C; c++) {
        alone[c] = malloc(n * sizeof(float));
        all[c] = malloc(n * sizeof(float));
        for (size_t i = 0; i < n; i++) alone[c][i] = (float)(urand() - 0.5 + c);
    }
    float *source[5];
    for (size_t c = 0; c < C; c++) {
        source[c] = malloc(n * sizeof(float));
        memcpy(source[c], alone[c], n * sizeof(float));
        float *p[1] = {alone[c]};
        CHECK(bl_sosfiltfilt(sos, ns, p, 1, n, 1) == BL_OK);
    }
    for (size_t t = 0; t < sizeof asked / sizeof asked[0]; t++) {
        for (size_t c = 0; c < C; c++) memcpy(all[c], source[c], n * sizeof(float));
        CHECK(bl_sosfiltfilt(sos, ns, all, C, n, asked[t]) == BL_OK);
        for (size_t c = 0; c < C; c++) bad += memcmp(alone[c], all[c], n * sizeof(float)) != 0;
    }
    for (size_t c = 0; c < C; c++) {
        free(alone[c]);
        free(all[c]);
        free(source[c]);
    }
    CHECK_MSG(bad == 0, "%d channel runs differ between the threaded multi-channel runs and single-channel runs", bad);
}

static void test_contract(void)
{
    double sos[6] = {1, 0, 0, 1, 0, 0};
    bl_sosfilt *f = (bl_sosfilt *)&f;
    CHECK_EQ_INT(bl_sosfilt_create(NULL, 1, 1, &f), BL_EINVAL);
    CHECK(f == NULL);
    CHECK_EQ_INT(bl_sosfilt_create(sos, 0, 1, &f), BL_EINVAL);
    CHECK_EQ_INT(bl_sosfilt_create(sos, 1, 0, &f), BL_EINVAL);
    CHECK_EQ_INT(bl_sosfilt_create(sos, 1, 1, NULL), BL_EINVAL);
    double bad[6] = {1, 0, 0, 0, 0, 0};
    CHECK_EQ_INT(bl_sosfilt_create(bad, 1, 1, &f), BL_EINVAL);
    bad[3] = 1;
    bad[1] = NAN;
    CHECK_EQ_INT(bl_sosfilt_create(bad, 1, 1, &f), BL_EINVAL);
    CHECK_EQ_INT(bl_sosfilt_process(NULL, NULL, NULL, 1), BL_EINVAL);
    CHECK(bl_sosfilt_create(sos, 1, 2, &f) == BL_OK);
    float buf[4] = {1, 2, 3, 4};
    CHECK_EQ_INT(bl_sosfilt_process(f, NULL, buf, 2), BL_EINVAL);
    CHECK_EQ_INT(bl_sosfilt_process(f, buf, NULL, 2), BL_EINVAL);
    CHECK_EQ_INT(bl_sosfilt_process(f, buf, buf, 2), BL_OK);
    CHECK(buf[0] == 1 && buf[3] == 4); /* identity section */
    bl_sosfilt_destroy(f);
    bl_sosfilt_destroy(NULL);
    bl_sosfilt_reset(NULL);

    float x[100] = {0};
    float *p[2] = {x, NULL};
    CHECK_EQ_INT(bl_sosfiltfilt(NULL, 1, p, 1, 100, 0), BL_EINVAL);
    CHECK_EQ_INT(bl_sosfiltfilt(sos, 0, p, 1, 100, 0), BL_EINVAL);
    CHECK_EQ_INT(bl_sosfiltfilt(sos, 1, NULL, 1, 100, 0), BL_EINVAL);
    CHECK_EQ_INT(bl_sosfiltfilt(sos, 1, p, 0, 100, 0), BL_EINVAL);
    CHECK_EQ_INT(bl_sosfiltfilt(sos, 1, p, 2, 100, 0), BL_EINVAL); /* NULL channel */
    CHECK_EQ_INT(bl_sosfiltfilt(sos, 1, p, 1, 0, 0), BL_EINVAL);
    CHECK_EQ_INT(bl_sosfiltfilt(bad, 1, p, 1, 100, 0), BL_EINVAL);
    CHECK_EQ_INT(bl_sosfiltfilt_padlen(NULL, 1), 0);
    CHECK_EQ_INT(bl_sosfiltfilt_padlen(sos, 1), 3 * (2 + 1 - 1));
}

int main(void)
{
    test_contract();
    test_streaming_properties();
    test_filtfilt_properties();
    test_against_scalar();
    test_filtfilt_threads();
    test_reference();
    return test_finish("test_sosfilt");
}
