/* backline-capture --recover FILE.flac.partial.wav [-o FILE.flac]
 *
 * A FLAC capture streams into "<out>.partial.wav" and is copied into the
 * FLAC only at the end (transcode.c says why). When the capture is killed
 * (SIGKILL, a crash, a power cut) the WAV stays: its header is rewritten
 * after every block, so it loads with every frame written. This finishes
 * it into the FLAC through the same copy, with the metadata the WAV holds
 * (map, gains, full scale, device, start time; the overrun counts are only
 * stored at the end, so a killed capture never has them). The output is
 * created exclusively: an existing file is never overwritten (--force is
 * not taken here). */
#define _POSIX_C_SOURCE 200809L
#include "capture.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

#define PARTIAL_SUFFIX ".partial.wav"

/* The FLAC to make: -o, or the WAV's name without ".partial.wav". 0 or the
 * usage status (the error printed). */
static int output_path(const cap_options *o, char *out, size_t len)
{
    const char *in = o->recover;
    if (o->out) {
        snprintf(out, len, "%s", o->out);
    } else {
        size_t n = strlen(in), m = strlen(PARTIAL_SUFFIX);
        if (n <= m || !cap_ends_with_ci(in, PARTIAL_SUFFIX) || n - m >= len)
            return tool_usage_error("--recover %s: not a NAME.flac.partial.wav left by a capture; give -o FILE.flac",
                                    in);
        memcpy(out, in, n - m);
        out[n - m] = '\0';
    }
    if (!cap_ends_with_ci(out, ".flac")) return tool_usage_error("--recover: the output %s must be .flac", out);
    return 0;
}

/* What the WAV says about itself, checked and its warnings printed. 0, or
 * the status with the error printed. */
static int inspect(const char *in, size_t *channels, double *rate, int *has_counts)
{
    bl_reader *r = NULL;
    char why[600];
    if (bl_reader_open(in, &r, why, sizeof why) != BL_OK) return tool_error("--recover: %s", why);
    const bl_recording *info = bl_reader_info(r);
    for (size_t i = 0; i < bl_recording_warning_count(info); i++) tool_warn("%s: %s", in, bl_recording_warning(info, i));
    *channels = bl_recording_channels(info);
    *rate = bl_recording_rate(info);
    *has_counts = bl_recording_meta(info, "overruns") && bl_recording_meta(info, "ring_overflows");
    size_t declared = bl_reader_declared_frames(r);
    bl_reader_close(r);
    if (declared == 0) return tool_error("--recover: %s holds no frames; nothing to recover", in);
    return 0;
}

int cap_recover(const cap_options *o)
{
    const char *in = o->recover;
    char out[4200];
    int status = output_path(o, out, sizeof out);
    if (status) return status;
    size_t channels = 0;
    double rate = 0;
    int has_counts = 0;
    if ((status = inspect(in, &channels, &rate, &has_counts))) return status;
    /* Whole or not at all: the copy goes to a temporary beside the target
     * and takes the target's name only when complete (link: never over a
     * file that appeared meanwhile); a file-size limit is a write error,
     * not a silent kill. */
    signal(SIGXFSZ, SIG_IGN);
    if (access(out, F_OK) == 0) return tool_error("--recover: %s exists; not overwritten (move it or give -o)", out);
    size_t frames = 0;
    char why[600];
    if (cap_transcode(in, out, 0, BL_FORMAT_PCM24, NULL, &frames, why, sizeof why) != 0)
        return tool_error("--recover: %s; %s is kept as it was", why, in);
    if (!o->quiet)
        fprintf(stderr, "backline-capture: %s: %zu frames (%.3f s) at %.0f Hz x %zu channels recovered from %s "
                "(removed)\n", out, frames, (double)frames / rate, rate, channels, in);
    if (!has_counts)
        tool_warn("%s: the capture did not finish, so its overrun and ring-overflow counts were never stored", out);
    return 0;
}
