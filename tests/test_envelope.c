/* Envelope module: conditioning contract, mains detection and removal,
 * AUX channels untouched, moving RMS/average and TKEO against closed forms,
 * the streaming envelope's block-split invariance and reset. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backline/window.h"
#include "backline/envelope.h"
#include "check.h"

static uint64_t rng_state = 0x1234567887654321ull;
static double uniform(void)
{
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static double rms(const float *x, size_t lo, size_t hi)
{
    double s = 0;
    for (size_t i = lo; i < hi; i++) s += (double)x[i] * x[i];
    return sqrt(s / (double)(hi - lo));
}

/* Broadband noise bursts plus hum at `mains` Hz (0 = none) and an AUX ramp. */
static bl_recording *make(double rate, double seconds, double mains, const char *map)
{
    size_t n = (size_t)(rate * seconds);
    bl_recording *r = NULL;
    if (bl_recording_create(2, n, rate, &r) != BL_OK) return NULL;
    float *x = bl_recording_data(r, 0), *aux = bl_recording_data(r, 1);
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / rate;
        double burst = fmod(t, 2.0) < 1.0 ? 1.0 : 0.05;
        x[i] = (float)(0.1 * (uniform() - 0.5) * burst);
        for (int h = 1; h <= 3 && mains > 0; h++) x[i] += (float)(0.05 / h * sin(2 * M_PI * mains * h * t));
        aux[i] = (float)(t / seconds);
    }
    if (map) bl_recording_set_map(r, map, NULL, 0);
    return r;
}

static void check_mains(double mains, bl_notch_mode mode)
{
    bl_recording *in = make(2000, 8, mains, "L.ST,AUX"), *out = NULL;
    bl_envelope_config cfg;
    bl_envelope_config_default(&cfg);
    cfg.notch = mode;
    bl_condition_report rep;
    CHECK_EQ_INT(bl_condition(in, &cfg, &out, &rep), BL_OK);
    if (!out) return;
    double expect = mode == BL_NOTCH_OFF ? 0 : mode == BL_NOTCH_50 ? 50 : mode == BL_NOTCH_60 ? 60 : mains;
    CHECK_MSG(rep.mains_hz == expect, "mains %g Hz, mode %d: report says %g Hz", mains, (int)mode, rep.mains_hz);
    if (expect > 0) {
        CHECK_MSG(rep.notch_sections == (size_t)(450 / expect), "%zu notches for %g Hz up to 450 Hz",
                  rep.notch_sections, expect);
        /* Residual hum: correlate with the fundamental. */
        const float *y = bl_recording_cdata(out, 0);
        size_t n = bl_recording_frames(out);
        double re = 0, im = 0;
        for (size_t i = 2000; i < n - 2000; i++) {
            re += y[i] * cos(2 * M_PI * expect * (double)i / 2000);
            im += y[i] * sin(2 * M_PI * expect * (double)i / 2000);
        }
        double amp = 2 * sqrt(re * re + im * im) / (double)(n - 4000);
        CHECK_MSG(amp < 0.05 * 0.01, "hum at %g Hz left at %g (from 0.05)", expect, amp);
    }
    /* AUX is resampled/copied, never filtered. */
    const float *aux = bl_recording_cdata(out, 1), *aux_in = bl_recording_cdata(in, 1);
    CHECK_NEAR(aux[5000], aux_in[5000], 1e-6);
    bl_recording_destroy(in);
    bl_recording_destroy(out);
}

static void check_envelope_levels(void)
{
    /* The envelope follows the bursts: on/off ratio near 20 (1 vs 0.05). */
    bl_recording *in = make(2000, 8, 0, "L.BF,AUX"), *env = NULL;
    bl_envelope_config cfg;
    bl_envelope_config_default(&cfg);
    cfg.notch = BL_NOTCH_OFF;
    CHECK_EQ_INT(bl_envelope_recording(in, &cfg, &env, NULL), BL_OK);
    if (!env) return;
    const float *e = bl_recording_cdata(env, 0);
    double on = rms(e, 4400, 5600), off = rms(e, 6400, 7600);
    CHECK_MSG(on / off > 10, "envelope on/off ratio %g", on / off);
    /* Rectified uniform noise in [-0.05, 0.05] band-passed: mean |x| of the
     * in-band part; just check the scale is right within 2x. */
    CHECK_MSG(on > 0.01 && on < 0.05, "envelope level %g", on);
    bl_recording_destroy(in);
    bl_recording_destroy(env);
}

/* In place gives the same numbers as the copying form, resampled or not,
 * and refuses bad input without touching the recording. */
static void check_in_place(double rate)
{
    bl_recording *a = make(rate, 4, 50, "L.ST,AUX"), *b = NULL, *env = NULL;
    const size_t all[2] = {0, 1};
    CHECK_EQ_INT(bl_recording_select(a, all, 2, &b), BL_OK); /* the same samples */
    bl_envelope_config cfg;
    bl_envelope_config_default(&cfg);
    bl_condition_report ra, rb;
    CHECK_EQ_INT(bl_envelope_recording(a, &cfg, &env, &ra), BL_OK);
    CHECK_EQ_INT(bl_envelope_in_place(b, &cfg, &rb), BL_OK);
    if (env) {
        CHECK_EQ_INT(bl_recording_frames(b), bl_recording_frames(env));
        CHECK_NEAR(bl_recording_rate(b), 2000, 0);
        CHECK_NEAR(rb.mains_hz, ra.mains_hz, 0);
        for (size_t c = 0; c < 2; c++)
            CHECK_MSG(memcmp(bl_recording_cdata(b, c), bl_recording_cdata(env, c),
                             bl_recording_frames(env) * sizeof(float)) == 0,
                      "%g Hz: in-place channel %zu differs from the copying form", rate, c);
    }
    bl_recording_destroy(env);
    bl_recording_destroy(a);
    bl_recording_destroy(b);
    a = make(rate, 2, 0, NULL);
    bl_recording_data(a, 0)[7] = NAN;
    CHECK_EQ_INT(bl_condition_in_place(a, &cfg, NULL), BL_ENONFINITE);
    CHECK_NEAR(bl_recording_rate(a), rate, 0);
    CHECK(isnan(bl_recording_data(a, 0)[7]));
    bl_recording_destroy(a);
}

/* Hum removal leaves no transient at the ends: a notch edge must not read
 * as muscle activity (it once did, from sosfiltfilt's odd padding). */
static void check_notch_edges(double mains)
{
    const double rate = 2000;
    size_t n = (size_t)(rate * 6);
    bl_recording *r = NULL, *env = NULL;
    CHECK_EQ_INT(bl_recording_create(1, n, rate, &r), BL_OK);
    float *x = bl_recording_data(r, 0);
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / rate;
        x[i] = (float)(0.02 * sin(2 * M_PI * mains * t + 0.7) + 0.01 * sin(2 * M_PI * 3 * mains * t + 0.2) +
                       0.002 * (uniform() - 0.5));
    }
    bl_envelope_config cfg;
    bl_envelope_config_default(&cfg);
    CHECK_EQ_INT(bl_envelope_recording(r, &cfg, &env, NULL), BL_OK);
    if (env) {
        const float *e = bl_recording_cdata(env, 0);
        double interior = rms(e, 2000, n - 2000), head = rms(e, 0, 500), tail = rms(e, n - 500, n);
        CHECK_MSG(head < 2 * interior && tail < 2 * interior,
                  "%g Hz hum: envelope edges %.3g / %.3g against %.3g inside", mains, head, tail, interior);
    }
    bl_recording_destroy(r);
    bl_recording_destroy(env);
}

static void check_contract(void)
{
    bl_envelope_config cfg;
    bl_envelope_config_default(&cfg);
    CHECK_NEAR(cfg.rate_hz, 2000, 0);
    CHECK_NEAR(cfg.bandpass_lo_hz, 20, 0);
    CHECK_NEAR(cfg.bandpass_hi_hz, 450, 0);
    CHECK_EQ_INT(cfg.bandpass_order, 4);
    CHECK_NEAR(cfg.lowpass_hz, 6, 0);
    CHECK_EQ_INT(cfg.notch, BL_NOTCH_AUTO);
    bl_recording *out = (bl_recording *)1;
    bl_recording *in = make(2000, 2, 0, NULL);
    CHECK_EQ_INT(bl_condition(NULL, &cfg, &out, NULL), BL_EINVAL);
    CHECK_EQ_INT(bl_condition(in, NULL, &out, NULL), BL_EINVAL);
    CHECK(out == NULL);
    bl_envelope_config bad = cfg;
    bad.bandpass_hi_hz = 1200; /* above Nyquist of 2 kHz */
    CHECK_EQ_INT(bl_condition(in, &bad, &out, NULL), BL_ERANGE);
    bad = cfg;
    bad.rate_hz = 100;
    CHECK_EQ_INT(bl_condition(in, &bad, &out, NULL), BL_ERATE);
    bl_recording_destroy(in);
    /* A 250 Hz file cannot carry 20-450 Hz. */
    in = make(250, 4, 0, NULL);
    CHECK_EQ_INT(bl_condition(in, &cfg, &out, NULL), BL_ERATE);
    bl_recording_destroy(in);
    /* NaN is refused, never filtered. */
    in = make(2000, 2, 0, NULL);
    bl_recording_data(in, 0)[100] = NAN;
    CHECK_EQ_INT(bl_condition(in, &cfg, &out, NULL), BL_ENONFINITE);
    bl_recording_destroy(in);
    /* Too short for the filter's edge padding. */
    in = make(2000, 0.01, 0, NULL);
    CHECK_EQ_INT(bl_condition(in, &cfg, &out, NULL), BL_ENODATA);
    bl_recording_destroy(in);
}

/* The moving average and RMS against the textbook form (every prefix sum kept):
 * the same bits, in place or not, for windows shorter and longer than the
 * signal (the ring of sums it keeps must not drop one still read). */
static void check_moving_average_exact(void)
{
    const double rate = 1000;
    const size_t lens[] = {1, 2, 7, 500, 3001};
    const double windows[] = {0.001, 0.0035, 0.1, 0.999, 5.0};
    for (size_t a = 0; a < sizeof lens / sizeof *lens; a++) {
        size_t n = lens[a];
        float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *ref = malloc(n * sizeof *ref);
        double *cum = malloc((n + 1) * sizeof *cum);
        for (size_t i = 0; i < n; i++) x[i] = (float)(sin(0.37 * (double)i) + 0.01 * (double)(i % 13));
        for (size_t b = 0; b < sizeof windows / sizeof *windows; b++) {
            double w = windows[b] * rate;
            if (w > (double)n * 4 + 1) w = (double)n * 4 + 1;
            size_t half = (size_t)llround(w) / 2;
            for (int squared = 0; squared < 2; squared++) {
                cum[0] = 0;
                for (size_t i = 0; i < n; i++) cum[i + 1] = cum[i] + (squared ? (double)x[i] * x[i] : (double)x[i]);
                for (size_t i = 0; i < n; i++) {
                    size_t lo = i > half ? i - half : 0, hi = i + half + 1 < n ? i + half + 1 : n;
                    double m = (cum[hi] - cum[lo]) / (double)(hi - lo);
                    ref[i] = (float)(squared ? sqrt(m > 0 ? m : 0) : m);
                }
                bl_status (*fn)(const float *, size_t, double, double, float *) =
                    squared ? bl_moving_rms : bl_moving_average;
                CHECK_EQ_INT(fn(x, n, rate, windows[b], y), BL_OK);
                CHECK(memcmp(y, ref, n * sizeof *y) == 0);
                memcpy(y, x, n * sizeof *y);
                CHECK_EQ_INT(fn(y, n, rate, windows[b], y), BL_OK);
                CHECK(memcmp(y, ref, n * sizeof *y) == 0);
            }
            /* the caller's scratch (n + 1 doubles, as documented) gives the same bits */
            CHECK_EQ_INT(bl_moving_average_scratch(x, n, rate, windows[b], y, cum), BL_OK);
            CHECK_EQ_INT(bl_moving_average(x, n, rate, windows[b], ref), BL_OK);
            CHECK(memcmp(y, ref, n * sizeof *y) == 0);
        }
        free(x);
        free(y);
        free(ref);
        free(cum);
    }
}

static void check_rms_tkeo(void)
{
    const double rate = 2000, f = 50, a = 0.8;
    size_t n = 4000;
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++) x[i] = (float)(a * sin(2 * M_PI * f * (double)i / rate));
    CHECK_EQ_INT(bl_moving_rms(x, n, rate, 0.1, y), BL_OK);
    CHECK_NEAR(y[2000], a / sqrt(2), 2e-3);
    CHECK_EQ_INT(bl_moving_average(x, n, rate, 0.1, y), BL_OK);
    CHECK_NEAR(y[2000], 0, 2e-3);
    /* The caller's scratch gives the same bits, and NULL scratch is refused. */
    {
        float *z = malloc(n * sizeof *z);
        double *cum = malloc((n + 1) * sizeof *cum);
        CHECK_EQ_INT(bl_moving_average_scratch(x, n, rate, 0.1, z, cum), BL_OK);
        CHECK(memcmp(y, z, n * sizeof *z) == 0);
        CHECK_EQ_INT(bl_moving_average_scratch(x, n, rate, 0.1, z, NULL), BL_EINVAL);
        free(z);
        free(cum);
    }
    /* TKEO of A sin(wn) is A² sin²(w), constant. */
    CHECK_EQ_INT(bl_tkeo(x, n, y), BL_OK);
    double w = 2 * M_PI * f / rate, expect = a * a * sin(w) * sin(w);
    CHECK_NEAR(y[1234], expect, 1e-5);
    CHECK_NEAR(y[0], y[1], 0);
    CHECK_EQ_INT(bl_tkeo(x, n, x), BL_EINVAL);
    CHECK_EQ_INT(bl_moving_rms(x, n, rate, 0, y), BL_ERANGE);
    CHECK_EQ_INT(bl_moving_rms(NULL, n, rate, 0.1, y), BL_EINVAL);
    free(x);
    free(y);
}

static void check_stream(void)
{
    const size_t ch = 3, n = 9000;
    const double rate = 2000;
    float *x = malloc(n * ch * sizeof *x), *a = malloc(n * ch * sizeof *a), *b = malloc(n * ch * sizeof *b);
    for (size_t i = 0; i < n * ch; i++) x[i] = (float)(uniform() - 0.5);
    bl_envelope_config cfg;
    bl_envelope_config_default(&cfg);
    bl_envelope_stream *s = NULL;
    CHECK_EQ_INT(bl_envelope_stream_create(&cfg, ch, rate, &s), BL_OK);
    if (!s) return;
    CHECK_EQ_INT(bl_envelope_stream_process(s, x, a, n), BL_OK);
    /* Reset equals fresh; any split gives the same output. */
    bl_envelope_stream_reset(s);
    size_t pos = 0, block = 1;
    while (pos < n) {
        size_t len = block < n - pos ? block : n - pos;
        CHECK_EQ_INT(bl_envelope_stream_process(s, x + pos * ch, b + pos * ch, len), BL_OK);
        pos += len;
        block = (block * 7 + 3) % 501 + 1;
    }
    CHECK_MSG(memcmp(a, b, n * ch * sizeof *a) == 0, "streaming envelope depends on the block split");
    double lat = bl_envelope_stream_latency(s);
    CHECK_MSG(lat > 10 && lat < 2000, "latency %g samples", lat);
    bl_envelope_stream_destroy(s);
    bl_envelope_stream_destroy(NULL);
    CHECK_EQ_INT(bl_envelope_stream_create(&cfg, ch, 100, &s), BL_ERATE);

    /* With a mains frequency given, hum does not read as activity; auto
     * finds it in the first second (zeros until then) and notches it too. */
    const size_t nh = 48000 * 2;
    float *hum = malloc(nh * sizeof *hum), *he = malloc(nh * sizeof *he), *hb = malloc(nh * sizeof *hb);
    for (size_t i = 0; i < nh; i++)
        hum[i] = (float)(0.05 * sin(2 * M_PI * 50 * (double)i / 48000) + 0.001 * (uniform() - 0.5));
    double level[3];
    const bl_notch_mode modes[3] = {BL_NOTCH_OFF, BL_NOTCH_50, BL_NOTCH_AUTO};
    for (int k = 0; k < 3; k++) {
        bl_envelope_config hc;
        bl_envelope_config_default(&hc);
        hc.notch = modes[k];
        CHECK_EQ_INT(bl_envelope_stream_create(&hc, 1, 48000, &s), BL_OK);
        if (!s) break;
        CHECK_NEAR(bl_envelope_stream_mains(s), modes[k] == BL_NOTCH_AUTO ? -1 : modes[k] == BL_NOTCH_50 ? 50 : 0, 0);
        if (modes[k] != BL_NOTCH_AUTO) CHECK_EQ_INT((long)bl_envelope_stream_warmup(s), 0);
        CHECK_EQ_INT(bl_envelope_stream_process(s, hum, he, nh), BL_OK);
        level[k] = rms(he, nh / 2, nh);
        if (modes[k] == BL_NOTCH_AUTO) {
            CHECK_NEAR(bl_envelope_stream_mains(s), 50, 0);
            size_t nonzero = 0;
            for (size_t i = 0; i < 48000; i++) nonzero += he[i] != 0;
            CHECK_MSG(nonzero == 0, "%zu samples of the detection second are not zero", nonzero);
            /* The held frames are what the stream says they are, and the
             * first after them is not held. */
            CHECK_EQ_INT((long)bl_envelope_stream_warmup(s), 48000);
            CHECK(he[48000] != 0);
            /* The detection does not depend on the block split either. */
            bl_envelope_stream_reset(s);
            CHECK_NEAR(bl_envelope_stream_mains(s), -1, 0);
            for (size_t at = 0, len = 777; at < nh; at += len) {
                if (len > nh - at) len = nh - at;
                CHECK_EQ_INT(bl_envelope_stream_process(s, hum + at, hb + at, len), BL_OK);
            }
            CHECK_MSG(memcmp(he, hb, nh * sizeof *he) == 0, "automatic mains stream depends on the block split");
        }
        bl_envelope_stream_destroy(s);
    }
    CHECK_MSG(level[1] < 0.02 * level[0], "50 Hz hum through the notched stream: %g vs %g without", level[1],
              level[0]);
    CHECK_MSG(level[2] < 0.02 * level[0], "50 Hz hum through the automatic stream: %g vs %g without", level[2],
              level[0]);
    free(hb);
    free(hum);
    free(he);
    free(x);
    free(a);
    free(b);
}

int main(void)
{
    check_mains(50, BL_NOTCH_AUTO);
    check_mains(60, BL_NOTCH_AUTO);
    check_mains(0, BL_NOTCH_AUTO);
    check_mains(50, BL_NOTCH_50);
    check_mains(60, BL_NOTCH_OFF);
    check_envelope_levels();
    check_notch_edges(50);
    check_notch_edges(60);
    check_in_place(2000);
    check_in_place(48000);
    check_contract();
    check_rms_tkeo();
    check_moving_average_exact();
    check_stream();
    return test_finish("test_envelope");
}
