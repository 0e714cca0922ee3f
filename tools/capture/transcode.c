/* FLAC captures go through a temporary float32 WAV.
 *
 * Why: FLAC keeps its metadata before the audio and libsndfile cannot add
 * strings once audio is written (see dsp/recording.c), but the overrun and
 * ring-overflow counts are only known at the end. So the capture streams
 * into "<out>.partial.wav" (whose header is kept current, so even a crash
 * leaves a readable file), and once it is complete this copies it into the
 * FLAC with the full metadata and removes the temporary file. */
#define _POSIX_C_SOURCE 200809L
#include "capture.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sndfile.h>

#define CAP_COPY_FRAMES 8192

int cap_transcode(const char *wav_path, const char *out_path, bl_sample_format format,
                  const bl_recording *meta, size_t *frames_out, char *why, size_t why_len)
{
    *frames_out = 0;
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *in = sf_open(wav_path, SFM_READ, &info);
    if (!in) {
        snprintf(why, why_len, "%s: cannot read the capture back: %s", wav_path, sf_strerror(NULL));
        return -1;
    }
    size_t channels = (size_t)info.channels;
    float *buf = malloc(CAP_COPY_FRAMES * channels * sizeof *buf);
    bl_writer *w = NULL;
    int rc = -1, created = 0;
    if (!buf) {
        snprintf(why, why_len, "out of memory");
        goto out;
    }
    if (bl_writer_open(out_path, channels, (double)info.samplerate, format, meta, &w, why, why_len) != BL_OK) {
        w = NULL;
        goto out;
    }
    created = 1;
    for (;;) {
        sf_count_t n = sf_readf_float(in, buf, CAP_COPY_FRAMES);
        if (n <= 0) break;
        if (bl_writer_write(w, buf, (size_t)n, why, why_len) != BL_OK) goto out;
    }
    if (sf_error(in)) {
        snprintf(why, why_len, "%s: read error: %s", wav_path, sf_strerror(in));
        goto out;
    }
    *frames_out = bl_writer_frames(w);
    if ((size_t)info.frames != *frames_out) {
        snprintf(why, why_len, "%s: read %zu of %lld frames back", wav_path, *frames_out,
                 (long long)info.frames);
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
    sf_close(in);
    free(buf);
    if (rc == 0) unlink(wav_path);
    else if (created) unlink(out_path); /* a partial FLAC beside the complete WAV only confuses */
    return rc;
}
