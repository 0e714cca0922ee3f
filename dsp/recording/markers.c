/* Markers: time-stamped labels in a recording's metadata (a capture's key
 * presses). They are one metadata line, "markers=T:LABEL,T:LABEL,...", T
 * the time in seconds from the first frame with six decimals (a whole
 * frame at any audio rate up to 192 kHz reads back as the same frame, and
 * the time survives resampling), LABEL 1 to BL_MARKER_LABEL_MAX of
 * [A-Za-z0-9_-]; in time order. The recording keeps that text as its
 * "markers" entry (a reserved key, so it is stored, copied with the
 * description and updated late like the others); this file parses it,
 * defensively, and builds it. */
#include "recording_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bad entries quoted in one warning. */
#define MARKERS_BAD_LISTED 4

static int label_ok(const char *s, size_t n)
{
    if (n == 0 || n > BL_MARKER_LABEL_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* A plain decimal >= 0 filling s[0..n): digits with one optional point
 * (no sign, exponent, hex, inf or nan), below 1e9 s. */
static int parse_time(const char *s, size_t n, double *out)
{
    char buf[32];
    if (n == 0 || n >= sizeof buf)
        return -1;
    size_t points = 0, digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.')
            points++;
        else if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else
            return -1;
    }
    if (points > 1 || digits == 0)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    double v = strtod(buf, NULL);
    if (errno == ERANGE || !isfinite(v) || v >= 1e9)
        return -1;
    *out = v;
    return 0;
}

/* Entry `index` of a canonical text into *out: 0, or -1 past the end. */
static int entry_at(const char *text, size_t index, bl_marker *out)
{
    const char *p = text;
    for (size_t i = 0; i < index; i++) {
        p = strchr(p, ',');
        if (!p)
            return -1;
        p++;
    }
    size_t len = strcspn(p, ","), colon = strcspn(p, ":");
    if (colon >= len)
        return -1;
    if (parse_time(p, colon, &out->time_s) != 0 || !label_ok(p + colon + 1, len - colon - 1))
        return -1;
    memcpy(out->label, p + colon + 1, len - colon - 1);
    out->label[len - colon - 1] = '\0';
    return 0;
}

static int by_time(const void *a, const void *b)
{
    const bl_marker *x = a, *y = b;
    return x->time_s < y->time_s ? -1 : x->time_s > y->time_s ? 1 : 0;
}

/* The canonical text of n markers (sorted here, stable for equal times
 * by their order given); NULL out of memory. */
static char *format_markers(bl_marker *m, size_t n)
{
    /* Insertion sort keeps equal times in their order (qsort need not). */
    for (size_t i = 1; i < n; i++) {
        bl_marker x = m[i];
        size_t j = i;
        while (j > 0 && by_time(&m[j - 1], &x) > 0) {
            m[j] = m[j - 1];
            j--;
        }
        m[j] = x;
    }
    size_t cap = n * (BL_MARKER_LABEL_MAX + 24) + 1;
    char *text = malloc(cap);
    if (!text)
        return NULL;
    size_t used = 0;
    text[0] = '\0';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(text + used, cap - used, "%s%.6f:%s", i ? "," : "", m[i].time_s, m[i].label);
    return text;
}

bl_status bli_markers_apply(bl_recording *rec, const char *value)
{
    size_t n = 1;
    for (const char *q = value; *q; q++)
        n += *q == ',';
    bl_marker *m = calloc(n, sizeof *m);
    if (!m)
        return BL_ENOMEM;
    size_t kept = 0, bad = 0;
    char bad_text[MARKERS_BAD_LISTED * 48] = "";
    const char *p = value;
    for (size_t i = 0; i < n; i++) {
        size_t len = strcspn(p, ","), colon = strcspn(p, ":");
        int ok = colon < len && parse_time(p, colon, &m[kept].time_s) == 0 && label_ok(p + colon + 1, len - colon - 1);
        if (ok) {
            memcpy(m[kept].label, p + colon + 1, len - colon - 1);
            m[kept].label[len - colon - 1] = '\0';
            kept++;
        } else if (bad++ < MARKERS_BAD_LISTED) {
            size_t used = strlen(bad_text), show = len < 32 ? len : 32;
            snprintf(bad_text + used, sizeof bad_text - used, "%s%zu \"%.*s%s\"", bad > 1 ? ", " : "", i + 1,
                     (int)show, p, len > show ? "..." : "");
        }
        p += len + (p[len] == ',');
    }
    char *text = kept ? format_markers(m, kept) : NULL;
    free(m);
    if (kept && !text)
        return BL_ENOMEM;
    bl_status st = bli_meta_store(rec, "markers", text); /* NULL: none kept, none stored */
    free(text);
    if (st != BL_OK || !bad)
        return st;
    return bli_warn(rec, "markers",
                    "markers: entr%s %s%s %s not TIME_S:LABEL (seconds >= 0, a label of 1 to %d of A-Z a-z 0-9 _ -); "
                    "%s, the other %zu kept",
                    bad > 1 ? "ies" : "y", bad_text, bad > MARKERS_BAD_LISTED ? ", ..." : "", bad > 1 ? "are" : "is",
                    BL_MARKER_LABEL_MAX, bad > 1 ? "they are left out" : "it is left out", kept);
}

size_t bl_recording_marker_count(const bl_recording *rec)
{
    const char *text = bl_recording_meta(rec, "markers");
    if (!text || !*text)
        return 0;
    size_t n = 1;
    for (const char *q = text; *q; q++)
        n += *q == ',';
    return n;
}

bl_status bl_recording_get_marker(const bl_recording *rec, size_t index, bl_marker *out)
{
    if (!rec || !out)
        return BL_EINVAL;
    const char *text = bl_recording_meta(rec, "markers");
    bl_marker m;
    if (!text || entry_at(text, index, &m) != 0)
        return BL_ERANGE;
    *out = m;
    return BL_OK;
}

bl_status bli_markers_with(const char *text, double time_s, const char *label, char **out)
{
    *out = NULL;
    if (!(time_s >= 0) || !(time_s < 1e9) || !label || !label_ok(label, strlen(label)))
        return BL_EINVAL;
    size_t n = 0;
    if (text && *text) {
        n = 1;
        for (const char *q = text; *q; q++)
            n += *q == ',';
    }
    bl_marker *m = calloc(n + 1, sizeof *m);
    if (!m)
        return BL_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (entry_at(text, i, &m[i]) != 0) {
            free(m);
            return BL_EINVAL; /* not ours: the recording only holds canonical text */
        }
    /* Stored with six decimals: the marker is where it will read back. */
    char num[32];
    snprintf(num, sizeof num, "%.6f", time_s);
    m[n].time_s = strtod(num, NULL);
    snprintf(m[n].label, sizeof m[n].label, "%s", label);
    *out = format_markers(m, n + 1);
    free(m);
    return *out ? BL_OK : BL_ENOMEM;
}

bl_status bl_recording_add_marker(bl_recording *rec, double time_s, const char *label)
{
    if (!rec)
        return BL_EINVAL;
    char *text = NULL;
    bl_status st = bli_markers_with(bl_recording_meta(rec, "markers"), time_s, label, &text);
    if (st == BL_OK)
        st = bli_meta_store(rec, "markers", text);
    free(text);
    return st;
}
