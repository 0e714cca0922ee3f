/* Loading a whole file: the streaming reader, de-interleaved into planar
 * channels that grow as data arrives; at an analysis rate, decimated on
 * the way (the core's bl_decimator), so an audio-rate file is never held
 * whole. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backline/clipping.h"
#include "backline/resample.h"

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

typedef float deint_v4f __attribute__((vector_size(16)));
typedef double deint_v4d __attribute__((vector_size(32)));

/* n interleaved frames of nch channels into the planar arrays at `pos`:
 * channels four at a time, four frames at a time (a 4 x 4 transpose in
 * registers), the rest one by one; a channel with a factor is scaled on
 * the way, in double as bl_recording_to_microvolts scales. */
void bli_deinterleave(const float *buf, size_t n, size_t nch, float *const *ch, size_t pos, const double *k)
{
    const size_t lanes = nch & ~(size_t)3, vn = n & ~(size_t)3;
    for (size_t g = 0; g < lanes; g += 4)
        for (size_t i = 0; i < vn; i += 4) {
            deint_v4f r[4];
            for (size_t j = 0; j < 4; j++) memcpy(&r[j], buf + (i + j) * nch + g, sizeof r[j]);
            for (size_t c = 0; c < 4; c++) {
                deint_v4f v = {r[0][c], r[1][c], r[2][c], r[3][c]};
                if (k && k[g + c] != 0) {
                    deint_v4d kk = {k[g + c], k[g + c], k[g + c], k[g + c]};
                    v = __builtin_convertvector(__builtin_convertvector(v, deint_v4d) * kk, deint_v4f);
                }
                memcpy(ch[g + c] + pos + i, &v, sizeof v);
            }
        }
    for (size_t c = 0; c < nch; c++)
        for (size_t i = c < lanes ? vn : 0; i < n; i++)
            ch[c][pos + i] = k && k[c] != 0 ? (float)(buf[i * nch + c] * k[c]) : buf[i * nch + c];
}

/* Appends n interleaved frames to rec's planar channels. */
static bl_status append_frames(bl_recording *rec, const float *buf, size_t n, const char *path, char *why,
                               size_t why_len)
{
    size_t channels = rec->channels;
    if (bli_recording_grow(rec, rec->frames + n) != 0) {
        bli_set_why(why, why_len, "%s: out of memory after %zu frames", path, rec->frames);
        return BL_ENOMEM;
    }
    bli_deinterleave(buf, n, channels, rec->ch, rec->frames, NULL);
    rec->frames += n;
    return BL_OK;
}

/* Where the frames go: appended to the recording's planar channels, or,
 * when spooling (bl_spool_load_at), written interleaved to a file. */
typedef struct {
    bl_recording *rec;
    bl_spool *spool; /* non-NULL: spool here; rec then only describes */
    int check;       /* check every block for non-finite samples */
} sink_t;

static bl_status sink_frames(sink_t *k, const float *buf, size_t n, const char *path, char *why, size_t why_len)
{
    if (!k->spool)
        return append_frames(k->rec, buf, n, path, why, why_len);
    return bli_spool_append(k->spool, buf, n, k->rec->channels, path, why, why_len);
}

/* The first non-finite sample of an interleaved block, as an error naming
 * its channel, frame and time in the file; BL_OK when there is none. */
static bl_status check_block(const float *buf, size_t n, size_t channels, size_t first_frame, double rate,
                             const char *path, char *why, size_t why_len)
{
    uint32_t any = 0;
    for (size_t i = 0; i < n * channels; i++) {
        uint32_t b;
        memcpy(&b, buf + i, sizeof b);
        any |= (uint32_t)((b & 0x7f800000u) == 0x7f800000u);
    }
    if (!any)
        return BL_OK;
    for (size_t i = 0; i < n * channels; i++)
        if (!isfinite(buf[i])) {
            size_t frame = first_frame + i / channels;
            bli_set_why(why, why_len, "%s: non-finite sample (NaN or infinity) in channel %zu at frame %zu (%.6f s)",
                        path, i % channels + 1, frame, (double)frame / rate);
            break;
        }
    return BL_ENONFINITE;
}

/* Every block of the reader into `rec`, through the decimator when there
 * is one. */
typedef struct {
    bl_progress_fn fn;
    void *user;
    size_t declared; /* frames the header declares, 0 = unknown */
} progress_t;

static bl_status read_all(bl_reader *r, sink_t *sink, bl_decimator *dec, bl_clip_counter *clip,
                          double file_rate, const progress_t *pg, const char *path, char *why, size_t why_len)
{
    size_t channels = sink->rec->channels, cap = dec ? bl_decimator_max_output(dec, BLI_IO_CHUNK_FRAMES) : 0;
    float *buf = malloc((size_t)BLI_IO_CHUNK_FRAMES * channels * sizeof *buf);
    float *low = dec ? malloc(cap * channels * sizeof *low) : NULL;
    if (!buf || (dec && !low)) {
        free(buf);
        free(low);
        bli_set_why(why, why_len, "%s: out of memory", path);
        return BL_ENOMEM;
    }
    bl_status st = BL_OK;
    for (size_t read = 0;;) {
        size_t n = 0, got = 0;
        if ((st = bl_reader_read(r, buf, BLI_IO_CHUNK_FRAMES, &n, why, why_len)) != BL_OK)
            break;
        if (pg->fn && pg->declared)
            pg->fn(pg->user, (double)bl_reader_frames_read(r) / (double)pg->declared);
        /* A spool is never held whole, so nothing can check it later. */
        if (n && sink->check && (st = check_block(buf, n, channels, read, file_rate, path, why, why_len)) != BL_OK)
            break;
        if (!dec) {
            read += n;
            if (n == 0 || (st = sink_frames(sink, buf, n, path, why, why_len)) != BL_OK)
                break;
            continue;
        }
        bl_clip_counter_add_frames(clip, buf, n, channels);
        read += n;
        st = n ? bl_decimator_process(dec, buf, n, low, cap, &got) : bl_decimator_finish(dec, low, cap, &got);
        if (st == BL_OK && got)
            st = sink_frames(sink, low, got, path, why, why_len);
        else if (st != BL_OK)
            bli_set_why(why, why_len, "%s: decimation failed: %s", path, bl_strerror(st));
        if (st != BL_OK || n == 0)
            break;
    }
    free(buf);
    free(low);
    return st;
}

/* spool non-NULL: the frames go there and *out is the description, with
 * none. */
static bl_status load(const char *path, double rate_hz, bl_progress_fn progress, void *user, bl_spool *spool,
                      bl_recording **out, char *why, size_t why_len)
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
    bl_decimator *dec = NULL;
    double rate = info->rate_hz;
    if (rate_hz > 0 && bl_decimate_check(info->rate_hz, rate_hz) == BL_OK) {
        if ((st = bl_decimator_create(info->channels, info->rate_hz, rate_hz, &dec)) != BL_OK)
            bli_set_why(why, why_len, "%s: %s", path, bl_strerror(st));
        rate = rate_hz;
    }
    size_t declared = bl_reader_declared_frames(r);
    /* Spooled only at the rate asked for: a ratio the decimator does not
     * cover loads whole, for the caller to resample (checked as it is
     * read all the same: nothing checks a spool later). */
    int check = dec || spool;
    if (spool && !dec && rate != rate_hz)
        spool = NULL;
    if (st == BL_OK && spool && !dec)
        bli_spool_use_file(spool, bli_reader_fd(r), info->channels);
    bl_recording *rec = NULL;
    if (st == BL_OK) {
        rec = bli_recording_alloc(info->channels,
                                  spool ? 1
                                  : initial_capacity(dec ? bl_resample_length(declared, info->rate_hz, rate) : declared),
                                  rate);
        if (!rec) {
            bli_set_why(why, why_len, "%s: out of memory", path);
            st = BL_ENOMEM;
        }
    }
    /* The decimated recording no longer holds the file's samples: count
     * their clipping on the way, against each channel's full scale in the
     * file's units. */
    bl_clip_counter *clip = NULL;
    if (st == BL_OK && dec && !(clip = malloc(info->channels * sizeof *clip))) {
        bli_set_why(why, why_len, "%s: out of memory", path);
        st = BL_ENOMEM;
    }
    for (size_t c = 0; clip && c < info->channels; c++)
        bl_clip_counter_init(&clip[c], bl_recording_channel_full_scale(info, c));
    progress_t pg = {progress, user, declared};
    sink_t sink = {rec, spool, check};
    if (st == BL_OK)
        st = read_all(r, &sink, dec, clip, info->rate_hz, &pg, path, why, why_len);
    if (st == BL_OK && clip) {
        if (!(rec->raw_clipped = malloc(info->channels * sizeof *rec->raw_clipped)))
            st = BL_ENOMEM;
        for (size_t c = 0; st == BL_OK && c < info->channels; c++)
            rec->raw_clipped[c] = bl_clip_counter_fraction(&clip[c]);
    }
    free(clip);
    if (st == BL_OK && rec->frames == 0 && bl_spool_frames(spool) == 0) {
        bli_set_why(why, why_len, "%s: no audio frames", path);
        st = BL_EFORMAT;
    }
    if (st == BL_OK) {
        bli_recording_shrink(rec);
        rec->source_rate_hz = info->rate_hz;
        memcpy(rec->format_name, info->format_name, sizeof rec->format_name);
        memcpy(rec->in_uv, info->in_uv, rec->channels);
        if (bli_recording_copy_description(rec, info) != BL_OK || bli_recording_copy_warnings(rec, info) != BL_OK) {
            bli_set_why(why, why_len, "%s: out of memory reading metadata", path);
            st = BL_ENOMEM;
        }
    }
    bl_decimator_destroy(dec);
    bl_reader_close(r);
    if (st != BL_OK) {
        bl_recording_destroy(rec);
        return st;
    }
    *out = rec;
    return BL_OK;
}

bl_status bl_recording_load(const char *path, bl_recording **out, char *why, size_t why_len)
{
    return load(path, 0, NULL, NULL, NULL, out, why, why_len);
}

bl_status bl_recording_load_at_progress(const char *path, double rate_hz, bl_progress_fn progress, void *user,
                                        bl_recording **out, char *why, size_t why_len)
{
    if (!(rate_hz > 0)) {
        if (out)
            *out = NULL;
        bli_set_why(why, why_len, "recording: the analysis rate must be positive");
        return BL_EINVAL;
    }
    return load(path, rate_hz, progress, user, NULL, out, why, why_len);
}

bl_status bli_recording_spool_load(const char *path, double rate_hz, bl_progress_fn progress, void *user,
                                   bl_spool *spool, bl_recording **desc, char *why, size_t why_len)
{
    return load(path, rate_hz, progress, user, spool, desc, why, why_len);
}

bl_status bl_recording_load_at(const char *path, double rate_hz, bl_recording **out, char *why, size_t why_len)
{
    return bl_recording_load_at_progress(path, rate_hz, NULL, NULL, out, why, why_len);
}
