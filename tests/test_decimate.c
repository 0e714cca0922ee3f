/* The polyphase FIR decimator (resample.h, bl_decimator) against what the
 * issue asks of it, from the audio rates sound cards deliver (44.1, 48,
 * 96, 192 kHz) and from lab rates (4, 8, 10 kHz) to 2 kHz: the pass band
 * (to 40 % of the output rate, 800 Hz) flat within 0.05 dB; every tone
 * that would alias into it at least 90 dB down; output time-aligned with
 * the input (no delay); the length round(frames × out/in); the same output
 * however the input is split into blocks and whichever lanes the channels
 * share; an offset and a drift continue to the ends; contract codes. It
 * prints the worst figures it measured. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backline/resample.h"
#include "check.h"

#define OUT_RATE 2000.0
#define PASS_HZ 800.0
#define NCH 8

static const double RATES[] = {48000, 44100, 96000, 192000, 8000, 10000, 4000, 22050};
#define NRATES (sizeof RATES / sizeof RATES[0])

/* All of `frames` interleaved frames through one decimator, in blocks of
 * `block` frames (0: one block); returns the output (*m frames). */
static float *decimate(const float *x, size_t ch, size_t frames, double in_rate, size_t block, size_t *m)
{
    bl_decimator *d = NULL;
    *m = 0;
    if (bl_decimator_create(ch, in_rate, OUT_RATE, &d) != BL_OK) {
        CHECK_MSG(0, "%g Hz: create failed", in_rate);
        return NULL;
    }
    size_t cap = bl_decimator_max_output(d, frames) + bl_decimator_max_output(d, 0);
    float *y = malloc(cap * ch * sizeof *y);
    size_t got = 0;
    for (size_t done = 0; done < frames;) {
        size_t n = block && frames - done > block ? block : frames - done;
        size_t room = cap - *m;
        CHECK(bl_decimator_process(d, x + done * ch, n, y + *m * ch, room, &got) == BL_OK);
        *m += got;
        done += n;
    }
    CHECK(bl_decimator_finish(d, y + *m * ch, cap - *m, &got) == BL_OK);
    *m += got;
    bl_decimator_destroy(d);
    return y;
}

/* Amplitude of the f component of channel c by a least-squares fit of a
 * sine and a cosine, away from the first and last `skip` frames. */
static double amplitude(const float *y, size_t ch, size_t c, size_t m, double f, double rate, size_t skip)
{
    double cc = 0, ss = 0, cs = 0, yc = 0, ys = 0;
    for (size_t i = skip; i + skip < m; i++) {
        double w = 2 * M_PI * f * (double)i / rate, co = cos(w), si = sin(w), v = y[i * ch + c];
        cc += co * co;
        ss += si * si;
        cs += co * si;
        yc += v * co;
        ys += v * si;
    }
    double det = cc * ss - cs * cs, a = (yc * ss - ys * cs) / det, b = (ys * cc - yc * cs) / det;
    return sqrt(a * a + b * b);
}

/* The strongest component of channel c between 0 and hi_hz: a
 * Blackman-Harris window (side lobes below -92 dB) and Goertzel's
 * recurrence every 1 Hz over one second of output. */
static double strongest_below(const float *y, size_t ch, size_t c, size_t m, double hi_hz)
{
    size_t n = (size_t)OUT_RATE, start = (m - n) / 2;
    static double w[(size_t)OUT_RATE];
    double wsum = 0, best = 0;
    for (size_t i = 0; i < n; i++) {
        double t = 2 * M_PI * (double)i / (double)(n - 1);
        w[i] = 0.35875 - 0.48829 * cos(t) + 0.14128 * cos(2 * t) - 0.01168 * cos(3 * t);
        wsum += w[i];
    }
    for (double q = 0; q <= hi_hz; q += 1) {
        double k = 2 * cos(2 * M_PI * q / OUT_RATE), s1 = 0, s2 = 0;
        for (size_t i = 0; i < n; i++) {
            double s0 = y[(start + i) * ch + c] * w[i] + k * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double p = s1 * s1 + s2 * s2 - k * s1 * s2, a = (q == 0 ? 1 : 2) * sqrt(fmax(p, 0)) / wsum;
        if (a > best) best = a;
    }
    return best;
}

/* Eight tones of amplitude 1, one per channel, whole cycles over the
 * segment so the single-bin DFT sees no leakage at the output rate. */
static float *tones(const double *f, double rate, size_t frames)
{
    float *x = malloc(frames * NCH * sizeof *x);
    for (size_t i = 0; i < frames; i++)
        for (size_t c = 0; c < NCH; c++) x[i * NCH + c] = (float)sin(2 * M_PI * f[c] * (double)i / rate + 0.3 * c);
    return x;
}

/* Where a tone at f lands at the output rate. */
static double folded(double f)
{
    double r = fmod(f, OUT_RATE);
    return r > OUT_RATE / 2 ? OUT_RATE - r : r;
}

static void check_passband(double rate, double *worst_db)
{
    size_t frames = (size_t)(rate * 2), m;
    for (double f0 = 0; f0 < PASS_HZ; f0 += NCH * 12.5) {
        double f[NCH];
        for (size_t c = 0; c < NCH; c++) f[c] = fmin(f0 + 12.5 * (double)c + 12.5, PASS_HZ);
        float *x = tones(f, rate, frames), *y = decimate(x, NCH, frames, rate, 0, &m);
        for (size_t c = 0; y && c < NCH; c++) {
            double db = 20 * log10(amplitude(y, NCH, c, m, f[c], OUT_RATE, 500));
            if (fabs(db) > fabs(*worst_db)) *worst_db = db;
            CHECK_MSG(fabs(db) <= 0.05, "%g Hz: %.1f Hz passes at %+.4f dB (limit 0.05)", rate, f[c], db);
        }
        free(x);
        free(y);
    }
}

/* Tones from the first frequency that would fold into [0, pass] up to the
 * input Nyquist, 8 per run: the strongest component each leaves in the
 * pass band (below pass − 10 Hz, so that a tone the stages leave in the
 * transition band just above it is not counted through the window's main
 * lobe). */
static void check_aliases(double rate, double *worst_db)
{
    size_t frames = (size_t)(rate * 2), m;
    double step = rate / 400 + 0.37, f[NCH]; /* about 200 tones at any rate */
    size_t k = 0;
    for (double fa = OUT_RATE - PASS_HZ; fa < rate / 2; fa += step) {
        if (folded(fa) > PASS_HZ) continue;
        f[k++] = fa;
        if (k < NCH) continue;
        k = 0;
        float *x = tones(f, rate, frames), *y = decimate(x, NCH, frames, rate, 0, &m);
        for (size_t c = 0; y && c < NCH; c++) {
            double db = 20 * log10(strongest_below(y, NCH, c, m, PASS_HZ - 10) + 1e-30);
            if (db > *worst_db) *worst_db = db;
            CHECK_MSG(db <= -90, "%g Hz: a tone at %.1f Hz comes out at %.1f dB in the pass band (limit -90)", rate,
                      f[c], db);
        }
        free(x);
        free(y);
    }
}

/* A sum of in-band tones sampled at the output instants is what comes
 * out: no delay, no fractional shift. */
static void check_alignment(double rate, double *worst)
{
    size_t frames = (size_t)(rate * 1.5), m;
    float *x = malloc(frames * sizeof *x);
    for (size_t i = 0; i < frames; i++) {
        double t = (double)i / rate;
        x[i] = (float)(sin(2 * M_PI * 37 * t) + 0.5 * sin(2 * M_PI * 311 * t + 1) + 0.25 * sin(2 * M_PI * 640 * t));
    }
    float *y = decimate(x, 1, frames, rate, 0, &m);
    CHECK_MSG(m == bl_resample_length(frames, rate, OUT_RATE), "%g Hz: %zu frames out, want %zu", rate, m,
              bl_resample_length(frames, rate, OUT_RATE));
    for (size_t i = 100; y && i + 100 < m; i++) {
        double t = (double)i / OUT_RATE;
        double want = sin(2 * M_PI * 37 * t) + 0.5 * sin(2 * M_PI * 311 * t + 1) + 0.25 * sin(2 * M_PI * 640 * t);
        double err = fabs(y[i] - want);
        if (err > *worst) *worst = err;
        if (err > 1e-3) {
            CHECK_MSG(0, "%g Hz: output %zu is %.6f, the signal there %.6f (misaligned?)", rate, i, y[i], want);
            break;
        }
    }
    free(x);
    free(y);
}

/* An offset with a drift: the odd reflection continues it, so the ends
 * follow the line instead of ringing. */
static void check_edges(double rate)
{
    size_t frames = (size_t)(rate * 0.5), m;
    float *x = malloc(frames * sizeof *x);
    for (size_t i = 0; i < frames; i++) x[i] = (float)(100 + 40 * (double)i / rate);
    float *y = decimate(x, 1, frames, rate, 0, &m);
    double worst = 0;
    for (size_t i = 0; y && i < m; i++) worst = fmax(worst, fabs(y[i] - (100 + 40 * (double)i / OUT_RATE)));
    CHECK_MSG(worst < 1e-3, "%g Hz: an offset with a drift is off by %.2g at the ends", rate, worst);
    free(x);
    free(y);
}

/* Blocks of any size, and channels in any lanes, give the same bits. */
static void check_invariance(double rate)
{
    size_t frames = (size_t)(rate * 0.7) + 13, ch = 11, m1, m2, m3;
    float *x = malloc(frames * ch * sizeof *x);
    unsigned s = 12345;
    for (size_t i = 0; i < frames * ch; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = (float)((s >> 8) & 0xffff) / 32768.0f - 1.0f;
    }
    float *a = decimate(x, ch, frames, rate, 0, &m1), *b = decimate(x, ch, frames, rate, 997, &m2);
    CHECK_MSG(a && b && m1 == m2 && memcmp(a, b, m1 * ch * sizeof *a) == 0, "%g Hz: blocks of 997 differ", rate);
    float *one = malloc(frames * sizeof *one);
    for (size_t i = 0; i < frames; i++) one[i] = x[i * ch + 9];
    float *c = decimate(one, 1, frames, rate, 1, &m3);
    int same = c && m3 == m1;
    for (size_t i = 0; same && i < m1; i++) same = c[i] == a[i * ch + 9];
    CHECK_MSG(same, "%g Hz: channel 9 alone, frame by frame, differs from it among 11", rate);
    free(x);
    free(a);
    free(b);
    free(c);
    free(one);
}

static void check_lengths(void)
{
    static const size_t N[] = {1, 2, 3, 7, 24, 25, 100, 441, 1000, 4095, 4096, 4097, 100003};
    for (size_t r = 0; r < NRATES; r++)
        for (size_t k = 0; k < sizeof N / sizeof N[0]; k++) {
            float *x = calloc(N[k], sizeof *x);
            for (size_t i = 0; i < N[k]; i++) x[i] = 1.5f;
            size_t m;
            float *y = decimate(x, 1, N[k], RATES[r], 0, &m);
            CHECK_MSG(m == bl_resample_length(N[k], RATES[r], OUT_RATE), "%g Hz, %zu frames: %zu out, want %zu",
                      RATES[r], N[k], m, bl_resample_length(N[k], RATES[r], OUT_RATE));
            int flat = 1;
            for (size_t i = 0; y && i < m; i++) flat &= fabsf(y[i] - 1.5f) < 1e-5f;
            CHECK_MSG(flat, "%g Hz, %zu frames: a constant does not stay constant", RATES[r], N[k]);
            free(x);
            free(y);
        }
}

static void check_contract(void)
{
    bl_decimator *d = (bl_decimator *)1;
    CHECK(bl_decimate_check(48000, 2000) == BL_OK);
    CHECK(bl_decimate_check(44100, 2000) == BL_OK);
    CHECK(bl_decimate_check(2000, 2000) == BL_ERANGE);
    CHECK(bl_decimate_check(2000, 4000) == BL_ERANGE);
    CHECK(bl_decimate_check(44100.5, 2000) == BL_ERANGE);
    CHECK(bl_decimate_check(NAN, 2000) == BL_ERANGE);
    CHECK(bl_decimator_create(1, 48000, 2000, NULL) == BL_EINVAL);
    CHECK(bl_decimator_create(0, 48000, 2000, &d) == BL_EINVAL && d == NULL);
    d = (bl_decimator *)1;
    CHECK(bl_decimator_create(1, 2000, 4000, &d) == BL_ERANGE && d == NULL);
    CHECK(bl_decimator_create(2, 48000, 2000, &d) == BL_OK && d);
    float in[8] = {0}, *out = malloc(bl_decimator_max_output(d, 4) * 2 * sizeof *out);
    size_t got = 99, room = bl_decimator_max_output(d, 4);
    CHECK(bl_decimator_process(d, in, 4, out, 1, &got) == BL_ERANGE && got == 0);
    CHECK(bl_decimator_process(d, NULL, 4, out, room, &got) == BL_EINVAL);
    CHECK(bl_decimator_process(NULL, in, 4, out, room, &got) == BL_EINVAL);
    CHECK(bl_decimator_stages(d) >= 2);
    bl_decimator_stage s;
    CHECK(bl_decimator_get_stage(d, 0, &s) == BL_OK && s.up == 1 && s.down > 1 && s.taps % 2 == 1);
    CHECK(bl_decimator_get_stage(d, 99, &s) == BL_ERANGE);
    size_t cap = bl_decimator_max_output(d, 0);
    float *tail = malloc(cap * 2 * sizeof *tail);
    CHECK(bl_decimator_finish(d, tail, cap, &got) == BL_OK);
    CHECK(bl_decimator_process(d, in, 4, out, room, &got) == BL_EINVAL); /* after finish */
    bl_decimator_reset(d);
    CHECK(bl_decimator_process(d, in, 4, out, room, &got) == BL_OK);
    free(tail);
    free(out);
    bl_decimator_destroy(d);
    bl_decimator_destroy(NULL);
    bl_decimator_reset(NULL);
    CHECK(bl_decimator_stages(NULL) == 0 && bl_decimator_latency(NULL) == 0);
    CHECK(bl_decimator_create(1, 44100, 2000, &d) == BL_OK);
    CHECK(bl_decimator_get_stage(d, bl_decimator_stages(d) - 1, &s) == BL_OK && s.up == 20 && s.down == 21);
    bl_decimator_destroy(d);
}

int main(void)
{
    check_contract();
    check_lengths();
    for (size_t r = 0; r < NRATES; r++) {
        double pass_db = 0, alias_db = -300, align = 0;
        check_passband(RATES[r], &pass_db);
        check_aliases(RATES[r], &alias_db);
        check_alignment(RATES[r], &align);
        check_edges(RATES[r]);
        check_invariance(RATES[r]);
        printf("%6g Hz -> 2000 Hz: pass band to %g Hz within %+.5f dB, worst alias %.1f dB, aligned within %.1e\n",
               RATES[r], PASS_HZ, pass_db, alias_db, align);
    }
    return test_finish("test_decimate");
}
