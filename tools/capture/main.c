/* backline-capture: record an audio-interface EMG board through PortAudio
 * into a self-describing WAV/FLAC file without losing a sample.
 *
 * Everything the user can get wrong is checked before the device is opened;
 * every failure is one line on stderr and a non-zero exit. Once recording,
 * every ending (the requested duration, SIGINT/SIGTERM, a write error, a
 * device that stops) finalises the file with everything captured. */
#define _POSIX_C_SOURCE 200809L
#include "capture.h"

#include <ctype.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backline/backline.h"
#include "tool.h"

/* Seconds of audio the ring holds: the writer may stall this long (slow
 * disk, busy system) before a frame is lost. Capped in bytes for many
 * channels at high rates. */
#define CAP_RING_SECONDS 8.0
#define CAP_RING_MAX_BYTES ((size_t)256 << 20)
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

static void usage(FILE *out)
{
    fprintf(out,
            "usage: backline-capture --list\n"
            "       backline-capture [--device INDEX|NAME] [--channels N] [--rate HZ] [--seconds S]\n"
            "                        [--map MAP] [--gain G | --gain G1,G2,...] [--full-scale VOLTS]\n"
            "                        [--format float32|pcm24] [--mains auto|50|60|off] [--quiet]\n"
            "                        -o FILE.wav|FILE.flac\n"
            "\n"
            "Records from an audio input (an EMG board on a sound card) into WAV or FLAC.\n"
            "  --list            input devices: index, name, host API, channels, default rate\n"
            "  --device D        device index, or part of its name (case-insensitive);\n"
            "                    default: the default input device\n"
            "  --channels N      channels to record (default: the map's entries, else 2)\n"
            "  --rate HZ         sample rate (default: the device's default rate)\n"
            "  --seconds S       stop after exactly S seconds of frames (default: until Ctrl-C)\n"
            "  --map MAP         channel map stored in the file, e.g. L.ST,L.BF,L.GMAX,L.ES\n"
            "  --gain G          amplifier gain, one value or one per channel (file converts to uV)\n"
            "  --full-scale V    interface full scale in volts (default 1.0)\n"
            "  --format F        float32 (default for .wav) or pcm24 (default and only choice for .flac)\n"
            "  --mains M         notch the live meters at 50 or 60 Hz and harmonics; auto detects\n"
            "                    the hum in the first second (default auto); the file is never filtered\n"
            "  --quiet           no live meters, no summary (warnings and errors still shown)\n"
            "Overruns and ring-buffer overflows are counted, reported and stored in the file.\n");
}

typedef struct options {
    int list;
    const char *device;
    int channels;          /* 0 = default */
    double rate;           /* 0 = device default */
    double seconds;        /* 0 = until stopped */
    const char *map_text;
    const char *gain_text;
    double full_scale;
    int quiet;
    int mains;             /* meters: 50, 60, 0 = off, -1 = auto */
    const char *out;
    bl_sample_format format;
    int flac;
} options;

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n < m) return 0;
    for (size_t i = 0; i < m; i++)
        if (tolower((unsigned char)s[n - m + i]) != suffix[i]) return 0;
    return 1;
}

/* Parse "G" or "G1,G2,...": 1 or `channels` positive gains. */
static int parse_gains(const char *text, size_t channels, double *gains)
{
    size_t count = 0;
    const char *p = text;
    double values[256];
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[64];
        if (len == 0 || len >= sizeof item)
            return tool_usage_error("--gain: entry %zu \"%.*s\" is not a number", count + 1,
                                       (int)(len < 40 ? len : 40), p);
        memcpy(item, p, len);
        item[len] = '\0';
        double g;
        if (tool_parse_double(item, &g) != 0 || !(g > 0))
            return tool_usage_error("--gain: entry %zu \"%s\" is not a positive number", count + 1, item);
        if (count == sizeof values / sizeof values[0])
            return tool_usage_error("--gain: too many values");
        values[count++] = g;
        if (!comma) break;
        p = comma + 1;
    }
    if (count != 1 && count != channels)
        return tool_usage_error("--gain has %zu values but there are %zu channels (give one value or one per channel)",
                                   count, channels);
    for (size_t c = 0; c < channels; c++) gains[c] = values[count == 1 ? 0 : c];
    return 0;
}

static int parse_options(int argc, char **argv, options *o)
{
    static const tool_opt_spec spec[] = {
        {"--list", 0, 0}, {"--device", 1, 0}, {"--channels", 1, 0}, {"--rate", 1, 0},
        {"--seconds", 1, 0}, {"--map", 1, 0}, {"--gain", 1, 0}, {"--full-scale", 1, 0},
        {"--format", 1, 0}, {"--mains", 1, 0}, {"--quiet", 0, 0}, {"-q", 0, 0}, {"-o", 1, 0}, {"--output", 1, 0},
        {"--help", 0, 0}, {"-h", 0, 0}, {"--version", 0, 0}, {NULL, 0, 0}};
    tool_args a;
    int r = tool_args_parse(argc, argv, spec, &a);
    if (r) return r;
    if (tool_args_has(&a, "--help") || tool_args_has(&a, "-h")) {
        usage(stdout);
        return -1;
    }
    if (tool_args_has(&a, "--version")) {
        printf("backline-capture %s\n", bl_version());
        return -1;
    }
    if (a.n_pos) return tool_usage_error("unexpected argument \"%s\" (the output file goes after -o)", a.pos[0]);
    memset(o, 0, sizeof *o);
    o->list = tool_args_has(&a, "--list");
    o->device = tool_args_get(&a, "--device");
    o->quiet = tool_args_has(&a, "--quiet") || tool_args_has(&a, "-q");
    o->map_text = tool_args_get(&a, "--map");
    o->gain_text = tool_args_get(&a, "--gain");
    o->full_scale = 1.0;
    o->out = tool_args_get(&a, "-o");
    if (tool_args_get(&a, "--output")) {
        if (o->out) return tool_usage_error("give the output file once (-o or --output)");
        o->out = tool_args_get(&a, "--output");
    }
    const char *v;
    o->mains = -1;
    if ((v = tool_args_get(&a, "--mains"))) {
        if (!strcmp(v, "auto")) o->mains = -1;
        else if (!strcmp(v, "off")) o->mains = 0;
        else if (!strcmp(v, "50") || !strcmp(v, "60")) o->mains = atoi(v);
        else return tool_usage_error("--mains: \"%s\" is not auto, 50, 60 or off", v);
    }
    if ((v = tool_args_get(&a, "--channels"))) {
        if (tool_parse_int(v, &o->channels) != 0 || o->channels < 1 || o->channels > 256)
            return tool_usage_error("--channels: \"%s\" is not a channel count (1 to 256)", v);
    }
    if ((v = tool_args_get(&a, "--rate"))) {
        if (tool_parse_double(v, &o->rate) != 0 || o->rate != floor(o->rate) || o->rate > 1e6)
            return tool_usage_error("--rate: \"%s\" is not a whole number of Hz", v);
        if (o->rate < BL_MIN_EMG_RATE_HZ)
            return tool_usage_error("--rate %s Hz is too low for surface EMG (at least %.0f Hz)", v,
                                       BL_MIN_EMG_RATE_HZ);
    }
    if ((v = tool_args_get(&a, "--seconds"))) {
        if (tool_parse_double(v, &o->seconds) != 0 || !(o->seconds > 0) || o->seconds > 1e7)
            return tool_usage_error("--seconds: \"%s\" is not a positive duration", v);
    }
    if ((v = tool_args_get(&a, "--full-scale"))) {
        if (tool_parse_double(v, &o->full_scale) != 0 || !(o->full_scale > 0))
            return tool_usage_error("--full-scale: \"%s\" is not a positive number of volts", v);
    }
    if (o->list) return 0;
    if (!o->out) return tool_usage_error("no output file: give -o FILE.wav or -o FILE.flac (or --list)");
    int flac = ends_with_ci(o->out, ".flac");
    if (!flac && !ends_with_ci(o->out, ".wav"))
        return tool_usage_error("%s: the output must be .wav or .flac", o->out);
    o->flac = flac;
    if (strlen(o->out) > 4000) return tool_usage_error("-o: path too long");
    o->format = flac ? BL_FORMAT_PCM24 : BL_FORMAT_FLOAT32;
    if ((v = tool_args_get(&a, "--format"))) {
        if (strcmp(v, "float32") == 0 || strcmp(v, "float") == 0) {
            if (flac)
                return tool_usage_error("--format float32: FLAC holds integers only; use pcm24 or a .wav file");
            o->format = BL_FORMAT_FLOAT32;
        } else if (strcmp(v, "pcm24") == 0 || strcmp(v, "24") == 0) {
            o->format = BL_FORMAT_PCM24;
        } else {
            return tool_usage_error("--format: \"%s\" is not float32 or pcm24", v);
        }
    }
    return 0;
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

typedef struct open_args {
    PaStream **stream;
    const PaStreamParameters *in;
    double rate;
    cap_shared *shared;
} open_args;

static int do_open(void *p)
{
    open_args *a = p;
    return Pa_OpenStream(a->stream, a->in, NULL, a->rate, paFramesPerBufferUnspecified,
                         paClipOff | paDitherOff, cap_callback, a->shared);
}

static int do_start(void *p) { return Pa_StartStream((PaStream *)p); }
static int do_abort(void *p) { return Pa_AbortStream((PaStream *)p); }
static int do_close(void *p) { return Pa_CloseStream((PaStream *)p); }

typedef struct support_args {
    const PaStreamParameters *in;
    double rate;
} support_args;

static int do_supported(void *p)
{
    support_args *a = p;
    return Pa_IsFormatSupported(a->in, NULL, a->rate);
}

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

/* How a recording ended: decides how the stream is stopped and which
 * message closes the session. */
enum cap_ending { CAP_END_NONE, CAP_END_DONE, CAP_END_SIGNAL, CAP_END_WRITE_ERROR, CAP_END_DEVICE };

/* One capture from the first check to the last message. The phases below
 * share it instead of one function's locals; each leaves it in a state
 * session_teardown can undo, whichever phase fails. */
typedef struct cap_session {
    const options *opt;
    /* Settled before the stream opens. */
    bl_chanmap *map;                   /* NULL without --map */
    size_t channels;                   /* 0 until the map, --channels or the device gives it */
    double *gains;                     /* `channels` values, 0 = unknown */
    int portaudio_ready;               /* cap_pa_init succeeded: terminate at teardown */
    char label[300];                   /* "NAME (HOST API)", made one clean line for the file */
    double rate;                       /* Hz */
    PaStreamParameters in;
    /* Open resources; teardown releases those that are set. */
    cap_shared shared;                 /* the ring and the callback's counters */
    int ring_ready;
    PaStream *stream;
    bl_recording *meta;                /* the file's metadata; the FLAC copy takes it too */
    bl_writer *writer;                 /* NULL once closed */
    char write_path[4096];             /* the output, or "<out>.partial.wav" for FLAC */
    cap_meters *meters;
    int live;                          /* the live view is drawn on the terminal */
    cap_writer_thread wt;
    /* How it ended. */
    enum cap_ending ending;
    PaError stream_error;              /* < 0: the host API reported the failure */
    int stalled;                       /* the stream stopped delivering */
    int hung;                          /* the host API's thread did not stop (see stop_stream_timed) */
    /* Finalised. */
    uint64_t overruns, ring_overflows;
    size_t written;                    /* frames in the file */
    int counts_stored;                 /* the counts reached the file's metadata */
    bl_status close_status;
    char close_why[512];
    int kept_partial;                  /* FLAC: no transcode; the frames stay in the temporary WAV */
    char transcode_why[600];
    char result_path[4200];            /* where the frames are, for the messages */
} cap_session;

static int record(const options *o);

int main(int argc, char **argv)
{
    tool_set_name("backline-capture");
    options o;
    int r = parse_options(argc, argv, &o);
    if (r < 0) return 0; /* --help / --version */
    if (r) return r;
    return record(&o);
}

/* ---- before the device ---------------------------------------------------- */

static void catch_stop_signals(void)
{
    /* Signals only set a flag; the session checks it. A full disk must come
     * back as a write error (EFBIG), not kill us with SIGXFSZ. */
    struct sigaction sa_stop;
    memset(&sa_stop, 0, sizeof sa_stop);
    sa_stop.sa_handler = on_signal;
    sigemptyset(&sa_stop.sa_mask);
    sigaction(SIGINT, &sa_stop, NULL);
    sigaction(SIGTERM, &sa_stop, NULL);
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
}

/* --map parsed and checked against --channels; without --channels the map
 * gives the channel count. */
static int check_map(cap_session *s)
{
    const options *o = s->opt;
    char why[512];
    if (o->map_text && bl_chanmap_parse(o->map_text, &s->map, why, sizeof why) != BL_OK)
        return tool_usage_error("--map: %s", why);
    s->channels = (size_t)o->channels;
    if (s->map) {
        if (!s->channels) s->channels = bl_chanmap_count(s->map);
        if (bl_chanmap_validate(s->map, s->channels, why, sizeof why) != BL_OK)
            return tool_usage_error("--map does not fit --channels %zu: %s", s->channels, why);
    }
    return 0;
}

static int start_portaudio(cap_session *s)
{
    if (cap_pa_init()) return 1;
    s->portaudio_ready = 1;
    return 0;
}

/* One gain per channel from --gain (0 = unknown), as soon as the channel
 * count is known: before the device when the map or --channels gives it,
 * so a bad --gain is a usage error that never touches the device; else
 * once the device has given the count. */
static int settle_gains(cap_session *s)
{
    if (s->gains || !s->channels) return 0;
    s->gains = calloc(s->channels, sizeof *s->gains);
    if (!s->gains) return tool_error("out of memory");
    if (s->opt->gain_text) return parse_gains(s->opt->gain_text, s->channels, s->gains);
    return 0;
}

/* ---- the device and the stream ---------------------------------------------- */

/* The device --device names, the channel count and rate it defaults to, and
 * whether it can record them as float. */
static int select_device(cap_session *s)
{
    const options *o = s->opt;
    int dev = cap_find_device(o->device);
    if (dev < 0) return 1;
    const PaDeviceInfo *info = Pa_GetDeviceInfo(dev);
    cap_device_label(dev, s->label, sizeof s->label);
    if (!s->channels) s->channels = info->maxInputChannels >= 2 ? 2 : 1;
    if ((int)s->channels > info->maxInputChannels)
        return tool_error("device %s has %d input channels; %zu requested", s->label,
                          info->maxInputChannels, s->channels);
    int status = settle_gains(s);
    if (status) return status;
    s->rate = o->rate > 0 ? o->rate : floor(info->defaultSampleRate + 0.5);
    if (s->rate < BL_MIN_EMG_RATE_HZ)
        return tool_error("device %s defaults to %.0f Hz, too low for surface EMG; give --rate", s->label,
                          s->rate);

    s->in.device = dev;
    s->in.channelCount = (int)s->channels;
    s->in.sampleFormat = paFloat32;
    /* Not low latency: the meters refresh at 10 Hz, and bigger host buffers
     * make driver overruns less likely. */
    s->in.suggestedLatency = info->defaultHighInputLatency;
    support_args sa = {&s->in, s->rate};
    PaError pe = cap_quietly(do_supported, &sa);
    if (pe != paFormatIsSupported)
        return tool_error("device %s cannot record %zu channels of float at %.0f Hz: %s", s->label,
                          s->channels, s->rate, Pa_GetErrorText(pe));
    return 0;
}

/* The ring the callback fills and the writer thread drains, then the
 * stream, opened but not started: the file comes first. */
static int open_ring_and_stream(cap_session *s)
{
    const options *o = s->opt;
    /* CAP_RING_SECONDS of audio, within the byte cap. */
    size_t ring_frames = (size_t)(CAP_RING_SECONDS * s->rate);
    size_t max_frames = CAP_RING_MAX_BYTES / (s->channels * sizeof(float));
    if (ring_frames > max_frames) ring_frames = max_frames;
    if (cap_ring_init(&s->shared.ring, s->channels, ring_frames) != 0)
        return tool_error("cannot allocate the %zu-frame ring buffer", ring_frames);
    s->ring_ready = 1;
    s->shared.channels = s->channels;
    s->shared.target_frames = o->seconds > 0 ? (uint64_t)llround(o->seconds * s->rate) : 0;
    if (o->seconds > 0 && s->shared.target_frames == 0) s->shared.target_frames = 1;

    open_args oa = {&s->stream, &s->in, s->rate, &s->shared};
    PaError pe = cap_quietly(do_open, &oa);
    if (pe != paNoError) {
        s->stream = NULL;
        return tool_error("cannot open device %s: %s", s->label, Pa_GetErrorText(pe));
    }
    return 0;
}

/* ---- the file ------------------------------------------------------------------ */

/* What the file says about itself: map, gains, full scale, device and
 * software. start_time is added at the start, the counts at the end. */
static int describe_recording(cap_session *s)
{
    const options *o = s->opt;
    if (bl_recording_create(s->channels, 0, s->rate, &s->meta) != BL_OK) return tool_error("out of memory");
    char software[64];
    snprintf(software, sizeof software, "backline-capture %s", bl_version());
    if (s->map) {
        char canon[1024];
        if (bl_chanmap_format(s->map, canon, sizeof canon) != BL_OK ||
            bl_recording_set_map(s->meta, canon, NULL, 0) != BL_OK)
            return tool_error("--map: cannot store the channel map");
    }
    for (size_t c = 0; c < s->channels; c++)
        if (s->gains[c] > 0) bl_recording_set_gain(s->meta, c, s->gains[c]);
    bl_recording_set_full_scale(s->meta, o->full_scale);
    /* Device names are free text; keep the value one clean line (the
     * messages from here on show the cleaned name too). */
    for (char *p = s->label; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = ' ';
    if (bl_recording_set_meta(s->meta, "device", s->label) != BL_OK ||
        bl_recording_set_meta(s->meta, "software", software) != BL_OK)
        return tool_error("cannot store the device name in the metadata");
    return 0;
}

/* The file, opened before the stream starts so that a path that cannot be
 * written is reported before any audio is taken. */
static int open_file(cap_session *s)
{
    const options *o = s->opt;
    /* FLAC goes through a temporary float WAV (see transcode.c). */
    if (o->flac) snprintf(s->write_path, sizeof s->write_path, "%s.partial.wav", o->out);
    else snprintf(s->write_path, sizeof s->write_path, "%s", o->out);
    char why[512];
    if (bl_writer_open(s->write_path, s->channels, s->rate, o->flac ? BL_FORMAT_FLOAT32 : o->format, s->meta,
                       &s->writer, why, sizeof why) != BL_OK) {
        s->writer = NULL;
        return tool_error("%s", why);
    }
    return 0;
}

/* Clipping is counted always; envelopes only for the live view, which needs
 * a terminal and no --quiet. */
static int create_meters(cap_session *s)
{
    const options *o = s->opt;
    s->live = !o->quiet && isatty(STDERR_FILENO);
    s->meters = cap_meters_create(s->channels, s->rate, s->map, s->gains, o->full_scale, s->live, o->mains, 1024);
    if (!s->meters) return tool_error("out of memory");
    return 0;
}

/* ---- start, run, stop ----------------------------------------------------------- */

/* The last moment a signal can still mean "record nothing": after this the
 * stream runs and any ending finalises the file. */
static int start_recording(cap_session *s)
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

/* Watch the session until it ends (sets s->ending), drawing the live view.
 * The callback and the writer thread do the work; this thread only looks. */
static void run_until_ending(cap_session *s)
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
        if (s->live && now - t_last_draw >= CAP_REFRESH_S) {
            cap_meters_render(s->meters, stderr, (double)frames_in / s->rate, atomic_load(&s->shared.overruns),
                              atomic_load(&s->shared.ring_overflows));
            t_last_draw = now;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Stop the audio first (Pa_StopStream delivers what the host still holds;
 * a failed device or write is aborted instead), then let the writer drain
 * the ring and finish. A stream that will not stop makes the session hung. */
static void stop_recording(cap_session *s)
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

/* ---- finalise and report -------------------------------------------------------- */

/* The overrun and ring-overflow counts into the file (through the writer)
 * and into `meta` (for the FLAC copy). 0 when one could not be stored. */
static int store_counts(cap_session *s)
{
    char num[32];
    int stored = 1;
    snprintf(num, sizeof num, "%llu", (unsigned long long)s->overruns);
    if (bl_writer_set_meta(s->writer, "overruns", num) != BL_OK) stored = 0;
    if (bl_recording_set_meta(s->meta, "overruns", num) != BL_OK) stored = 0;
    snprintf(num, sizeof num, "%llu", (unsigned long long)s->ring_overflows);
    if (bl_writer_set_meta(s->writer, "ring_overflows", num) != BL_OK) stored = 0;
    if (bl_recording_set_meta(s->meta, "ring_overflows", num) != BL_OK) stored = 0;
    return stored;
}

/* Close the file with everything captured, whatever the ending. */
static void finalise_file(cap_session *s)
{
    const options *o = s->opt;
    s->overruns = atomic_load(&s->shared.overruns);
    s->ring_overflows = atomic_load(&s->shared.ring_overflows);
    uint64_t frames_in = atomic_load(&s->shared.frames_in);
    if (s->live) cap_meters_render(s->meters, stderr, (double)frames_in / s->rate, s->overruns, s->ring_overflows);
    /* Frames lost because writing stopped are not ring overflows; they are
     * reported by the write error itself. */
    s->counts_stored = store_counts(s);
    s->written = bl_writer_frames(s->writer);
    s->close_status = bl_writer_close(s->writer, s->close_why, sizeof s->close_why);
    s->writer = NULL;

    /* FLAC: now that every count is known, copy the temporary WAV into the
     * FLAC with the complete metadata (transcode.c says why). */
    if (o->flac && s->close_status == BL_OK) {
        s->counts_stored = 1;
        size_t copied = 0;
        if (cap_transcode(s->write_path, o->out, o->format, s->meta, &copied, s->transcode_why,
                          sizeof s->transcode_why) != 0)
            s->kept_partial = 1;
    } else if (o->flac) {
        s->kept_partial = 1;
    }
    /* Where the frames are, for the messages. */
    if (s->kept_partial) snprintf(s->result_path, sizeof s->result_path, "%s", s->write_path);
    else if (o->flac) snprintf(s->result_path, sizeof s->result_path, "%s", o->out);
    else snprintf(s->result_path, sizeof s->result_path, "the file");
}

/* The one error line of a session that did not end as asked (its status),
 * or 0 when it did. */
static int report_failure(cap_session *s)
{
    double dur = (double)s->written / s->rate;
    if (s->ending == CAP_END_WRITE_ERROR) {
        /* libsndfile's reason ends in ".": drop it inside our sentence. */
        char *why = s->wt.why;
        size_t wl = strlen(why);
        while (wl && (why[wl - 1] == '.' || why[wl - 1] == ' ')) why[--wl] = '\0';
        return tool_error("%s; recording stopped, %s keeps the %zu frames (%.3f s) written before", why,
                          s->result_path, s->written, dur);
    }
    if (s->close_status != BL_OK) return tool_error("%s", s->close_why);
    if (s->kept_partial)
        return tool_error("%s; the capture (%zu frames, %.3f s) is kept in %s", s->transcode_why, s->written, dur,
                          s->write_path);
    if (s->ending == CAP_END_DEVICE) {
        if (s->stream_error < 0)
            return tool_error("device %s failed after %.3f s: %s; %s keeps the %zu frames captured", s->label,
                              dur, Pa_GetErrorText(s->stream_error), s->result_path, s->written);
        return tool_error("device %s stopped delivering audio after %.3f s; %s keeps the %zu frames captured",
                          s->label, dur, s->result_path, s->written);
    }
    return 0;
}

/* The final messages: the error line, or the summary (unless --quiet) and
 * a warning for every way the file falls short. */
static int report(cap_session *s)
{
    int status = report_failure(s);
    if (status) return status;
    const options *o = s->opt;
    size_t worst = 0;
    uint64_t clipped = cap_meters_clipped(s->meters, &worst);
    double dur = (double)s->written / s->rate;
    if (!o->quiet)
        fprintf(stderr, "backline-capture: %s: %zu frames (%.3f s) at %.0f Hz x %zu channels%s; "
                "overruns %llu, ring overflows %llu frames\n",
                o->out, s->written, dur, s->rate, s->channels,
                s->ending == CAP_END_SIGNAL ? ", stopped by signal" : "", (unsigned long long)s->overruns,
                (unsigned long long)s->ring_overflows);
    if (s->overruns)
        tool_warn("the driver reported %llu input overruns: samples were lost before they reached us",
                  (unsigned long long)s->overruns);
    if (s->ring_overflows)
        tool_warn("%llu frames did not fit the ring buffer and are missing from the file (the disk was too slow)",
                  (unsigned long long)s->ring_overflows);
    if (clipped)
        tool_warn("%llu samples clipped (|x| >= 0.999 full scale), most in channel %zu",
                  (unsigned long long)clipped, worst + 1);
    if (!s->counts_stored)
        tool_warn("%s: the overrun and overflow counts could not be stored in the file", o->out);
    return 0;
}

/* ---- the session ------------------------------------------------------------------ */

/* Release what the phases set up. */
static int session_teardown(cap_session *s, int status)
{
    if (s->writer) {
        /* Failed before recording anything: leave no empty file behind. */
        char why[512];
        bl_writer_close(s->writer, why, sizeof why);
        unlink(s->write_path);
    }
    if (s->hung) {
        /* The host API's thread is stuck: tearing PortAudio down would
         * block too. The file is finalised; leave now. */
        fflush(stdout);
        fflush(stderr);
        _exit(status ? status : 1);
    }
    if (s->stream) cap_quietly(do_close, s->stream);
    cap_meters_destroy(s->meters);
    bl_recording_destroy(s->meta);
    free(s->gains);
    if (s->ring_ready) cap_ring_free(&s->shared.ring);
    bl_chanmap_destroy(s->map);
    if (s->portaudio_ready) cap_pa_terminate();
    return status;
}

/* Everything from the gains to the last message; the first set-up phase
 * that fails ends the session with its status. Once the stream has started,
 * every ending finalises the file. */
static int capture(cap_session *s)
{
    static int (*const set_up[])(cap_session *) = {
        settle_gains, select_device, open_ring_and_stream, describe_recording,
        open_file,    create_meters, start_recording,
    };
    for (size_t i = 0; i < sizeof set_up / sizeof set_up[0]; i++) {
        int status = set_up[i](s);
        if (status) return status;
    }
    run_until_ending(s);
    stop_recording(s);
    finalise_file(s);
    return report(s);
}

static int record(const options *o)
{
    cap_session s;
    memset(&s, 0, sizeof s);
    s.opt = o;
    /* First, so that a Ctrl-C while the device is being opened is not lost. */
    catch_stop_signals();
    int status = check_map(&s);
    if (!status) status = start_portaudio(&s);
    if (!status) status = o->list ? cap_list_devices() : capture(&s);
    return session_teardown(&s, status);
}
