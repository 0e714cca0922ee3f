/* The capture session: its phases in order, the set-up before the stream
 * starts, and teardown.
 *
 * Set-up checks everything the user can get wrong before the device is
 * opened (the map, the gains), then the device, the ring and stream, the
 * file and the meters. Each phase leaves the session in a state teardown
 * can undo, so the first failure is its one error line, a non-zero exit and
 * no file left behind. Once the stream has started, run.c watches it until
 * it ends and stops it, and finish.c finalises the file and reports. */
#define _POSIX_C_SOURCE 200809L
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backline/backline.h"
#include "backline/normalise.h"
#include "tool.h"

/* Seconds of audio the ring holds: the writer may stall this long (slow
 * disk, busy system) before a frame is lost. Capped in bytes for many
 * channels at high rates. */
#define CAP_RING_SECONDS 8.0
#define CAP_RING_MAX_BYTES ((size_t)256 << 20)

/* PortAudio calls in the shape cap_quietly takes, so that the host APIs'
 * own diagnostics stay off stderr. */
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

/* ---- before the device -------------------------------------------------- */

/* --map parsed and checked against --channels; without --channels the map
 * gives the channel count. */
static int check_map(cap_session *s)
{
    const cap_options *o = s->opt;
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

/* The output is new unless --force, which replaces a regular file at the
 * end; "<out>.partial.wav" is never taken: a capture that was killed left
 * its frames there. Before the device, so a refused file costs nothing. */
static int check_output(cap_session *s)
{
    const cap_options *o = s->opt;
    if (o->list) return 0;
    char partial[4200];
    snprintf(partial, sizeof partial, "%s.partial.wav", o->out);
    if (access(partial, F_OK) == 0)
        return tool_error("%s exists: the frames of a capture that did not finish? move it%s first", partial,
                          o->flac ? " or finish it with --recover" : "");
    struct stat st;
    if (stat(o->out, &st) != 0) return 0;
    if (!o->force) return tool_error("%s exists; not overwritten (give --force to replace it)", o->out);
    if (!S_ISREG(st.st_mode)) return tool_error("%s exists and is not a regular file; not replaced", o->out);
    s->replace = 1;
    return 0;
}

/* --marker-fifo, before the device like every other input. */
static int open_marker_fifo(cap_session *s)
{
    return s->opt->marker_fifo && !s->opt->list ? cap_keys_open_fifo(&s->keys, s->opt->marker_fifo) : 0;
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
    if (s->opt->gain_text) return cap_parse_gains(s->opt->gain_text, s->channels, s->gains);
    return 0;
}

/* ---- the device and the stream ------------------------------------------ */

/* The device --device names, the channel count and rate it defaults to, and
 * whether it can record them as float. */
static int select_device(cap_session *s)
{
    const cap_options *o = s->opt;
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
    const cap_options *o = s->opt;
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

/* ---- the file ----------------------------------------------------------- */

/* What the file says about itself: map, gains, full scale, device and
 * software. start_time is added at the start, the counts at the end. */
static int describe_recording(cap_session *s)
{
    const cap_options *o = s->opt;
    if (bl_recording_create(s->channels, 0, s->rate, &s->meta) != BL_OK) return tool_error("out of memory");
    char software[64];
    snprintf(software, sizeof software, "backline-capture %s", bl_version());
    if (s->map && bl_recording_set_chanmap(s->meta, s->map, NULL, 0) != BL_OK)
        return tool_error("--map: cannot store the channel map");
    for (size_t c = 0; c < s->channels; c++)
        if (s->gains[c] > 0) bl_recording_set_gain(s->meta, c, s->gains[c]);
    bl_recording_set_full_scale(s->meta, o->full_scale);
    /* Device names are free text; keep the value one clean line (the
     * messages from here on show the cleaned name too). */
    for (char *p = s->label; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = ' ';
    /* A name that is not UTF-8 (the metadata must be): keep its ASCII. */
    if (bl_recording_set_meta(s->meta, "device", s->label) != BL_OK)
        for (char *p = s->label; *p; p++)
            if ((unsigned char)*p >= 0x80) *p = '?';
    if (bl_recording_set_meta(s->meta, "device", s->label) != BL_OK ||
        bl_recording_set_meta(s->meta, "software", software) != BL_OK)
        return tool_error("cannot store the device name in the metadata");
    return 0;
}

/* The file, opened before the stream starts so that a path that cannot be
 * written is reported before any audio is taken. */
static int open_file(cap_session *s)
{
    const cap_options *o = s->opt;
    /* FLAC goes through a temporary float WAV (see transcode.c); so does a
     * WAV that replaces a file, which keeps the old one whole until the end. */
    if (o->flac || s->replace) snprintf(s->write_path, sizeof s->write_path, "%s.partial.wav", o->out);
    else snprintf(s->write_path, sizeof s->write_path, "%s", o->out);
    /* Created exclusively: a file that appeared since check_output is not
     * truncated (the writer then opens our empty file). */
    int fd = open(s->write_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        int e = errno;
        return tool_error("%s: cannot create: %s", s->write_path, e == EEXIST ? "it appeared meanwhile" : strerror(e));
    }
    close(fd);
    char why[512];
    if (bl_writer_open(s->write_path, s->channels, s->rate, o->flac ? BL_FORMAT_FLOAT32 : o->format, s->meta,
                       &s->writer, why, sizeof why) != BL_OK) {
        s->writer = NULL;
        unlink(s->write_path);
        return tool_error("%s", why);
    }
    return 0;
}

/* Clipping is counted always; envelopes only for the live view, which needs
 * a terminal and no --quiet. */
static int create_meters(cap_session *s)
{
    const cap_options *o = s->opt;
    s->live = !o->quiet && isatty(STDERR_FILENO);
    if (!s->layout && !(s->layout = cap_make_layout(s, 0))) return 1;
    cap_meters_setup su = {s->channels, s->rate, s->map, s->layout, s->mvc, s->live, o->mains, CAP_BLOCK_FRAMES,
                           o->target, o->scale_uv};
    s->meters = cap_meters_create(&su);
    if (!s->meters) return tool_error("out of memory");
    /* Marker keys from the terminal go with the live view. */
    if (s->live) cap_keys_start_terminal(&s->keys);
    return 0;
}

/* ---- the session -------------------------------------------------------- */

/* Release what the phases set up. */
static int session_teardown(cap_session *s, int status)
{
    cap_keys_close(&s->keys); /* the terminal first, whatever happens next */
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
    bl_mvc_destroy(s->mvc);
    bl_recording_destroy(s->layout);
    bl_recording_destroy(s->meta);
    free(s->gains);
    if (s->ring_ready) cap_ring_free(&s->shared.ring);
    bl_chanmap_destroy(s->map);
    free(s->markers);
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
        open_file,    create_meters, cap_start_recording,
    };
    for (size_t i = 0; i < sizeof set_up / sizeof set_up[0]; i++) {
        int status = set_up[i](s);
        if (status) return status;
    }
    cap_run_until_ending(s);
    cap_stop_recording(s);
    cap_finalise_file(s);
    return cap_report(s);
}

int cap_record(const cap_options *o)
{
    cap_session s;
    memset(&s, 0, sizeof s);
    s.opt = o;
    cap_keys_init(&s.keys);
    /* First, so that a Ctrl-C while the device is being opened is not lost. */
    cap_catch_stop_signals();
    int status = check_map(&s);
    if (!status) status = check_output(&s);
    if (!status) status = open_marker_fifo(&s);
    /* References need the map (so the channel count) and the gains. */
    if (!status && !o->list && (o->n_mvc || o->reference)) status = settle_gains(&s);
    if (!status && !o->list) status = cap_load_references(&s);
    if (!status) status = start_portaudio(&s);
    if (!status) status = o->list ? cap_list_devices() : capture(&s);
    return session_teardown(&s, status);
}
