/* The signal core's resampler on plain arrays (resample.h, linked against
 * backline_core alone): from audio rates 450 Hz content survives, what
 * would alias into the EMG band is rejected, output is time-aligned and
 * sized as bl_resample_length says, an offset and a drift do not ring at
 * the ends, channels are independent, streaming equals offline, a full
 * output buffer loses nothing, reset equals a fresh object, contract
 * codes. The recording-level wrapper (bl_recording_resample) is tested in
 * test_recording.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backline/resample.h"
#include "check.h"

static double tone_rms(const float *x, size_t n, double f, double rate, size_t skip)
{
    /* Amplitude of the f component by correlation (single-bin DFT). */
    double re = 0, im = 0;
    size_t m = 0;
    for (size_t i = skip; i + skip < n; i++, m++) {
        re += x[i] * cos(2 * M_PI * f * (double)i / rate);
        im += x[i] * sin(2 * M_PI * f * (double)i / rate);
    }
    return 2 * sqrt(re * re + im * im) / (double)m;
}

static float *tone(double rate, double f, double seconds, double phase, size_t *n)
{
    *n = (size_t)(rate * seconds);
    float *x = malloc(*n * sizeof *x);
    for (size_t i = 0; i < *n; i++) x[i] = (float)(0.5 * sin(2 * M_PI * f * (double)i / rate + phase));
    return x;
}

/* One channel through bl_resample; *m receives the output length. NULL
 * (a counted failure) when it fails. */
static float *resample1(const float *x, size_t n, double in_rate, double out_rate, size_t *m)
{
    *m = bl_resample_length(n, in_rate, out_rate);
    float *y = malloc((*m ? *m : 1) * sizeof *y);
    const float *in[1] = {x};
    float *out[1] = {y};
    bl_status st = bl_resample(in, 1, n, in_rate, out_rate, out);
    CHECK_MSG(st == BL_OK, "%g -> %g Hz: bl_resample %d", in_rate, out_rate, st);
    if (st != BL_OK) {
        free(y);
        return NULL;
    }
    return y;
}

static void check_band(double in_rate)
{
    const double out_rate = 2000;
    /* In-band 450 Hz: amplitude kept within 0.05 dB. */
    size_t n, m;
    float *in = tone(in_rate, 450, 2.0, 0, &n);
    float *y = resample1(in, n, in_rate, out_rate, &m);
    free(in);
    if (!y) return;
    CHECK_EQ_INT(m, (long long)llround(2.0 * out_rate));
    double a = tone_rms(y, m, 450, out_rate, 100);
    CHECK_MSG(fabs(20 * log10(a / 0.5)) < 0.05, "%g Hz -> 2 kHz: 450 Hz amplitude %.5f (%.3f dB)", in_rate, a,
              20 * log10(a / 0.5));
    /* Time alignment: the output sample at t equals the input tone at t. */
    double worst = 0;
    for (size_t i = 200; i < 3800; i++) {
        double e = fabs(y[i] - 0.5 * sin(2 * M_PI * 450 * (double)i / out_rate));
        if (e > worst) worst = e;
    }
    CHECK_MSG(worst < 5e-3, "%g Hz -> 2 kHz: output not time-aligned (max error %g)", in_rate, worst);
    free(y);

    /* 1500 Hz would alias to 500 Hz, 1550 Hz to 450 Hz: rejected by > 80 dB. */
    const double aliases[] = {1500, 1550, 3900};
    for (size_t k = 0; k < 3; k++) {
        in = tone(in_rate, aliases[k], 2.0, 0, &n);
        y = resample1(in, n, in_rate, out_rate, &m);
        free(in);
        if (!y) continue;
        double folded = fabs(aliases[k] - out_rate * round(aliases[k] / out_rate));
        double leak = tone_rms(y, m, folded, out_rate, 100);
        CHECK_MSG(20 * log10(leak / 0.5 + 1e-20) < -80, "%g Hz -> 2 kHz: %g Hz leaks as %g Hz at %.1f dB", in_rate,
                  aliases[k], folded, 20 * log10(leak / 0.5 + 1e-20));
        free(y);
    }
}

/* Planar channels are independent: three at once equal each alone, and
 * equal rates copy. */
static void check_channels(void)
{
    const double in_rate = 44100, out_rate = 2000;
    size_t n, m;
    float *x[3];
    x[0] = tone(in_rate, 97, 1.0, 0.0, &n);
    x[1] = tone(in_rate, 311, 1.0, 1.0, &n);
    x[2] = tone(in_rate, 23, 1.0, 2.0, &n);
    m = bl_resample_length(n, in_rate, out_rate);
    float *y[3];
    for (int c = 0; c < 3; c++) y[c] = malloc(m * sizeof(float));
    CHECK_EQ_INT(bl_resample((const float *const *)x, 3, n, in_rate, out_rate, y), BL_OK);
    for (int c = 0; c < 3; c++) {
        size_t m1;
        float *alone = resample1(x[c], n, in_rate, out_rate, &m1);
        CHECK_EQ_INT(m1, m);
        CHECK_MSG(alone && memcmp(alone, y[c], m * sizeof(float)) == 0, "channel %d differs from itself alone", c);
        free(alone);
    }
    float *copy = malloc(n * sizeof *copy);
    const float *in0[1] = {x[0]};
    CHECK_EQ_INT(bl_resample(in0, 1, n, in_rate, in_rate, &copy), BL_OK);
    CHECK(memcmp(copy, x[0], n * sizeof *copy) == 0);
    free(copy);
    for (int c = 0; c < 3; c++) {
        free(x[c]);
        free(y[c]);
    }
}

static void check_stream_matches_offline(void)
{
    const double in_rate = 48000, out_rate = 2000;
    size_t n, n_off;
    float *x = tone(in_rate, 123, 1.0, 0.3, &n);
    float *o = resample1(x, n, in_rate, out_rate, &n_off);
    bl_resampler *r = NULL;
    CHECK_EQ_INT(bl_resampler_create(1, in_rate, out_rate, &r), BL_OK);
    if (!o || !r) {
        free(x);
        free(o);
        bl_resampler_destroy(r);
        return;
    }
    size_t cap = bl_resampler_max_output(r, n), got = 0;
    float *y = calloc(cap, sizeof *y);
    /* Uneven blocks, then a flush. */
    size_t pos = 0, block = 1;
    while (pos < n) {
        size_t len = block < n - pos ? block : n - pos, made = 0, used = 0;
        CHECK_EQ_INT(bl_resampler_process(r, x + pos, len, &used, y + got, cap - got, &made, 0), BL_OK);
        CHECK_EQ_INT(used, len);
        got += made;
        pos += len;
        block = block * 3 + 7;
    }
    /* Before the flush the stream lags by about the reported latency. */
    double lag = (double)n * out_rate / in_rate - (double)got, reported = bl_resampler_latency(r);
    CHECK_MSG(reported > 10 && lag <= reported + 2, "stream lags %g output samples, latency says %g", lag, reported);
    size_t made = 0;
    CHECK_EQ_INT(bl_resampler_process(r, NULL, 0, NULL, y + got, cap - got, &made, 1), BL_OK);
    got += made;
    CHECK_MSG(got + 2 >= n_off, "stream produced %zu frames, offline %zu", got, n_off);
    double worst = 0;
    /* Offline pads the ends by reflection, the stream cannot: compare away
     * from the first and last 100 output samples. */
    for (size_t i = 100; i + 100 < got && i + 100 < n_off; i++)
        if (fabs(o[i] - y[i]) > worst) worst = fabs(o[i] - y[i]);
    CHECK_MSG(worst < 1e-4, "stream vs offline differ by %g", worst);
    free(y);
    free(o);
    free(x);
    bl_resampler_destroy(r);
}

/* A DC offset (raw ADC counts) and a slow drift must not ring at the ends. */
static void check_edges(double in_rate, double out_rate)
{
    size_t n = (size_t)(in_rate * 3), m;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) x[i] = (float)(2048.0 + 100.0 * (double)i / (double)n);
    float *y = resample1(x, n, in_rate, out_rate, &m);
    free(x);
    if (!y) return;
    double worst = 0;
    for (size_t i = 0; i < m; i++) {
        double expect = 2048.0 + 100.0 * ((double)i / out_rate) * in_rate / (double)n;
        if (fabs(y[i] - expect) > worst) worst = fabs(y[i] - expect);
    }
    CHECK_MSG(worst < 0.05, "%g -> %g Hz: DC + drift deviates by %g at most (of 2048)", in_rate, out_rate, worst);
    free(y);
}

/* The streaming object: documented codes, sizes that do not wrap. */
static void check_resampler_contract(void)
{
    bl_resampler *r = (bl_resampler *)1;
    CHECK_EQ_INT(bl_resampler_create(1, 48000, 2000, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_resampler_create(0, 48000, 2000, &r), BL_EINVAL);
    CHECK(r == NULL);
    CHECK_EQ_INT(bl_resampler_create(1, 192000, 100, &r), BL_ERANGE); /* ratio below 1/256 */
    CHECK_EQ_INT(bl_resampler_create(1, -1, 2000, &r), BL_ERANGE);
    bl_resampler_destroy(NULL);
    CHECK_EQ_INT(bl_resampler_create(1, 48000, 2000, &r), BL_OK);
    CHECK(bl_resampler_max_output(r, SIZE_MAX) > SIZE_MAX / 25); /* no wrap-around */
    float x[4] = {0}, y[4];
    size_t made = 0;
    CHECK_EQ_INT(bl_resampler_process(NULL, x, 4, NULL, y, 4, &made, 0), BL_EINVAL);
    CHECK_EQ_INT(bl_resampler_process(r, NULL, 4, NULL, y, 4, &made, 0), BL_EINVAL);
    CHECK_EQ_INT(bl_resampler_process(r, x, 4, NULL, NULL, 4, &made, 0), BL_EINVAL);
    CHECK_EQ_INT(bl_resampler_process(r, x, 4, NULL, y, 4, NULL, 0), BL_EINVAL);
    bl_resampler_destroy(r);
    CHECK_EQ_INT(bl_resampler_create(1, 1000, 256000, &r), BL_OK);
    CHECK(bl_resampler_max_output(r, SIZE_MAX) == SIZE_MAX); /* saturates */
    bl_resampler_destroy(r);
    CHECK(strstr(bl_resample_method(2000, 3000), "libsamplerate") != NULL);
    CHECK(strcmp(bl_resample_method(48000, 2000), "polyphase FIR decimation") == 0);
}

/* The offline array API: rates, lengths and codes as resample.h says. */
static void check_offline_contract(void)
{
    CHECK_EQ_INT(bl_resample_check(48000, 2000), BL_OK);
    CHECK_EQ_INT(bl_resample_check(2000, 2000), BL_OK);
    CHECK_EQ_INT(bl_resample_check(192000, 100), BL_ERANGE); /* below 1/256 */
    CHECK_EQ_INT(bl_resample_check(100, 25601), BL_ERANGE);  /* above 256 */
    CHECK_EQ_INT(bl_resample_check(0, 2000), BL_ERANGE);
    CHECK_EQ_INT(bl_resample_check(-48000, 2000), BL_ERANGE);
    CHECK_EQ_INT(bl_resample_check(NAN, 2000), BL_ERANGE);
    CHECK_EQ_INT(bl_resample_check(48000, INFINITY), BL_ERANGE);
    CHECK_EQ_INT(bl_resample_length(96000, 48000, 2000), 4000);
    CHECK_EQ_INT(bl_resample_length(44100, 44100, 2000), 2000);
    CHECK_EQ_INT(bl_resample_length(37, 48000, 2000), 2);  /* round(1.54) */
    CHECK_EQ_INT(bl_resample_length(36, 48000, 2000), 2);  /* round(1.5) */
    CHECK_EQ_INT(bl_resample_length(35, 48000, 2000), 1);  /* round(1.46) */
    CHECK_EQ_INT(bl_resample_length(1000, 192000, 100), 0); /* ratio outside */
    float a[48] = {0}, b[48];
    const float *in[1] = {a}, *none[1] = {NULL};
    float *out[1] = {b}, *nowhere[1] = {NULL};
    CHECK_EQ_INT(bl_resample(NULL, 1, 48, 48000, 2000, out), BL_EINVAL);
    CHECK_EQ_INT(bl_resample(in, 1, 48, 48000, 2000, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_resample(none, 1, 48, 48000, 2000, out), BL_EINVAL);
    CHECK_EQ_INT(bl_resample(in, 1, 48, 48000, 2000, nowhere), BL_EINVAL);
    CHECK_EQ_INT(bl_resample(in, 0, 48, 48000, 2000, out), BL_EINVAL);
    CHECK_EQ_INT(bl_resample(in, 1, 0, 48000, 2000, out), BL_EINVAL);
    CHECK_EQ_INT(bl_resample(in, 1, 48, 192000, 100, out), BL_ERANGE);
    CHECK_EQ_INT(bl_resample(in, 1, 48, 48000, NAN, out), BL_ERANGE);
    CHECK_EQ_INT(bl_resample(in, 1, 11, 48000, 2000, out), BL_ENODATA); /* round(0.46) = 0 */
    CHECK_EQ_INT(bl_resample(in, 1, 48, 48000, 2000, out), BL_OK);
}

/* An output buffer too small for the block: the resampler says how much
 * input it took, and feeding the rest gives what one large call gives. */
static void check_output_full(void)
{
    enum { N = 48000, SMALL = 100 };
    float *x = malloc(N * sizeof *x);
    for (size_t i = 0; i < N; i++) x[i] = (float)sin(2 * M_PI * 37.0 * (double)i / 48000.0);
    bl_resampler *whole = NULL, *parts = NULL;
    CHECK_EQ_INT(bl_resampler_create(1, 48000, 2000, &whole), BL_OK);
    CHECK_EQ_INT(bl_resampler_create(1, 48000, 2000, &parts), BL_OK);
    size_t cap = bl_resampler_max_output(whole, N), n_whole = 0, used = 0;
    float *a = calloc(cap, sizeof *a), *b = calloc(cap, sizeof *b);
    CHECK_EQ_INT(bl_resampler_process(whole, x, N, &used, a, cap, &n_whole, 1), BL_OK);
    CHECK_EQ_INT(used, N);
    size_t pos = 0, got = 0, calls = 0, partial = 0;
    for (int end = 0; !end && calls < 100000; calls++) {
        size_t made = 0;
        end = pos == N;
        size_t room = cap - got < SMALL ? cap - got : SMALL;
        bl_status st = bl_resampler_process(parts, x + pos, N - pos, &used, b + got, room, &made, end);
        CHECK(st == BL_OK || st == BL_ERANGE);
        if (st == BL_ERANGE) {
            CHECK(used < N - pos);
            CHECK_EQ_INT(made, room);
            partial++;
            end = 0;
        }
        pos += used;
        got += made;
        if (end && made == room) end = 0; /* the tail may not fit either */
    }
    CHECK_MSG(partial > 10, "the small output filled %zu times", partial);
    CHECK_EQ_INT(got, n_whole);
    size_t same = 0;
    for (size_t i = 0; i < got && i < n_whole; i++) same += a[i] == b[i];
    CHECK_MSG(same == n_whole, "%zu of %zu samples equal when fed in parts", same, n_whole);
    free(a);
    free(b);
    free(x);
    bl_resampler_destroy(whole);
    bl_resampler_destroy(parts);
}

/* Interleaved stereo through a used-then-reset object equals a fresh one. */
static void check_reset(void)
{
    enum { N = 9600, C = 2 };
    float *x = malloc(N * C * sizeof *x);
    for (size_t i = 0; i < N; i++) {
        x[i * C] = (float)sin(2 * M_PI * 61.0 * (double)i / 48000.0);
        x[i * C + 1] = (float)(0.25 * cos(2 * M_PI * 203.0 * (double)i / 48000.0));
    }
    bl_resampler *used_r = NULL, *fresh = NULL;
    CHECK_EQ_INT(bl_resampler_create(C, 48000, 2000, &used_r), BL_OK);
    CHECK_EQ_INT(bl_resampler_create(C, 48000, 2000, &fresh), BL_OK);
    if (!used_r || !fresh) {
        free(x);
        bl_resampler_destroy(used_r);
        bl_resampler_destroy(fresh);
        return;
    }
    size_t cap = bl_resampler_max_output(fresh, N), na = 0, nb = 0;
    float *a = calloc(cap * C, sizeof *a), *b = calloc(cap * C, sizeof *b);
    CHECK_EQ_INT(bl_resampler_process(used_r, x + 123 * C, N / 2, NULL, a, cap, &na, 0), BL_OK);
    bl_resampler_reset(used_r);
    CHECK_EQ_INT(bl_resampler_process(used_r, x, N, NULL, a, cap, &na, 1), BL_OK);
    CHECK_EQ_INT(bl_resampler_process(fresh, x, N, NULL, b, cap, &nb, 1), BL_OK);
    CHECK_EQ_INT(na, nb);
    CHECK_MSG(na == nb && memcmp(a, b, na * C * sizeof *a) == 0, "after reset the output differs from a fresh object");
    free(a);
    free(b);
    free(x);
    bl_resampler_destroy(used_r);
    bl_resampler_destroy(fresh);
}

int main(void)
{
    const double rates[] = {44100, 48000, 96000, 192000, 22050};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) check_band(rates[i]);
    check_channels();
    check_stream_matches_offline();
    check_edges(1000, 2000);
    check_edges(44100, 2000);
    check_edges(48000, 2000);
    check_edges(250, 2000);
    check_resampler_contract();
    check_offline_contract();
    check_output_full();
    check_reset();
    return test_finish("test_resample");
}
