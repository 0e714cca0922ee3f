/* The writer thread: drains the ring into the file through bl_writer and
 * feeds the meters. Disk and filter work happen here, never on the audio
 * thread; the ring (seconds deep) absorbs the writer's hiccups. */
#define _POSIX_C_SOURCE 200809L
#include "capture.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


static void *writer_main(void *arg)
{
    cap_writer_thread *t = arg;
    cap_shared *s = t->shared;
    for (;;) {
        /* Read the flag before the ring: if it was set, everything the
         * callback will ever write is already visible. */
        int done = atomic_load_explicit(&s->producer_done, memory_order_acquire);
        size_t n = cap_ring_read(&s->ring, t->block, t->max_block);
        if (n) {
            char why[sizeof t->why];
            bl_status st = bl_writer_write(t->writer, t->block, n, why, sizeof why);
            if (st != BL_OK) {
                memcpy(t->why, why, sizeof why);
                t->why[sizeof t->why - 1] = '\0';
                atomic_store_explicit(&t->failed, 1, memory_order_release);
                break;
            }
            atomic_store_explicit(&t->frames_written, bl_writer_frames(t->writer), memory_order_release);
            if (t->meters) cap_meters_process(t->meters, t->block, n);
            continue;
        }
        if (done) break;
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

int cap_writer_start(cap_writer_thread *t, cap_shared *shared, bl_writer *writer, cap_meters *meters)
{
    t->shared = shared;
    t->writer = writer;
    t->meters = meters;
    t->max_block = CAP_BLOCK_FRAMES;
    t->why[0] = '\0';
    atomic_init(&t->failed, 0);
    atomic_init(&t->frames_written, 0);
    t->block = malloc(t->max_block * shared->channels * sizeof(float));
    if (!t->block) return -1;
    /* Signals go to the main thread, which handles them; this thread only
     * writes. */
    sigset_t block, old;
    sigemptyset(&block);
    for (int i = 0; i < CAP_STOP_SIGNAL_COUNT; i++) sigaddset(&block, cap_stop_signals[i]);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int e = pthread_create(&t->thread, NULL, writer_main, t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (e != 0) {
        free(t->block);
        t->block = NULL;
        return -1;
    }
    return 0;
}

void cap_writer_join(cap_writer_thread *t)
{
    pthread_join(t->thread, NULL);
    free(t->block);
    t->block = NULL;
}
