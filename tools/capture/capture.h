/* backline-capture: internal interfaces between its parts.
 *
 *   main.c       the command line: options, their validation, --help
 *   session.c    the session's phases in order; set-up before the stream
 *                starts (map, gains, device, ring and stream, file, meters)
 *                and teardown
 *   run.c        stop signals, the start, the watch until an ending, the
 *                timed stop
 *   finish.c     counts into the metadata, closing, FLAC transcode, the
 *                final messages
 *   devices.c    PortAudio start-up, --list, --device matching
 *   stream.c     the PortAudio callback (ring buffer producer) and its counters
 *   writer.c     the writer thread (ring consumer → bl_writer, meters)
 *   meters.c     the meters' levels: envelopes, clipping, NaN and flat channels
 *   meters_view.c the live view on the terminal: bars on a fixed scale, balance
 *   refs.c       the meters' %MVC references (--mvc trials, --reference report)
 *   keys.c       marker keys: the terminal in non-canonical mode, --marker-fifo
 *   transcode.c  the temporary WAV of a FLAC capture copied into the FLAC
 *   recover.c    --recover: that copy for a capture that was killed
 *   ring.h       the lock-free SPSC ring buffer
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

/* Frames per write and per meter block: ~20 ms at 48 kHz. Small enough
 * for smooth meters, large enough that libsndfile writes efficiently. */
#define CAP_BLOCK_FRAMES 1024

/* ---- main.c ------------------------------------------------------------- */

/* The command line, validated. */
typedef struct cap_options {
    int list;
    const char *device;
    int channels;          /* 0 = default */
    double rate;           /* 0 = device default */
    double seconds;        /* 0 = until stopped */
    const char *map_text;
    const char *gain_text;
    double full_scale;
    int quiet;
    int force;             /* --force: an existing output is replaced at the end */
    int mains;             /* meters: 50, 60, 0 = off, -1 = auto */
    const char *out;
    bl_sample_format format;
    int flac;
    const char *recover;   /* --recover FILE.flac.partial.wav */
    const char *marker_fifo; /* --marker-fifo PATH: marker keys read from PATH */
    const char *mvc[32];   /* --mvc FILE...: MVC trials for the meters' %MVC */
    size_t n_mvc;
    const char *reference; /* --reference REPORT.json: the references a hinge report stored */
    int target;            /* --target: +1 internal, -1 external, 0 none */
    double scale_uv;       /* --scale UV: the bars' full scale without references (500) */
} cap_options;

/* Whether `s` ends with `suffix`, ignoring ASCII case. */
int cap_ends_with_ci(const char *s, const char *suffix);
/* Parse --gain "G" or "G1,G2,...": 1 or `channels` positive gains into
 * `gains` (`channels` values). Prints the usage error itself; 0 or 2. */
int cap_parse_gains(const char *text, size_t channels, double *gains);

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

/* ---- keys.c ------------------------------------------------------------- */

/* Where marker keys come from (main thread only). */
typedef struct cap_keys {
    int tty;   /* the terminal in our mode, or -1 */
    int fifo;  /* --marker-fifo, or -1 */
} cap_keys;
/* Nothing open. */
void cap_keys_init(cap_keys *k);
/* --marker-fifo PATH (a FIFO or a file) opened without blocking. Prints
 * the error line itself; 0 or 1. */
int cap_keys_open_fifo(cap_keys *k, const char *path);
/* Read keys from the terminal on stdin, if it is one: non-canonical, no
 * echo, restored by cap_keys_close and on fatal signals and Ctrl-Z. */
void cap_keys_start_terminal(cap_keys *k);
/* The marker labels of the keys typed since the last call ("mark",
 * "1".."9"; static strings), at most `max`. Never blocks. */
size_t cap_keys_poll(cap_keys *k, const char **labels, size_t max);
/* The terminal restored, the FIFO closed; safe to call twice. */
void cap_keys_close(cap_keys *k);

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
typedef struct bl_mvc bl_mvc;
/* What the meters show and how. */
typedef struct cap_meters_setup {
    size_t channels;
    double rate_hz;
    const bl_chanmap *map;     /* may be NULL (copied) */
    const bl_recording *layout; /* the capture's description (cap_make_layout): each channel's unit; NULL = full scale */
    const bl_mvc *mvc;         /* %MVC references (kept, not owned; outlives the meters), or NULL */
    int live;                  /* compute envelopes for the live view (clipping is counted always) */
    int mains;                 /* 50 or 60 notches the meters, 0 does not, -1 detects it in the first second */
    size_t max_block;          /* largest block passed to cap_meters_process */
    int target;                /* --target: +1 internal, -1 external, 0 none */
    double scale_uv;           /* bars' full scale in uV without references */
} cap_meters_setup;
cap_meters *cap_meters_create(const cap_meters_setup *setup);
/* Writer thread: feed a block of interleaved frames. */
void cap_meters_process(cap_meters *m, const float *in, size_t frames);
/* Main thread: draw the live view (redraws in place after the first call);
 * `note` is a line of its own under the status line ("" for none). */
void cap_meters_render(cap_meters *m, FILE *out, double elapsed_s, uint64_t overruns,
                       uint64_t ring_overflows, const char *note);
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

/* ---- session.c ---------------------------------------------------------- */

/* How a recording ended: decides how the stream is stopped and which
 * message closes the session. */
enum cap_ending { CAP_END_NONE, CAP_END_DONE, CAP_END_SIGNAL, CAP_END_WRITE_ERROR, CAP_END_DEVICE };

/* One capture from the first check to the last message, shared by its
 * phases. Each phase leaves it in a state teardown (session.c) can undo,
 * so whichever phase fails, what was set up is released. */
typedef struct cap_session {
    const cap_options *opt;
    /* Settled before the stream opens. */
    bl_chanmap *map;                   /* NULL without --map */
    size_t channels;                   /* 0 until the map, --channels or the device gives it */
    double *gains;                     /* `channels` values, 0 = unknown */
    int portaudio_ready;               /* cap_pa_init succeeded: terminate at teardown */
    char label[300];                   /* "NAME (HOST API)", made one clean line for the file */
    double rate;                       /* Hz */
    int replace;                       /* the output exists and --force replaces it at the end */
    PaStreamParameters in;
    /* Open resources; teardown releases those that are set. */
    cap_shared shared;                 /* the ring and the callback's counters */
    int ring_ready;
    PaStream *stream;
    bl_recording *meta;                /* the file's metadata; the FLAC copy takes it too */
    bl_writer *writer;                 /* NULL once closed */
    char write_path[4096];             /* the output, or "<out>.partial.wav" (FLAC, or --force over a file) */
    cap_meters *meters;
    bl_recording *layout;              /* the capture's description for units and references (refs.c) */
    bl_mvc *mvc;                       /* the meters' %MVC references, NULL without --mvc/--reference */
    int live;                          /* the live view is drawn on the terminal */
    cap_writer_thread wt;
    cap_keys keys;                     /* marker keys */
    struct cap_marker {
        uint64_t frame;                /* frames the device had delivered when the key came */
        const char *label;
        int stored;                    /* reached the file's metadata */
    } *markers;
    size_t n_markers, cap_markers;
    /* How it ended. */
    enum cap_ending ending;
    PaError stream_error;              /* < 0: the host API reported the failure */
    int stalled;                       /* the stream stopped delivering */
    int hung;                          /* the host API's thread did not stop (see cap_stop_recording) */
    /* Finalised. */
    uint64_t overruns, ring_overflows;
    size_t written;                    /* frames in the file */
    int counts_stored;                 /* the counts reached the file's metadata */
    size_t markers_lost;               /* markers the file's metadata could not take (listed at the end) */
    bl_status close_status;
    char close_why[512];
    int kept_partial;                  /* no transcode or rename: the frames stay in the temporary WAV */
    int replaced;                      /* --force: the new file took the old one's place */
    char transcode_why[600];
    char result_path[4200];            /* where the frames are, for the messages */
} cap_session;

/* Record as `o` asks (or list the devices): the whole session. Returns the
 * exit status; does not return when the device hung (see cap_stop_recording). */
int cap_record(const cap_options *o);

/* ---- refs.c -------------------------------------------------------------- */

/* The capture's description with no frames (map, gains, full scale), in
 * uV when every EMG channel has a gain. strict: mixed gains are a usage
 * error (references need one unit); else the layout stays in full-scale
 * units. NULL after one error line. */
bl_recording *cap_make_layout(const cap_session *s, int strict);
/* --mvc / --reference into s->mvc (and s->layout), before the device. 0,
 * or the status after one error line. */
int cap_load_references(cap_session *s);

/* ---- run.c -------------------------------------------------------------- */

/* The signals that end a capture cleanly (summary, file finalised):
 * SIGINT, SIGTERM, SIGHUP (the terminal or SSH session went away), SIGQUIT.
 * They only set a flag the session checks; the writer thread blocks them.
 * SIGXFSZ and SIGPIPE are ignored so a full disk is a write error. */
#define CAP_STOP_SIGNAL_COUNT 4
extern const int cap_stop_signals[CAP_STOP_SIGNAL_COUNT];
void cap_catch_stop_signals(void);
/* "SIGHUP", ... for the signal that stopped the capture. */
const char *cap_stop_signal_name(void);
/* Start the stream and the writer thread, unless a stop signal came during
 * set-up. Prints the error line itself; 0 or the exit status. */
int cap_start_recording(cap_session *s);
/* Watch the running session until it ends; sets s->ending (and
 * s->stream_error, s->stalled), drawing the live view meanwhile. */
void cap_run_until_ending(cap_session *s);
/* Stop the stream, then join the writer thread once it drained the ring.
 * Sets s->hung when the stream did not stop in time. */
void cap_stop_recording(cap_session *s);

/* ---- finish.c ----------------------------------------------------------- */

/* Store the counts, close the file, transcode a FLAC; sets the finalised
 * fields of `s`. */
void cap_finalise_file(cap_session *s);
/* Print the final messages. Returns the exit status. */
int cap_report(cap_session *s);

/* ---- recover.c ---------------------------------------------------------- */

/* --recover: finish the temporary WAV of a FLAC capture that was killed
 * into the FLAC (-o, or the WAV's name without ".partial.wav"), never over
 * an existing file. Prints its messages; returns the exit status. */
int cap_recover(const cap_options *o);

/* ---- transcode.c -------------------------------------------------------- */

/* Copy the finished temporary WAV `wav_path` into `out_path` (FLAC) with
 * the metadata of `meta` (NULL: the metadata the WAV holds). The copy is
 * made in a temporary beside `out_path` and put in place once complete:
 * over an existing file when `replace`, else only where none exists (a
 * link, never over a file that appeared meanwhile); then the WAV is
 * removed. 0 on success; -1 with `why` set, the WAV kept and no partial
 * output left behind. */
int cap_transcode(const char *wav_path, const char *out_path, int replace, bl_sample_format format,
                  const bl_recording *meta, size_t *frames_out, char *why, size_t why_len);

#endif
