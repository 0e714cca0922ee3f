/* Loading a whole file: the streaming reader, de-interleaved into planar
 * channels that grow as data arrives. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "recording_internal.h"
#include "sndfile_io.h"

/* Trust a declared length up to 16 M frames; beyond that (or unknown) grow
 * as data arrives, so a corrupt header cannot make us allocate its claim up
 * front. */
static size_t initial_capacity(size_t declared)
{
    if (declared == 0)
        return (size_t)1 << 16;
    return declared < ((size_t)1 << 24) ? declared : (size_t)1 << 24;
}

/* Every block of the reader into `rec`. */
static bl_status read_all(bl_reader *r, bl_recording *rec, const char *path, char *why, size_t why_len)
{
    size_t channels = rec->channels;
    float *buf = malloc((size_t)BLI_IO_CHUNK_FRAMES * channels * sizeof *buf);
    if (!buf) {
        bli_set_why(why, why_len, "%s: out of memory", path);
        return BL_ENOMEM;
    }
    bl_status st = BL_OK;
    for (;;) {
        size_t n = 0;
        if ((st = bl_reader_read(r, buf, BLI_IO_CHUNK_FRAMES, &n, why, why_len)) != BL_OK || n == 0)
            break;
        if (bli_recording_grow(rec, rec->frames + n) != 0) {
            bli_set_why(why, why_len, "%s: out of memory after %zu frames", path, rec->frames);
            st = BL_ENOMEM;
            break;
        }
        for (size_t c = 0; c < channels; c++) {
            float *dst = rec->ch[c] + rec->frames;
            const float *src = buf + c;
            for (size_t i = 0; i < n; i++)
                dst[i] = src[i * channels];
        }
        rec->frames += n;
    }
    free(buf);
    return st;
}

bl_status bl_recording_load(const char *path, bl_recording **out, char *why, size_t why_len)
{
    if (out)
        *out = NULL;
    if (!path || !out) {
        bli_set_why(why, why_len, "recording: NULL argument");
        return BL_EINVAL;
    }
    bli_clear_why(why, why_len);
    bl_reader *r = NULL;
    bl_status st = bl_reader_open(path, &r, why, why_len);
    if (st != BL_OK)
        return st;
    const bl_recording *info = bl_reader_info(r);
    bl_recording *rec = bli_recording_alloc(info->channels, initial_capacity(bl_reader_declared_frames(r)),
                                            info->rate_hz);
    if (!rec) {
        bli_set_why(why, why_len, "%s: out of memory", path);
        st = BL_ENOMEM;
    }
    if (st == BL_OK)
        st = read_all(r, rec, path, why, why_len);
    if (st == BL_OK && rec->frames == 0) {
        bli_set_why(why, why_len, "%s: no audio frames", path);
        st = BL_EFORMAT;
    }
    if (st == BL_OK) {
        bli_recording_shrink(rec);
        memcpy(rec->format_name, info->format_name, sizeof rec->format_name);
        memcpy(rec->in_uv, info->in_uv, rec->channels);
        if (bli_recording_copy_description(rec, info) != BL_OK || bli_recording_copy_warnings(rec, info) != BL_OK) {
            bli_set_why(why, why_len, "%s: out of memory reading metadata", path);
            st = BL_ENOMEM;
        }
    }
    bl_reader_close(r);
    if (st != BL_OK) {
        bl_recording_destroy(rec);
        return st;
    }
    *out = rec;
    return BL_OK;
}
