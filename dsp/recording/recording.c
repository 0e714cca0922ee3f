/* Recordings: planar float sEMG with self-describing metadata, read and
 * written through libsndfile.
 *
 * Behaviour of Debian 12's libsndfile 1.2.0 that shaped this file (measured,
 * see tests/test_recording.c):
 *  - String chunks: a WAV comment longer than 2045 bytes is written but
 *    dropped on read; AIFF files with a comment over 8189 bytes do not open
 *    again; W64 stores no strings at all. Metadata is therefore capped at
 *    BL_RECORDING_META_MAX bytes and refused beyond that.
 *  - Strings set after audio was written: WAV/CAF append a LIST chunk at
 *    close (the early one becomes PAD); FLAC refuses them; AIFF accepts them
 *    but corrupts the audio. The writer only updates late keys for WAV/CAF,
 *    and never after a failed write (the early LIST would already be PAD and
 *    the late one cannot be written, losing the map).
 *  - A chopped WAV is read without error: libsndfile silently shortens the
 *    frame count. We walk the RIFF chunks ourselves to notice.
 *  - FLAC whose encoder was cut short reports an unknown length
 *    (SF_COUNT_MAX), so loading grows its buffers instead of trusting it.
 */
#define _POSIX_C_SOURCE 200809L

#include "backline/recording.h"
#include "backline/chanmap.h"
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <sndfile.h>

#define META_MAGIC "backline-meta 1"
#define META_KEY_MAX 32
#define META_VALUE_MAX 512
/* Frames per libsndfile call while loading/de-interleaving. */
#define READ_CHUNK_FRAMES 4096

struct meta_entry {
    char *key;
    char *value;
};

struct bl_recording {
    size_t channels;
    size_t frames;
    size_t capacity; /* frames allocated per channel */
    double rate_hz;
    float **ch;      /* channels arrays of capacity floats */
    double *gain;    /* per channel, 0 = unknown */
    unsigned char *in_uv; /* per channel: samples already in µV */
    double full_scale_v;
    char *map;       /* canonical text, or NULL */
    struct meta_entry *meta;
    size_t meta_count, meta_cap;
    char format_name[64];
};

static void clear_why(char *why, size_t why_len)
{
    if (why && why_len)
        why[0] = '\0';
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* ------------------------------------------------------------------ */
/* Creation and storage                                                */

static bl_status store_meta(bl_recording *rec, const char *key, const char *value);
struct strbuf {
    char *p;
    size_t len, cap;
    int failed;
};
static void sb_add(struct strbuf *b, const char *fmt, ...);

static bl_recording *alloc_recording(size_t channels, size_t capacity, double rate_hz)
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

static int grow(bl_recording *r, size_t need)
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

bl_status bl_recording_create(size_t channels, size_t frames, double rate_hz, bl_recording **out)
{
    if (out)
        *out = NULL;
    if (!out || channels == 0 || !(rate_hz > 0) || !isfinite(rate_hz))
        return BL_EINVAL;
    if (frames > SIZE_MAX / sizeof(float) / channels)
        return BL_ENOMEM;
    bl_recording *r = alloc_recording(channels, frames, rate_hz);
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
    memcpy(r->gain, like->gain, like->channels * sizeof *r->gain);
    memcpy(r->in_uv, like->in_uv, like->channels);
    r->full_scale_v = like->full_scale_v;
    if (like->map && !(r->map = dup_str(like->map)))
        st = BL_ENOMEM;
    for (size_t i = 0; i < like->meta_count && st == BL_OK; i++)
        st = store_meta(r, like->meta[i].key, like->meta[i].value);
    if (st != BL_OK) {
        bl_recording_destroy(r);
        *out = NULL;
    }
    return st;
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
    bl_chanmap *map = NULL;
    if (rec->map && bl_chanmap_parse(rec->map, &map, NULL, 0) != BL_OK)
        return BL_EMAP;
    bl_status st = bl_recording_create(n, rec->frames, rec->rate_hz, out);
    bl_recording *r = *out;
    struct strbuf text = {0};
    for (size_t k = 0; k < n && st == BL_OK; k++) {
        size_t c = index[k];
        memcpy(r->ch[k], rec->ch[c], rec->frames * sizeof(float));
        r->gain[k] = rec->gain[c];
        r->in_uv[k] = rec->in_uv[c];
        if (map) {
            char name[32];
            if (bl_chanmap_entry_name(map, c, name, sizeof name) != BL_OK)
                st = BL_EMAP;
            sb_add(&text, "%s%s", k ? "," : "", name);
        }
    }
    if (st == BL_OK) {
        r->full_scale_v = rec->full_scale_v;
        if (map && (text.failed || !(r->map = dup_str(text.p))))
            st = BL_ENOMEM;
        for (size_t i = 0; i < rec->meta_count && st == BL_OK; i++)
            st = store_meta(r, rec->meta[i].key, rec->meta[i].value);
    }
    free(text.p);
    bl_chanmap_destroy(map);
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
    free(rec->map);
    for (size_t i = 0; i < rec->meta_count; i++) {
        free(rec->meta[i].key);
        free(rec->meta[i].value);
    }
    free(rec->meta);
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
/* Map, gains, units                                                   */

/* Parse and check `text` against `channels`; on success *canon holds the
 * canonical text (malloc'd). */
static bl_status canonical_map(const char *text, size_t channels, char **canon)
{
    bl_chanmap *m = NULL;
    bl_status st = bl_chanmap_parse(text, &m, NULL, 0);
    if (st != BL_OK)
        return st;
    st = bl_chanmap_validate(m, channels, NULL, 0);
    if (st == BL_OK) {
        size_t len = strlen(text) + 1 + 8; /* canonical is never longer than trimmed input */
        char *buf = malloc(len);
        if (!buf)
            st = BL_ENOMEM;
        else if ((st = bl_chanmap_format(m, buf, len)) != BL_OK)
            free(buf);
        else
            *canon = buf;
    }
    bl_chanmap_destroy(m);
    return st;
}

const char *bl_recording_map(const bl_recording *rec)
{
    return rec ? rec->map : NULL;
}

bl_status bl_recording_set_map(bl_recording *rec, const char *map_text)
{
    if (!rec)
        return BL_EINVAL;
    if (!map_text) {
        free(rec->map);
        rec->map = NULL;
        return BL_OK;
    }
    char *canon = NULL;
    bl_status st = canonical_map(map_text, rec->channels, &canon);
    if (st != BL_OK)
        return st;
    free(rec->map);
    rec->map = canon;
    return BL_OK;
}

double bl_recording_gain(const bl_recording *rec, size_t channel)
{
    return rec && channel < rec->channels ? rec->gain[channel] : 0.0;
}

bl_status bl_recording_set_gain(bl_recording *rec, size_t channel, double gain)
{
    if (!rec || channel >= rec->channels || !isfinite(gain) || gain < 0)
        return BL_EINVAL;
    /* Changing the gain of converted samples would make them lie. */
    if (rec->in_uv[channel])
        return BL_ESTATE;
    rec->gain[channel] = gain;
    return BL_OK;
}

double bl_recording_full_scale(const bl_recording *rec)
{
    return rec ? rec->full_scale_v : 0.0;
}

static int any_in_uv(const bl_recording *rec)
{
    for (size_t c = 0; c < rec->channels; c++)
        if (rec->in_uv[c])
            return 1;
    return 0;
}

bl_status bl_recording_set_full_scale(bl_recording *rec, double volts)
{
    if (!rec || !isfinite(volts) || !(volts > 0))
        return BL_EINVAL;
    if (any_in_uv(rec))
        return BL_ESTATE;
    rec->full_scale_v = volts;
    return BL_OK;
}

/* Which channels the map marks AUX; NULL map → none. */
static int is_aux(const bl_chanmap *m, size_t c)
{
    return m && bl_chanmap_muscle(m, c) == BL_MUSCLE_AUX;
}

static bl_chanmap *parse_map_quiet(const bl_recording *rec)
{
    bl_chanmap *m = NULL;
    if (rec->map && bl_chanmap_parse(rec->map, &m, NULL, 0) != BL_OK)
        m = NULL;
    return m;
}

bl_status bl_recording_to_microvolts(bl_recording *rec)
{
    if (!rec)
        return BL_EINVAL;
    bl_chanmap *m = NULL;
    if (rec->map && bl_chanmap_parse(rec->map, &m, NULL, 0) == BL_ENOMEM)
        return BL_ENOMEM;
    for (size_t c = 0; c < rec->channels; c++) {
        if (rec->in_uv[c] || !(rec->gain[c] > 0) || is_aux(m, c))
            continue;
        /* In double: full scale / gain spans many decades. */
        const double k = rec->full_scale_v / rec->gain[c] * 1e6;
        float *x = rec->ch[c];
        for (size_t i = 0; i < rec->frames; i++)
            x[i] = (float)(x[i] * k);
        rec->in_uv[c] = 1;
    }
    bl_chanmap_destroy(m);
    return BL_OK;
}

const char *bl_recording_unit(const bl_recording *rec)
{
    if (!rec)
        return "full scale";
    bl_chanmap *m = parse_map_quiet(rec);
    size_t emg = 0, uv = 0;
    for (size_t c = 0; c < rec->channels; c++) {
        if (is_aux(m, c))
            continue;
        emg++;
        uv += rec->in_uv[c] != 0;
    }
    bl_chanmap_destroy(m);
    return emg > 0 && uv == emg ? "uV" : "full scale";
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
        for (size_t i = 0; i < lim; i++)
            if (!isfinite(x[i])) {
                best_f = i;
                best_c = c;
                break;
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

/* ------------------------------------------------------------------ */
/* Free-form metadata                                                  */

static const char *const reserved_keys[] = {"map", "gain", "full_scale_v", "unit"};

static int valid_key(const char *key)
{
    size_t n = 0;
    for (const char *p = key; *p; p++, n++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return n > 0 && n <= META_KEY_MAX;
}

static int reserved_key(const char *key)
{
    for (size_t i = 0; i < sizeof reserved_keys / sizeof reserved_keys[0]; i++)
        if (strcmp(key, reserved_keys[i]) == 0)
            return 1;
    return 0;
}

static int valid_value(const char *v)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++, n++)
        if (*p < 0x20 || *p == 0x7f) /* one line, no control characters */
            return 0;
    return n <= META_VALUE_MAX;
}

static struct meta_entry *find_meta(const bl_recording *rec, const char *key)
{
    for (size_t i = 0; i < rec->meta_count; i++)
        if (strcmp(rec->meta[i].key, key) == 0)
            return &rec->meta[i];
    return NULL;
}

const char *bl_recording_meta(const bl_recording *rec, const char *key)
{
    if (!rec || !key)
        return NULL;
    struct meta_entry *e = find_meta(rec, key);
    return e ? e->value : NULL;
}

/* Unchecked store (keys/values already validated). */
static bl_status store_meta(bl_recording *rec, const char *key, const char *value)
{
    struct meta_entry *e = find_meta(rec, key);
    if (!value) {
        if (e) {
            size_t i = (size_t)(e - rec->meta);
            free(e->key);
            free(e->value);
            memmove(&rec->meta[i], &rec->meta[i + 1], (rec->meta_count - i - 1) * sizeof *e);
            rec->meta_count--;
        }
        return BL_OK;
    }
    char *v = dup_str(value);
    if (!v)
        return BL_ENOMEM;
    if (e) {
        free(e->value);
        e->value = v;
        return BL_OK;
    }
    if (rec->meta_count == rec->meta_cap) {
        size_t cap = rec->meta_cap ? rec->meta_cap * 2 : 8;
        struct meta_entry *m = realloc(rec->meta, cap * sizeof *m);
        if (!m) {
            free(v);
            return BL_ENOMEM;
        }
        rec->meta = m;
        rec->meta_cap = cap;
    }
    char *k = dup_str(key);
    if (!k) {
        free(v);
        return BL_ENOMEM;
    }
    rec->meta[rec->meta_count].key = k;
    rec->meta[rec->meta_count].value = v;
    rec->meta_count++;
    return BL_OK;
}

bl_status bl_recording_set_meta(bl_recording *rec, const char *key, const char *value)
{
    if (!rec || !key || !valid_key(key) || reserved_key(key))
        return BL_EINVAL;
    if (value && !valid_value(value))
        return BL_EINVAL;
    return store_meta(rec, key, value);
}

size_t bl_recording_meta_count(const bl_recording *rec)
{
    return rec ? rec->meta_count : 0;
}

const char *bl_recording_meta_key(const bl_recording *rec, size_t index)
{
    return rec && index < rec->meta_count ? rec->meta[index].key : NULL;
}

/* ------------------------------------------------------------------ */
/* Metadata text                                                       */

static void sb_add(struct strbuf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if (b->p && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap : 256);
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->failed = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
}

/* Shortest decimal text that reads back as the same double. */
static void format_double(char *buf, size_t len, double v)
{
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* Build the comment text; caller frees. NULL on allocation failure. */
static char *meta_text(const bl_recording *rec, size_t *len_out)
{
    struct strbuf b = {0};
    char num[40];
    sb_add(&b, "%s\n", META_MAGIC);
    if (rec->map)
        sb_add(&b, "map=%s\n", rec->map);
    int any_gain = 0;
    for (size_t c = 0; c < rec->channels; c++)
        any_gain |= rec->gain[c] > 0;
    if (any_gain) {
        sb_add(&b, "gain=");
        for (size_t c = 0; c < rec->channels; c++) {
            format_double(num, sizeof num, rec->gain[c]);
            sb_add(&b, "%s%s", c ? "," : "", num);
        }
        sb_add(&b, "\n");
    }
    format_double(num, sizeof num, rec->full_scale_v);
    sb_add(&b, "full_scale_v=%s\n", num);
    if (any_in_uv(rec)) {
        sb_add(&b, "unit=");
        for (size_t c = 0; c < rec->channels; c++)
            sb_add(&b, "%s%s", c ? "," : "", rec->in_uv[c] ? "uV" : "fs");
        sb_add(&b, "\n");
    }
    int have_software = 0;
    for (size_t i = 0; i < rec->meta_count; i++) {
        sb_add(&b, "%s=%s\n", rec->meta[i].key, rec->meta[i].value);
        have_software |= strcmp(rec->meta[i].key, "software") == 0;
    }
    if (!have_software)
        sb_add(&b, "software=backline %s\n", bl_version());
    if (b.failed) {
        free(b.p);
        return NULL;
    }
    /* Drop the final newline: some tools show a trailing empty line. */
    if (b.len && b.p[b.len - 1] == '\n')
        b.p[--b.len] = '\0';
    if (len_out)
        *len_out = b.len;
    return b.p;
}

/* Split "a,b,c" into exactly n doubles; 0 on success. */
static int parse_doubles(const char *s, size_t n, double *out)
{
    const char *p = s;
    for (size_t i = 0; i < n; i++) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno == ERANGE || !isfinite(v) || v < 0)
            return -1;
        out[i] = v;
        if (i + 1 < n) {
            if (*end != ',')
                return -1;
            p = end + 1;
        } else if (*end != '\0') {
            return -1;
        }
    }
    return 0;
}

/* Apply a stored comment to rec. Anything not ours, or malformed, is
 * skipped line by line: a damaged line must not cost the whole file. */
static bl_status apply_meta_text(bl_recording *rec, const char *text)
{
    size_t magic_len = strlen(META_MAGIC);
    if (strncmp(text, META_MAGIC, magic_len) != 0 ||
        (text[magic_len] != '\n' && text[magic_len] != '\r' && text[magic_len] != '\0'))
        return BL_OK;
    const char *p = text + magic_len;
    while (*p) {
        while (*p == '\n' || *p == '\r')
            p++;
        const char *eol = p + strcspn(p, "\r\n");
        size_t len = (size_t)(eol - p);
        if (len == 0)
            break;
        char *line = malloc(len + 1);
        if (!line)
            return BL_ENOMEM;
        memcpy(line, p, len);
        line[len] = '\0';
        p = eol;
        char *eq = strchr(line, '=');
        if (!eq) {
            free(line);
            continue;
        }
        *eq = '\0';
        const char *key = line, *value = eq + 1;
        bl_status st = BL_OK;
        if (!valid_key(key) || !valid_value(value)) {
            /* skip */
        } else if (strcmp(key, "map") == 0) {
            char *canon = NULL;
            st = canonical_map(value, rec->channels, &canon);
            if (st == BL_OK) {
                free(rec->map);
                rec->map = canon;
            }
        } else if (strcmp(key, "gain") == 0) {
            double *g = malloc(rec->channels * sizeof *g);
            if (!g) {
                st = BL_ENOMEM;
            } else {
                if (parse_doubles(value, rec->channels, g) == 0)
                    memcpy(rec->gain, g, rec->channels * sizeof *g);
                free(g);
            }
        } else if (strcmp(key, "full_scale_v") == 0) {
            double v;
            if (parse_doubles(value, 1, &v) == 0 && v > 0)
                rec->full_scale_v = v;
        } else if (strcmp(key, "unit") == 0) {
            /* Per channel "uV" or "fs"; all or nothing. */
            size_t n = 1;
            for (const char *q = value; *q; q++)
                n += *q == ',';
            if (n == rec->channels) {
                unsigned char *u = calloc(n, 1);
                const char *q = value;
                int ok = u != NULL;
                for (size_t c = 0; ok && c < n; c++) {
                    if (strncmp(q, "uV", 2) == 0)
                        u[c] = 1;
                    else if (strncmp(q, "fs", 2) != 0)
                        ok = 0;
                    q += 2;
                    if (ok && *q != (c + 1 < n ? ',' : '\0'))
                        ok = 0;
                    q++;
                }
                if (ok)
                    memcpy(rec->in_uv, u, n);
                else if (!u)
                    st = BL_ENOMEM;
                free(u);
            }
        } else {
            st = store_meta(rec, key, value);
        }
        free(line);
        if (st == BL_ENOMEM)
            return st;
    }
    return BL_OK;
}

/* ------------------------------------------------------------------ */
/* Formats                                                             */

static const char *major_name(int major)
{
    switch (major) {
    case SF_FORMAT_WAV: return "WAV";
    case SF_FORMAT_WAVEX: return "WAV";
    case SF_FORMAT_AIFF: return "AIFF";
    case SF_FORMAT_AU: return "AU";
    case SF_FORMAT_RAW: return "RAW";
    case SF_FORMAT_W64: return "W64";
    case SF_FORMAT_FLAC: return "FLAC";
    case SF_FORMAT_CAF: return "CAF";
    case SF_FORMAT_OGG: return "Ogg";
    case SF_FORMAT_RF64: return "RF64";
    case SF_FORMAT_NIST: return "NIST";
    case SF_FORMAT_IRCAM: return "IRCAM";
    case SF_FORMAT_MAT4: return "MAT4";
    case SF_FORMAT_MAT5: return "MAT5";
    default: return "audio";
    }
}

static const char *sub_name(int sub)
{
    switch (sub) {
    case SF_FORMAT_PCM_S8: return "PCM 8-bit";
    case SF_FORMAT_PCM_U8: return "PCM 8-bit unsigned";
    case SF_FORMAT_PCM_16: return "PCM 16-bit";
    case SF_FORMAT_PCM_24: return "PCM 24-bit";
    case SF_FORMAT_PCM_32: return "PCM 32-bit";
    case SF_FORMAT_FLOAT: return "float32";
    case SF_FORMAT_DOUBLE: return "float64";
    case SF_FORMAT_ULAW: return "u-law";
    case SF_FORMAT_ALAW: return "A-law";
    case SF_FORMAT_VORBIS: return "Vorbis";
    case SF_FORMAT_OPUS: return "Opus";
    default: return "compressed";
    }
}

/* Major format from the extension of path; 0 if unknown. */
static int major_from_path(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash))
        return 0;
    char ext[8];
    size_t n = strlen(dot + 1);
    if (n == 0 || n >= sizeof ext)
        return 0;
    for (size_t i = 0; i <= n; i++) {
        char c = dot[1 + i];
        ext[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    if (strcmp(ext, "wav") == 0) return SF_FORMAT_WAV;
    if (strcmp(ext, "flac") == 0) return SF_FORMAT_FLAC;
    if (strcmp(ext, "aiff") == 0 || strcmp(ext, "aif") == 0) return SF_FORMAT_AIFF;
    if (strcmp(ext, "caf") == 0) return SF_FORMAT_CAF;
    if (strcmp(ext, "w64") == 0) return SF_FORMAT_W64;
    return 0;
}

static int sub_from_format(bl_sample_format f)
{
    switch (f) {
    case BL_FORMAT_PCM16: return SF_FORMAT_PCM_16;
    case BL_FORMAT_PCM24: return SF_FORMAT_PCM_24;
    case BL_FORMAT_PCM32: return SF_FORMAT_PCM_32;
    case BL_FORMAT_FLOAT32: return SF_FORMAT_FLOAT;
    default: return 0;
    }
}

/* Resolve path + sample format to a libsndfile format, with the reasons
 * we refuse. */
static bl_status choose_format(const char *path, bl_sample_format f, int *sf_format, char *why,
                               size_t why_len)
{
    int major = major_from_path(path);
    if (!major) {
        bli_set_why(why, why_len,
                "%s: unknown file extension (use .wav, .flac, .aiff, .aif, .caf or .w64)", path);
        return BL_EINVAL;
    }
    int sub = sub_from_format(f);
    if (!sub) {
        bli_set_why(why, why_len, "%s: unknown sample format %d", path, (int)f);
        return BL_EINVAL;
    }
    if (major == SF_FORMAT_FLAC && sub == SF_FORMAT_FLOAT) {
        /* Refuse rather than quietly quantise: a float capture may hold
         * values beyond full scale that 24-bit would clip. */
        bli_set_why(why, why_len, "%s: FLAC cannot store float samples; use PCM 16/24-bit or a .wav file",
                path);
        return BL_EINVAL;
    }
    *sf_format = major | sub;
    return BL_OK;
}

/* Libsndfile stores integer sample rates only. */
static int integral_rate(double rate_hz)
{
    return rate_hz >= 1 && rate_hz <= 16777216.0 && rate_hz == floor(rate_hz);
}

/* Whether the container keeps string metadata at all (W64 does not). */
static int supports_strings(int major)
{
    return major != SF_FORMAT_W64;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */

/* WAV only: does the data chunk declare more bytes than the file holds?
 * libsndfile shortens the frame count silently in that case. Returns 1 and
 * fills declared/present when truncated, 0 otherwise (including any file we
 * cannot parse: libsndfile already accepted it). */
static int wav_truncated(const char *path, unsigned long long *declared,
                         unsigned long long *present)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    int result = 0;
    unsigned char h[12];
    if (fread(h, 1, 12, f) != 12 || memcmp(h + 8, "WAVE", 4) != 0 ||
        (memcmp(h, "RIFF", 4) != 0 && memcmp(h, "RIFX", 4) != 0))
        goto done;
    int big = memcmp(h, "RIFX", 4) == 0;
    if (fseeko(f, 0, SEEK_END) != 0)
        goto done;
    off_t end = ftello(f);
    if (end < 0)
        goto done;
    unsigned long long size = (unsigned long long)end, pos = 12;
    while (pos + 8 <= size) {
        unsigned char c[8];
        if (fseeko(f, (off_t)pos, SEEK_SET) != 0 || fread(c, 1, 8, f) != 8)
            break;
        unsigned long long len = big
            ? ((unsigned long long)c[4] << 24 | (unsigned long long)c[5] << 16 |
               (unsigned long long)c[6] << 8 | c[7])
            : ((unsigned long long)c[7] << 24 | (unsigned long long)c[6] << 16 |
               (unsigned long long)c[5] << 8 | c[4]);
        if (memcmp(c, "data", 4) == 0) {
            unsigned long long avail = size - pos - 8;
            if (len != 0xFFFFFFFFull && len > avail) {
                *declared = len;
                *present = avail;
                result = 1;
            }
            break;
        }
        pos += 8 + len + (len & 1);
    }
done:
    fclose(f);
    return result;
}

bl_status bl_recording_load(const char *path, bl_recording **out, char *why, size_t why_len)
{
    if (out)
        *out = NULL;
    if (!path || !out) {
        bli_set_why(why, why_len, "recording: NULL argument");
        return BL_EINVAL;
    }
    clear_why(why, why_len);
    SF_INFO info;
    memset(&info, 0, sizeof info);
    /* libsndfile words a missing file as "System error : ..."; ask the
     * system first so the message reads as the system's. */
    if (access(path, R_OK) != 0) {
        bli_set_why(why, why_len, "%s: cannot open: %s", path, strerror(errno));
        return BL_EIO;
    }
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf) {
        int err = sf_error(NULL);
        if (err == SF_ERR_UNRECOGNISED_FORMAT)
            bli_set_why(why, why_len, "%s: not an audio file (format not recognised)", path);
        else
            bli_set_why(why, why_len, "%s: cannot open: %s", path, sf_strerror(NULL));
        return err == SF_ERR_SYSTEM ? BL_EIO : BL_EFORMAT;
    }
    bl_status st = BL_OK;
    bl_recording *rec = NULL;
    float *buf = NULL;
    if (info.channels <= 0 || info.samplerate <= 0) {
        bli_set_why(why, why_len, "%s: header gives %d channels at %d Hz", path, info.channels,
                info.samplerate);
        st = BL_EFORMAT;
        goto fail;
    }
    /* Integers map to [-1, 1); float files keep their values (libsndfile
     * never rescales float data read as float). Explicit because the
     * default is a library setting, not a promise. */
    sf_command(sf, SFC_SET_NORM_FLOAT, NULL, SF_TRUE);

    size_t channels = (size_t)info.channels;
    int known = info.frames > 0 && info.frames != SF_COUNT_MAX;
    /* Trust a declared length up to 16 M frames; beyond that (or unknown)
     * grow as data arrives, so a corrupt header cannot make us allocate its
     * claim up front. */
    size_t cap = known ? (info.frames < (1 << 24) ? (size_t)info.frames : (size_t)1 << 24)
                       : (size_t)1 << 16;
    rec = alloc_recording(channels, cap, (double)info.samplerate);
    buf = malloc((size_t)READ_CHUNK_FRAMES * channels * sizeof *buf);
    if (!rec || !buf) {
        bli_set_why(why, why_len, "%s: out of memory", path);
        st = BL_ENOMEM;
        goto fail;
    }
    for (;;) {
        sf_count_t n = sf_readf_float(sf, buf, READ_CHUNK_FRAMES);
        if (n <= 0)
            break;
        if (grow(rec, rec->frames + (size_t)n) != 0) {
            bli_set_why(why, why_len, "%s: out of memory after %zu frames", path, rec->frames);
            st = BL_ENOMEM;
            goto fail;
        }
        for (size_t c = 0; c < channels; c++) {
            float *dst = rec->ch[c] + rec->frames;
            const float *src = buf + c;
            for (sf_count_t i = 0; i < n; i++)
                dst[i] = src[(size_t)i * channels];
        }
        rec->frames += (size_t)n;
    }
    /* A stream of unknown length (a FLAC whose encoder was cut off by a
     * full disk) ends in a decode error where the writing stopped: keep
     * what decoded and say so. With a declared length it is an error. */
    int cut_stream = 0;
    if (sf_error(sf) != SF_ERR_NO_ERROR) {
        if (known || rec->frames == 0) {
            bli_set_why(why, why_len, "%s: cannot decode after %zu frames: %s", path, rec->frames,
                    sf_strerror(sf));
            st = BL_EFORMAT;
            goto fail;
        }
        cut_stream = 1;
    }
    if (known && (sf_count_t)rec->frames < info.frames) {
        bli_set_why(why, why_len, "%s: truncated: header declares %lld frames, file holds %zu", path,
                (long long)info.frames, rec->frames);
        st = BL_EFORMAT;
        goto fail;
    }
    int major = info.format & SF_FORMAT_TYPEMASK;
    unsigned long long declared = 0, present = 0;
    if ((major == SF_FORMAT_WAV || major == SF_FORMAT_WAVEX) &&
        wav_truncated(path, &declared, &present)) {
        bli_set_why(why, why_len,
                "%s: truncated: data chunk declares %llu bytes, file holds %llu (%zu frames)", path,
                declared, present, rec->frames);
        st = BL_EFORMAT;
        goto fail;
    }
    if (rec->frames == 0) {
        bli_set_why(why, why_len, "%s: no audio frames", path);
        st = BL_EFORMAT;
        goto fail;
    }
    /* Give back what doubling over-allocated. */
    if (rec->capacity > rec->frames) {
        for (size_t c = 0; c < channels; c++) {
            float *p = realloc(rec->ch[c], rec->frames * sizeof(float));
            if (p)
                rec->ch[c] = p;
        }
        rec->capacity = rec->frames; /* a failed shrink keeps a larger block: harmless */
    }
    snprintf(rec->format_name, sizeof rec->format_name, "%s %s", major_name(major),
             sub_name(info.format & SF_FORMAT_SUBMASK));
    const char *comment = sf_get_string(sf, SF_STR_COMMENT);
    if (comment && (st = apply_meta_text(rec, comment)) != BL_OK) {
        bli_set_why(why, why_len, "%s: out of memory reading metadata", path);
        goto fail;
    }
    if (cut_stream && (st = store_meta(rec, "truncated", "1")) != BL_OK) {
        bli_set_why(why, why_len, "%s: out of memory", path);
        goto fail;
    }
    free(buf);
    sf_close(sf);
    *out = rec;
    return BL_OK;
fail:
    free(buf);
    bl_recording_destroy(rec);
    sf_close(sf);
    return st;
}

/* ------------------------------------------------------------------ */
/* Saving                                                              */

/* Metadata text for a file, checked against the string limit. */
static bl_status file_meta(const bl_recording *rec, const char *path, char **text, char *why,
                           size_t why_len)
{
    size_t len = 0;
    *text = meta_text(rec, &len);
    if (!*text) {
        bli_set_why(why, why_len, "%s: out of memory", path);
        return BL_ENOMEM;
    }
    if (len > BL_RECORDING_META_MAX) {
        bli_set_why(why, why_len,
                "%s: metadata is %zu bytes; at most %d fit in a WAV comment (fewer channels or "
                "shorter values)",
                path, len, BL_RECORDING_META_MAX);
        free(*text);
        *text = NULL;
        return BL_ERANGE;
    }
    return BL_OK;
}

static bl_status open_for_write(const char *path, int sf_format, size_t channels, double rate_hz,
                                SNDFILE **out, char *why, size_t why_len)
{
    if (channels > 1024) {
        bli_set_why(why, why_len, "%s: %zu channels; libsndfile writes at most 1024", path, channels);
        return BL_EINVAL;
    }
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.samplerate = (int)rate_hz;
    info.channels = (int)channels;
    info.format = sf_format;
    if (!sf_format_check(&info)) {
        bli_set_why(why, why_len, "%s: %s %s cannot hold %zu channels at %d Hz", path,
                major_name(sf_format & SF_FORMAT_TYPEMASK), sub_name(sf_format & SF_FORMAT_SUBMASK),
                channels, info.samplerate);
        return BL_EINVAL;
    }
    errno = 0;
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    if (!sf) {
        /* A system error reads better in the system's words than in
         * libsndfile's "System error : ..." wrapping. */
        int sys = errno;
        bli_set_why(why, why_len, "%s: cannot create: %s", path,
                            sf_error(NULL) == SF_ERR_SYSTEM && sys ? strerror(sys) : sf_strerror(NULL));
        return BL_EIO;
    }
    /* Overdriven float must saturate, not wrap around, in integer files;
     * float files ignore this. */
    sf_command(sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
    sf_command(sf, SFC_SET_NORM_FLOAT, NULL, SF_TRUE);
    /* The PEAK chunk of float files carries the time of writing: without
     * it the same samples always make the same bytes (deterministic
     * fixtures), and no reader we know of needs it. */
    sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    *out = sf;
    return BL_OK;
}

bl_status bl_recording_save(const bl_recording *rec, const char *path, bl_sample_format format,
                            char *why, size_t why_len)
{
    if (!rec || !path) {
        bli_set_why(why, why_len, "recording: NULL argument");
        return BL_EINVAL;
    }
    clear_why(why, why_len);
    int sf_format = 0;
    bl_status st = choose_format(path, format, &sf_format, why, why_len);
    if (st != BL_OK)
        return st;
    if (!integral_rate(rec->rate_hz)) {
        bli_set_why(why, why_len, "%s: sample rate %g Hz is not a whole number (audio files store "
                "integer rates)", path, rec->rate_hz);
        return BL_EINVAL;
    }
    if (format != BL_FORMAT_FLOAT32 && any_in_uv(rec)) {
        bli_set_why(why, why_len, "%s: samples are in uV; integer formats hold full-scale samples "
                "only and would clip them: save as float32", path);
        return BL_EINVAL;
    }
    if (rec->frames == 0) {
        bli_set_why(why, why_len, "%s: no frames to save (the file would not load)", path);
        return BL_EINVAL;
    }
    char *text = NULL;
    if ((st = file_meta(rec, path, &text, why, why_len)) != BL_OK)
        return st;
    SNDFILE *sf = NULL;
    st = open_for_write(path, sf_format, rec->channels, rec->rate_hz, &sf, why, why_len);
    if (st != BL_OK) {
        free(text);
        return st;
    }
    if (supports_strings(sf_format & SF_FORMAT_TYPEMASK)) {
        int err = sf_set_string(sf, SF_STR_COMMENT, text);
        if (err) {
            bli_set_why(why, why_len, "%s: cannot store metadata: %s", path, sf_error_number(err));
            st = BL_EIO;
        }
    }
    free(text);
    float *buf = st == BL_OK ? malloc((size_t)READ_CHUNK_FRAMES * rec->channels * sizeof *buf)
                             : NULL;
    if (st == BL_OK && !buf) {
        bli_set_why(why, why_len, "%s: out of memory", path);
        st = BL_ENOMEM;
    }
    for (size_t pos = 0; st == BL_OK && pos < rec->frames; pos += READ_CHUNK_FRAMES) {
        size_t n = rec->frames - pos < READ_CHUNK_FRAMES ? rec->frames - pos : READ_CHUNK_FRAMES;
        for (size_t c = 0; c < rec->channels; c++) {
            const float *src = rec->ch[c] + pos;
            for (size_t i = 0; i < n; i++)
                buf[i * rec->channels + c] = src[i];
        }
        sf_count_t w = sf_writef_float(sf, buf, (sf_count_t)n);
        if (w != (sf_count_t)n) {
            bli_set_why(why, why_len, "%s: write failed after %zu frames: %s", path,
                    pos + (size_t)(w > 0 ? w : 0), sf_strerror(sf));
            st = BL_EIO;
        }
    }
    free(buf);
    int err = sf_close(sf);
    if (st == BL_OK && err) {
        bli_set_why(why, why_len, "%s: cannot finish file: %s", path, sf_error_number(err));
        st = BL_EIO;
    }
    return st;
}

/* ------------------------------------------------------------------ */
/* Streaming writer                                                    */

struct bl_writer {
    SNDFILE *sf;
    char *path;
    int major;
    size_t channels;
    size_t frames;
    bl_recording *meta;  /* channels × 0 frames; carries map/gains/keys */
    int comment_stored;  /* the early comment is in the file */
    int meta_dirty;      /* keys changed after the early comment */
    int failed;          /* a write failed: no late metadata (see top) */
};

/* WAV and CAF append late strings correctly; FLAC refuses them and AIFF
 * corrupts its audio (libsndfile 1.2.0). */
static int late_strings_ok(int major)
{
    return major == SF_FORMAT_WAV || major == SF_FORMAT_CAF;
}

static bl_status writer_store_comment(bl_writer *w, char *why, size_t why_len)
{
    char *text = NULL;
    bl_status st = file_meta(w->meta, w->path, &text, why, why_len);
    if (st != BL_OK)
        return st;
    int err = sf_set_string(w->sf, SF_STR_COMMENT, text);
    free(text);
    if (err) {
        bli_set_why(why, why_len, "%s: cannot store metadata: %s", w->path, sf_error_number(err));
        return BL_EIO;
    }
    return BL_OK;
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
    clear_why(why, why_len);
    if (!integral_rate(rate_hz)) {
        bli_set_why(why, why_len, "%s: sample rate %g Hz is not a positive whole number", path, rate_hz);
        return BL_EINVAL;
    }
    if (meta && meta->channels != channels) {
        bli_set_why(why, why_len, "%s: metadata describes %zu channels but the writer has %zu", path,
                meta->channels, channels);
        return BL_EINVAL;
    }
    int sf_format = 0;
    bl_status st = choose_format(path, format, &sf_format, why, why_len);
    if (st != BL_OK)
        return st;
    bl_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->path = dup_str(path)) ||
        bl_recording_create(channels, 0, rate_hz, &w->meta) != BL_OK) {
        bli_set_why(why, why_len, "%s: out of memory", path);
        st = BL_ENOMEM;
        goto fail;
    }
    w->channels = channels;
    w->major = sf_format & SF_FORMAT_TYPEMASK;
    if (meta) {
        /* Copy what describes the capture; not the unit: the writer takes
         * full-scale samples. */
        if (meta->map && !(w->meta->map = dup_str(meta->map)))
            st = BL_ENOMEM;
        memcpy(w->meta->gain, meta->gain, channels * sizeof *meta->gain);
        w->meta->full_scale_v = meta->full_scale_v;
        for (size_t i = 0; st == BL_OK && i < meta->meta_count; i++)
            st = store_meta(w->meta, meta->meta[i].key, meta->meta[i].value);
        if (st != BL_OK) {
            bli_set_why(why, why_len, "%s: out of memory", path);
            goto fail;
        }
    }
    /* Check the metadata fits before creating the file. */
    char *text = NULL;
    if ((st = file_meta(w->meta, path, &text, why, why_len)) != BL_OK)
        goto fail;
    free(text);
    if ((st = open_for_write(path, sf_format, channels, rate_hz, &w->sf, why, why_len)) != BL_OK)
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
    if (!w->comment_stored && supports_strings(w->major)) {
        bl_status st = writer_store_comment(w, why, why_len);
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

bl_status bl_writer_set_meta(bl_writer *w, const char *key, const char *value)
{
    if (!w || !key || !valid_key(key) || reserved_key(key) || (value && !valid_value(value)))
        return BL_EINVAL;
    if (!supports_strings(w->major) ||
        (w->comment_stored && (!late_strings_ok(w->major) || w->failed)))
        return BL_ESTATE;
    /* Keep the previous value if the new one would not fit. */
    const char *old = bl_recording_meta(w->meta, key);
    char *saved = old ? dup_str(old) : NULL;
    if (old && !saved)
        return BL_ENOMEM;
    bl_status st = store_meta(w->meta, key, value);
    if (st == BL_OK) {
        size_t len = 0;
        char *text = meta_text(w->meta, &len);
        if (!text)
            st = BL_ENOMEM;
        else if (len > BL_RECORDING_META_MAX)
            st = BL_ERANGE;
        free(text);
        if (st != BL_OK)
            store_meta(w->meta, key, saved); /* restore; cannot grow */
    }
    free(saved);
    if (st == BL_OK)
        w->meta_dirty = 1;
    return st;
}

size_t bl_writer_frames(const bl_writer *w)
{
    return w ? w->frames : 0;
}

bl_status bl_writer_close(bl_writer *w, char *why, size_t why_len)
{
    if (!w) {
        bli_set_why(why, why_len, "writer: NULL argument");
        return BL_EINVAL;
    }
    clear_why(why, why_len);
    bl_status st = BL_OK;
    if (supports_strings(w->major) && !w->failed &&
        (!w->comment_stored || (w->meta_dirty && late_strings_ok(w->major))))
        st = writer_store_comment(w, why, why_len);
    int err = sf_close(w->sf);
    if (err && st == BL_OK) {
        bli_set_why(why, why_len, "%s: cannot finish file: %s", w->path, sf_error_number(err));
        st = BL_EIO;
    }
    bl_recording_destroy(w->meta);
    free(w->path);
    free(w);
    return st;
}
