/* Work split by channel ranges over threads, for the offline kernels
 * whose channels are independent (zero-phase filtering). */
#define _POSIX_C_SOURCE 200809L /* sysconf */
#include "channel_threads.h"

#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

/* Below ~1 M samples the start-up cost is not worth it, and so is a range
 * narrower than the vector unit: with AVX-512 one thread runs 8 channels
 * in the time it runs 4, so splitting 8 channels over two threads doubles
 * the CPU time and gains no wall time; without it, 4 channels fill the
 * unit. */
#define MT_MIN_SAMPLES ((size_t)1 << 20)

static size_t lanes_per_thread(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    return __builtin_cpu_supports("avx512f") ? 8 : 4;
#else
    return 4;
#endif
}

static size_t thread_count(size_t n_channels, size_t frames, size_t requested)
{
    if (requested == 1 || n_channels < 2 || frames < MT_MIN_SAMPLES / n_channels) return 1;
    size_t t = requested;
    if (t == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        t = cpus > 1 ? (size_t)cpus : 1;
    }
    if (t > BLI_MAX_THREADS) t = BLI_MAX_THREADS;
    size_t lanes = lanes_per_thread(), useful = (n_channels + lanes - 1) / lanes;
    return t > useful ? useful : t;
}

typedef struct {
    bli_channel_job fn;
    void *ctx;
    size_t c0, c1;
    bl_status status;
} job_t;

static void *run_job(void *arg)
{
    job_t *j = arg;
    j->status = j->fn(j->ctx, j->c0, j->c1);
    return NULL;
}

bl_status bli_run_channel_jobs(size_t n_channels, size_t frames, size_t requested, bli_channel_job fn, void *ctx)
{
    size_t nt = thread_count(n_channels, frames, requested);
    /* Ranges start on a multiple of the vector width, so each fills it. */
    const size_t lanes = lanes_per_thread(), groups = (n_channels + lanes - 1) / lanes;
    job_t jobs[BLI_MAX_THREADS];
    pthread_t tid[BLI_MAX_THREADS];
    bool started[BLI_MAX_THREADS] = {false};
    for (size_t t = 0; t < nt; t++) {
        size_t c0 = t * groups / nt * lanes, c1 = (t + 1) * groups / nt * lanes;
        job_t j = {fn, ctx, c0, c1 < n_channels ? c1 : n_channels, BL_OK};
        jobs[t] = j;
    }
    for (size_t t = 1; t < nt; t++) started[t] = pthread_create(&tid[t], NULL, run_job, &jobs[t]) == 0;
    run_job(&jobs[0]);
    for (size_t t = 1; t < nt; t++) {
        if (started[t]) pthread_join(tid[t], NULL);
        else run_job(&jobs[t]); /* no thread: do it here */
    }
    bl_status st = BL_OK;
    for (size_t t = 0; t < nt; t++)
        if (jobs[t].status != BL_OK) st = jobs[t].status;
    return st;
}
