#include "plain.h"

#include <fftw3.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

void test_sig_free(test_sig *s)
{
    for (size_t c = 0; c < s->nch; c++)
        free(s->x[c]);
    memset(s, 0, sizeof *s);
}

int test_wav_read(const char *path, const double *scale, test_sig *out)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    memset(out, 0, sizeof *out);
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    if (!f) {
        fprintf(stderr, "%s: libsndfile cannot open it: %s\n", path, sf_strerror(NULL));
        return -1;
    }
    if ((size_t)info.channels > TEST_SIG_MAXCH) {
        fprintf(stderr, "%s: %d channels, at most %d here\n", path, info.channels, TEST_SIG_MAXCH);
        sf_close(f);
        return -1;
    }
    size_t nch = (size_t)info.channels, n = (size_t)info.frames;
    float *inter = malloc(n * nch * sizeof *inter);
    sf_count_t got = inter ? sf_readf_float(f, inter, (sf_count_t)n) : -1;
    sf_close(f);
    if (got != (sf_count_t)n) {
        free(inter);
        fprintf(stderr, "%s: short read\n", path);
        return -1;
    }
    out->nch = nch;
    out->n = n;
    out->rate = info.samplerate;
    for (size_t c = 0; c < nch; c++) {
        double k = scale ? scale[c] : 1.0;
        out->x[c] = malloc(n * sizeof(float));
        for (size_t i = 0; i < n; i++)
            out->x[c][i] = (float)(inter[i * nch + c] * k);
    }
    free(inter);
    return 0;
}

void test_plain_band(float *x, size_t n, double rate, double lo, double hi)
{
    double *buf = fftw_malloc(n * sizeof *buf);
    fftw_complex *spec = fftw_malloc((n / 2 + 1) * sizeof *spec);
    fftw_plan fwd = fftw_plan_dft_r2c_1d((int)n, buf, spec, FFTW_ESTIMATE);
    fftw_plan inv = fftw_plan_dft_c2r_1d((int)n, spec, buf, FFTW_ESTIMATE);
    for (size_t i = 0; i < n; i++)
        buf[i] = x[i];
    fftw_execute(fwd);
    for (size_t k = 0; k <= n / 2; k++) {
        double f = (double)k * rate / (double)n;
        int keep = f >= lo && f <= hi;
        for (int h = 1; keep && h <= 9; h++)
            if (fabs(f - 50.0 * h) <= 1.0 || fabs(f - 60.0 * h) <= 1.0)
                keep = 0;
        if (!keep)
            spec[k][0] = spec[k][1] = 0.0;
    }
    fftw_execute(inv);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(buf[i] / (double)n);
    fftw_destroy_plan(fwd);
    fftw_destroy_plan(inv);
    fftw_free(buf);
    fftw_free(spec);
}

void test_moving_mean(const float *x, size_t n, size_t w, float *out)
{
    size_t half = w / 2;
    double acc = 0;
    size_t lo = 0, hi = 0; /* window [lo, hi) */
    for (size_t i = 0; i < n; i++) {
        size_t want_lo = i > half ? i - half : 0, want_hi = i + half + 1 < n ? i + half + 1 : n;
        while (hi < want_hi)
            acc += x[hi++];
        while (lo < want_lo)
            acc -= x[lo++];
        out[i] = (float)(acc / (double)(hi - lo));
    }
}

float *test_plain_envelope(const float *x, size_t n, double rate)
{
    float *r = malloc(n * sizeof *r), *e = malloc(n * sizeof *e);
    for (size_t i = 0; i < n; i++)
        r[i] = fabsf(x[i]);
    test_moving_mean(r, n, (size_t)(0.1 * rate) | 1, e);
    free(r);
    return e;
}

double test_mean_between(const float *e, size_t n, double rate, double t0, double t1)
{
    long long i0 = (long long)(t0 * rate), i1 = (long long)(t1 * rate);
    if (i0 < 0)
        i0 = 0;
    if (i1 > (long long)n)
        i1 = (long long)n;
    if (i1 <= i0)
        return NAN;
    double acc = 0;
    for (long long i = i0; i < i1; i++)
        acc += e[i];
    return acc / (double)(i1 - i0);
}

double test_welch_median(const float *x, size_t n, double rate)
{
    size_t seg = 128;
    while ((double)seg < 0.25 * rate)
        seg *= 2;
    if (n < seg)
        return NAN;
    double *in = fftw_malloc(seg * sizeof *in);
    fftw_complex *sp = fftw_malloc((seg / 2 + 1) * sizeof *sp);
    fftw_plan p = fftw_plan_dft_r2c_1d((int)seg, in, sp, FFTW_ESTIMATE);
    double *acc = calloc(seg / 2 + 1, sizeof *acc);
    for (size_t s = 0; s + seg <= n; s += seg / 2) {
        double m = 0;
        for (size_t i = 0; i < seg; i++)
            m += x[s + i];
        m /= (double)seg;
        for (size_t i = 0; i < seg; i++)
            in[i] = (x[s + i] - m) * (0.5 - 0.5 * cos(2 * M_PI * (double)i / (double)seg));
        fftw_execute(p);
        for (size_t k = 0; k <= seg / 2; k++)
            acc[k] += sp[k][0] * sp[k][0] + sp[k][1] * sp[k][1];
    }
    double df = rate / (double)seg, total = 0, run = 0, med = NAN;
    /* The muscle's median: mains lines (±2 Hz around multiples of 50 and
     * 60 Hz) are not part of it. */
    for (size_t k = 0; k <= seg / 2; k++) {
        double f = (double)k * df;
        for (int h = 1; h <= 9; h++)
            if (fabs(f - 50.0 * h) <= 2.0 || fabs(f - 60.0 * h) <= 2.0)
                acc[k] = 0.0;
    }
    for (size_t k = 0; k <= seg / 2; k++)
        if ((double)k * df >= 20 && (double)k * df <= 450)
            total += acc[k];
    for (size_t k = 0; k <= seg / 2; k++)
        if ((double)k * df >= 20 && (double)k * df <= 450) {
            run += acc[k];
            if (run >= 0.5 * total) {
                med = (double)k * df;
                break;
            }
        }
    free(acc);
    fftw_destroy_plan(p);
    fftw_free(in);
    fftw_free(sp);
    return med;
}
