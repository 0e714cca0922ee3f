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

int main(int argc, char **argv)
{
    size_t C = argc > 1 ? (size_t)atol(argv[1]) : 8;
    size_t N = argc > 2 ? (size_t)atol(argv[2]) : 1200000;
    const char *py = argc > 3 ? argv[3] : (getenv("BL_PYTHON") ? getenv("BL_PYTHON") : "/usr/bin/python3");
    const double rate = 2000;
    double sos[8 * 6];
    size_t ns;
    if (bl_butter_design(4, BL_BANDPASS, 20, 450, rate, sos, 8, &ns) != BL_OK) return 1;

    float **x = malloc(C * sizeof *x), **y = malloc(C * sizeof *y);
    float *inter = malloc(C * N * sizeof *inter);
    for (size_t c = 0; c < C; c++) {
        x[c] = malloc(N * sizeof **x);
        y[c] = malloc(N * sizeof **y);
        for (size_t i = 0; i < N; i++) {
            double t = i / rate;
            x[c][i] = (float)(0.1 + 0.5 * sin(2 * M_PI * (50 + c) * t) + (urand() - 0.5));
            inter[i * C + c] = x[c][i];
        }
    }

    /* Best of 3 for the C side. */
    double best = 1e30, cbest = 1e30;
    for (int rep = 0; rep < 5; rep++) {
        for (size_t c = 0; c < C; c++) memcpy(y[c], x[c], N * sizeof **y);
        double t0 = now(), c0 = cpu();
        if (bl_sosfiltfilt(sos, ns, y, C, N, 0) != BL_OK) return 1;
        double dt = now() - t0, dc = cpu() - c0;
        if (dt < best) best = dt;
        if (dc < cbest) cbest = dc;
    }
    double c_ff = C * N / best;
    printf("bl_sosfiltfilt: %zu ch x %zu frames, %zu sections: %.3f s wall (%.3f s CPU, all threads), "
           "%.1f Msamples/s\n", C, N, ns, best, cbest,
           c_ff / 1e6);

    /* The envelope chain: band-pass, rectify, 6 Hz low-pass, zero phase. */
    double lp[8 * 6];
    size_t nlp;
    if (bl_butter_design(4, BL_LOWPASS, 6, 0, rate, lp, 8, &nlp) != BL_OK) return 1;
    double pbest = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        for (size_t c = 0; c < C; c++) memcpy(y[c], x[c], N * sizeof **y);
        double t0 = now();
        if (bl_sosfiltfilt(sos, ns, y, C, N, 0) != BL_OK) return 1;
        for (size_t c = 0; c < C; c++)
            for (size_t i = 0; i < N; i++) y[c][i] = fabsf(y[c][i]);
        if (bl_sosfiltfilt(lp, nlp, y, C, N, 0) != BL_OK) return 1;
        double dt = now() - t0;
        if (dt < pbest) pbest = dt;
    }
    printf("band-pass + rectify + 6 Hz low-pass (both sosfiltfilt): %.3f s, %.1f Msamples/s\n", pbest,
           C * N / pbest / 1e6);
    /* Leave y as the plain band-pass result for the comparison below. */
    for (size_t c = 0; c < C; c++) memcpy(y[c], x[c], N * sizeof **y);
    if (bl_sosfiltfilt(sos, ns, y, C, N, 0) != BL_OK) return 1;

    bl_sosfilt *f;
    if (bl_sosfilt_create(sos, ns, C, &f) != BL_OK) return 1;
    float *sout = malloc(C * N * sizeof *sout);
    double sbest = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        bl_sosfilt_reset(f);
        double t0 = now();
        for (size_t i = 0; i < N; i += 512)
            bl_sosfilt_process(f, inter + i * C, sout + i * C, N - i < 512 ? N - i : 512);
        double dt = now() - t0;
        if (dt < sbest) sbest = dt;
    }
    printf("bl_sosfilt (streaming, interleaved, 512-frame blocks): %.3f s, %.1f Msamples/s\n", sbest,
           C * N / sbest / 1e6);
    bl_sosfilt_destroy(f);

    /* SciPy on the same data. */
    char dir[] = "/tmp/bench_sosfilt_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char xin[256], yout[256], sosf[256], cmd[2048];
    snprintf(xin, sizeof xin, "%s/x.f32", dir);
    snprintf(yout, sizeof yout, "%s/y.f64", dir);
    snprintf(sosf, sizeof sosf, "%s/sos.f64", dir);
    FILE *fp = fopen(xin, "wb");
    for (size_t c = 0; c < C; c++) fwrite(x[c], sizeof(float), N, fp);
    fclose(fp);
    fp = fopen(sosf, "wb");
    fwrite(sos, sizeof(double), ns * 6, fp);
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
             py, xin, C, N, sosf, yout);
    FILE *pp = popen(cmd, "r");
    double sp = 0, sps = 0, spp = 0, spc = 0;
    if (!pp || fscanf(pp, "%lf %lf %lf %lf", &sp, &sps, &spp, &spc) != 4) {
        fprintf(stderr, "bench_sosfilt: could not run SciPy through %s\n", py);
        return 1;
    }
    pclose(pp);
    double maxerr = 0, maxref = 0;
    double *ref = malloc(N * sizeof *ref);
    fp = fopen(yout, "rb");
    for (size_t c = 0; c < C; c++) {
        if (fread(ref, sizeof(double), N, fp) != N) return 1;
        for (size_t i = 0; i < N; i++) {
            maxerr = fmax(maxerr, fabs(ref[i] - y[c][i]));
            maxref = fmax(maxref, fabs(ref[i]));
        }
    }
    fclose(fp);
    remove(xin);
    remove(yout);
    remove(sosf);
    rmdir(dir);
    printf("scipy.signal.sosfiltfilt: %.3f s wall (%.3f s CPU), %.1f Msamples/s\n", sp, spc, C * N / sp / 1e6);
    printf("scipy.signal.sosfilt: %.3f s, %.1f Msamples/s\n", sps, C * N / sps / 1e6);
    printf("scipy band-pass + rectify + low-pass: %.3f s, %.1f Msamples/s\n", spp, C * N / spp / 1e6);
    printf("CPU-time ratio sosfiltfilt (load-independent, threads summed): %.1fx\n", spc / cbest);
    printf("speed-up: envelope chain %.1fx, sosfiltfilt %.1fx, sosfilt %.1fx; max |backline - scipy| = %.3g (peak |y| %.3g)\n",
           spp / pbest, sp / best, sps / sbest, maxerr, maxref);
    return 0;
}
