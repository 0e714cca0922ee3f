/* backline-capture: internal interfaces between its parts.
 *
 *   main.c     arguments, validation, the session from open to report
 *   devices.c  PortAudio start-up, --list, --device matching
 *   stream.c   the PortAudio callback (ring buffer producer) and its counters
 *   writer.c   the writer thread (ring consumer → bl_writer, meters)
 *   meters.c   envelopes, clipping and the live view on the terminal
 *   ring.h     the lock-free SPSC ring buffer
 *
 * Threads: the main thread owns the session and the terminal; PortAudio's
 * thread runs only cap_callback (copy + count, nothing else); the writer
 * thread drains the ring, writes the file and feeds the meters. */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <portaudio.h>

#include "backline/chanmap.h"
#include "backline/recording.h"
#include "ring.h"

/* ---- devices.c ---------------------------------------------------------- */

/* Pa_Initialize with ALSA/JACK chatter on stderr suppressed (set
 * BL_CAPTURE_DEBUG=1 to see it). Prints the error line itself; 0 or 1. */
int cap_pa_init(void);
void cap_pa_terminate(void);
/* Run `fn(arg)` with file descriptor 2 pointed at /dev/null unless
 * BL_CAPTURE_DEBUG is set: host APIs print diagnostics of their own that
 * would break the one-line error convention and clutter test logs. */
int cap_quietly(int (*fn)(void *), void *arg);
/* Print the input devices as a table on stdout. Returns the exit status. */
int cap_list_devices(void);
/* Resolve --device (NULL = default input device) to a PortAudio index.
 * Prints the one error line itself and returns -1 on failure. */
int cap_find_device(const char *spec);
/* "NAME (HOST API)" of a device, for messages and the file's metadata. */
void cap_device_label(int index, char *buf, size_t len);

/* ---- stream.c ----------------------------------------------------------- */

typedef struct cap_shared {
    cap_ring ring;
    size_t channels;
    uint64_t target_frames;            /* 0 = until stopped; fixed before start */
    uint64_t cb_frames;                /* touched only by the callback */
    atomic_uint_least64_t frames_in;   /* frames the callback has seen */
    atomic_uint_least64_t overruns;    /* callbacks flagged paInputOverflow */
    atomic_uint_least64_t ring_overflows; /* frames that did not fit the ring */
    atomic_int target_reached;         /* the callback returned paComplete */
    atomic_int producer_done;          /* set by main once the stream is stopped */
} cap_shared;

/* The PortAudio stream callback; `user` is the cap_shared. Real-time safe:
 * copies into the ring and counts, nothing else. */
int cap_callback(const void *input, void *output, unsigned long frames,
                 const PaStreamCallbackTimeInfo *time_info, PaStreamCallbackFlags status_flags,
                 void *user);

/* ---- meters.c ----------------------------------------------------------- */

typedef struct cap_meters cap_meters;
/* `live` = compute envelopes for the live view (clipping is counted
 * always). `mains`: 50 or 60 notches the meters, 0 does not, -1 detects the
 * hum in the first second of signal before the meters start. `map` may be NULL; `gains` (channels values, 0 = unknown) may be
 * NULL. max_block = largest block passed to cap_meters_process. */
cap_meters *cap_meters_create(size_t channels, double rate_hz, const bl_chanmap *map,
                              const double *gains, double full_scale, int live, int mains, size_t max_block);
/* Writer thread: feed a block of interleaved frames. */
void cap_meters_process(cap_meters *m, const float *in, size_t frames);
/* Main thread: draw the live view (redraws in place after the first call). */
void cap_meters_render(cap_meters *m, FILE *out, double elapsed_s, uint64_t overruns,
                       uint64_t ring_overflows);
/* Mains frequency the meters notch: 50, 60, 0 (none), -1 (still detecting). */
int cap_meters_mains(cap_meters *m);
/* Clipped samples (|x| >= 0.999 full scale) so far, all channels. */
uint64_t cap_meters_clipped(cap_meters *m, size_t *worst_channel);
void cap_meters_destroy(cap_meters *m);

/* ---- writer.c ----------------------------------------------------------- */

typedef struct cap_writer_thread {
    pthread_t thread;
    cap_shared *shared;
    bl_writer *writer;
    cap_meters *meters;
    float *block;                      /* max_block × channels */
    size_t max_block;
    atomic_int failed;                 /* a write failed; `why` says how */
    char why[512];
    atomic_uint_least64_t frames_written;
} cap_writer_thread;

/* Start draining `shared->ring` into `writer`. 0, or -1 (no thread). */
int cap_writer_start(cap_writer_thread *t, cap_shared *shared, bl_writer *writer, cap_meters *meters);
/* Wait for the thread after shared->producer_done was set: it drains what
 * is left in the ring (unless a write failed) and exits. */
void cap_writer_join(cap_writer_thread *t);

/* ---- transcode.c -------------------------------------------------------- */

/* Copy the finished temporary WAV `wav_path` into `out_path` (FLAC) with
 * the metadata of `meta`, then remove the WAV. 0 on success; -1 with `why`
 * set, the WAV kept and no partial output left behind. */
int cap_transcode(const char *wav_path, const char *out_path, bl_sample_format format,
                  const bl_recording *meta, size_t *frames_out, char *why, size_t why_len);

#endif
