/* Lock-free single-producer single-consumer ring buffer of interleaved float
 * frames, for handing audio from the PortAudio callback (producer, real-time
 * thread) to the writer thread (consumer).
 *
 * Why header-only: tests/test_ring.c includes it directly, so the unit test
 * needs no link against the tool.
 *
 * Real-time contract: cap_ring_write and cap_ring_read never allocate, lock,
 * block or make system calls; memory is allocated once by cap_ring_init.
 * Exactly one thread may write and exactly one (other) thread may read.
 *
 * The positions are free-running frame counters (they wrap at SIZE_MAX+1,
 * which unsigned arithmetic handles because the capacity is a power of two).
 * The producer publishes `head` with release order after copying the
 * frames, the consumer reads it with acquire order before copying them out;
 * symmetrically for `tail`. That is the whole synchronisation.
 */
#ifndef CAPTURE_RING_H
#define CAPTURE_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct cap_ring {
    float *buf;               /* capacity × channels floats */
    size_t capacity;          /* frames; a power of two */
    size_t channels;
    _Alignas(64) atomic_size_t head; /* frames ever written (producer owns) */
    _Alignas(64) atomic_size_t tail; /* frames ever read (consumer owns) */
} cap_ring;

/* Allocate room for at least `min_frames` frames of `channels` floats
 * (rounded up to a power of two). Returns 0, or -1 for bad arguments, an
 * overflowing size, failed allocation or non-lock-free atomics (a ring that
 * may take a lock must not be used from an audio callback). */
static inline int cap_ring_init(cap_ring *r, size_t channels, size_t min_frames)
{
    if (!r || channels == 0 || min_frames == 0) return -1;
    memset(r, 0, sizeof *r);
    size_t cap = 1;
    while (cap < min_frames) {
        if (cap > SIZE_MAX / 2) return -1;
        cap <<= 1;
    }
    if (cap > SIZE_MAX / channels / sizeof(float)) return -1;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    if (!atomic_is_lock_free(&r->head)) return -1;
    r->buf = (float *)malloc(cap * channels * sizeof(float));
    if (!r->buf) return -1;
    /* Touch every page now so the audio callback never takes a first-touch
     * page fault (calloc could hand out untouched zero pages). */
    memset(r->buf, 0, cap * channels * sizeof(float));
    r->capacity = cap;
    r->channels = channels;
    return 0;
}

static inline void cap_ring_free(cap_ring *r)
{
    if (!r) return;
    free(r->buf);
    r->buf = NULL;
    r->capacity = 0;
}

/* Producer: copy up to `frames` frames; returns how many fitted. The caller
 * counts the rest as dropped (a ring overflow) — never silently. */
static inline size_t cap_ring_write(cap_ring *r, const float *src, size_t frames)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    size_t space = r->capacity - (head - tail);
    size_t n = frames < space ? frames : space;
    if (n == 0) return 0;
    size_t start = head & (r->capacity - 1);
    size_t first = r->capacity - start;
    if (first > n) first = n;
    size_t ch = r->channels;
    memcpy(r->buf + start * ch, src, first * ch * sizeof(float));
    if (n > first) memcpy(r->buf, src + first * ch, (n - first) * ch * sizeof(float));
    atomic_store_explicit(&r->head, head + n, memory_order_release);
    return n;
}

/* Consumer: frames ready to read. */
static inline size_t cap_ring_readable(cap_ring *r)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    return head - tail;
}

/* Consumer: copy up to `frames` frames into dst; returns how many. */
static inline size_t cap_ring_read(cap_ring *r, float *dst, size_t frames)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t avail = head - tail;
    size_t n = frames < avail ? frames : avail;
    if (n == 0) return 0;
    size_t start = tail & (r->capacity - 1);
    size_t first = r->capacity - start;
    if (first > n) first = n;
    size_t ch = r->channels;
    memcpy(dst, r->buf + start * ch, first * ch * sizeof(float));
    if (n > first) memcpy(dst + first * ch, r->buf, (n - first) * ch * sizeof(float));
    atomic_store_explicit(&r->tail, tail + n, memory_order_release);
    return n;
}

#endif
