/* Report writers of `backline-analyse hinge`: one file each for JSON
 * (report_json.c, also what the HTML report's tables read), CSV
 * (report_csv.c) and the self-contained HTML page (hinge_html.c, in the
 * reports' design of html_page.h, figures from hinge_figures.c). */
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

/* Each writes its report into an output (begun here, output_file.h),
 * complete and closed but not in place: cmd_hinge commits the reports
 * together once all are written. On failure one error line, that output
 * aborted, and 1; 0 on success. */
int hinge_write_json(tool_output *o, const cJSON *doc);
int hinge_write_csv(tool_output *o, const hinge_report *r);
int hinge_write_html(tool_output *o, const hinge_report *r, const cJSON *doc);

/* Helpers shared by the writers (gait's too). */
void hinge_json_number(cJSON *obj, const char *key, double v); /* null for NaN/inf */

#endif
