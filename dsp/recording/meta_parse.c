/* Reading the stored metadata text back (bli_meta_apply): our chunk, then
 * the file's comment, line by line. What parses is kept, per channel when
 * one entry of a per-channel list is bad, and every line that cannot be
 * used, or only in part, leaves a warning on the recording that names its
 * key and says what was kept. The library never prints: the warnings are
 * read through bl_recording_warning. */
#include "recording_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of a stored value quoted in a warning. */
#define EXCERPT_MAX 40
/* Bad entries of one list named in its warning. */
#define BAD_LISTED 4

/* What one load learns across its lines. */
struct parse {
    bl_recording *rec;
    const char *text;            /* the text being applied */
    const char *comment;         /* the comment (to tell it from the chunk) */
    const char *where;           /* "comment" or "metadata chunk" */
    unsigned char *unit_unknown; /* per channel: the stored unit is unknown */
    int full_scale_bad;
    char **seen;                 /* keys of the current text, for repeats */
    size_t n_seen, cap_seen;
};

/* Bad entries of a per-channel list, for one warning. */
struct bad_list {
    size_t count;
    char text[BAD_LISTED * (EXCERPT_MAX + 24)];
    char channels[BAD_LISTED * 8];
};

/* ---- warnings ----------------------------------------------------------- */

static bl_status push_warning(bl_recording *rec, const char *key, const char *text)
{
    if (rec->warn_count == rec->warn_cap) {
        size_t cap = rec->warn_cap ? rec->warn_cap * 2 : 4;
        struct bli_warning *w = realloc(rec->warn, cap * sizeof *w);
        if (!w)
            return BL_ENOMEM;
        rec->warn = w;
        rec->warn_cap = cap;
    }
    char *k = bli_strdup(key ? key : "");
    char *t = bli_strdup(text);
    if (!k || !t) {
        free(k);
        free(t);
        return BL_ENOMEM;
    }
    rec->warn[rec->warn_count].key = k;
    rec->warn[rec->warn_count].text = t;
    rec->warn_count++;
    return BL_OK;
}

bl_status bli_warn(bl_recording *rec, const char *key, const char *fmt, ...)
{
    if (rec->warn_count >= BLI_META_WARNINGS_MAX) {
        rec->warn_dropped++;
        return BL_OK;
    }
    char line[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* One printable line, whatever the file held. */
    for (char *p = line; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            *p = '?';
    return push_warning(rec, key, line);
}

bl_status bli_recording_copy_warnings(bl_recording *dst, const bl_recording *src)
{
    for (size_t i = 0; i < src->warn_count; i++)
        if (push_warning(dst, src->warn[i].key, src->warn[i].text) != BL_OK)
            return BL_ENOMEM;
    dst->warn_dropped += src->warn_dropped;
    return BL_OK;
}

void bli_recording_free_warnings(bl_recording *rec)
{
    for (size_t i = 0; i < rec->warn_count; i++) {
        free(rec->warn[i].key);
        free(rec->warn[i].text);
    }
    free(rec->warn);
    rec->warn = NULL;
    rec->warn_count = rec->warn_cap = rec->warn_dropped = 0;
}

size_t bl_recording_warning_count(const bl_recording *rec)
{
    return rec ? rec->warn_count : 0;
}

const char *bl_recording_warning(const bl_recording *rec, size_t index)
{
    return rec && index < rec->warn_count ? rec->warn[index].text : NULL;
}

const char *bl_recording_warning_key(const bl_recording *rec, size_t index)
{
    return rec && index < rec->warn_count ? rec->warn[index].key : NULL;
}

/* At most EXCERPT_MAX bytes of s[0..n) for a warning, every byte that is
 * not printable ASCII shown as '?', "..." when cut. */
static const char *excerpt(char *buf, size_t len, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && i < EXCERPT_MAX && k + 1 < len; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    buf[k] = '\0';
    if (n > EXCERPT_MAX && k + 4 < len)
        strcat(buf, "...");
    return buf;
}

static void bad_list_add(struct bad_list *b, size_t channel, const char *entry, size_t n)
{
    if (b->count < BAD_LISTED) {
        char ex[EXCERPT_MAX + 4];
        size_t used = strlen(b->text), cused = strlen(b->channels);
        snprintf(b->text + used, sizeof b->text - used, "%s%zu \"%s\"", b->count ? ", " : "", channel + 1,
                 excerpt(ex, sizeof ex, entry, n));
        snprintf(b->channels + cused, sizeof b->channels - cused, "%s%zu", b->count ? "," : "", channel + 1);
    } else if (b->count == BAD_LISTED) {
        size_t used = strlen(b->text), cused = strlen(b->channels);
        snprintf(b->text + used, sizeof b->text - used, ", ...");
        snprintf(b->channels + cused, sizeof b->channels - cused, ",...");
    }
    b->count++;
}

/* ---- the per-channel lists ---------------------------------------------- */

static size_t list_entries(const char *value)
{
    size_t n = 1;
    for (const char *q = value; *q; q++)
        n += *q == ',';
    return n;
}

/* The next comma-separated entry of *p: its start and length; *p moves on. */
static const char *next_entry(const char **p, size_t *len)
{
    const char *s = *p;
    *len = strcspn(s, ",");
    *p = s[*len] ? s + *len + 1 : s + *len;
    return s;
}

/* A map whose entries do not all parse: each bad entry becomes an unnamed
 * EMG channel ("EMG", what every channel is without a map); when none
 * parses, no map is kept. */
static bl_status salvage_map(struct parse *ps, const char *value, bl_chanmap **out)
{
    size_t n = list_entries(value);
    char *text = malloc(n * 8 + 1);
    if (!text)
        return BL_ENOMEM;
    text[0] = '\0';
    struct bad_list bad = {0};
    const char *p = value;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *e = next_entry(&p, &len);
        char one[16];
        bl_chanmap *m = NULL;
        bl_status st = BL_EMAP;
        if (len < sizeof one) {
            memcpy(one, e, len);
            one[len] = '\0';
            st = bl_chanmap_parse(one, &m, NULL, 0);
        }
        if (st == BL_ENOMEM) {
            free(text);
            return st;
        }
        int ok = st == BL_OK && bl_chanmap_count(m) == 1;
        if (!ok)
            bad_list_add(&bad, i, e, len);
        strcat(text, i ? "," : "");
        strcat(text, ok ? bl_chanmap_text(m) : "EMG");
        bl_chanmap_destroy(m);
    }
    char why[256];
    bl_status st = bad.count < n ? bl_chanmap_parse(text, out, why, sizeof why) : BL_EMAP;
    free(text);
    if (st == BL_ENOMEM)
        return st;
    if (bad.count == n)
        return bli_warn(ps->rec, "map", "map: no entry is SIDE.CODE or CODE (e.g. L.ST): %s; no channel map kept "
                        "(give --map)", bad.text);
    if (st != BL_OK)
        return bli_warn(ps->rec, "map", "map: %s; no channel map kept (give --map)", why);
    return bli_warn(ps->rec, "map",
                    "map: entr%s %s %s not SIDE.CODE or CODE (e.g. L.ST); channel%s %s kept as unnamed EMG, "
                    "the other %zu entr%s kept",
                    bad.count > 1 ? "ies" : "y", bad.text, bad.count > 1 ? "are" : "is", bad.count > 1 ? "s" : "",
                    bad.channels, n - bad.count, n - bad.count > 1 ? "ies" : "y");
}

static bl_status apply_map(struct parse *ps, const char *value)
{
    bl_recording *rec = ps->rec;
    bl_chanmap *map = NULL;
    char why[256], ex[EXCERPT_MAX + 4];
    bl_status st = bl_chanmap_parse(value, &map, why, sizeof why);
    if (st == BL_ENOMEM)
        return st;
    size_t n = st == BL_OK ? bl_chanmap_count(map) : list_entries(value);
    if (n != rec->channels) {
        bl_chanmap_destroy(map);
        return bli_warn(rec, "map",
                        "map: %zu entries (\"%s\") for %zu channels; which entry belongs to which channel "
                        "is unknown, no channel map kept (give --map)",
                        n, excerpt(ex, sizeof ex, value, strlen(value)), rec->channels);
    }
    if (st != BL_OK && (st = salvage_map(ps, value, &map)) != BL_OK)
        return st;
    if (map) {
        bl_chanmap_destroy(rec->map);
        rec->map = map;
    }
    return BL_OK;
}

/* One gain: a finite plain decimal >= 0 filling the whole entry, the
 * syntax the tools take on the command line (no hex, no spaces, no inf or
 * nan): strtod alone would take " 500" and 0x1f4 but not "500 ". */
static int parse_gain(const char *e, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, e, len);
    buf[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if (!strchr("0123456789+-.eE", buf[i]))
            return -1;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end == buf || *end || errno == ERANGE || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

static bl_status apply_gain(struct parse *ps, const char *value)
{
    bl_recording *rec = ps->rec;
    size_t n = list_entries(value);
    if (n != rec->channels)
        return bli_warn(rec, "gain",
                        "gain: %zu entries for %zu channels; which gain belongs to which channel is unknown, "
                        "no gains kept",
                        n, rec->channels);
    struct bad_list bad = {0};
    const char *p = value;
    for (size_t c = 0; c < n; c++) {
        size_t len;
        const char *e = next_entry(&p, &len);
        double g;
        if (parse_gain(e, len, &g) == 0) {
            rec->gain[c] = g;
        } else {
            rec->gain[c] = 0;
            bad_list_add(&bad, c, e, len);
        }
    }
    if (!bad.count)
        return BL_OK;
    return bli_warn(rec, "gain",
                    "gain: entr%s %s %s not a number >= 0; channel%s %s ha%s no gain, the other gains are kept",
                    bad.count > 1 ? "ies" : "y", bad.text, bad.count > 1 ? "are" : "is",
                    bad.count > 1 ? "s" : "", bad.channels, bad.count > 1 ? "ve" : "s");
}

/* Per channel "uV" or "fs". A channel whose unit is unknown might already
 * be in µV: its gain is dropped (at the end) so it is not converted twice. */
static bl_status apply_unit(struct parse *ps, const char *value)
{
    bl_recording *rec = ps->rec;
    size_t n = list_entries(value);
    if (n != rec->channels) {
        memset(ps->unit_unknown, 1, rec->channels);
        memset(rec->in_uv, 0, rec->channels);
        return bli_warn(rec, "unit",
                        "unit: %zu entries for %zu channels; the units are unknown, so no gain is used "
                        "(amplitudes stay as stored)",
                        n, rec->channels);
    }
    struct bad_list bad = {0};
    const char *p = value;
    for (size_t c = 0; c < n; c++) {
        size_t len;
        const char *e = next_entry(&p, &len);
        int uv = len == 2 && strncmp(e, "uV", 2) == 0, fs = len == 2 && strncmp(e, "fs", 2) == 0;
        rec->in_uv[c] = (unsigned char)uv;
        ps->unit_unknown[c] = !uv && !fs;
        if (!uv && !fs)
            bad_list_add(&bad, c, e, len);
    }
    if (!bad.count)
        return BL_OK;
    return bli_warn(rec, "unit",
                    "unit: entr%s %s %s neither uV nor fs; the unit of channel%s %s is unknown, so %s gain is "
                    "not used",
                    bad.count > 1 ? "ies" : "y", bad.text, bad.count > 1 ? "are" : "is",
                    bad.count > 1 ? "s" : "", bad.channels, bad.count > 1 ? "their" : "its");
}

static bl_status apply_full_scale(struct parse *ps, const char *value)
{
    double v;
    if (parse_gain(value, strlen(value), &v) == 0 && v > 0) {
        ps->rec->full_scale_v = v;
        ps->full_scale_bad = 0;
        return BL_OK;
    }
    char ex[EXCERPT_MAX + 4];
    ps->full_scale_bad = 1;
    return bli_warn(ps->rec, "full_scale_v",
                    "full_scale_v: \"%s\" is not a positive number of volts; without the full scale no gain "
                    "is used (amplitudes stay in full-scale units)",
                    excerpt(ex, sizeof ex, value, strlen(value)));
}

/* ---- lines -------------------------------------------------------------- */

/* 1 when `key` was already given in the current text (and remember it). */
static int seen_before(struct parse *ps, const char *key, int *oom)
{
    for (size_t i = 0; i < ps->n_seen; i++)
        if (strcmp(ps->seen[i], key) == 0)
            return 1;
    if (ps->n_seen == ps->cap_seen) {
        size_t cap = ps->cap_seen ? ps->cap_seen * 2 : 16;
        char **s = realloc(ps->seen, cap * sizeof *s);
        if (!s) {
            *oom = 1;
            return 0;
        }
        ps->seen = s;
        ps->cap_seen = cap;
    }
    if (!(ps->seen[ps->n_seen] = bli_strdup(key))) {
        *oom = 1;
        return 0;
    }
    ps->n_seen++;
    return 0;
}

static bl_status apply_free_key(struct parse *ps, const char *key, const char *value)
{
    const char *problem = bli_meta_counter_problem(key, value);
    if (!problem)
        return bli_meta_store(ps->rec, key, value);
    char ex[EXCERPT_MAX + 4], ex2[EXCERPT_MAX + 4];
    const char *earlier = bl_recording_meta(ps->rec, key);
    if (earlier)
        return bli_warn(ps->rec, key, "%s: \"%s\" %s; the earlier value \"%s\" is kept", key,
                        excerpt(ex, sizeof ex, value, strlen(value)), problem,
                        excerpt(ex2, sizeof ex2, earlier, strlen(earlier)));
    return bli_warn(ps->rec, key, "%s: \"%s\" %s; no value kept (invalid)", key,
                    excerpt(ex, sizeof ex, value, strlen(value)), problem);
}

/* The comment's meta_chunk=N: the chunk it points to must be there and
 * hold N bytes. */
static bl_status check_pointer(struct parse *ps, const char *value, const struct bli_meta_sources *src)
{
    char ex[EXCERPT_MAX + 4];
    size_t digits = strspn(value, "0123456789");
    if (ps->text != ps->comment || digits == 0 || digits > 9 || value[digits])
        return bli_warn(ps->rec, "meta_chunk", "meta_chunk: \"%s\" in the %s is not ours; ignored",
                        excerpt(ex, sizeof ex, value, strlen(value)), ps->where);
    unsigned long long n = strtoull(value, NULL, 10);
    if (src->chunk && strlen(src->chunk) == n)
        return BL_OK;
    if (src->chunk)
        return bli_warn(ps->rec, "meta_chunk",
                        "meta_chunk: the \"%s\" chunk holds %zu bytes, the comment says %llu: it was cut or "
                        "changed; what parses is kept",
                        BLI_META_CHUNK_ID, strlen(src->chunk), n);
    return bli_warn(ps->rec, "meta_chunk",
                    "meta_chunk: the metadata (%llu bytes: map, gains, keys) is in a \"%s\" chunk, which %s; "
                    "it is missing here",
                    n, BLI_META_CHUNK_ID,
                    src->chunk_unread ? src->chunk_unread : "this file lacks (rewritten by another program?)");
}

/* One key=value line (number `lineno` of the text, the first line 1). */
static bl_status apply_line(struct parse *ps, char *line, size_t lineno, const struct bli_meta_sources *src)
{
    char ex[EXCERPT_MAX + 4];
    char *eq = strchr(line, '=');
    if (!eq)
        return bli_warn(ps->rec, "", "%s line %zu \"%s\" is not key=value; ignored", ps->where, lineno,
                        excerpt(ex, sizeof ex, line, strlen(line)));
    *eq = '\0';
    const char *key = line, *value = eq + 1;
    if (!bli_meta_key_syntax_ok(key))
        return bli_warn(ps->rec, "", "%s line %zu: \"%s\" is not a key (a-z, 0-9 and _, at most %d); ignored",
                        ps->where, lineno, excerpt(ex, sizeof ex, key, strlen(key)), BLI_META_KEY_MAX);
    /* The fields' lists grow with the channels: only the free-form values
     * have a length limit. */
    int free_key = !bli_meta_key_reserved(key);
    if (free_key ? !bli_meta_value_ok(value) : !bli_meta_text_ok(value)) {
        int control = 0;
        for (const unsigned char *q = (const unsigned char *)value; *q; q++)
            control |= *q < 0x20 || *q == 0x7f;
        return bli_warn(ps->rec, key, "%s: the value %s; ignored", key,
                        free_key && strlen(value) > BLI_META_VALUE_MAX ? "is longer than 512 bytes"
                        : control                          ? "holds control characters"
                                                           : "is not UTF-8 text");
    }
    int oom = 0;
    if (seen_before(ps, key, &oom) && bli_warn(ps->rec, key, "%s: given twice in the %s; the later value is used",
                                               key, ps->where) != BL_OK)
        return BL_ENOMEM;
    if (oom)
        return BL_ENOMEM;
    if (strcmp(key, "map") == 0)
        return apply_map(ps, value);
    if (strcmp(key, "gain") == 0)
        return apply_gain(ps, value);
    if (strcmp(key, "full_scale_v") == 0)
        return apply_full_scale(ps, value);
    if (strcmp(key, "unit") == 0)
        return apply_unit(ps, value);
    if (strcmp(key, "meta_chunk") == 0)
        return check_pointer(ps, value, src);
    if (strcmp(key, "markers") == 0)
        return bli_markers_apply(ps->rec, value);
    return apply_free_key(ps, key, value);
}

/* ---- texts -------------------------------------------------------------- */

/* Is the first line of the text "backline-meta 1"? Otherwise the text is
 * not ours (another program's comment: ignored silently; our chunk: warned)
 * or of a later version (warned). *body: after the first line, or NULL. */
static bl_status our_text(struct parse *ps, const char **body)
{
    const char *text = ps->text;
    size_t first = strcspn(text, "\r\n"), magic_len = strlen(BLI_META_MAGIC);
    *body = NULL;
    if (first == magic_len && strncmp(text, BLI_META_MAGIC, magic_len) == 0) {
        *body = text + first;
        return BL_OK;
    }
    char ex[EXCERPT_MAX + 4];
    if (strncmp(text, "backline-meta", 13) == 0)
        return bli_warn(ps->rec, "", "%s: \"%s\" is not a metadata version this backline reads (%s); ignored",
                        ps->where, excerpt(ex, sizeof ex, text, first), BLI_META_MAGIC);
    if (ps->text != ps->comment)
        return bli_warn(ps->rec, "", "%s: it does not start with \"%s\"; ignored", ps->where, BLI_META_MAGIC);
    return BL_OK;
}

static bl_status apply_text(struct parse *ps, const char *text, const char *where,
                            const struct bli_meta_sources *src)
{
    ps->text = text;
    ps->where = where;
    for (size_t i = 0; i < ps->n_seen; i++)
        free(ps->seen[i]);
    ps->n_seen = 0;
    const char *p = NULL;
    bl_status st = our_text(ps, &p);
    if (st != BL_OK || !p)
        return st;
    size_t lineno = 1;
    while (*p) {
        /* "\r\n", "\n" and "\r" each end a line; empty lines are skipped. */
        if (*p == '\r' && p[1] == '\n')
            p++;
        if (*p == '\n' || *p == '\r') {
            p++;
            lineno++;
            continue;
        }
        size_t len = strcspn(p, "\r\n");
        char *line = malloc(len + 1);
        if (!line)
            return BL_ENOMEM;
        memcpy(line, p, len);
        line[len] = '\0';
        p += len;
        st = apply_line(ps, line, lineno, src);
        free(line);
        if (st != BL_OK)
            return st;
    }
    return BL_OK;
}

/* After every line: channels whose unit is unknown, and all channels when
 * the full scale is, lose their gain (they stay in the units stored). */
static void finish(struct parse *ps)
{
    bl_recording *rec = ps->rec;
    for (size_t c = 0; c < rec->channels; c++)
        if (ps->unit_unknown[c] || (ps->full_scale_bad && !rec->in_uv[c]))
            rec->gain[c] = 0;
}

bl_status bli_meta_apply(bl_recording *rec, const struct bli_meta_sources *src)
{
    struct parse ps = {0};
    ps.rec = rec;
    ps.comment = src->comment;
    ps.unit_unknown = calloc(rec->channels, 1);
    if (!ps.unit_unknown)
        return BL_ENOMEM;
    bl_status st = BL_OK;
    if (src->chunk)
        st = apply_text(&ps, src->chunk, "metadata chunk", src);
    if (st == BL_OK && src->comment)
        st = apply_text(&ps, src->comment, "comment", src);
    if (st == BL_OK) {
        finish(&ps);
        if (rec->warn_dropped) {
            char line[96];
            snprintf(line, sizeof line, "metadata: %zu more problems not listed", rec->warn_dropped);
            st = push_warning(rec, "", line);
            rec->warn_dropped = 0;
        }
    }
    for (size_t i = 0; i < ps.n_seen; i++)
        free(ps.seen[i]);
    free(ps.seen);
    free(ps.unit_unknown);
    return st;
}
