/* Recordings: planar float sEMG and what it says about itself (map, gains,
 * metadata). This file holds the storage; calibration.c the units,
 * metadata.c the free-form keys, load.c/save.c/reader.c/writer.c the files.
 */
#include "recording_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void bli_clear_why(char *why, size_t why_len)
{
    if (why && why_len)
        why[0] = '\0';
}

char *bli_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

bl_recording *bli_recording_alloc(size_t channels, size_t capacity, double rate_hz)
{
    if (channels == 0 || channels > SIZE_MAX / sizeof(float *))
        return NULL;
    if (capacity == 0)
        capacity = 1; /* malloc(0) may return NULL */
    if (capacity > SIZE_MAX / sizeof(float))
        return NULL;
    bl_recording *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->channels = channels;
    r->rate_hz = rate_hz;
    r->full_scale_v = 1.0;
    r->capacity = capacity;
    r->ch = calloc(channels, sizeof *r->ch);
    r->gain = calloc(channels, sizeof *r->gain);
    r->in_uv = calloc(channels, 1);
    if (!r->ch || !r->gain || !r->in_uv) {
        bl_recording_destroy(r);
        return NULL;
    }
    for (size_t c = 0; c < channels; c++) {
        r->ch[c] = calloc(capacity, sizeof(float));
        if (!r->ch[c]) {
            bl_recording_destroy(r);
            return NULL;
        }
    }
    snprintf(r->format_name, sizeof r->format_name, "float32 (in memory)");
    return r;
}

int bli_recording_grow(bl_recording *r, size_t need)
{
    if (need <= r->capacity)
        return 0;
    size_t cap = r->capacity;
    while (cap < need) {
        if (cap > SIZE_MAX / 2 / sizeof(float))
            return -1;
        cap *= 2;
    }
    for (size_t c = 0; c < r->channels; c++) {
        float *p = realloc(r->ch[c], cap * sizeof(float));
        if (!p)
            return -1;
        r->ch[c] = p;
    }
    r->capacity = cap;
    return 0;
}

void bli_recording_shrink(bl_recording *r)
{
    if (r->capacity <= r->frames || r->frames == 0)
        return;
    for (size_t c = 0; c < r->channels; c++) {
        float *p = realloc(r->ch[c], r->frames * sizeof(float));
        if (p)
            r->ch[c] = p;
    }
    r->capacity = r->frames; /* a failed shrink keeps a larger block: harmless */
}

bl_status bli_recording_copy_description(bl_recording *dst, const bl_recording *src)
{
    memcpy(dst->gain, src->gain, src->channels * sizeof *dst->gain);
    dst->full_scale_v = src->full_scale_v;
    bl_chanmap_destroy(dst->map);
    dst->map = NULL;
    if (src->map && bl_chanmap_copy(src->map, &dst->map) != BL_OK)
        return BL_ENOMEM;
    for (size_t i = 0; i < src->meta_count; i++)
        if (bli_meta_store(dst, src->meta[i].key, src->meta[i].value) != BL_OK)
            return BL_ENOMEM;
    return BL_OK;
}

bl_status bl_recording_create(size_t channels, size_t frames, double rate_hz, bl_recording **out)
{
    if (out)
        *out = NULL;
    if (!out || channels == 0 || !(rate_hz > 0) || !isfinite(rate_hz))
        return BL_EINVAL;
    if (frames > SIZE_MAX / sizeof(float) / channels)
        return BL_ENOMEM;
    bl_recording *r = bli_recording_alloc(channels, frames, rate_hz);
    if (!r)
        return BL_ENOMEM;
    r->frames = frames;
    *out = r;
    return BL_OK;
}

bl_status bl_recording_create_like(const bl_recording *like, size_t frames, double rate_hz, bl_recording **out)
{
    if (out)
        *out = NULL;
    if (!like)
        return BL_EINVAL;
    bl_status st = bl_recording_create(like->channels, frames, rate_hz, out);
    if (st != BL_OK)
        return st;
    bl_recording *r = *out;
    memcpy(r->in_uv, like->in_uv, like->channels);
    r->source_rate_hz = bl_recording_source_rate(like);
    if (like->raw_clipped) {
        if (!(r->raw_clipped = malloc(like->channels * sizeof *r->raw_clipped)))
            st = BL_ENOMEM;
        else
            memcpy(r->raw_clipped, like->raw_clipped, like->channels * sizeof *r->raw_clipped);
    }
    if (st != BL_OK || (st = bli_recording_copy_description(r, like)) != BL_OK) {
        bl_recording_destroy(r);
        *out = NULL;
    }
    return st;
}

bl_status bli_recording_reuse_like(bl_recording *r, const bl_recording *like, size_t frames, double rate_hz)
{
    if (r->channels != like->channels || frames > SIZE_MAX / sizeof(float))
        return BL_EINVAL;
    if (frames > r->capacity) { /* exactly: blocks come in a few lengths */
        for (size_t c = 0; c < r->channels; c++) {
            float *p = realloc(r->ch[c], frames * sizeof(float));
            if (!p)
                return BL_ENOMEM;
            r->ch[c] = p;
        }
        r->capacity = frames;
    }
    r->frames = frames;
    r->rate_hz = rate_hz;
    memcpy(r->in_uv, like->in_uv, like->channels);
    r->source_rate_hz = bl_recording_source_rate(like);
    free(r->raw_clipped);
    r->raw_clipped = NULL;
    if (like->raw_clipped) {
        if (!(r->raw_clipped = malloc(like->channels * sizeof *r->raw_clipped)))
            return BL_ENOMEM;
        memcpy(r->raw_clipped, like->raw_clipped, like->channels * sizeof *r->raw_clipped);
    }
    for (size_t i = 0; i < r->meta_count; i++) {
        free(r->meta[i].key);
        free(r->meta[i].value);
    }
    r->meta_count = 0;
    bli_recording_free_warnings(r);
    snprintf(r->format_name, sizeof r->format_name, "float32 (in memory)");
    return bli_recording_copy_description(r, like);
}

bl_status bl_recording_select(const bl_recording *rec, const size_t *index, size_t n, bl_recording **out)
{
    if (out)
        *out = NULL;
    if (!rec || !index || n == 0 || !out)
        return BL_EINVAL;
    for (size_t k = 0; k < n; k++)
        if (index[k] >= rec->channels)
            return BL_ERANGE;
    bl_status st = bl_recording_create(n, rec->frames, rec->rate_hz, out);
    if (st != BL_OK)
        return st;
    bl_recording *r = *out;
    r->source_rate_hz = rec->source_rate_hz;
    if (rec->raw_clipped && !(r->raw_clipped = malloc(n * sizeof *r->raw_clipped))) {
        bl_recording_destroy(r);
        *out = NULL;
        return BL_ENOMEM;
    }
    for (size_t k = 0; rec->raw_clipped && k < n; k++)
        r->raw_clipped[k] = rec->raw_clipped[index[k]];
    for (size_t k = 0; k < n; k++) {
        size_t c = index[k];
        memcpy(r->ch[k], rec->ch[c], rec->frames * sizeof(float));
        r->gain[k] = rec->gain[c];
        r->in_uv[k] = rec->in_uv[c];
    }
    r->full_scale_v = rec->full_scale_v;
    if (rec->map && (st = bl_chanmap_select(rec->map, index, n, &r->map)) == BL_EINVAL)
        st = BL_ENOMEM; /* cannot happen: the arguments were checked */
    for (size_t i = 0; i < rec->meta_count && st == BL_OK; i++)
        st = bli_meta_store(r, rec->meta[i].key, rec->meta[i].value);
    if (st != BL_OK) {
        bl_recording_destroy(r);
        *out = NULL;
    }
    return st;
}

bl_status bl_recording_slice(const bl_recording *rec, size_t first, size_t frames, bl_recording **out)
{
    if (out)
        *out = NULL;
    if (!rec || !out || frames == 0)
        return BL_EINVAL;
    if (first > rec->frames || frames > rec->frames - first)
        return BL_ERANGE;
    bl_status st = bl_recording_create_like(rec, frames, rec->rate_hz, out);
    if (st != BL_OK)
        return st;
    bl_recording *r = *out;
    r->source_rate_hz = rec->source_rate_hz;
    if (rec->raw_clipped && !(r->raw_clipped = malloc(rec->channels * sizeof *r->raw_clipped)))
        st = BL_ENOMEM;
    for (size_t c = 0; st == BL_OK && c < rec->channels; c++) {
        memcpy(r->ch[c], rec->ch[c] + first, frames * sizeof(float));
        if (rec->raw_clipped)
            r->raw_clipped[c] = rec->raw_clipped[c];
    }
    /* The markers inside the slice, on its own clock. */
    double t0 = (double)first / rec->rate_hz, t1 = (double)(first + frames) / rec->rate_hz;
    if (st == BL_OK)
        st = bli_meta_store(r, "markers", NULL);
    for (size_t i = 0; st == BL_OK && i < bl_recording_marker_count(rec); i++) {
        bl_marker m;
        if (bl_recording_get_marker(rec, i, &m) == BL_OK && m.time_s >= t0 && m.time_s <= t1)
            st = bl_recording_add_marker(r, m.time_s - t0 > 0 ? m.time_s - t0 : 0, m.label);
    }
    if (st != BL_OK) {
        bl_recording_destroy(r);
        *out = NULL;
    }
    return st;
}

void bl_recording_swap(bl_recording *a, bl_recording *b)
{
    if (!a || !b)
        return;
    bl_recording t = *a;
    *a = *b;
    *b = t;
}

void bl_recording_destroy(bl_recording *rec)
{
    if (!rec)
        return;
    if (rec->ch)
        for (size_t c = 0; c < rec->channels; c++)
            free(rec->ch[c]);
    free(rec->ch);
    free(rec->gain);
    free(rec->in_uv);
    free(rec->raw_clipped);
    bl_chanmap_destroy(rec->map);
    for (size_t i = 0; i < rec->meta_count; i++) {
        free(rec->meta[i].key);
        free(rec->meta[i].value);
    }
    free(rec->meta);
    bli_recording_free_warnings(rec);
    free(rec);
}

size_t bl_recording_channels(const bl_recording *rec) { return rec ? rec->channels : 0; }
size_t bl_recording_frames(const bl_recording *rec) { return rec ? rec->frames : 0; }
double bl_recording_rate(const bl_recording *rec) { return rec ? rec->rate_hz : 0.0; }

double bl_recording_duration(const bl_recording *rec)
{
    return rec ? (double)rec->frames / rec->rate_hz : 0.0;
}

float *bl_recording_data(bl_recording *rec, size_t channel)
{
    return rec && channel < rec->channels ? rec->ch[channel] : NULL;
}

const float *bl_recording_cdata(const bl_recording *rec, size_t channel)
{
    return rec && channel < rec->channels ? rec->ch[channel] : NULL;
}

const char *bl_recording_format_name(const bl_recording *rec)
{
    return rec ? rec->format_name : "";
}

/* ------------------------------------------------------------------ */
/* Channel map                                                         */

const bl_chanmap *bl_recording_chanmap(const bl_recording *rec)
{
    return rec ? rec->map : NULL;
}

const char *bl_recording_map(const bl_recording *rec)
{
    return rec && rec->map ? bl_chanmap_text(rec->map) : NULL;
}

bl_status bl_recording_set_chanmap(bl_recording *rec, const bl_chanmap *map, char *why, size_t why_len)
{
    if (!rec) {
        bli_set_why(why, why_len, "recording: NULL argument");
        return BL_EINVAL;
    }
    bl_chanmap *copy = NULL;
    if (map) {
        /* The one place a map is checked against a recording. */
        bl_status st = bl_chanmap_validate(map, rec->channels, why, why_len);
        if (st != BL_OK)
            return st;
        if (bl_chanmap_copy(map, &copy) != BL_OK) {
            bli_set_why(why, why_len, "channel map: out of memory");
            return BL_ENOMEM;
        }
    }
    bl_chanmap_destroy(rec->map);
    rec->map = copy;
    bli_clear_why(why, why_len);
    return BL_OK;
}

bl_status bl_recording_set_map(bl_recording *rec, const char *map_text, char *why, size_t why_len)
{
    if (!rec) {
        bli_set_why(why, why_len, "recording: NULL argument");
        return BL_EINVAL;
    }
    if (!map_text)
        return bl_recording_set_chanmap(rec, NULL, why, why_len);
    bl_chanmap *map = NULL;
    bl_status st = bl_chanmap_parse(map_text, &map, why, why_len);
    if (st == BL_OK)
        st = bl_recording_set_chanmap(rec, map, why, why_len);
    bl_chanmap_destroy(map);
    return st;
}

/* Index of the first NaN or infinity in x[0, n), or n. Blocks of 64 are
 * tested branch-free on the exponent bits (all ones: not finite), which
 * the compiler vectorises; only a block that has one is searched. */
static size_t first_nonfinite(const float *x, size_t n)
{
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        uint32_t any = 0;
        for (size_t k = 0; k < 64; k++) {
            uint32_t b;
            memcpy(&b, x + i + k, sizeof b);
            any |= (uint32_t)((b & 0x7f800000u) == 0x7f800000u);
        }
        if (any) break;
    }
    for (; i < n; i++)
        if (!isfinite(x[i])) return i;
    return n;
}

double bl_recording_source_rate(const bl_recording *rec)
{
    if (!rec)
        return 0;
    return rec->source_rate_hz > 0 ? rec->source_rate_hz : rec->rate_hz;
}

double bl_recording_raw_clipped_fraction(const bl_recording *rec, size_t channel)
{
    if (!rec || !rec->raw_clipped || channel >= rec->channels)
        return NAN;
    return rec->raw_clipped[channel];
}

bl_status bl_recording_check_finite(const bl_recording *rec, size_t *channel, size_t *frame)
{
    if (!rec)
        return BL_EINVAL;
    /* Report the earliest frame (over all channels), which is what a user
     * looks for first in a capture; ties go to the lower channel. */
    size_t best_f = SIZE_MAX, best_c = 0;
    for (size_t c = 0; c < rec->channels; c++) {
        const float *x = rec->ch[c];
        size_t lim = best_f < rec->frames ? best_f : rec->frames;
        size_t i = first_nonfinite(x, lim);
        if (i < lim) {
            best_f = i;
            best_c = c;
        }
    }
    if (best_f == SIZE_MAX)
        return BL_OK;
    if (channel)
        *channel = best_c;
    if (frame)
        *frame = best_f;
    return BL_ENONFINITE;
}
