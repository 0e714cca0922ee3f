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

enum ending { END_NONE, END_DONE, END_SIGNAL, END_WRITE_ERROR, END_DEVICE };

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

static int record(const options *o)
{
    /* Signals only set a flag; the session checks it. Installed first so a
     * Ctrl-C while the device is being opened is not lost either. A full
     * disk must come back as a write error (EFBIG), not kill us with
     * SIGXFSZ. */
    struct sigaction sa_stop;
    memset(&sa_stop, 0, sizeof sa_stop);
    sa_stop.sa_handler = on_signal;
    sigemptyset(&sa_stop.sa_mask);
    sigaction(SIGINT, &sa_stop, NULL);
    sigaction(SIGTERM, &sa_stop, NULL);
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);

    /* Everything that needs no device is checked first. */
    bl_chanmap *map = NULL;
    char why[512];
    if (o->map_text && bl_chanmap_parse(o->map_text, &map, why, sizeof why) != BL_OK)
        return tool_usage_error("--map: %s", why);
    size_t channels = (size_t)o->channels;
    if (map) {
        if (!channels) channels = bl_chanmap_count(map);
        if (bl_chanmap_validate(map, channels, why, sizeof why) != BL_OK) {
            bl_chanmap_destroy(map);
            return tool_usage_error("--map does not fit --channels %zu: %s", channels, why);
        }
    }
    if (cap_pa_init()) {
        bl_chanmap_destroy(map);
        return 1;
    }
    int status = 0;
    PaStream *stream = NULL;
    bl_recording *meta = NULL;
    bl_writer *writer = NULL;
    cap_meters *meters = NULL;
    double *gains = NULL;
    cap_shared shared;
    memset(&shared, 0, sizeof shared);
    int ring_ok = 0;
    int hung = 0; /* the host API's thread did not stop (see stop_stream_timed) */
    char write_path[4096] = "";

    if (o->list) {
        status = cap_list_devices();
        goto done;
    }
    /* Usage errors before the device: with the channel count known, the
     * gains can be checked now. */
    if (channels) {
        gains = calloc(channels, sizeof *gains);
        if (!gains) { status = tool_error("out of memory"); goto done; }
        if (o->gain_text && (status = parse_gains(o->gain_text, channels, gains)) != 0) goto done;
    }
    int dev = cap_find_device(o->device);
    if (dev < 0) { status = 1; goto done; }
    const PaDeviceInfo *info = Pa_GetDeviceInfo(dev);
    char label[300];
    cap_device_label(dev, label, sizeof label);
    if (!channels) channels = info->maxInputChannels >= 2 ? 2 : 1;
    if ((int)channels > info->maxInputChannels) {
        status = tool_error("device %s has %d input channels; %zu requested", label,
                               info->maxInputChannels, channels);
        goto done;
    }
    if (!gains) {
        gains = calloc(channels, sizeof *gains);
        if (!gains) { status = tool_error("out of memory"); goto done; }
        if (o->gain_text && (status = parse_gains(o->gain_text, channels, gains)) != 0) goto done;
    }
    double rate = o->rate > 0 ? o->rate : floor(info->defaultSampleRate + 0.5);
    if (rate < BL_MIN_EMG_RATE_HZ) {
        status = tool_error("device %s defaults to %.0f Hz, too low for surface EMG; give --rate", label, rate);
        goto done;
    }

    PaStreamParameters in;
    memset(&in, 0, sizeof in);
    in.device = dev;
    in.channelCount = (int)channels;
    in.sampleFormat = paFloat32;
    /* Not low latency: the meters refresh at 10 Hz, and bigger host buffers
     * make driver overruns less likely. */
    in.suggestedLatency = info->defaultHighInputLatency;
    support_args sa = {&in, rate};
    PaError pe = cap_quietly(do_supported, &sa);
    if (pe != paFormatIsSupported) {
        status = tool_error("device %s cannot record %zu channels of float at %.0f Hz: %s", label,
                               channels, rate, Pa_GetErrorText(pe));
        goto done;
    }

    /* Ring: CAP_RING_SECONDS of audio, within the byte cap. */
    size_t ring_frames = (size_t)(CAP_RING_SECONDS * rate);
    size_t max_frames = CAP_RING_MAX_BYTES / (channels * sizeof(float));
    if (ring_frames > max_frames) ring_frames = max_frames;
    if (cap_ring_init(&shared.ring, channels, ring_frames) != 0) {
        status = tool_error("cannot allocate the %zu-frame ring buffer", ring_frames);
        goto done;
    }
    ring_ok = 1;
    shared.channels = channels;
    shared.target_frames = o->seconds > 0 ? (uint64_t)llround(o->seconds * rate) : 0;
    if (o->seconds > 0 && shared.target_frames == 0) shared.target_frames = 1;

    open_args oa = {&stream, &in, rate, &shared};
    pe = cap_quietly(do_open, &oa);
    if (pe != paNoError) {
        stream = NULL;
        status = tool_error("cannot open device %s: %s", label, Pa_GetErrorText(pe));
        goto done;
    }

    /* What the file says about itself. */
    if (bl_recording_create(channels, 0, rate, &meta) != BL_OK) {
        status = tool_error("out of memory");
        goto done;
    }
    char software[64];
    snprintf(software, sizeof software, "backline-capture %s", bl_version());
    if (map) {
        char canon[1024];
        if (bl_chanmap_format(map, canon, sizeof canon) != BL_OK ||
            bl_recording_set_map(meta, canon, NULL, 0) != BL_OK) {
            status = tool_error("--map: cannot store the channel map");
            goto done;
        }
    }
    for (size_t c = 0; c < channels; c++)
        if (gains[c] > 0) bl_recording_set_gain(meta, c, gains[c]);
    bl_recording_set_full_scale(meta, o->full_scale);
    /* Device names are free text; keep the value one clean line. */
    for (char *p = label; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = ' ';
    if (bl_recording_set_meta(meta, "device", label) != BL_OK ||
        bl_recording_set_meta(meta, "software", software) != BL_OK) {
        status = tool_error("cannot store the device name in the metadata");
        goto done;
    }
    /* FLAC goes through a temporary float WAV (see transcode.c). */
    if (o->flac) snprintf(write_path, sizeof write_path, "%s.partial.wav", o->out);
    else snprintf(write_path, sizeof write_path, "%s", o->out);
    if (bl_writer_open(write_path, channels, rate, o->flac ? BL_FORMAT_FLOAT32 : o->format, meta,
                       &writer, why, sizeof why) != BL_OK) {
        status = tool_error("%s", why);
        writer = NULL;
        goto done;
    }

    int live = !o->quiet && isatty(STDERR_FILENO);
    meters = cap_meters_create(channels, rate, map, gains, o->full_scale, live, o->mains, 1024);
    if (!meters) {
        status = tool_error("out of memory");
        goto done;
    }

    cap_writer_thread wt;
    memset(&wt, 0, sizeof wt);
    if (stop_signal) {
        status = tool_error("interrupted before recording started; nothing recorded");
        goto done;
    }
    char start_time[40];
    iso8601_now(start_time, sizeof start_time);
    pe = cap_quietly(do_start, stream);
    if (pe != paNoError) {
        status = tool_error("cannot start device %s: %s", label, Pa_GetErrorText(pe));
        goto done;
    }
    /* Before the first write, so every format stores it. */
    bl_writer_set_meta(writer, "start_time", start_time);
    bl_recording_set_meta(meta, "start_time", start_time);
    if (cap_writer_start(&wt, &shared, writer, meters) != 0) {
        cap_quietly(do_abort, stream);
        status = tool_error("cannot start the writer thread");
        goto done;
    }

    enum ending ending = END_NONE;
    PaError stream_error = paNoError;
    int stalled = 0;
    double t_last_draw = 0, t_last_progress = monotonic_s();
    uint64_t last_frames = 0;
    while (ending == END_NONE) {
        if (stop_signal) { ending = END_SIGNAL; break; }
        if (atomic_load_explicit(&wt.failed, memory_order_acquire)) { ending = END_WRITE_ERROR; break; }
        if (atomic_load_explicit(&shared.target_reached, memory_order_acquire)) { ending = END_DONE; break; }
        PaError act = Pa_IsStreamActive(stream);
        if (act != 1) {
            /* The callback may have finished between the two checks. */
            if (atomic_load_explicit(&shared.target_reached, memory_order_acquire)) ending = END_DONE;
            else { ending = END_DEVICE; stream_error = act; }
            break;
        }
        double now = monotonic_s();
        uint64_t frames_in = atomic_load_explicit(&shared.frames_in, memory_order_acquire);
        if (frames_in != last_frames) {
            last_frames = frames_in;
            t_last_progress = now;
        } else if (now - t_last_progress > CAP_STALL_SECONDS) {
            ending = END_DEVICE;
            stalled = 1;
            break;
        }
        if (live && now - t_last_draw >= CAP_REFRESH_S) {
            cap_meters_render(meters, stderr, (double)frames_in / rate,
                              atomic_load(&shared.overruns), atomic_load(&shared.ring_overflows));
            t_last_draw = now;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }

    /* Stop the audio first (Pa_StopStream delivers what the host still
     * holds), then let the writer drain the ring and finish. */
    if (stalled) {
        hung = 1; /* do not wait on a stream that stopped delivering */
    } else if (stop_stream_timed(stream, ending == END_DEVICE || ending == END_WRITE_ERROR,
                                 CAP_STOP_TIMEOUT_S) != 0) {
        hung = 1;
        if (ending != END_WRITE_ERROR) ending = END_DEVICE;
    }
    atomic_store_explicit(&shared.producer_done, 1, memory_order_release);
    cap_writer_join(&wt);
    if (ending != END_WRITE_ERROR && atomic_load(&wt.failed)) ending = END_WRITE_ERROR;

    uint64_t overruns = atomic_load(&shared.overruns);
    uint64_t ring_overflows = atomic_load(&shared.ring_overflows);
    uint64_t frames_in = atomic_load(&shared.frames_in);
    if (live) cap_meters_render(meters, stderr, (double)frames_in / rate, overruns, ring_overflows);
    /* Frames lost because writing stopped are not ring overflows; they are
     * reported by the write error itself. */
    char num[32];
    int counts_stored = 1;
    snprintf(num, sizeof num, "%llu", (unsigned long long)overruns);
    if (bl_writer_set_meta(writer, "overruns", num) != BL_OK) counts_stored = 0;
    if (bl_recording_set_meta(meta, "overruns", num) != BL_OK) counts_stored = 0;
    snprintf(num, sizeof num, "%llu", (unsigned long long)ring_overflows);
    if (bl_writer_set_meta(writer, "ring_overflows", num) != BL_OK) counts_stored = 0;
    if (bl_recording_set_meta(meta, "ring_overflows", num) != BL_OK) counts_stored = 0;
    size_t written = bl_writer_frames(writer);
    char close_why[512];
    bl_status cst = bl_writer_close(writer, close_why, sizeof close_why);
    writer = NULL;

    /* FLAC: now that every count is known, copy the temporary WAV into the
     * FLAC with the complete metadata (transcode.c says why). */
    int kept_partial = 0;
    char transcode_why[600] = "";
    if (o->flac && cst == BL_OK) {
        counts_stored = 1;
        size_t copied = 0;
        if (cap_transcode(write_path, o->out, o->format, meta, &copied, transcode_why,
                          sizeof transcode_why) != 0)
            kept_partial = 1;
    } else if (o->flac) {
        kept_partial = 1;
    }
    /* Where the frames are, for the messages below. */
    char result_path[4200];
    if (kept_partial) snprintf(result_path, sizeof result_path, "%s", write_path);
    else if (o->flac) snprintf(result_path, sizeof result_path, "%s", o->out);
    else snprintf(result_path, sizeof result_path, "the file");

    size_t worst = 0;
    uint64_t clipped = cap_meters_clipped(meters, &worst);
    double dur = (double)written / rate;
    if (ending == END_WRITE_ERROR) {
        /* libsndfile's reason ends in ".": drop it inside our sentence. */
        size_t wl = strlen(wt.why);
        while (wl && (wt.why[wl - 1] == '.' || wt.why[wl - 1] == ' ')) wt.why[--wl] = '\0';
        status = tool_error("%s; recording stopped, %s keeps the %zu frames (%.3f s) written before",
                               wt.why, result_path, written, dur);
        goto done;
    }
    if (cst != BL_OK) {
        status = tool_error("%s", close_why);
        goto done;
    }
    if (kept_partial) {
        status = tool_error("%s; the capture (%zu frames, %.3f s) is kept in %s", transcode_why,
                               written, dur, write_path);
        goto done;
    }
    if (ending == END_DEVICE) {
        if (stream_error < 0)
            status = tool_error("device %s failed after %.3f s: %s; %s keeps the %zu frames captured",
                                   label, dur, Pa_GetErrorText(stream_error), result_path, written);
        else
            status = tool_error("device %s stopped delivering audio after %.3f s; %s keeps the %zu frames captured",
                                   label, dur, result_path, written);
        goto done;
    }
    if (!o->quiet)
        fprintf(stderr, "backline-capture: %s: %zu frames (%.3f s) at %.0f Hz x %zu channels%s; "
                "overruns %llu, ring overflows %llu frames\n",
                o->out, written, dur, rate, channels, ending == END_SIGNAL ? ", stopped by signal" : "",
                (unsigned long long)overruns, (unsigned long long)ring_overflows);
    if (overruns)
        tool_warn("the driver reported %llu input overruns: samples were lost before they reached us",
                     (unsigned long long)overruns);
    if (ring_overflows)
        tool_warn("%llu frames did not fit the ring buffer and are missing from the file (the disk was too slow)",
                     (unsigned long long)ring_overflows);
    if (clipped)
        tool_warn("%llu samples clipped (|x| >= 0.999 full scale), most in channel %zu",
                     (unsigned long long)clipped, worst + 1);
    if (!counts_stored)
        tool_warn("%s: the overrun and overflow counts could not be stored in the file", o->out);

done:
    if (writer) {
        /* Failed before recording anything: leave no empty file behind. */
        bl_writer_close(writer, why, sizeof why);
        unlink(write_path);
    }
    if (hung) {
        /* The host API's thread is stuck: tearing PortAudio down would
         * block too. The file is finalised; leave now. */
        fflush(stdout);
        fflush(stderr);
        _exit(status ? status : 1);
    }
    if (stream) cap_quietly(do_close, stream);
    cap_meters_destroy(meters);
    bl_recording_destroy(meta);
    free(gains);
    if (ring_ok) cap_ring_free(&shared.ring);
    bl_chanmap_destroy(map);
    cap_pa_terminate();
    return status;
}
