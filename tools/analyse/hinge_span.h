/* `backline-analyse hinge --between-markers A,B` (hinge_span.c): the span of
 * a session between two of its markers, analysed on its own, with every
 * time the tool reports put back on the file's clock. */
#ifndef HINGE_SPAN_H
#define HINGE_SPAN_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "backline/recording.h"

typedef struct hinge_span {
    size_t from, to;          /* marker numbers as `info` lists them (1-based) */
    bl_marker a, b;           /* the markers */
    double t0_s;              /* where the span starts in the file (seconds) */
} hinge_span;

/* Parse "A,B" (marker numbers, A < B) and cut `*rec` to the frames between
 * the two markers, replacing it. 0; 2 after a usage line (the syntax); 1
 * after an error line (no such marker, an empty span). */
int hinge_span_cut(const char *spec, const char *path, bl_recording **rec, hinge_span *span);
/* The report's times (repetitions, phases, onsets, a session-peak
 * reference's window) shifted by span->t0_s, and a "between_markers"
 * object saying what was analysed. 0, or 1 after an error line. */
int hinge_span_apply(cJSON *doc, const hinge_span *span);

#endif
