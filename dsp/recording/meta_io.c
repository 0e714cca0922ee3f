/* Where a recording's metadata text goes in a file, and reading it back.
 *
 * Up to BLI_META_COMMENT_MAX bytes the text is the file's comment (WAV
 * LIST/INFO, AIFF, CAF, FLAC Vorbis comment), byte for byte as backline
 * always wrote it. Longer text (up to BL_RECORDING_META_MAX) goes, in WAV,
 * AIFF and CAF, into a chunk of our own, "blmt", written before the audio,
 * and the comment then only says so: "backline-meta 1\nmeta_chunk=<bytes>".
 * FLAC keeps any length in its comment. Measured on Debian 12's libsndfile
 * 1.2.0 (tests/test_recording_files.c checks each):
 *  - a WAV comment over 2045 bytes is written but dropped on read; AIFF
 *    comments over 8189 bytes make the file unreadable; CAF drops comments
 *    somewhere between 16 and 64 KB; FLAC comments of 200 KB read back;
 *  - sf_set_chunk works for WAV, AIFF and CAF (not FLAC or W64), but only
 *    before the audio, and a header over 51200 bytes (libsndfile's header
 *    buffer is capped at 100 KiB and grown by doubling) is written cut,
 *    without an error, into a file that no longer opens: hence the limit
 *    BL_RECORDING_META_MAX (32768), refused before the file is created;
 *  - libsndfile pads a chunk with NULs to a multiple of 4 bytes.
 * Chunks are read from regular files only: on a pipe libsndfile would seek
 * (and read the audio) to fetch one. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "recording_internal.h"
#include "sndfile_io.h"

static int chunks_supported(int major)
{
    return major == SF_FORMAT_WAV || major == SF_FORMAT_AIFF || major == SF_FORMAT_CAF;
}

void bli_meta_plan_free(struct bli_meta_plan *plan)
{
    free(plan->comment);
    free(plan->chunk);
    memset(plan, 0, sizeof *plan);
}

bl_status bli_meta_plan_make(const bl_recording *rec, const char *path, int major, size_t comment_max,
                             struct bli_meta_plan *plan, char *why, size_t why_len)
{
    memset(plan, 0, sizeof *plan);
    if (!bli_sf_supports_strings(major))
        return BL_OK; /* W64: audio only (documented) */
    size_t len = 0;
    char *text = bli_meta_text(rec, &len);
    if (!text) {
        bli_set_why(why, why_len, "%s: out of memory", path);
        return BL_ENOMEM;
    }
    if (len > BL_RECORDING_META_MAX) {
        bli_set_why(why, why_len,
                    "%s: metadata is %zu bytes; at most %d can be stored (fewer keys or shorter values)", path,
                    len, BL_RECORDING_META_MAX);
        free(text);
        return BL_ERANGE;
    }
    if (len <= comment_max || !chunks_supported(major)) {
        plan->comment = text;
        return BL_OK;
    }
    plan->chunk = text;
    plan->chunk_len = len;
    plan->comment = bli_meta_update_text(NULL, NULL, len, NULL);
    if (!plan->comment) {
        bli_meta_plan_free(plan);
        bli_set_why(why, why_len, "%s: out of memory", path);
        return BL_ENOMEM;
    }
    return BL_OK;
}

bl_status bli_meta_plan_store(SNDFILE *sf, struct bli_meta_plan *plan, const char *path, char *why,
                              size_t why_len)
{
    int err = 0;
    if (plan->chunk) {
        SF_CHUNK_INFO ci;
        memset(&ci, 0, sizeof ci);
        memcpy(ci.id, BLI_META_CHUNK_ID, 4);
        ci.id_size = 4;
        ci.data = plan->chunk; /* kept until the file is closed, as libsndfile asks */
        ci.datalen = (unsigned)plan->chunk_len;
        err = sf_set_chunk(sf, &ci);
    }
    if (!err && plan->comment)
        err = sf_set_string(sf, SF_STR_COMMENT, plan->comment);
    if (err) {
        bli_set_why(why, why_len, "%s: cannot store metadata: %s", path, sf_error_number(err));
        return BL_EIO;
    }
    return BL_OK;
}

/* The text of our chunk (caller frees), or NULL: none, or one that cannot
 * be used (*unread then says why, and a warning says more). */
static bl_status read_chunk(SNDFILE *sf, bl_recording *info, char **text, const char **unread)
{
    *text = NULL;
    SF_CHUNK_INFO q;
    memset(&q, 0, sizeof q);
    memcpy(q.id, BLI_META_CHUNK_ID, 4);
    q.id_size = 4;
    SF_CHUNK_ITERATOR *it = sf_get_chunk_iterator(sf, &q);
    if (!it)
        return BL_OK;
    SF_CHUNK_INFO d;
    memset(&d, 0, sizeof d);
    if (sf_get_chunk_size(it, &d) != SF_ERR_NO_ERROR || d.datalen == 0) {
        *unread = "is empty or unreadable";
        return bli_warn(info, "", "metadata chunk: empty or unreadable; ignored");
    }
    if (d.datalen > BL_RECORDING_META_MAX + 4) {
        *unread = "is too large to be ours";
        return bli_warn(info, "", "metadata chunk: %u bytes, more than the %d backline stores; ignored", d.datalen,
                        BL_RECORDING_META_MAX);
    }
    char *buf = calloc(1, (size_t)d.datalen + 1);
    if (!buf)
        return BL_ENOMEM;
    d.data = buf;
    if (sf_get_chunk_data(it, &d) != SF_ERR_NO_ERROR) {
        free(buf);
        *unread = "cannot be read";
        return bli_warn(info, "", "metadata chunk: cannot be read; ignored");
    }
    size_t len = strnlen(buf, d.datalen), rest = 0;
    for (size_t i = len; i < d.datalen; i++)
        rest += buf[i] != '\0';
    *text = buf;
    bl_status st = BL_OK;
    if (rest)
        st = bli_warn(info, "", "metadata chunk: %zu bytes after a NUL byte at %zu ignored", rest, len);
    int more = 0;
    while ((it = sf_next_chunk_iterator(it)) != NULL)
        more++;
    if (more && st == BL_OK)
        st = bli_warn(info, "", "metadata chunk: the file holds %d more \"%s\" chunks; the first is used", more,
                      BLI_META_CHUNK_ID);
    return st;
}

bl_status bli_meta_read(SNDFILE *sf, int fd, bl_recording *info)
{
    struct bli_meta_sources src = {0};
    char *chunk = NULL;
    struct stat sb;
    bl_status st = BL_OK;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
        st = read_chunk(sf, info, &chunk, &src.chunk_unread);
    else
        src.chunk_unread = "cannot be read from a pipe";
    src.chunk = chunk;
    src.comment = sf_get_string(sf, SF_STR_COMMENT);
    if (st == BL_OK && (src.chunk || src.comment))
        st = bli_meta_apply(info, &src);
    free(chunk);
    return st;
}
