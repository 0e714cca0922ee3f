/* A recording spooled at the analysis rate, read back in frame ranges:
 * what lets `envelope` work on an hour of sound-card EMG in the memory of
 * a few minutes. Up to SPOOL_MEMORY_BYTES it stays in memory (a short
 * recording never touches the disk); beyond, it goes to a temporary file,
 * unlinked as soon as it is made (nothing is left behind, whatever happens
 * to the process). Either holds interleaved float32 frames, so a range is
 * one copy or one pread. A float32 WAV at the analysis rate holds exactly
 * those frames already: its spool is the file itself (its data chunk read
 * with pread through a descriptor of its own), checked against what
 * libsndfile read on the first block, and nothing is copied. */
#define _FILE_OFFSET_BITS 64 /* an hour of 64 channels passes 2 GB */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "recording_internal.h"
#include "sndfile_io.h"

#define SPOOL_MEMORY_BYTES ((size_t)16 << 20)

struct bl_spool {
    bl_recording *info; /* the description, with no frames */
    size_t frames, channels;
    float *mem;         /* the frames while they fit in memory */
    size_t mem_cap;     /* floats */
    int fd;             /* >= 0 once spilled to the file, or the input itself (direct) */
    int direct;         /* fd is the input's float32 data, from byte `base` */
    off_t base;
    int to_uv;          /* blocks come in µV (bl_spool_to_microvolts) */
};

void bli_spool_use_file(bl_spool *s, int fd, size_t channels)
{
    unsigned long long offset = 0;
    if (s->frames || s->fd >= 0 || bli_wav_raw_data(fd, channels, &offset) != BLI_WAV_RAW_FLOAT32 || (off_t)offset < 0)
        return;
    int own = dup(fd);
    if (own < 0)
        return; /* spooled as any other file */
    s->fd = own;
    s->direct = 1;
    s->base = (off_t)offset;
    s->channels = channels;
}

/* The first block the reader gave against the file's bytes at the data
 * chunk: when they differ (a layout we misread), the spool stops reading
 * the file and takes the frames as any other file's. */
static void check_direct(bl_spool *s, const float *buf, size_t n, size_t channels)
{
    size_t bytes = n * channels * sizeof *buf;
    float *mine = malloc(bytes ? bytes : 1);
    int same = mine && bli_pread_all(s->fd, mine, bytes, s->base) == 0 && memcmp(mine, buf, bytes) == 0;
    free(mine);
    if (!same) {
        close(s->fd);
        s->fd = -1;
        s->direct = 0;
    }
}

static int write_all(int fd, const float *buf, size_t count)
{
    const char *p = (const char *)buf;
    size_t left = count * sizeof *buf;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    return 0;
}

/* An unlinked temporary file in $TMPDIR (else /tmp); -1 with `why`. */
static int spool_file(const char *path, char *why, size_t why_len)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !dir[0])
        dir = "/tmp";
    char name[4096];
    if ((size_t)snprintf(name, sizeof name, "%s/backline-spool-XXXXXX", dir) >= sizeof name) {
        bli_set_why(why, why_len, "%s: TMPDIR is too long for a temporary file name", path);
        return -1;
    }
    int fd = mkstemp(name);
    if (fd < 0) {
        bli_set_why(why, why_len, "%s: cannot create a temporary spool in %s: %s (set TMPDIR)", path, dir,
                    strerror(errno));
        return -1;
    }
    unlink(name);
    return fd;
}

/* A file the decimator does not cover (or slower than rate_hz): loaded
 * whole at its own rate, resampled as conditioning would resample it, and
 * spooled from memory. */
static bl_status spool_resampled(bl_spool *s, bl_recording *desc, double rate_hz, const char *path, char *why,
                                 size_t why_len)
{
    bl_recording *whole = NULL;
    bl_status st = bl_recording_resample(desc, rate_hz, &whole);
    if (st == BL_OK && (st = bli_recording_copy_warnings(whole, desc)) != BL_OK)
        bli_set_why(why, why_len, "%s: out of memory", path);
    else if (st != BL_OK)
        bli_set_why(why, why_len, "%s: resampling to %g Hz failed: %s", path, rate_hz, bl_strerror(st));
    float *buf = st == BL_OK ? malloc((size_t)BLI_IO_CHUNK_FRAMES * whole->channels * sizeof *buf) : NULL;
    if (st == BL_OK && !buf) {
        bli_set_why(why, why_len, "%s: out of memory", path);
        st = BL_ENOMEM;
    }
    for (size_t pos = 0; st == BL_OK && pos < whole->frames; pos += BLI_IO_CHUNK_FRAMES) {
        size_t n = whole->frames - pos < BLI_IO_CHUNK_FRAMES ? whole->frames - pos : BLI_IO_CHUNK_FRAMES;
        for (size_t c = 0; c < whole->channels; c++)
            for (size_t i = 0; i < n; i++)
                buf[i * whole->channels + c] = whole->ch[c][pos + i];
        st = bli_spool_append(s, buf, n, whole->channels, path, why, why_len);
    }
    free(buf);
    if (st == BL_OK) {
        whole->frames = 0; /* the description keeps no samples */
        for (size_t c = 0; c < whole->channels; c++) { /* a failed shrink keeps the block: harmless */
            float *one = realloc(whole->ch[c], sizeof(float));
            if (one)
                whole->ch[c] = one;
        }
        whole->capacity = 1;
        memcpy(whole->format_name, desc->format_name, sizeof whole->format_name);
        bl_recording_destroy(s->info);
        s->info = whole;
    } else {
        bl_recording_destroy(whole);
    }
    return st;
}

/* Frames onto the end: into memory while they fit, else (the first time
 * with what memory held) into the file. */
bl_status bli_spool_append(bl_spool *s, const float *buf, size_t n, size_t channels, const char *path, char *why,
                           size_t why_len)
{
    if (s->direct && s->frames == 0)
        check_direct(s, buf, n, channels);
    if (s->direct) { /* the frames are in the file already */
        s->frames += n;
        return BL_OK;
    }
    s->channels = channels;
    size_t have = s->frames * channels, add = n * channels;
    if (s->fd < 0 && (have + add) * sizeof(float) <= SPOOL_MEMORY_BYTES) {
        if (have + add > s->mem_cap) {
            size_t cap = s->mem_cap ? s->mem_cap : (size_t)1 << 16;
            while (cap < have + add) cap *= 2;
            if (cap > SPOOL_MEMORY_BYTES / sizeof(float)) cap = SPOOL_MEMORY_BYTES / sizeof(float);
            float *m = realloc(s->mem, cap * sizeof *m);
            if (!m) {
                bli_set_why(why, why_len, "%s: out of memory after %zu frames", path, s->frames);
                return BL_ENOMEM;
            }
            s->mem = m;
            s->mem_cap = cap;
        }
        memcpy(s->mem + have, buf, add * sizeof *buf);
        s->frames += n;
        return BL_OK;
    }
    if (s->fd < 0) {
        if ((s->fd = spool_file(path, why, why_len)) < 0)
            return BL_EIO;
        int bad = write_all(s->fd, s->mem, have);
        free(s->mem);
        s->mem = NULL;
        s->mem_cap = 0;
        if (bad)
            goto failed;
    }
    if (write_all(s->fd, buf, add) != 0)
        goto failed;
    s->frames += n;
    return BL_OK;
failed:
    bli_set_why(why, why_len, "%s: cannot write the temporary spool (TMPDIR) after %zu frames: %s", path, s->frames,
                strerror(errno));
    return BL_EIO;
}

bl_status bl_spool_load_at(const char *path, double rate_hz, bl_progress_fn progress, void *user, bl_spool **out,
                           char *why, size_t why_len)
{
    if (out)
        *out = NULL;
    if (!path || !out || !(rate_hz > 0)) {
        bli_set_why(why, why_len, "spool: NULL argument or a rate that is not positive");
        return BL_EINVAL;
    }
    bli_clear_why(why, why_len);
    bl_spool *s = calloc(1, sizeof *s);
    if (s)
        s->fd = -1;
    if (!s) {
        bli_set_why(why, why_len, "%s: out of memory", path);
        return BL_ENOMEM;
    }
    bl_status st = bli_recording_spool_load(path, rate_hz, progress, user, s, &s->info, why, why_len);
    /* Nothing went to the spool: a rate only libsamplerate converts, so
     * the file was loaded whole (bl_recording_load_at's fallback). */
    if (st == BL_OK && s->info->frames > 0)
        st = spool_resampled(s, s->info, rate_hz, path, why, why_len);
    if (st != BL_OK) {
        bl_spool_destroy(s);
        return st;
    }
    *out = s;
    return BL_OK;
}

bl_recording *bl_spool_info(bl_spool *s)
{
    return s ? s->info : NULL;
}

size_t bl_spool_frames(const bl_spool *s)
{
    return s ? s->frames : 0;
}

bl_status bl_spool_to_microvolts(bl_spool *s)
{
    if (!s)
        return BL_EINVAL;
    bl_status st = bl_recording_check_units(s->info, NULL, 0);
    if (st == BL_OK)
        s->to_uv = 1;
    return st;
}

/* Frames [first, first+frames) into rec's channels (which hold at least
 * that many), de-interleaved and, if asked, taken to µV on the way (no
 * second pass over the block). */
static bl_status fill(const bl_spool *s, size_t first, size_t frames, bl_recording *rec)
{
    const size_t nch = s->info->channels;
    bl_status st = s->to_uv ? bl_recording_check_units(rec, NULL, 0) : BL_OK;
    double *k = st == BL_OK ? calloc(nch, sizeof *k) : NULL;
    if (st == BL_OK && !k)
        st = BL_ENOMEM;
    for (size_t c = 0; st == BL_OK && s->to_uv && c < nch; c++)
        k[c] = bli_recording_uv_factor(rec, c);
    if (st == BL_OK && s->fd < 0) { /* in memory: de-interleaved from where it is */
        bli_deinterleave(s->mem + first * nch, frames, nch, rec->ch, 0, k);
    } else if (st == BL_OK) {
        float *buf = malloc((size_t)BLI_IO_CHUNK_FRAMES * nch * sizeof *buf);
        if (!buf)
            st = BL_ENOMEM;
        for (size_t pos = 0; st == BL_OK && pos < frames; pos += BLI_IO_CHUNK_FRAMES) {
            size_t n = frames - pos < BLI_IO_CHUNK_FRAMES ? frames - pos : BLI_IO_CHUNK_FRAMES;
            off_t at = s->base + (off_t)(first + pos) * (off_t)nch * (off_t)sizeof *buf;
            if (bli_pread_all(s->fd, buf, n * nch * sizeof *buf, at) != 0)
                st = BL_EIO;
            else
                bli_deinterleave(buf, n, nch, rec->ch, pos, k);
        }
        free(buf);
    }
    for (size_t c = 0; st == BL_OK && c < nch; c++)
        if (k[c] != 0)
            rec->in_uv[c] = 1;
    free(k);
    return st;
}

static bl_status check_range(const bl_spool *s, size_t first, size_t frames)
{
    if (!s || frames == 0)
        return BL_EINVAL;
    if (first > s->frames || frames > s->frames - first)
        return BL_ERANGE;
    return BL_OK;
}

bl_status bl_spool_read(const bl_spool *s, size_t first, size_t frames, bl_recording **out)
{
    if (out)
        *out = NULL;
    bl_status st = out ? check_range(s, first, frames) : BL_EINVAL;
    if (st != BL_OK)
        return st;
    bl_recording *rec = NULL;
    if ((st = bl_recording_create_like(s->info, frames, s->info->rate_hz, &rec)) != BL_OK)
        return st;
    if ((st = fill(s, first, frames, rec)) != BL_OK) {
        bl_recording_destroy(rec);
        return st;
    }
    *out = rec;
    return BL_OK;
}

bl_status bl_spool_read_into(const bl_spool *s, size_t first, size_t frames, bl_recording *rec)
{
    bl_status st = rec ? check_range(s, first, frames) : BL_EINVAL;
    if (st == BL_OK && rec->channels != s->info->channels)
        st = BL_EINVAL;
    if (st == BL_OK)
        st = bli_recording_reuse_like(rec, s->info, frames, s->info->rate_hz);
    return st == BL_OK ? fill(s, first, frames, rec) : st;
}

void bl_spool_destroy(bl_spool *s)
{
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    free(s->mem);
    bl_recording_destroy(s->info);
    free(s);
}
