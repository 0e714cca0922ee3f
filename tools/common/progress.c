#define _POSIX_C_SOURCE 200809L
#include "progress.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SHOW_AFTER_S 2.0 /* BL_PROGRESS_AFTER_S overrides it (the tests use 0) */
#define REDRAW_NS 500000000L

static struct {
    pthread_t thread;
    int running;
    const char *what;
    _Atomic(const char *) stage;
    atomic_int permille; /* -1: unknown */
    atomic_int stop, shown;
    struct timespec t0;
    double after_s;
} prog;

static double elapsed_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - prog.t0.tv_sec) + (double)(t.tv_nsec - prog.t0.tv_nsec) * 1e-9;
}

static void draw(void)
{
    char line[128];
    int pm = atomic_load(&prog.permille);
    const char *stage = atomic_load(&prog.stage);
    if (pm >= 0)
        snprintf(line, sizeof line, "backline-analyse %s: %s %d %% (%.0f s)", prog.what, stage ? stage : "working",
                 pm / 10, elapsed_s());
    else
        snprintf(line, sizeof line, "backline-analyse %s: %s (%.0f s)", prog.what, stage ? stage : "working",
                 elapsed_s());
    /* \r and erase to the end of the line: one line, redrawn in place,
     * never wider than a narrow terminal's 80 columns. */
    fprintf(stderr, "\r%.79s\033[K", line);
    fflush(stderr);
    atomic_store(&prog.shown, 1);
}

static void *run(void *arg)
{
    (void)arg;
    struct timespec tick = {0, REDRAW_NS};
    while (!atomic_load(&prog.stop)) {
        nanosleep(&tick, NULL);
        if (!atomic_load(&prog.stop) && elapsed_s() >= prog.after_s) draw();
    }
    return NULL;
}

void tool_progress_start(const char *what, int quiet)
{
    clock_gettime(CLOCK_MONOTONIC, &prog.t0);
    prog.what = what;
    const char *after = getenv("BL_PROGRESS_AFTER_S");
    prog.after_s = after && atof(after) >= 0 ? atof(after) : SHOW_AFTER_S;
    atomic_store(&prog.stage, NULL);
    atomic_store(&prog.permille, -1);
    atomic_store(&prog.stop, 0);
    atomic_store(&prog.shown, 0);
    prog.running = !quiet && isatty(STDERR_FILENO) && pthread_create(&prog.thread, NULL, run, NULL) == 0;
}

void tool_progress_stage(const char *stage)
{
    atomic_store(&prog.permille, -1);
    atomic_store(&prog.stage, stage);
}

void tool_progress_fraction(void *user, double fraction)
{
    (void)user;
    int pm = fraction < 0 ? 0 : fraction > 1 ? 1000 : (int)(fraction * 1000);
    atomic_store(&prog.permille, pm);
}

void tool_progress_end(void)
{
    if (!prog.running) return;
    atomic_store(&prog.stop, 1);
    pthread_join(prog.thread, NULL);
    prog.running = 0;
    if (atomic_load(&prog.shown)) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}
