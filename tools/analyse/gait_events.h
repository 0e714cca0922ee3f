/* Events for `backline-analyse gait` (gait_events.c). */
#ifndef GAIT_EVENTS_H
#define GAIT_EVENTS_H

#include "backline/gait.h"
#include "backline/recording.h"
#include "tool.h"

/* The events CSV at `path`, parsed and validated against rec; NULL after
 * one error line naming the file (and the line in it). */
bl_gait_events *gait_events_from_file(const char *path, const bl_recording *rec);
/* The events the recording's markers give (a capture's digit keys): "1"
 * touchdown and "2" lift-off of the right leg, "3" and "4" of the left;
 * other markers are not events. Validated against rec; NULL after one
 * error line naming `path`. */
bl_gait_events *gait_events_from_markers(const char *path, const bl_recording *rec);
/* Every `option` ("--footswitch" or "--knee") given: each AUX channel's
 * events, merged and validated; NULL after one line (*rc 2 for a usage
 * error, else 1). */
bl_gait_events *gait_events_from_aux(const tool_args *a, const char *option, const bl_recording *rec, int *rc);

#endif
