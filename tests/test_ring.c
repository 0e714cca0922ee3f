/* The capture tool's lock-free SPSC ring buffer: argument checks, wrap-around,
 * partial writes when full, and two-thread stress tests (lossless with a
 * retrying producer; lossy with a producer that drops and counts, where every
 * frame read must be in order and reads + drops must equal frames offered). */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include "check.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "../tools/capture/ring.h"

#define CH 3

/* Frame `seq` encoded exactly in floats: low and high 16 bits plus a check
 * channel, so a torn or misplaced frame is detected. */
static void encode(float *f, uint64_t seq)
{
    f[0] = (float)(seq & 0xFFFF);
    f[1] = (float)((seq >> 16) & 0xFFFFFF);
    f[2] = (float)((seq * 2654435761u) & 0xFFFF);
}

static int decode(const float *f, uint64_t *seq)
{
    uint64_t s = (uint64_t)f[0] | ((uint64_t)f[1] << 16);
    *seq = s;
    return f[2] == (float)((s * 2654435761u) & 0xFFFF);
}

static void test_arguments(void)
{
    cap_ring r;
    CHECK(cap_ring_init(NULL, 2, 16) == -1);
    CHECK(cap_ring_init(&r, 0, 16) == -1);
    CHECK(cap_ring_init(&r, 2, 0) == -1);
    CHECK(cap_ring_init(&r, SIZE_MAX / 2, SIZE_MAX / 4) == -1);
    CHECK(cap_ring_init(&r, 2, 100) == 0);
    CHECK_EQ_INT(r.capacity, 128);
    cap_ring_free(&r);
    cap_ring_free(&r); /* twice is harmless */
    cap_ring_free(NULL);
}

static void test_wrap_and_full(void)
{
    cap_ring r;
    CHECK(cap_ring_init(&r, CH, 8) == 0);
    float in[16 * CH], out[16 * CH];
    uint64_t next_in = 0, next_out = 0;
    CHECK_EQ_INT(cap_ring_read(&r, out, 4), 0);
    /* Many rounds of uneven sizes force every wrap position. */
    for (int round = 0; round < 200; round++) {
        size_t w = (size_t)(round % 7) + 1;
        for (size_t i = 0; i < w; i++) encode(in + i * CH, next_in + i);
        size_t got = cap_ring_write(&r, in, w);
        CHECK(got <= w);
        next_in += got;
        CHECK(cap_ring_readable(&r) <= 8);
        size_t rd = cap_ring_read(&r, out, (size_t)(round % 5) + 1);
        for (size_t i = 0; i < rd; i++) {
            uint64_t s;
            CHECK(decode(out + i * CH, &s));
            CHECK_EQ_INT(s, next_out);
            next_out++;
        }
    }
    /* Fill completely: the ninth frame does not fit and is reported. */
    while (cap_ring_read(&r, out, 16)) {}
    for (size_t i = 0; i < 9; i++) encode(in + i * CH, i);
    CHECK_EQ_INT(cap_ring_write(&r, in, 9), 8);
    CHECK_EQ_INT(cap_ring_write(&r, in, 1), 0);
    CHECK_EQ_INT(cap_ring_readable(&r), 8);
    CHECK_EQ_INT(cap_ring_read(&r, out, 16), 8);
    for (size_t i = 0; i < 8; i++) {
        uint64_t s;
        CHECK(decode(out + i * CH, &s) && s == i);
    }
    cap_ring_free(&r);
}

typedef struct stress {
    cap_ring ring;
    uint64_t total;      /* frames the producer offers */
    int lossy;           /* 1: drop what does not fit; 0: retry */
    uint64_t dropped;    /* producer's count */
    uint64_t read;       /* consumer's count */
    uint64_t gaps;       /* frames missing between consecutive reads */
    uint64_t errors;     /* torn frames or out-of-order sequence numbers */
    atomic_int done;
} stress;

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static void *producer(void *arg)
{
    stress *st = arg;
    float block[512 * CH];
    uint32_t rnd = 12345;
    uint64_t seq = 0;
    while (seq < st->total) {
        size_t n = 1 + lcg(&rnd) % 512;
        if (n > st->total - seq) n = (size_t)(st->total - seq);
        for (size_t i = 0; i < n; i++) encode(block + i * CH, seq + i);
        size_t off = 0;
        while (off < n) {
            size_t w = cap_ring_write(&st->ring, block + off * CH, n - off);
            off += w;
            if (off < n) {
                if (st->lossy) {
                    st->dropped += n - off;
                    break;
                }
                sched_yield();
            }
        }
        seq += n;
    }
    atomic_store(&st->done, 1);
    return NULL;
}

static void *consumer(void *arg)
{
    stress *st = arg;
    float block[700 * CH];
    uint32_t rnd = 777;
    uint64_t expect = 0;
    for (;;) {
        int finished = atomic_load(&st->done);
        size_t n = cap_ring_read(&st->ring, block, 1 + lcg(&rnd) % 700);
        for (size_t i = 0; i < n; i++) {
            uint64_t s;
            if (!decode(block + i * CH, &s) || s < expect) {
                st->errors++;
                continue;
            }
            st->gaps += s - expect;
            expect = s + 1;
        }
        st->read += n;
        if (n == 0) {
            if (finished && cap_ring_readable(&st->ring) == 0) {
                st->gaps += st->total - expect; /* frames dropped at the very end */
                break;
            }
            /* A slow reader now and then makes the lossy test overflow. */
            if (st->lossy && lcg(&rnd) % 4 == 0) {
                struct timespec ts = {0, 200000};
                nanosleep(&ts, NULL);
            } else {
                sched_yield();
            }
        }
    }
    return NULL;
}

static void run_stress(int lossy, uint64_t total, size_t capacity)
{
    stress st;
    memset(&st, 0, sizeof st);
    CHECK(cap_ring_init(&st.ring, CH, capacity) == 0);
    st.total = total;
    st.lossy = lossy;
    atomic_init(&st.done, 0);
    pthread_t p, c;
    CHECK(pthread_create(&c, NULL, consumer, &st) == 0);
    CHECK(pthread_create(&p, NULL, producer, &st) == 0);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    CHECK_EQ_INT(st.errors, 0);
    CHECK_EQ_INT(st.read + st.dropped, total);
    CHECK_EQ_INT(st.gaps, st.dropped);
    if (!lossy) CHECK_EQ_INT(st.dropped, 0);
    printf("ring stress (%s, capacity %zu): %llu frames offered, %llu read, %llu dropped\n",
           lossy ? "lossy" : "lossless", st.ring.capacity, (unsigned long long)total,
           (unsigned long long)st.read, (unsigned long long)st.dropped);
    cap_ring_free(&st.ring);
}

int main(void)
{
    test_arguments();
    test_wrap_and_full();
    run_stress(0, 20000000, 1024);
    run_stress(1, 20000000, 1024);
    return test_finish("test_ring");
}
