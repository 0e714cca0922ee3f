/* Where `backline-analyse gait` gets its events: the events CSV read
 * and parsed by the library, or AUX channels (footswitches, knee
 * goniometers) detected by it, one a leg, merged and validated. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/chanmap.h"
#include "gait_events.h"

/* An events file is a few lines a stride: this is hours of walking. */
#define EVENTS_MAX_BYTES (16u << 20)

/* The whole file as a string (caller frees); NULL after one error line. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        tool_error("%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - 1 - n, f)) > 0;) {
        n += got;
        if (n + 1 < cap) continue;
        char *p = cap < EVENTS_MAX_BYTES ? realloc(buf, 2 * cap) : NULL;
        if (!p) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = p;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        tool_error("%s: cannot read (%s)", path, bad ? "read error" : "too large or out of memory");
        return NULL;
    }
    buf[n] = '\0';
    if (strlen(buf) != n) {
        free(buf);
        tool_error("%s: not a text file (a NUL byte)", path);
        return NULL;
    }
    return buf;
}

bl_gait_events *gait_events_from_file(const char *path, const bl_recording *rec)
{
    char *text = read_text(path);
    if (!text) return NULL;
    bl_gait_events *ev = NULL;
    char why[512] = "";
    bl_status st = bl_gait_events_parse_csv(text, bl_recording_duration(rec), &ev, why, sizeof why);
    free(text);
    if (st != BL_OK) tool_error("%s: %s", path, why[0] ? why : bl_strerror(st));
    return ev;
}

bl_gait_events *gait_events_from_markers(const char *path, const bl_recording *rec)
{
    bl_gait_events *ev = NULL;
    if (bl_gait_events_create(&ev) != BL_OK) {
        tool_error("out of memory");
        return NULL;
    }
    size_t used = 0;
    for (size_t i = 0; i < bl_recording_marker_count(rec); i++) {
        bl_marker m;
        if (bl_recording_get_marker(rec, i, &m) != BL_OK || strlen(m.label) != 1 || m.label[0] < '1' ||
            m.label[0] > '4')
            continue;
        int k = m.label[0] - '1';
        if (bl_gait_events_add(ev, m.time_s, k < 2 ? BL_SIDE_RIGHT : BL_SIDE_LEFT,
                               k % 2 ? BL_GAIT_LIFTOFF : BL_GAIT_TOUCHDOWN) != BL_OK) {
            bl_gait_events_destroy(ev);
            tool_error("out of memory");
            return NULL;
        }
        used++;
    }
    char why[512] = "";
    bl_status st = used ? bl_gait_events_validate(ev, bl_recording_duration(rec), why, sizeof why) : BL_ENODATA;
    if (st != BL_OK) {
        if (!used)
            tool_error("%s: --events markers: none of its %zu markers is 1-4 (touchdown/lift-off, right then left "
                       "leg; backline-analyse info lists them)", path, bl_recording_marker_count(rec));
        else
            tool_error("%s: --events markers: %s", path, why[0] ? why : bl_strerror(st));
        bl_gait_events_destroy(ev);
        return NULL;
    }
    return ev;
}

/* "14", "R.AUX", "14:L": the channel (0-based) and side; 2 after a usage
 * line. */
static int parse_aux(const char *option, const char *spec, const bl_recording *rec, size_t *channel, bl_side *side)
{
    char name[64];
    const char *colon = strrchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    if (!len || len >= sizeof name) return tool_usage_error("%s %s: expected CH[:SIDE]", option, spec);
    memcpy(name, spec, len);
    name[len] = '\0';
    const bl_chanmap *map = bl_recording_chanmap(rec);
    size_t nch = bl_recording_channels(rec), c = nch;
    uint64_t num;
    if (tool_parse_u64(name, &num) == 0) c = num >= 1 && num <= nch ? (size_t)num - 1 : nch;
    for (size_t i = 0; c == nch && map && i < nch; i++) {
        char entry[64];
        if (bl_chanmap_get_entry_name(map, i, entry, sizeof entry) == BL_OK && !strcmp(entry, name)) c = i;
    }
    if (c == nch) return tool_usage_error("%s %s: no channel %s (a number 1-%zu or a map name)", option, spec, name,
                                              nch);
    if (!map || bl_chanmap_muscle(map, c) != BL_MUSCLE_AUX)
        return tool_usage_error("%s %s: channel %zu is not mapped AUX (it would be conditioned as EMG)", option,
                                spec, c + 1);
    *channel = c;
    *side = bl_chanmap_side(map, c);
    if (colon && !strcmp(colon + 1, "L")) *side = BL_SIDE_LEFT;
    else if (colon && !strcmp(colon + 1, "R")) *side = BL_SIDE_RIGHT;
    else if (colon) return tool_usage_error("%s %s: side \"%s\" is not L or R", option, spec, colon + 1);
    return 0;
}

/* One footswitch's or knee's events, validated later with the others'. */
static bl_gait_events *one_aux(const char *option, const char *spec, const bl_recording *rec, int *rc)
{
    size_t c = 0;
    bl_side side = BL_SIDE_NONE;
    if ((*rc = parse_aux(option, spec, rec, &c, &side)) != 0) return NULL;
    const float *x = bl_recording_cdata(rec, c);
    size_t n = bl_recording_frames(rec);
    double rate = bl_recording_rate(rec);
    bl_gait_events *ev = NULL;
    char why[512] = "";
    bl_status st;
    if (!strcmp(option, "--knee")) {
        bl_gait_knee_config kcfg;
        bl_gait_knee_config_default(&kcfg);
        st = bl_gait_events_from_knee(x, n, rate, side, c, &kcfg, &ev, why, sizeof why);
    } else {
        bl_gait_footswitch_config fcfg;
        bl_gait_footswitch_config_default(&fcfg);
        st = bl_gait_events_from_footswitch(x, n, rate, side, c, &fcfg, &ev, why, sizeof why);
    }
    if (st != BL_OK) *rc = tool_error("%s %s: %s", option, spec, why[0] ? why : bl_strerror(st));
    return ev;
}

bl_gait_events *gait_events_from_aux(const tool_args *a, const char *option, const bl_recording *rec, int *rc)
{
    bl_gait_events *all = NULL;
    const char *spec;
    for (size_t i = 0; (spec = tool_args_get_nth(a, option, i)) != NULL; i++) {
        bl_gait_events *one = one_aux(option, spec, rec, rc), *merged = NULL;
        if (!one) {
            bl_gait_events_destroy(all);
            return NULL;
        }
        if (!all) {
            all = one;
            continue;
        }
        bl_status st = bl_gait_events_merge(all, one, &merged);
        bl_gait_events_destroy(all);
        bl_gait_events_destroy(one);
        if (st != BL_OK) {
            *rc = tool_error("%s %s: %s", option, spec, st == BL_ERANGE ? "at most four channels" : bl_strerror(st));
            return NULL;
        }
        all = merged;
    }
    char why[512] = "";
    bl_status st = bl_gait_events_validate(all, bl_recording_duration(rec), why, sizeof why);
    if (st != BL_OK) {
        *rc = tool_error("%s: %s", option, why[0] ? why : bl_strerror(st));
        bl_gait_events_destroy(all);
        return NULL;
    }
    return all;
}
