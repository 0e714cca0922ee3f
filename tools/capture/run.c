/* From the start of the stream to its stop: the stop signals, the start,
 * the main thread's watch until an ending (the requested duration,
 * SIGINT/SIGTERM/SIGHUP/SIGQUIT, a write error, a device that fails or stops delivering)
 * with the live view, and a stop that does not trust the driver to return. */
#define _POSIX_C_SOURCE 200809L
#include "capture.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

/* A running stream that delivers nothing for this long is treated as gone
 * (a USB interface unplugged without the host API noticing). */
#define CAP_STALL_SECONDS 5.0
#define CAP_REFRESH_S 0.1
/* How long stopping the stream may take before we call the device hung. */
#define CAP_STOP_TIMEOUT_S 3.0

static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig)
{
    stop_signal = sig; /* async-signal-safe: one store, nothing else */
}

const int cap_stop_signals[CAP_STOP_SIGNAL_COUNT] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

void cap_catch_stop_signals(void)
{
    /* Signals only set a flag; the session checks it. SIGHUP (the SSH
     * session or terminal went away) and SIGQUIT (Ctrl-\) end a capture
     * like Ctrl-C, never by killing it with the file unfinished. A full
     * disk must come back as a write error (EFBIG), not kill us with
     * SIGXFSZ; a closed terminal or pipe must not kill us with SIGPIPE. */
    struct sigaction sa_stop;
    memset(&sa_stop, 0, sizeof sa_stop);
    sa_stop.sa_handler = on_signal;
    sigemptyset(&sa_stop.sa_mask);
    for (int i = 0; i < CAP_STOP_SIGNAL_COUNT; i++) sigaction(cap_stop_signals[i], &sa_stop, NULL);
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
}

const char *cap_stop_signal_name(void)
{
    switch (stop_signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    case SIGQUIT: return "SIGQUIT";
    default: return "a signal";
    }
}

/* "2026-11-21T09:30:12.345Z" */
static void iso8601_now(char *buf, size_t len)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    int ms = (int)(ts.tv_nsec / 1000000L) % 1000;
    snprintf(buf, len, "%.19s.%03dZ", base, ms);
}

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* For cap_quietly (host APIs print diagnostics of their own). */
static int do_start(void *p) { return Pa_StartStream((PaStream *)p); }
static int do_abort(void *p) { return Pa_AbortStream((PaStream *)p); }

/* Stopping a stream waits for the host API's thread. A driver stuck inside
 * a read (a device that hangs rather than failing) would block us forever
 * and the file would never be finalised, so the stop runs in a helper
 * thread and we give up on it after a timeout. */
typedef struct stopper {
    PaStream *stream;
    int abort;
    atomic_int finished;
} stopper;

static void *stopper_main(void *p)
{
    stopper *st = p;
    if (st->abort) Pa_AbortStream(st->stream);
    else Pa_StopStream(st->stream);
    atomic_store(&st->finished, 1);
    return NULL;
}

/* 0 when the stream stopped within timeout_s; -1 when it hangs (the helper
 * thread and its stopper are then abandoned: the process must not tear
 * PortAudio down, and exits once the file is finalised). */
static int stop_stream_timed(PaStream *stream, int abort, double timeout_s)
{
    stopper *st = calloc(1, sizeof *st);
    if (!st) return -1;
    st->stream = stream;
    st->abort = abort;
    atomic_init(&st->finished, 0);
    /* Host APIs chatter on stderr while stopping: silence it for the wait,
     * and restore stderr even if the stop never returns. */
    const char *debug = getenv("BL_CAPTURE_DEBUG");
    int quiet = !(debug && *debug && strcmp(debug, "0") != 0);
    int saved = -1;
    if (quiet) {
        fflush(stderr);
        saved = dup(STDERR_FILENO);
        int null_fd = open("/dev/null", O_WRONLY);
        if (saved >= 0 && null_fd >= 0) dup2(null_fd, STDERR_FILENO);
        if (null_fd >= 0) close(null_fd);
    }
    pthread_t t;
    int started = pthread_create(&t, NULL, stopper_main, st) == 0;
    int done = 0;
    if (started) {
        for (double waited = 0; waited < timeout_s; waited += 0.01) {
            if (atomic_load(&st->finished)) { done = 1; break; }
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        if (!done && atomic_load(&st->finished)) done = 1;
    }
    if (saved >= 0) {
        dup2(saved, STDERR_FILENO);
        close(saved);
    }
    if (!started) {
        free(st);
        return -1;
    }
    if (done) {
        pthread_join(t, NULL);
        free(st);
        return 0;
    }
    pthread_detach(t);
    return -1;
}

/* The last moment a signal can still mean "record nothing": after this the
 * stream runs and any ending finalises the file. */
int cap_start_recording(cap_session *s)
{
    if (stop_signal) return tool_error("interrupted before recording started; nothing recorded");
    char start_time[40];
    iso8601_now(start_time, sizeof start_time);
    PaError pe = cap_quietly(do_start, s->stream);
    if (pe != paNoError) return tool_error("cannot start device %s: %s", s->label, Pa_GetErrorText(pe));
    /* Before the first write, so every format stores it. */
    bl_writer_set_meta(s->writer, "start_time", start_time);
    bl_recording_set_meta(s->meta, "start_time", start_time);
    if (cap_writer_start(&s->wt, &s->shared, s->writer, s->meters) != 0) {
        cap_quietly(do_abort, s->stream);
        return tool_error("cannot start the writer thread");
    }
    return 0;
}

/* The ending that has happened, or CAP_END_NONE. */
static enum cap_ending ending_now(cap_session *s)
{
    if (stop_signal) return CAP_END_SIGNAL;
    if (atomic_load_explicit(&s->wt.failed, memory_order_acquire)) return CAP_END_WRITE_ERROR;
    if (atomic_load_explicit(&s->shared.target_reached, memory_order_acquire)) return CAP_END_DONE;
    PaError act = Pa_IsStreamActive(s->stream);
    if (act != 1) {
        /* The callback may have finished between the two checks. */
        if (atomic_load_explicit(&s->shared.target_reached, memory_order_acquire)) return CAP_END_DONE;
        s->stream_error = act;
        return CAP_END_DEVICE;
    }
    return CAP_END_NONE;
}

/* Keys typed since the last look become markers at the frame the device
 * has delivered (the meters' block and this 20 ms poll are the timing's
 * grain). A marker that cannot be kept (out of memory) is dropped. */
static void take_markers(cap_session *s)
{
    const char *labels[32];
    size_t n = cap_keys_poll(&s->keys, labels, 32);
    if (!n) return;
    uint64_t frame = atomic_load_explicit(&s->shared.frames_in, memory_order_acquire);
    for (size_t i = 0; i < n; i++) {
        if (s->n_markers == s->cap_markers) {
            size_t cap = s->cap_markers ? 2 * s->cap_markers : 64;
            struct cap_marker *m = realloc(s->markers, cap * sizeof *m);
            if (!m) return;
            s->markers = m;
            s->cap_markers = cap;
        }
        s->markers[s->n_markers++] = (struct cap_marker){frame, labels[i], 0};
    }
}

/* The live view's line about the markers ("" before the first). */
static void marker_note(const cap_session *s, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!s->n_markers) return;
    const struct cap_marker *m = &s->markers[s->n_markers - 1];
    double t = (double)m->frame / s->rate;
    int minutes = (int)(t / 60.0);
    snprintf(buf, len, "markers %zu, last \"%s\" at %02d:%05.2f", s->n_markers, m->label, minutes, t - 60.0 * minutes);
}

/* Watch the session until it ends (sets s->ending), drawing the live view.
 * The callback and the writer thread do the work; this thread only looks. */
void cap_run_until_ending(cap_session *s)
{
    double t_last_draw = 0, t_last_progress = monotonic_s();
    uint64_t last_frames = 0;
    while ((s->ending = ending_now(s)) == CAP_END_NONE) {
        double now = monotonic_s();
        uint64_t frames_in = atomic_load_explicit(&s->shared.frames_in, memory_order_acquire);
        if (frames_in != last_frames) {
            last_frames = frames_in;
            t_last_progress = now;
        } else if (now - t_last_progress > CAP_STALL_SECONDS) {
            s->ending = CAP_END_DEVICE;
            s->stalled = 1;
            return;
        }
        take_markers(s);
        if (s->live && now - t_last_draw >= CAP_REFRESH_S) {
            char note[96];
            marker_note(s, note, sizeof note);
            cap_meters_render(s->meters, stderr, (double)frames_in / s->rate, atomic_load(&s->shared.overruns),
                              atomic_load(&s->shared.ring_overflows), note);
            t_last_draw = now;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Stop the audio first (Pa_StopStream delivers what the host still holds;
 * a failed device or write is aborted instead), then let the writer drain
 * the ring and finish. A stream that will not stop makes the session hung. */
void cap_stop_recording(cap_session *s)
{
    if (s->stalled) {
        s->hung = 1; /* do not wait on a stream that stopped delivering */
    } else if (stop_stream_timed(s->stream, s->ending == CAP_END_DEVICE || s->ending == CAP_END_WRITE_ERROR,
                                 CAP_STOP_TIMEOUT_S) != 0) {
        s->hung = 1;
        if (s->ending != CAP_END_WRITE_ERROR) s->ending = CAP_END_DEVICE;
    }
    atomic_store_explicit(&s->shared.producer_done, 1, memory_order_release);
    cap_writer_join(&s->wt);
    if (s->ending != CAP_END_WRITE_ERROR && atomic_load(&s->wt.failed)) s->ending = CAP_END_WRITE_ERROR;
}

