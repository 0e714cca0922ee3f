/* Report writers of `backline-analyse hinge`: one file each for JSON
 * (report_json.c, also the data model the HTML report embeds), CSV
 * (report_csv.c) and the self-contained HTML page (report_html.c). */
#ifndef HINGE_REPORT_H
#define HINGE_REPORT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "backline/hinge.h"
#include "output_file.h"

typedef struct hinge_report {
    const char *session_path;
    const char *const *mvc_paths; /* n_mvc paths, in the order given */
    size_t n_mvc;
    const bl_hinge *h;
    double t0_s;                  /* the analysed span's start in the file (--between-markers); 0 */
} hinge_report;

/* The whole report as a JSON document (caller owns it); NULL when out of
 * memory. NaN values become null. */
cJSON *hinge_report_json(const hinge_report *r);
/* Decimated %MVC envelopes for plotting: {"rate_hz": R, "t0_s": 0,
 * "channels": {"L.ST": [..], ...}}. */
cJSON *hinge_report_envelopes_json(const hinge_report *r, double rate_hz);

/* Each writes its report into an output (begun here, output_file.h),
 * complete and closed but not in place: cmd_hinge commits the reports
 * together once all are written. On failure one error line, that output
 * aborted, and 1; 0 on success. */
int hinge_write_json(tool_output *o, const cJSON *doc);
int hinge_write_csv(tool_output *o, const hinge_report *r);
int hinge_write_html(tool_output *o, const hinge_report *r, const cJSON *doc);

/* Helpers shared by the writers (gait's too). */
void hinge_json_number(cJSON *obj, const char *key, double v); /* null for NaN/inf */
/* A self-contained page into an output (begun here, closed, not in
 * place): head, `data` as JSON inside the page's <script> element ("</"
 * and "<!" escaped so it cannot end early), tail. One error line, the
 * output aborted and 1 on failure; 0 on success. */
int hinge_html_write_page(tool_output *o, const char *head, const cJSON *data, const char *tail);

#endif
