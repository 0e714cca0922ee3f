/* Streaming writer for captures: interleaved float frames in, through
 * libsndfile, with the header kept current and late metadata (overrun
 * counts) stored where the format allows (see sndfile_io.c).
 *
 * The metadata is stored before the first block (meta_io.c: the comment,
 * or our chunk for longer text). Late keys (WAV, CAF) go into a comment
 * that libsndfile writes after the audio at close: the whole text when the
 * comment held it (so it must stay within BLI_META_COMMENT_MAX), or, when
 * the chunk holds it, the pointer to the chunk and the keys changed since
 * (within BLI_META_COMMENT_MAX). To leave late keys room, metadata longer
 * than BLI_META_COMMENT_MAX - BLI_META_LATE_ROOM goes into the chunk in
 * those formats. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "recording_internal.h"
#include "sndfile_io.h"

/* Bytes kept free in the comment for late keys (WAV, CAF). */
#define BLI_META_LATE_ROOM 512

struct bl_writer {
    SNDFILE *sf;
    char *path;
    int major;
    size_t channels;
    size_t frames;
    bl_recording *meta;  /* channels × 0 frames; carries map/gains/keys */
    struct bli_meta_plan plan; /* what was stored before the audio */
    bl_recording *in_chunk; /* the keys as stored in our chunk; NULL: the comment has it all */
    int comment_stored;  /* the early metadata is in the file */
    int meta_dirty;      /* keys changed after the early comment */
    int failed;          /* a write failed: no late metadata (see top) */
};

/* Before the first block: the metadata as it stands, where it fits. */
static bl_status writer_store_early(bl_writer *w, char *why, size_t why_len)
{
    size_t room = bli_sf_late_strings_ok(w->major) ? BLI_META_COMMENT_MAX - BLI_META_LATE_ROOM
                                                   : BLI_META_COMMENT_MAX;
    bl_status st = bli_meta_plan_make(w->meta, w->path, w->major, room, &w->plan, why, why_len);
    if (st == BL_OK && w->plan.chunk &&
        bl_recording_create_like(w->meta, 0, w->meta->rate_hz, &w->in_chunk) != BL_OK) {
        bli_set_why(why, why_len, "%s: out of memory", w->path);
        st = BL_ENOMEM;
    }
    if (st == BL_OK)
        st = bli_meta_plan_store(w->sf, &w->plan, w->path, why, why_len);
    if (st != BL_OK) {
        bl_recording_destroy(w->in_chunk);
        w->in_chunk = NULL;
    }
    return st;
}

/* The comment written after the audio at close for late keys: the whole
 * text, or the chunk's pointer and the keys changed since. NULL out of
 * memory. */
static char *late_text(const bl_writer *w, size_t *len)
{
    if (w->in_chunk)
        return bli_meta_update_text(w->meta, w->in_chunk, w->plan.chunk_len, len);
    return bli_meta_text(w->meta, len);
}

bl_status bl_writer_open(const char *path, size_t channels, double rate_hz, bl_sample_format format,
                         const bl_recording *meta, bl_writer **out, char *why, size_t why_len)
{
    if (out)
        *out = NULL;
    if (!path || !out || channels == 0) {
        bli_set_why(why, why_len, "writer: NULL argument or zero channels");
        return BL_EINVAL;
    }
    bli_clear_why(why, why_len);
    if (!bli_integral_rate(rate_hz)) {
        bli_set_why(why, why_len, "%s: sample rate %g Hz is not a positive whole number", path, rate_hz);
        return BL_EINVAL;
    }
    if (meta && meta->channels != channels) {
        bli_set_why(why, why_len, "%s: metadata describes %zu channels but the writer has %zu", path,
                meta->channels, channels);
        return BL_EINVAL;
    }
    int sf_format = 0;
    bl_status st = bli_sf_choose_format(path, format, &sf_format, why, why_len);
    if (st != BL_OK)
        return st;
    bl_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->path = bli_strdup(path)) ||
        bl_recording_create(channels, 0, rate_hz, &w->meta) != BL_OK) {
        bli_set_why(why, why_len, "%s: out of memory", path);
        st = BL_ENOMEM;
        goto fail;
    }
    w->channels = channels;
    w->major = sf_format & SF_FORMAT_TYPEMASK;
    if (meta) {
        /* What describes the samples, their units too: a capture's are
         * full scale, an envelope's may be in µV (float32 only, as
         * bl_recording_save insists). */
        st = bli_recording_copy_description(w->meta, meta);
        if (st != BL_OK) {
            bli_set_why(why, why_len, "%s: out of memory", path);
            goto fail;
        }
        memcpy(w->meta->in_uv, meta->in_uv, channels);
        if (format != BL_FORMAT_FLOAT32 && bli_recording_any_in_uv(w->meta)) {
            bli_set_why(why, why_len, "%s: samples are in uV; integer formats hold full-scale samples "
                    "only and would clip them: write float32", path);
            st = BL_EINVAL;
            goto fail;
        }
    }
    /* Check the metadata fits before creating the file. */
    struct bli_meta_plan check;
    if ((st = bli_meta_plan_make(w->meta, path, w->major, BLI_META_COMMENT_MAX, &check, why, why_len)) != BL_OK)
        goto fail;
    bli_meta_plan_free(&check);
    if ((st = bli_sf_open_write(path, sf_format, channels, rate_hz, &w->sf, why, why_len)) != BL_OK)
        goto fail;
    /* Keep the header current after every block so a capture cut by a
     * crash or power loss still opens with everything written so far.
     * FLAC has no such header to update. */
    if (w->major != SF_FORMAT_FLAC)
        sf_command(w->sf, SFC_SET_UPDATE_HEADER_AUTO, NULL, SF_TRUE);
    *out = w;
    return BL_OK;
fail:
    if (w) {
        bl_recording_destroy(w->meta);
        free(w->path);
        free(w);
    }
    return st;
}

bl_status bl_writer_write(bl_writer *w, const float *interleaved, size_t frames, char *why,
                          size_t why_len)
{
    if (!w || (!interleaved && frames > 0)) {
        bli_set_why(why, why_len, "writer: NULL argument");
        return BL_EINVAL;
    }
    if (w->failed) {
        bli_set_why(why, why_len, "%s: an earlier write failed; %zu frames are in the file", w->path,
                w->frames);
        return BL_EIO;
    }
    if (frames == 0)
        return BL_OK;
    if (frames > (size_t)INT64_MAX / w->channels) {
        bli_set_why(why, why_len, "%s: block of %zu frames is too large", w->path, frames);
        return BL_EINVAL;
    }
    /* Metadata precedes the audio in every format; store it now so keys
     * set between open and the first block are included. */
    if (!w->comment_stored && bli_sf_supports_strings(w->major)) {
        bl_status st = writer_store_early(w, why, why_len);
        if (st != BL_OK)
            return st;
        w->comment_stored = 1;
        w->meta_dirty = 0;
    }
    sf_count_t n = sf_writef_float(w->sf, interleaved, (sf_count_t)frames);
    if (n > 0)
        w->frames += (size_t)n;
    if (n != (sf_count_t)frames) {
        w->failed = 1;
        /* libsndfile's text carries the system reason ("File too large"). */
        bli_set_why(why, why_len, "%s: write failed after %zu frames: %s", w->path, w->frames,
                sf_strerror(w->sf));
        return BL_EIO;
    }
    return BL_OK;
}

/* Set a key already checked (free-form, or the markers' text). */
static bl_status writer_store(bl_writer *w, const char *key, const char *value)
{
    if (!bli_sf_supports_strings(w->major) ||
        (w->comment_stored && (!bli_sf_late_strings_ok(w->major) || w->failed)))
        return BL_ESTATE;
    /* A key already in the chunk cannot be removed by a later comment. */
    if (!value && w->in_chunk && bl_recording_meta(w->in_chunk, key))
        return BL_ESTATE;
    /* Keep the previous value if the new one would not fit. */
    const char *old = bl_recording_meta(w->meta, key);
    char *saved = old ? bli_strdup(old) : NULL;
    if (old && !saved)
        return BL_ENOMEM;
    bl_status st = bli_meta_store(w->meta, key, value);
    if (st == BL_OK) {
        size_t len = 0;
        char *text = w->comment_stored ? late_text(w, &len) : bli_meta_text(w->meta, &len);
        if (!text)
            st = BL_ENOMEM;
        else if (len > (w->comment_stored ? (size_t)BLI_META_COMMENT_MAX : (size_t)BL_RECORDING_META_MAX))
            st = BL_ERANGE;
        free(text);
        if (st != BL_OK)
            bli_meta_store(w->meta, key, saved); /* restore; cannot grow */
    }
    free(saved);
    if (st == BL_OK)
        w->meta_dirty = 1;
    return st;
}

bl_status bl_writer_set_meta(bl_writer *w, const char *key, const char *value)
{
    if (!w || !bli_meta_entry_ok(key, value))
        return BL_EINVAL;
    return writer_store(w, key, value);
}

bl_status bl_writer_add_marker(bl_writer *w, double time_s, const char *label)
{
    if (!w)
        return BL_EINVAL;
    char *text = NULL;
    bl_status st = bli_markers_with(bl_recording_meta(w->meta, "markers"), time_s, label, &text);
    if (st == BL_OK)
        st = writer_store(w, "markers", text);
    free(text);
    return st;
}

size_t bl_writer_frames(const bl_writer *w)
{
    return w ? w->frames : 0;
}

bl_status bl_writer_close(bl_writer *w, char *why, size_t why_len)
{
    bli_clear_why(why, why_len);
    if (!w)
        return BL_OK; /* like free(NULL) */
    bl_status st = BL_OK;
    if (bli_sf_supports_strings(w->major) && !w->failed) {
        if (!w->comment_stored) {
            st = writer_store_early(w, why, why_len);
        } else if (w->meta_dirty && bli_sf_late_strings_ok(w->major)) {
            char *text = late_text(w, NULL);
            int err = text ? sf_set_string(w->sf, SF_STR_COMMENT, text) : 0;
            if (!text || err) {
                bli_set_why(why, why_len, "%s: cannot store the late metadata: %s", w->path,
                            text ? sf_error_number(err) : "out of memory");
                st = text ? BL_EIO : BL_ENOMEM;
            }
            free(text);
        }
    }
    int err = sf_close(w->sf);
    if (err && st == BL_OK) {
        bli_set_why(why, why_len, "%s: cannot finish file: %s", w->path, sf_error_number(err));
        st = BL_EIO;
    }
    bli_meta_plan_free(&w->plan);
    bl_recording_destroy(w->in_chunk);
    bl_recording_destroy(w->meta);
    free(w->path);
    free(w);
    return st;
}
