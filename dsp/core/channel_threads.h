/* Private to the signal core: independent channel ranges run on threads
 * (channel_threads.c). */
#ifndef BLI_CHANNEL_THREADS_H
#define BLI_CHANNEL_THREADS_H

#include <stddef.h>

#include "backline/backline.h"

#define BLI_MAX_THREADS 8

/* One thread's share: channels [c0, c1) of the caller's work. */
typedef bl_status (*bli_channel_job)(void *ctx, size_t c0, size_t c1);

/* fn over contiguous channel ranges on up to `requested` threads (0: one
 * per online CPU, at most BLI_MAX_THREADS; the caller's thread takes the
 * first range, and any thread that cannot start), as many as pay for
 * frames x n_channels samples; the first error, or BL_OK. The split never
 * changes a channel's result. */
bl_status bli_run_channel_jobs(size_t n_channels, size_t frames, size_t requested, bli_channel_job fn, void *ctx);

#endif
