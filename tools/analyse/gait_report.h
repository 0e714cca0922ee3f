/* Report writers of `backline-analyse gait`: the JSON document and the
 * tidy CSV, one row per cycle x muscle x point (gait_report.c), and the
 * HTML page (gait_html.c). */
#ifndef GAIT_REPORT_H
#define GAIT_REPORT_H

#include <cjson/cJSON.h>

#include "backline/gait.h"
#include "output_file.h"

typedef struct gait_report {
    const char *session_path;
    const char *events_path;  /* NULL when the events came from a footswitch */
    const bl_gait *g;
} gait_report;

/* The whole report (caller owns it); NULL when out of memory. NaN values
 * become null. */
cJSON *gait_report_json(const gait_report *r);

/* Each writes its report into an output (begun here), complete and closed
 * but not in place: cmd_gait commits them together. On failure one error
 * line, that output aborted, and 1; 0 on success. */
int gait_write_json(tool_output *o, const cJSON *doc);
int gait_write_csv(tool_output *o, const gait_report *r);
/* The self-contained page (gait_html.c), the JSON document embedded. */
int gait_write_html(tool_output *o, const gait_report *r, const cJSON *doc);

#endif
