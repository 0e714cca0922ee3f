/* The events CSV (`time_s,side,event`): parsed line by line, each
 * problem named by its line, then validated as any set (events.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gait_internal.h"
#include "internal.h"

#define HEADER "time_s,side,event"
#define LINE_MAX_LEN 256

/* Copy line [p, end) without CR and trailing spaces; 0 when too long. */
static int take_line(const char *p, const char *end, char *buf, size_t len)
{
    size_t n = (size_t)(end - p);
    while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
    if (n >= len) return 0;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return 1;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = '\0';
    return s;
}

/* One data line into the set; BL_EFORMAT with `why` naming the line. */
static bl_status parse_line(bl_gait_events *ev, char *line, size_t lineno, char *why, size_t why_len)
{
    size_t commas = 0;
    for (const char *q = line; *q; q++) commas += *q == ',';
    if (commas != 2) {
        bli_set_why(why, why_len, "line %zu: %zu field%s, expected three (time_s,side,event)", lineno, commas + 1,
                    commas ? "s" : "");
        return BL_EFORMAT;
    }
    char *f[3] = {line, NULL, NULL};
    for (int i = 1; i < 3; i++) {
        char *c = strchr(f[i - 1], ',');
        *c = '\0';
        f[i] = c + 1;
    }
    char *t = trim(f[0]), *s = trim(f[1]), *k = trim(f[2]), *endp = NULL;
    errno = 0;
    double time_s = strtod(t, &endp);
    if (!*t || *endp || errno || !isfinite(time_s)) {
        bli_set_why(why, why_len, "line %zu: time \"%s\" is not a number of seconds", lineno, t);
        return BL_EFORMAT;
    }
    bl_side side;
    if (!strcmp(s, "L")) side = BL_SIDE_LEFT;
    else if (!strcmp(s, "R")) side = BL_SIDE_RIGHT;
    else if (!*s) side = BL_SIDE_NONE;
    else {
        bli_set_why(why, why_len, "line %zu: side \"%s\" is not L, R or blank", lineno, s);
        return BL_EFORMAT;
    }
    bl_gait_event_kind kind;
    if (!strcmp(k, "touchdown")) kind = BL_GAIT_TOUCHDOWN;
    else if (!strcmp(k, "liftoff")) kind = BL_GAIT_LIFTOFF;
    else {
        bli_set_why(why, why_len, "line %zu: event \"%s\" is not touchdown or liftoff", lineno, k);
        return BL_EFORMAT;
    }
    return bli_gait_events_push(ev, time_s, side, kind, lineno);
}

static bl_status parse(bl_gait_events *ev, const char *text, char *why, size_t why_len)
{
    const char *p = text;
    if (!strncmp(p, "\xEF\xBB\xBF", 3)) p += 3; /* a spreadsheet's byte order mark */
    char line[LINE_MAX_LEN];
    size_t lineno = 0;
    while (*p) {
        const char *end = strchr(p, '\n');
        if (!end) end = p + strlen(p);
        lineno++;
        if (!take_line(p, end, line, sizeof line)) {
            bli_set_why(why, why_len, "line %zu: longer than %d characters", lineno, LINE_MAX_LEN - 1);
            return BL_EFORMAT;
        }
        p = *end ? end + 1 : end;
        if (lineno == 1) {
            if (strcmp(line, HEADER) != 0) {
                bli_set_why(why, why_len, "line 1: the header must be exactly \"%s\" (found \"%.60s\")", HEADER,
                            line);
                return BL_EFORMAT;
            }
            continue;
        }
        if (!line[0]) continue;
        bl_status st = parse_line(ev, line, lineno, why, why_len);
        if (st != BL_OK) return st;
    }
    if (lineno == 0) {
        bli_set_why(why, why_len, "the events file is empty (expected the header \"%s\")", HEADER);
        return BL_EFORMAT;
    }
    return BL_OK;
}

bl_status bl_gait_events_parse_csv(const char *text, double duration_s, bl_gait_events **out, char *why,
                                   size_t why_len)
{
    if (out) *out = NULL;
    if (why && why_len) why[0] = '\0';
    if (!text || !out || !(duration_s >= 0)) return BL_EINVAL;
    bl_gait_events *ev = NULL;
    bl_status st = bl_gait_events_create(&ev);
    if (st != BL_OK) return st;
    ev->source = BL_GAIT_EVENTS_FILE;
    if ((st = parse(ev, text, why, why_len)) == BL_OK) st = bl_gait_events_validate(ev, duration_s, why, why_len);
    if (st == BL_ENOMEM) bli_set_why(why, why_len, "out of memory");
    if (st != BL_OK) {
        bl_gait_events_destroy(ev);
        return st;
    }
    *out = ev;
    return BL_OK;
}
