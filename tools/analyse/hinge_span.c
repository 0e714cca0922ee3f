/* The span between two markers of a session (hinge_span.h). The library
 * analyses the span as a recording of its own; its times are then from the
 * span's first frame, and this puts the report's back on the file's. */
#include "hinge_span.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backline/normalise.h"
#include "tool.h"

int hinge_span_cut(const char *spec, const char *path, bl_recording **rec, hinge_span *span)
{
    const char *comma = strchr(spec, ',');
    char a[32], b[32];
    int ia = 0, ib = 0;
    if (!comma || (size_t)(comma - spec) >= sizeof a || strlen(comma + 1) >= sizeof b)
        return tool_usage_error("--between-markers %s: expected A,B (marker numbers as info lists them)", spec);
    memcpy(a, spec, (size_t)(comma - spec));
    a[comma - spec] = '\0';
    snprintf(b, sizeof b, "%s", comma + 1);
    if (tool_parse_int(a, &ia) != 0 || tool_parse_int(b, &ib) != 0 || ia < 1 || ib <= ia)
        return tool_usage_error("--between-markers %s: expected A,B, marker numbers with 1 <= A < B", spec);
    size_t n = bl_recording_marker_count(*rec);
    if ((size_t)ib > n)
        return tool_error("%s: --between-markers %s: the file has %zu marker%s (backline-analyse info lists them)",
                          path, spec, n, n == 1 ? "" : "s");
    span->from = (size_t)ia;
    span->to = (size_t)ib;
    bl_recording_get_marker(*rec, span->from - 1, &span->a);
    bl_recording_get_marker(*rec, span->to - 1, &span->b);
    double rate = bl_recording_rate(*rec);
    size_t frames = bl_recording_frames(*rec);
    double first = floor(span->a.time_s * rate + 0.5), end = floor(span->b.time_s * rate + 0.5);
    if (end > (double)frames) end = (double)frames;
    if (!(end > first))
        return tool_error("%s: --between-markers %s: markers %d (%.3f s) and %d (%.3f s) enclose no frames of the "
                          "%.3f s recording", path, spec, ia, span->a.time_s, ib, span->b.time_s,
                          bl_recording_duration(*rec));
    bl_recording *cut = NULL;
    if (bl_recording_slice(*rec, (size_t)first, (size_t)(end - first), &cut) != BL_OK)
        return tool_error("out of memory");
    bl_recording_destroy(*rec);
    *rec = cut;
    span->t0_s = first / rate;
    return 0;
}

static void shift(cJSON *obj, const char *key, double t0)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsNumber(v)) cJSON_SetNumberValue(v, round((v->valuedouble + t0) * 1e4) / 1e4);
}

/* A marker as JSON: its number, time in the file and label. */
static cJSON *marker_json(size_t number, const bl_marker *m)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "number", (double)number);
    cJSON_AddNumberToObject(o, "time_s", m->time_s);
    cJSON_AddStringToObject(o, "label", m->label);
    return o;
}

int hinge_span_apply(cJSON *doc, const hinge_span *span)
{
    double t0 = span->t0_s;
    cJSON *rep;
    cJSON_ArrayForEach(rep, cJSON_GetObjectItemCaseSensitive(doc, "reps")) {
        shift(rep, "start_s", t0);
        shift(rep, "end_s", t0);
        cJSON *ph = cJSON_GetObjectItemCaseSensitive(rep, "phases"), *part;
        static const char *const parts[] = {"eccentric", "concentric"};
        for (int i = 0; i < 2; i++)
            if (cJSON_IsObject(part = cJSON_GetObjectItemCaseSensitive(ph, parts[i]))) {
                shift(part, "start_s", t0);
                shift(part, "end_s", t0);
            }
        /* A channel's onset_s is relative to its repetition's start: not shifted. */
    }
    /* A reference from the session's own peak has its window in the span. */
    cJSON *ch;
    cJSON_ArrayForEach(ch, cJSON_GetObjectItemCaseSensitive(doc, "channels")) {
        cJSON *ref = cJSON_GetObjectItemCaseSensitive(ch, "mvc_reference");
        cJSON *src = cJSON_GetObjectItemCaseSensitive(ref, "source");
        if (cJSON_IsString(src) && !strcmp(src->valuestring, bl_mvc_source_name(BL_MVC_SESSION_PEAK)))
            shift(ref, "window_centre_s", t0);
    }
    cJSON *o = cJSON_CreateObject();
    if (!o) return tool_error("out of memory building the report");
    cJSON_AddItemToObject(o, "from", marker_json(span->from, &span->a));
    cJSON_AddItemToObject(o, "to", marker_json(span->to, &span->b));
    cJSON_AddNumberToObject(o, "start_s", t0);
    cJSON_AddStringToObject(o, "times", "from the first frame of the file, as without --between-markers");
    cJSON_AddItemToObject(doc, "between_markers", o);
    return 0;
}
