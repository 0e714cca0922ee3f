/* Throughput of bl_sosfiltfilt and the streaming bl_sosfilt against
 * scipy.signal.sosfiltfilt / sosfilt on the same data, in the same run.
 *
 *   bench_sosfilt [channels] [frames] [python]
 *
 * Defaults: 8 channels x 1.2 M frames (10 minutes at 2 kHz), band-pass
 * 20-450 Hz order 4 (4 sections). SciPy runs through /usr/bin/python3 (or
 * $BL_PYTHON) on the float32 data written to a temporary file; its output
 * comes back the same way and the largest difference is printed. Figures
 * are channel-samples per second (channels x frames / seconds). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backline/filter.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static unsigned long long rng_state = 0x9E3779B97F4A7C15ull;
static double urand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (rng_state >> 11) * (1.0 / 9007199254740992.0);
}

/* The data and the band-pass both sides filter. */
typedef struct bench {
    size_t C, N, ns;
    double rate;
    double sos[8 * 6];
    float **x, **y; /* planar input; output of the last run */
    float *inter;   /* the input interleaved, for the streaming filter */
} bench;

static int make_bench(bench *b, size_t C, size_t N)
{
    b->C = C;
    b->N = N;
    b->rate = 2000;
    if (bl_butter_design(4, BL_BANDPASS, 20, 450, b->rate, b->sos, 8, &b->ns) != BL_OK) return -1;
    b->x = malloc(C * sizeof *b->x);
    b->y = malloc(C * sizeof *b->y);
    b->inter = malloc(C * N * sizeof *b->inter);
    for (size_t c = 0; c < C; c++) {
        b->x[c] = malloc(N * sizeof **b->x);
        b->y[c] = malloc(N * sizeof **b->y);
        for (size_t i = 0; i < N; i++) {
            double t = i / b->rate;
            b->x[c][i] = (float)(0.1 + 0.5 * sin(2 * M_PI * (50 + c) * t) + (urand() - 0.5));
            b->inter[i * C + c] = b->x[c][i];
        }
    }
    return 0;
}

/* y = x band-passed with bl_sosfiltfilt; best wall and CPU time of 5. */
static int time_sosfiltfilt(bench *b, double *best, double *cbest)
{
    *best = *cbest = 1e30;
    for (int rep = 0; rep < 5; rep++) {
        for (size_t c = 0; c < b->C; c++) memcpy(b->y[c], b->x[c], b->N * sizeof **b->y);
        double t0 = now(), c0 = cpu();
        if (bl_sosfiltfilt(b->sos, b->ns, b->y, b->C, b->N, 0) != BL_OK) return -1;
        double dt = now() - t0, dc = cpu() - c0;
        if (dt < *best) *best = dt;
        if (dc < *cbest) *cbest = dc;
    }
    return 0;
}

/* The envelope chain: band-pass, rectify, 6 Hz low-pass, zero phase; best
 * of 3. Leaves y as the plain band-pass result for the comparison. */
static int time_envelope_chain(bench *b, double *pbest)
{
    double lp[8 * 6];
    size_t nlp;
    if (bl_butter_design(4, BL_LOWPASS, 6, 0, b->rate, lp, 8, &nlp) != BL_OK) return -1;
    *pbest = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        for (size_t c = 0; c < b->C; c++) memcpy(b->y[c], b->x[c], b->N * sizeof **b->y);
        double t0 = now();
        if (bl_sosfiltfilt(b->sos, b->ns, b->y, b->C, b->N, 0) != BL_OK) return -1;
        for (size_t c = 0; c < b->C; c++)
            for (size_t i = 0; i < b->N; i++) b->y[c][i] = fabsf(b->y[c][i]);
        if (bl_sosfiltfilt(lp, nlp, b->y, b->C, b->N, 0) != BL_OK) return -1;
        double dt = now() - t0;
        if (dt < *pbest) *pbest = dt;
    }
    for (size_t c = 0; c < b->C; c++) memcpy(b->y[c], b->x[c], b->N * sizeof **b->y);
    return bl_sosfiltfilt(b->sos, b->ns, b->y, b->C, b->N, 0) == BL_OK ? 0 : -1;
}

/* The streaming filter over interleaved 512-frame blocks; best of 3. */
static int time_stream(const bench *b, double *sbest)
{
    bl_sosfilt *f;
    if (bl_sosfilt_create(b->sos, b->ns, b->C, &f) != BL_OK) return -1;
    float *sout = malloc(b->C * b->N * sizeof *sout);
    *sbest = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        bl_sosfilt_reset(f);
        double t0 = now();
        for (size_t i = 0; i < b->N; i += 512)
            bl_sosfilt_process(f, b->inter + i * b->C, sout + i * b->C, b->N - i < 512 ? b->N - i : 512);
        double dt = now() - t0;
        if (dt < *sbest) *sbest = dt;
    }
    free(sout);
    bl_sosfilt_destroy(f);
    return 0;
}

/* SciPy's timings on the same data. */
typedef struct scipy_result {
    double ff, sosfilt, chain, ff_cpu; /* seconds */
    double maxerr, maxref;             /* |backline - scipy| and peak |y| of the band-pass */
} scipy_result;

/* Writes x and the sections to dir, runs SciPy through py; its
 * sosfiltfilt output comes back in dir/y.f64. */
static int scipy_run(const bench *b, const char *py, const char *dir, scipy_result *r)
{
    char xin[256], yout[256], sosf[256], cmd[2048];
    snprintf(xin, sizeof xin, "%s/x.f32", dir);
    snprintf(yout, sizeof yout, "%s/y.f64", dir);
    snprintf(sosf, sizeof sosf, "%s/sos.f64", dir);
    FILE *fp = fopen(xin, "wb");
    for (size_t c = 0; c < b->C; c++) fwrite(b->x[c], sizeof(float), b->N, fp);
    fclose(fp);
    fp = fopen(sosf, "wb");
    fwrite(b->sos, sizeof(double), b->ns * 6, fp);
    fclose(fp);
    snprintf(cmd, sizeof cmd,
             "%s -c \"import numpy as np, scipy.signal as s, time\n"
             "x = np.fromfile('%s', dtype=np.float32).reshape(%zu, %zu)\n"
             "sos = np.fromfile('%s').reshape(-1, 6)\n"
             "b = 1e30\n"
             "bc = 1e30\n"
             "for r in range(3):\n"
             "    t = time.perf_counter(); c = time.process_time(); y = s.sosfiltfilt(sos, x, axis=-1); b = min(b, time.perf_counter() - t); bc = min(bc, time.process_time() - c)\n"
             "lp = s.butter(4, 6.0, output='sos', fs=2000.0)\n"
             "bp = 1e30\n"
             "for r in range(2):\n"
             "    t = time.perf_counter(); e = s.sosfiltfilt(lp, np.abs(s.sosfiltfilt(sos, x, axis=-1)), axis=-1); bp = min(bp, time.perf_counter() - t)\n"
             "bs = 1e30\n"
             "for r in range(2):\n"
             "    t = time.perf_counter(); s.sosfilt(sos, x, axis=-1); bs = min(bs, time.perf_counter() - t)\n"
             "y.astype(np.float64).tofile('%s')\n"
             "print(b, bs, bp, bc)\"",
             py, xin, b->C, b->N, sosf, yout);
    FILE *pp = popen(cmd, "r");
    if (!pp || fscanf(pp, "%lf %lf %lf %lf", &r->ff, &r->sosfilt, &r->chain, &r->ff_cpu) != 4) {
        fprintf(stderr, "bench_sosfilt: could not run SciPy through %s\n", py);
        return -1;
    }
    pclose(pp);
    remove(xin);
    remove(sosf);
    return 0;
}

/* The largest difference between SciPy's band-pass (dir/y.f64) and ours. */
static int scipy_compare(const bench *b, const char *dir, scipy_result *r)
{
    char yout[256];
    snprintf(yout, sizeof yout, "%s/y.f64", dir);
    r->maxerr = r->maxref = 0;
    double *ref = malloc(b->N * sizeof *ref);
    FILE *fp = fopen(yout, "rb");
    for (size_t c = 0; fp && c < b->C; c++) {
        if (fread(ref, sizeof(double), b->N, fp) != b->N) return -1;
        for (size_t i = 0; i < b->N; i++) {
            r->maxerr = fmax(r->maxerr, fabs(ref[i] - b->y[c][i]));
            r->maxref = fmax(r->maxref, fabs(ref[i]));
        }
    }
    if (fp) fclose(fp);
    free(ref);
    remove(yout);
    return fp ? 0 : -1;
}

int main(int argc, char **argv)
{
    size_t C = argc > 1 ? (size_t)atol(argv[1]) : 8;
    size_t N = argc > 2 ? (size_t)atol(argv[2]) : 1200000;
    const char *py = argc > 3 ? argv[3] : (getenv("BL_PYTHON") ? getenv("BL_PYTHON") : "/usr/bin/python3");
    bench b;
    double best, cbest, pbest, sbest;
    if (make_bench(&b, C, N) != 0 || time_sosfiltfilt(&b, &best, &cbest) != 0) return 1;
    printf("bl_sosfiltfilt: %zu ch x %zu frames, %zu sections: %.3f s wall (%.3f s CPU, all threads), "
           "%.1f Msamples/s\n", C, N, b.ns, best, cbest, C * N / best / 1e6);
    if (time_envelope_chain(&b, &pbest) != 0) return 1;
    printf("band-pass + rectify + 6 Hz low-pass (both sosfiltfilt): %.3f s, %.1f Msamples/s\n", pbest,
           C * N / pbest / 1e6);
    if (time_stream(&b, &sbest) != 0) return 1;
    printf("bl_sosfilt (streaming, interleaved, 512-frame blocks): %.3f s, %.1f Msamples/s\n", sbest,
           C * N / sbest / 1e6);

    char dir[] = "/tmp/bench_sosfilt_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    scipy_result sp;
    if (scipy_run(&b, py, dir, &sp) != 0 || scipy_compare(&b, dir, &sp) != 0) return 1;
    rmdir(dir);
    printf("scipy.signal.sosfiltfilt: %.3f s wall (%.3f s CPU), %.1f Msamples/s\n", sp.ff, sp.ff_cpu,
           C * N / sp.ff / 1e6);
    printf("scipy.signal.sosfilt: %.3f s, %.1f Msamples/s\n", sp.sosfilt, C * N / sp.sosfilt / 1e6);
    printf("scipy band-pass + rectify + low-pass: %.3f s, %.1f Msamples/s\n", sp.chain, C * N / sp.chain / 1e6);
    printf("CPU-time ratio sosfiltfilt (load-independent, threads summed): %.1fx\n", sp.ff_cpu / cbest);
    printf("speed-up: envelope chain %.1fx, sosfiltfilt %.1fx, sosfilt %.1fx; max |backline - scipy| = %.3g (peak |y| %.3g)\n",
           sp.chain / pbest, sp.ff / best, sp.sosfilt / sbest, sp.maxerr, sp.maxref);
    return 0;
}
