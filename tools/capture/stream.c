/* The PortAudio callback: the only code that runs on the audio thread.
 *
 * It copies the block into the lock-free ring and counts; it never
 * allocates, locks, prints or touches the file. Frames that do not fit the
 * ring are counted as ring overflows (the file then has a gap, reported at
 * the end and stored in its metadata); blocks PortAudio flags with
 * paInputOverflow (the driver lost input before we saw it) are counted as
 * overruns. With --seconds the callback itself stops at the exact frame
 * count, so a 2 s capture holds exactly 2 s of frames. */
#include "capture.h"

int cap_callback(const void *input, void *output, unsigned long frames,
                 const PaStreamCallbackTimeInfo *time_info, PaStreamCallbackFlags status_flags,
                 void *user)
{
    (void)output;
    (void)time_info;
    cap_shared *s = user;
    if (status_flags & paInputOverflow)
        atomic_fetch_add_explicit(&s->overruns, 1, memory_order_relaxed);
    uint64_t seen = s->cb_frames;
    uint64_t take = frames;
    int last = 0;
    if (s->target_frames) {
        uint64_t left = s->target_frames > seen ? s->target_frames - seen : 0;
        if (take >= left) {
            take = left;
            last = 1;
        }
    }
    if (take) {
        size_t put = input ? cap_ring_write(&s->ring, input, (size_t)take) : 0;
        if (put < take)
            atomic_fetch_add_explicit(&s->ring_overflows, take - put, memory_order_relaxed);
    }
    s->cb_frames = seen + take;
    atomic_store_explicit(&s->frames_in, seen + take, memory_order_release);
    if (last) {
        atomic_store_explicit(&s->target_reached, 1, memory_order_release);
        return paComplete;
    }
    return paContinue;
}
