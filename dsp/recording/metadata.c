/* Free-form metadata keys (their rules, counters included), and the text
 * all of a recording's description is stored as in a file: a
 * "backline-meta 1" first line, then key=value lines (map, gain,
 * full_scale_v, unit, then the free-form keys). Reading that text back is
 * meta_parse.c; where it goes in a file, meta_io.c. */
#include "recording_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct strbuf {
    char *p;
    size_t len, cap;
    int failed;
};

/* The fields of the recording, meta_chunk (the comment's pointer to our
 * chunk, see meta_io.c) and markers (markers.c: kept as an entry, set only
 * through the markers API). */
static const char *const reserved_keys[] = {"map", "gain", "full_scale_v", "unit", "meta_chunk", "markers"};

/* Keys whose values are counts: a whole number >= 0 (what the capture and
 * the generator write), and the loader's 0/1 flag. */
static const char *const count_keys[] = {"overruns", "ring_overflows", "synth_seed"};

static int valid_key(const char *key)
{
    size_t n = 0;
    for (const char *p = key; *p; p++, n++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return n > 0 && n <= BLI_META_KEY_MAX;
}

static int reserved_key(const char *key)
{
    for (size_t i = 0; i < sizeof reserved_keys / sizeof reserved_keys[0]; i++)
        if (strcmp(key, reserved_keys[i]) == 0)
            return 1;
    return 0;
}

/* Length of the UTF-8 sequence at p (1 to 4), or 0 when it is not one:
 * overlong forms, surrogates and code points past U+10FFFF included. */
static size_t utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t n = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ? 3
             : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) || (p[0] == 0xf0 && p[1] < 0x90) ||
        (p[0] == 0xf4 && p[1] > 0x8f))
        return 0;
    return n;
}

/* One line of UTF-8 text without control characters. UTF-8 because FLAC's
 * Vorbis comments must be: libFLAC 1.4 reads past the end of a comment that
 * is not (measured with valgrind through libsndfile 1.2.0). */
int bli_meta_text_ok(const char *v)
{
    const unsigned char *p = (const unsigned char *)v;
    while (*p) {
        size_t k = utf8_len(p);
        if (k == 0 || (k == 1 && (*p < 0x20 || *p == 0x7f)))
            return 0;
        p += k;
    }
    return 1;
}

/* A free-form value: such a line of at most BLI_META_VALUE_MAX bytes. */
static int valid_value(const char *v)
{
    return strlen(v) <= BLI_META_VALUE_MAX && bli_meta_text_ok(v);
}

const char *bli_meta_counter_problem(const char *key, const char *value)
{
    if (strcmp(key, "truncated") == 0)
        return strcmp(value, "0") == 0 || strcmp(value, "1") == 0 ? NULL : "is not 0 or 1";
    int counter = 0;
    for (size_t i = 0; i < sizeof count_keys / sizeof count_keys[0]; i++)
        counter |= strcmp(key, count_keys[i]) == 0;
    if (!counter)
        return NULL;
    size_t n = strlen(value);
    if (n == 0 || strspn(value, "0123456789") != n)
        return "is not a count (a whole number >= 0)";
    errno = 0;
    unsigned long long v = strtoull(value, NULL, 10);
    if (errno == ERANGE || v > UINT64_MAX)
        return "is too large for a count (at most 18446744073709551615)";
    return NULL;
}

static struct bli_meta_entry *find_meta(const bl_recording *rec, const char *key)
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
    struct bli_meta_entry *e = find_meta(rec, key);
    return e ? e->value : NULL;
}

/* Unchecked store (keys/values already validated). */
bl_status bli_meta_store(bl_recording *rec, const char *key, const char *value)
{
    struct bli_meta_entry *e = find_meta(rec, key);
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
    char *v = bli_strdup(value);
    if (!v)
        return BL_ENOMEM;
    if (e) {
        free(e->value);
        e->value = v;
        return BL_OK;
    }
    if (rec->meta_count == rec->meta_cap) {
        size_t cap = rec->meta_cap ? rec->meta_cap * 2 : 8;
        struct bli_meta_entry *m = realloc(rec->meta, cap * sizeof *m);
        if (!m) {
            free(v);
            return BL_ENOMEM;
        }
        rec->meta = m;
        rec->meta_cap = cap;
    }
    char *k = bli_strdup(key);
    if (!k) {
        free(v);
        return BL_ENOMEM;
    }
    rec->meta[rec->meta_count].key = k;
    rec->meta[rec->meta_count].value = v;
    rec->meta_count++;
    return BL_OK;
}

int bli_meta_entry_ok(const char *key, const char *value)
{
    return key && valid_key(key) && !reserved_key(key) &&
           (!value || (valid_value(value) && !bli_meta_counter_problem(key, value)));
}

bl_status bl_recording_set_meta(bl_recording *rec, const char *key, const char *value)
{
    if (!rec || !bli_meta_entry_ok(key, value))
        return BL_EINVAL;
    return bli_meta_store(rec, key, value);
}

size_t bl_recording_meta_count(const bl_recording *rec)
{
    return rec ? rec->meta_count : 0;
}

const char *bl_recording_meta_key(const bl_recording *rec, size_t index)
{
    return rec && index < rec->meta_count ? rec->meta[index].key : NULL;
}

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
char *bli_meta_text(const bl_recording *rec, size_t *len_out)
{
    struct strbuf b = {0};
    char num[40];
    sb_add(&b, "%s\n", BLI_META_MAGIC);
    if (rec->map)
        sb_add(&b, "map=%s\n", bl_chanmap_text(rec->map));
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
    if (bli_recording_any_in_uv(rec)) {
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

/* The comment beside our chunk: the pointer to it, then the keys of `now`
 * whose value differs from `base` (keys set after the chunk was written). */
char *bli_meta_update_text(const bl_recording *now, const bl_recording *base, size_t chunk_len, size_t *len_out)
{
    struct strbuf b = {0};
    sb_add(&b, "%s\nmeta_chunk=%zu", BLI_META_MAGIC, chunk_len);
    for (size_t i = 0; now && base && i < now->meta_count; i++) {
        const char *old = bl_recording_meta(base, now->meta[i].key);
        if (!old || strcmp(old, now->meta[i].value) != 0)
            sb_add(&b, "\n%s=%s", now->meta[i].key, now->meta[i].value);
    }
    if (b.failed) {
        free(b.p);
        return NULL;
    }
    if (len_out)
        *len_out = b.len;
    return b.p;
}

/* ------------------------------------------------------------------ */

int bli_meta_key_syntax_ok(const char *key)
{
    return key && valid_key(key);
}

int bli_meta_key_reserved(const char *key)
{
    return key && reserved_key(key);
}

int bli_meta_value_ok(const char *value)
{
    return value && valid_value(value);
}
