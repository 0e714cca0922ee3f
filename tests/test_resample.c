/* Resampling from audio rates: 450 Hz content survives, what would alias
 * into the EMG band is rejected, output is time-aligned and sized right,
 * streaming equals offline, contract codes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backline/recording.h"
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

static bl_recording *tone(double rate, double f, double seconds, double phase)
{
    size_t n = (size_t)(rate * seconds);
    bl_recording *r = NULL;
    if (bl_recording_create(1, n, rate, &r) != BL_OK) return NULL;
    float *x = bl_recording_data(r, 0);
    for (size_t i = 0; i < n; i++) x[i] = (float)(0.5 * sin(2 * M_PI * f * (double)i / rate + phase));
    return r;
}

static void check_band(double in_rate)
{
    const double out_rate = 2000;
    /* In-band 450 Hz: amplitude kept within 0.05 dB. */
    bl_recording *in = tone(in_rate, 450, 2.0, 0), *out = NULL;
    CHECK(in != NULL);
    CHECK_EQ_INT(bl_recording_resample(in, out_rate, &out), BL_OK);
    if (!out) return;
    CHECK_EQ_INT(bl_recording_frames(out), (long long)llround(2.0 * out_rate));
    double a = tone_rms(bl_recording_cdata(out, 0), bl_recording_frames(out), 450, out_rate, 100);
    CHECK_MSG(fabs(20 * log10(a / 0.5)) < 0.05, "%g Hz -> 2 kHz: 450 Hz amplitude %.5f (%.3f dB)", in_rate, a,
              20 * log10(a / 0.5));
    /* Time alignment: the output sample at t equals the input tone at t. */
    const float *y = bl_recording_cdata(out, 0);
    double worst = 0;
    for (size_t i = 200; i < 3800; i++) {
        double e = fabs(y[i] - 0.5 * sin(2 * M_PI * 450 * (double)i / out_rate));
        if (e > worst) worst = e;
    }
    CHECK_MSG(worst < 5e-3, "%g Hz -> 2 kHz: output not time-aligned (max error %g)", in_rate, worst);
    bl_recording_destroy(in);
    bl_recording_destroy(out);

    /* 1500 Hz would alias to 500 Hz, 1550 Hz to 450 Hz: rejected by > 80 dB. */
    const double aliases[] = {1500, 1550, 3900};
    for (size_t k = 0; k < 3; k++) {
        in = tone(in_rate, aliases[k], 2.0, 0);
        CHECK_EQ_INT(bl_recording_resample(in, out_rate, &out), BL_OK);
        double folded = fabs(aliases[k] - out_rate * round(aliases[k] / out_rate));
        double leak = tone_rms(bl_recording_cdata(out, 0), bl_recording_frames(out), folded, out_rate, 100);
        CHECK_MSG(20 * log10(leak / 0.5 + 1e-20) < -80, "%g Hz -> 2 kHz: %g Hz leaks as %g Hz at %.1f dB", in_rate,
                  aliases[k], folded, 20 * log10(leak / 0.5 + 1e-20));
        bl_recording_destroy(in);
        bl_recording_destroy(out);
    }
}

static void check_stream_matches_offline(void)
{
    const double in_rate = 48000, out_rate = 2000;
    bl_recording *in = tone(in_rate, 123, 1.0, 0.3), *off = NULL;
    CHECK_EQ_INT(bl_recording_resample(in, out_rate, &off), BL_OK);
    bl_resampler *r = NULL;
    CHECK_EQ_INT(bl_resampler_create(1, in_rate, out_rate, &r), BL_OK);
    size_t n = bl_recording_frames(in), cap = bl_resampler_max_output(r, n), got = 0;
    float *y = calloc(cap, sizeof *y);
    const float *x = bl_recording_cdata(in, 0);
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
    CHECK_MSG(got + 2 >= bl_recording_frames(off), "stream produced %zu frames, offline %zu", got,
              bl_recording_frames(off));
    const float *o = bl_recording_cdata(off, 0);
    double worst = 0;
    /* Offline pads the ends by reflection, the stream cannot: compare away
     * from the first and last 100 output samples. */
    for (size_t i = 100; i + 100 < got && i + 100 < bl_recording_frames(off); i++)
        if (fabs(o[i] - y[i]) > worst) worst = fabs(o[i] - y[i]);
    CHECK_MSG(worst < 1e-4, "stream vs offline differ by %g", worst);
    free(y);
    bl_resampler_destroy(r);
    bl_recording_destroy(in);
    bl_recording_destroy(off);
}

/* A DC offset (raw ADC counts) and a slow drift must not ring at the ends. */
static void check_edges(double in_rate, double out_rate)
{
    size_t n = (size_t)(in_rate * 3);
    bl_recording *in = NULL, *out = NULL;
    CHECK_EQ_INT(bl_recording_create(1, n, in_rate, &in), BL_OK);
    float *x = bl_recording_data(in, 0);
    for (size_t i = 0; i < n; i++) x[i] = (float)(2048.0 + 100.0 * (double)i / (double)n);
    CHECK_EQ_INT(bl_recording_resample(in, out_rate, &out), BL_OK);
    if (!out) return;
    const float *y = bl_recording_cdata(out, 0);
    size_t m = bl_recording_frames(out);
    double worst = 0;
    for (size_t i = 0; i < m; i++) {
        double expect = 2048.0 + 100.0 * ((double)i / out_rate) * in_rate / (double)n;
        if (fabs(y[i] - expect) > worst) worst = fabs(y[i] - expect);
    }
    CHECK_MSG(worst < 0.05, "%g -> %g Hz: DC + drift deviates by %g at most (of 2048)", in_rate, out_rate, worst);
    bl_recording_destroy(in);
    bl_recording_destroy(out);
}

static void check_contract(void)
{
    bl_resampler *r = (bl_resampler *)1;
    CHECK_EQ_INT(bl_resampler_create(1, 48000, 2000, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_resampler_create(0, 48000, 2000, &r), BL_EINVAL);
    CHECK(r == NULL);
    CHECK_EQ_INT(bl_resampler_create(1, 192000, 100, &r), BL_ERANGE); /* ratio below 1/256 */
    CHECK_EQ_INT(bl_resampler_create(1, -1, 2000, &r), BL_ERANGE);
    CHECK_EQ_INT(bl_recording_resample(NULL, 2000, NULL), BL_EINVAL);
    bl_resampler_destroy(NULL);
    CHECK_EQ_INT(bl_resampler_create(1, 48000, 2000, &r), BL_OK);
    CHECK(bl_resampler_max_output(r, SIZE_MAX) > SIZE_MAX / 25); /* no wrap-around */
    bl_resampler_destroy(r);
    CHECK_EQ_INT(bl_resampler_create(1, 1000, 256000, &r), BL_OK);
    CHECK(bl_resampler_max_output(r, SIZE_MAX) == SIZE_MAX); /* saturates */
    bl_resampler_destroy(r);
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

int main(void)
{
    const double rates[] = {44100, 48000, 96000, 192000, 22050};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) check_band(rates[i]);
    check_stream_matches_offline();
    check_edges(1000, 2000);
    check_edges(44100, 2000);
    check_edges(48000, 2000);
    check_edges(250, 2000);
    check_contract();
    check_output_full();
    return test_finish("test_resample");
}
