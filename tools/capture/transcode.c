/* FLAC captures go through a temporary float32 WAV.
 *
 * Why: FLAC keeps its metadata before the audio and libsndfile cannot add
 * strings once audio is written (see dsp/recording/sndfile_io.c), but the overrun and
 * ring-overflow counts are only known at the end. So the capture streams
 * into "<out>.partial.wav" (whose header is kept current, so even a crash
 * leaves a readable file), and once it is complete this copies it into the
 * FLAC with the full metadata and removes the temporary file. A capture
 * killed before that leaves the WAV; --recover (recover.c) finishes it
 * here with the metadata the WAV holds. */
#define _POSIX_C_SOURCE 200809L
#include "capture.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CAP_COPY_FRAMES 8192

/* Copy `wav_path` into `out_path` as it is (created by the writer). */
static int copy_into(const char *wav_path, const char *out_path, bl_sample_format format, const bl_recording *meta,
                     size_t *frames_out, char *why, size_t why_len)
{
    *frames_out = 0;
    bl_reader *in = NULL;
    char read_why[512] = "";
    if (bl_reader_open(wav_path, &in, read_why, sizeof read_why) != BL_OK) {
        snprintf(why, why_len, "cannot read the capture back: %s", read_why);
        return -1;
    }
    const bl_recording *info = bl_reader_info(in);
    size_t channels = bl_recording_channels(info);
    float *buf = malloc(CAP_COPY_FRAMES * channels * sizeof *buf);
    bl_writer *w = NULL;
    int rc = -1;
    if (!buf) {
        snprintf(why, why_len, "out of memory");
        goto out;
    }
    if (bl_writer_open(out_path, channels, bl_recording_rate(info), format, meta ? meta : info, &w, why, why_len) !=
        BL_OK) {
        w = NULL;
        goto out;
    }
    for (;;) {
        size_t n = 0;
        if (bl_reader_read(in, buf, CAP_COPY_FRAMES, &n, why, why_len) != BL_OK) goto out;
        if (n == 0) break;
        if (bl_writer_write(w, buf, n, why, why_len) != BL_OK) goto out;
    }
    *frames_out = bl_writer_frames(w);
    if (bl_reader_frames_read(in) != *frames_out) {
        snprintf(why, why_len, "%s: read %zu of %zu frames back", wav_path, *frames_out,
                 bl_reader_frames_read(in));
        goto out;
    }
    rc = 0;
out:
    if (w) {
        char close_why[512];
        if (bl_writer_close(w, close_why, sizeof close_why) != BL_OK && rc == 0) {
            snprintf(why, why_len, "%s", close_why);
            rc = -1;
        }
    }
    bl_reader_close(in);
    free(buf);
    return rc;
}

int cap_transcode(const char *wav_path, const char *out_path, int replace, bl_sample_format format,
                  const bl_recording *meta, size_t *frames_out, char *why, size_t why_len)
{
    /* "DIR/NAME.tmpPID.flac": beside the target (no rename across file
     * systems), its extension kept (it chooses the format). */
    char tmp[4400];
    const char *slash = strrchr(out_path, '/'), *dot = strrchr(out_path, '.');
    if (!dot || (slash && dot < slash)) dot = out_path + strlen(out_path);
    int len = snprintf(tmp, sizeof tmp, "%.*s.tmp%ld%s", (int)(dot - out_path), out_path, (long)getpid(), dot);
    if (len < 0 || (size_t)len >= sizeof tmp) {
        snprintf(why, why_len, "%s: path too long", out_path);
        return -1;
    }
    if (copy_into(wav_path, tmp, format, meta, frames_out, why, why_len) != 0) {
        unlink(tmp); /* a partial FLAC beside the complete WAV only confuses */
        return -1;
    }
    int placed = replace ? rename(tmp, out_path) : link(tmp, out_path);
    if (placed != 0) {
        int e = errno;
        unlink(tmp);
        snprintf(why, why_len, "%s: cannot create: %s", out_path, e == EEXIST ? "it appeared meanwhile" : strerror(e));
        return -1;
    }
    if (!replace) unlink(tmp);
    unlink(wav_path);
    return 0;
}
