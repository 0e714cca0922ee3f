/* Free-form metadata keys, and the text all of a recording's description
 * is stored as in a file: a "backline-meta 1" first line, then key=value
 * lines (map, gain, full_scale_v, unit, then the free-form keys). */
#include "recording_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct strbuf {
    char *p;
    size_t len, cap;
    int failed;
};

static const char *const reserved_keys[] = {"map", "gain", "full_scale_v", "unit"};

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

static int valid_value(const char *v)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++, n++)
        if (*p < 0x20 || *p == 0x7f) /* one line, no control characters */
            return 0;
    return n <= BLI_META_VALUE_MAX;
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

bl_status bl_recording_set_meta(bl_recording *rec, const char *key, const char *value)
{
    if (!rec || !key || !valid_key(key) || reserved_key(key))
        return BL_EINVAL;
    if (value && !valid_value(value))
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
bl_status bli_meta_apply(bl_recording *rec, const char *text)
{
    size_t magic_len = strlen(BLI_META_MAGIC);
    if (strncmp(text, BLI_META_MAGIC, magic_len) != 0 ||
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
            /* A map that does not parse or fit is ignored like any bad line. */
            bl_chanmap *map = NULL;
            st = bl_chanmap_parse(value, &map, NULL, 0);
            if (st == BL_OK && bl_chanmap_validate(map, rec->channels, NULL, 0) == BL_OK) {
                bl_chanmap_destroy(rec->map);
                rec->map = map;
                map = NULL;
            }
            bl_chanmap_destroy(map);
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
            st = bli_meta_store(rec, key, value);
        }
        free(line);
        if (st == BL_ENOMEM)
            return st;
    }
    return BL_OK;
}

/* ------------------------------------------------------------------ */

int bli_meta_key_ok(const char *key)
{
    return key && valid_key(key) && !reserved_key(key);
}

int bli_meta_value_ok(const char *value)
{
    return value && valid_value(value);
}
