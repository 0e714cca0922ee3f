/* The capture tool's PortAudio callback, driven directly (no device): with
 * --seconds it stops at exactly the requested frame count whatever the
 * block sizes; frames that do not fit the ring are counted as ring
 * overflows, never silently dropped; blocks flagged paInputOverflow are
 * counted as overruns; what reaches the ring is the input, in order. */
#include "check.h"

#include <string.h>

#include "../tools/capture/stream.c"

#define CH 2

static void fill(float *buf, size_t frames, uint64_t first)
{
    for (size_t i = 0; i < frames; i++)
        for (size_t c = 0; c < CH; c++) buf[i * CH + c] = (float)((first + i) * CH + c);
}

static void init_shared(cap_shared *s, size_t ring_frames, uint64_t target)
{
    memset(s, 0, sizeof *s);
    CHECK(cap_ring_init(&s->ring, CH, ring_frames) == 0);
    s->channels = CH;
    s->target_frames = target;
}

static void test_exact_duration(void)
{
    /* 2 s at 48 kHz in odd block sizes: exactly 96000 frames, then done. */
    cap_shared s;
    init_shared(&s, 1 << 17, 96000);
    float block[1000 * CH];
    static float out[(1 << 17) * CH];
    uint64_t offered = 0;
    int result = paContinue, calls = 0;
    while (result == paContinue && calls < 10000) {
        unsigned long n = 1 + (unsigned long)(calls * 37 % 1000);
        fill(block, n, offered);
        result = cap_callback(block, NULL, n, NULL, 0, &s);
        offered += n;
        calls++;
    }
    CHECK_EQ_INT(result, paComplete);
    CHECK_EQ_INT(atomic_load(&s.target_reached), 1);
    CHECK_EQ_INT(atomic_load(&s.frames_in), 96000);
    CHECK_EQ_INT(atomic_load(&s.ring_overflows), 0);
    CHECK_EQ_INT(atomic_load(&s.overruns), 0);
    CHECK_EQ_INT(cap_ring_readable(&s.ring), 96000);
    size_t got = cap_ring_read(&s.ring, out, 1 << 17);
    CHECK_EQ_INT(got, 96000);
    int in_order = 1;
    for (size_t i = 0; i < got * CH; i++)
        if (out[i] != (float)i) in_order = 0;
    CHECK_MSG(in_order, "ring contents are not the input in order");
    cap_ring_free(&s.ring);
}

static void test_overflow_and_overruns(void)
{
    /* A 1024-frame ring nobody reads: 3 blocks of 512 → 512 frames dropped
     * and counted; two of the blocks flagged as driver overflows. */
    cap_shared s;
    init_shared(&s, 1024, 0);
    float block[512 * CH];
    fill(block, 512, 0);
    CHECK_EQ_INT(cap_callback(block, NULL, 512, NULL, paInputOverflow, &s), paContinue);
    fill(block, 512, 512);
    CHECK_EQ_INT(cap_callback(block, NULL, 512, NULL, 0, &s), paContinue);
    fill(block, 512, 1024);
    CHECK_EQ_INT(cap_callback(block, NULL, 512, NULL, paInputOverflow | paInputUnderflow, &s), paContinue);
    CHECK_EQ_INT(atomic_load(&s.overruns), 2);
    CHECK_EQ_INT(atomic_load(&s.ring_overflows), 512);
    CHECK_EQ_INT(atomic_load(&s.frames_in), 1536);
    /* A NULL input buffer (should not happen) is counted, not ignored. */
    CHECK_EQ_INT(cap_callback(NULL, NULL, 100, NULL, 0, &s), paContinue);
    CHECK_EQ_INT(atomic_load(&s.ring_overflows), 612);
    cap_ring_free(&s.ring);
}

static void test_one_frame_target(void)
{
    cap_shared s;
    init_shared(&s, 64, 1);
    float block[256 * CH];
    fill(block, 256, 0);
    CHECK_EQ_INT(cap_callback(block, NULL, 256, NULL, 0, &s), paComplete);
    CHECK_EQ_INT(cap_ring_readable(&s.ring), 1);
    CHECK_EQ_INT(atomic_load(&s.frames_in), 1);
    cap_ring_free(&s.ring);
}

int main(void)
{
    test_exact_duration();
    test_overflow_and_overruns();
    test_one_frame_target();
    return test_finish("test_capture_callback");
}
