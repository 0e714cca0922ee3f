/* Fuzz target: the gait events CSV (bl_gait_events_parse_csv) and the
 * footswitch detector (bl_gait_events_from_footswitch). What the parser
 * accepted is checked against the rules it documents: sorted times inside
 * the recording, known sides and kinds, and cycles that can be found; a
 * refusal has a documented code and a one-line reason. The same bytes
 * read as float samples go through the footswitch detector, whose events
 * must alternate and lie within the signal, and the knee-angle estimator,
 * whose events must be in strict time order within the signal. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backline/gait.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DURATION_S 10.0

static void check_refusal(bl_status st, const char *why)
{
    if (st != BL_EFORMAT && st != BL_EINVAL && st != BL_ERANGE && st != BL_ENODATA) abort();
    if (!why[0] || strchr(why, '\n')) abort();
}

static void check_set(const bl_gait_events *ev)
{
    size_t n = bl_gait_events_count(ev);
    double prev = -1;
    for (size_t i = 0; i < n; i++) {
        bl_gait_event e;
        if (bl_gait_events_get(ev, i, &e) != BL_OK) abort();
        if (!(e.time_s >= 0 && e.time_s <= DURATION_S) || e.time_s < prev) abort();
        if ((int)e.side < BL_SIDE_NONE || e.side > BL_SIDE_RIGHT) abort();
        if (e.kind != BL_GAIT_TOUCHDOWN && e.kind != BL_GAIT_LIFTOFF) abort();
        prev = e.time_s;
    }
    bl_gait_cycle_config cfg;
    bl_gait_cycle_config_default(&cfg);
    size_t nc = 0;
    bl_gait_cycle c[8];
    if (bl_gait_find_cycles(ev, &cfg, c, 8, &nc) != BL_OK || nc == 0) abort(); /* two touchdowns of a side */
    for (size_t k = 0; k < nc && k < 8; k++) {
        if (!(c[k].start_s < c[k].end_s)) abort();
        if (c[k].state == BL_GAIT_CYCLE_KEPT && !(c[k].liftoff_s > c[k].start_s && c[k].liftoff_s < c[k].end_s))
            abort();
    }
}

static void footswitch(const uint8_t *data, size_t size)
{
    size_t n = size / sizeof(float);
    if (!n) return;
    float *x = malloc(n * sizeof *x);
    if (!x) return;
    memcpy(x, data, n * sizeof *x);
    bl_gait_footswitch_config cfg;
    bl_gait_footswitch_config_default(&cfg);
    bl_gait_events *ev = NULL;
    char why[256] = "";
    bl_status st = bl_gait_events_from_footswitch(x, n, 100.0, BL_SIDE_LEFT, 0, &cfg, &ev, why, sizeof why);
    if (st == BL_OK) {
        int last = -1;
        for (size_t i = 0; i < bl_gait_events_count(ev); i++) {
            bl_gait_event e;
            bl_gait_events_get(ev, i, &e);
            if ((int)e.kind == last || !(e.time_s >= 0 && e.time_s < (double)n / 100.0)) abort();
            last = (int)e.kind;
        }
    } else if (st != BL_ENONFINITE && st != BL_ENODATA) {
        abort();
    }
    bl_gait_events_destroy(ev);
    /* The knee estimator: times strictly increasing, inside the signal. */
    bl_gait_knee_config kc;
    bl_gait_knee_config_default(&kc);
    ev = NULL;
    st = bl_gait_events_from_knee(x, n, 100.0, BL_SIDE_RIGHT, 0, &kc, &ev, why, sizeof why);
    if (st == BL_OK) {
        double prev = -1;
        for (size_t i = 0; i < bl_gait_events_count(ev); i++) {
            bl_gait_event e;
            bl_gait_events_get(ev, i, &e);
            if (!(e.time_s > prev) || !(e.time_s < (double)n / 100.0)) abort();
            prev = e.time_s;
        }
    } else if (st != BL_ENONFINITE && st != BL_ENODATA && st != BL_EINVAL) {
        abort();
    }
    bl_gait_events_destroy(ev);
    free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    bl_gait_events *ev = NULL;
    char why[256] = "";
    bl_status st = bl_gait_events_parse_csv(text, DURATION_S, &ev, why, sizeof why);
    if (st == BL_OK) check_set(ev);
    else check_refusal(st, why);
    if (st != BL_OK && ev) abort();
    bl_gait_events_destroy(ev);
    free(text);
    footswitch(data, size);
    return 0;
}
