/* The tables a batch leaves in OUTDIR: per task, the rows' tidy tables
 * one after the other with file, subject and session first (the header
 * once: every row's must be the same), and batch_status.csv, one line per
 * manifest row. Written together: all appear whole, or none; a task with
 * no ok row has no table (an earlier run's is removed). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "csv.h"
#include "output_file.h"
#include "tool.h"

static int row_done(const batch_row *r) { return r->status == BATCH_OK || r->status == BATCH_SKIPPED; }

static void key_cells(FILE *f, const batch_row *r)
{
    tool_csv_text(f, r->file);
    fputc(',', f);
    tool_csv_text(f, r->subject);
    fputc(',', f);
    tool_csv_text(f, r->session);
    fputc(',', f);
}

/* One row's table into the merged one, each line behind its key. */
static int append_rows(FILE *out, const batch_row *r, char **header, size_t *header_len)
{
    char path[TOOL_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", r->dir, batch_task_table((batch_task)r->task));
    size_t len = 0;
    char *text = batch_read_file(path, &len);
    if (!text) return tool_error("row %zu: cannot read %s: %s", r->row, path, strerror(errno ? errno : EIO));
    size_t end = 0;
    while (end < len && text[end] != '\n') end++;
    if (!*header) {
        *header = text;
        *header_len = end;
        fputs("file,subject,session,", out);
        fwrite(text, 1, end, out);
        fputc('\n', out);
    } else if (end != *header_len || memcmp(text, *header, end)) {
        free(text);
        return tool_error("row %zu: %s has other columns than the first row's table", r->row, path);
    }
    for (size_t p = end + 1; p < len;) {
        size_t e = p;
        while (e < len && text[e] != '\n') e++;
        if (e > p) {
            key_cells(out, r);
            fwrite(text + p, 1, e - p, out);
            fputc('\n', out);
        }
        p = e + 1;
    }
    if (text != *header) free(text);
    return 0;
}

static int write_task(tool_output *o, const batch_manifest *m, batch_task t)
{
    FILE *f = tool_output_open(o);
    if (!f) return tool_error("%s: cannot write: %s", o->path, strerror(errno));
    char *header = NULL;
    size_t header_len = 0;
    int rc = 0;
    for (size_t i = 0; i < m->n && rc == 0; i++)
        if (m->rows[i].task == (int)t && row_done(&m->rows[i])) rc = append_rows(f, &m->rows[i], &header, &header_len);
    free(header);
    if (tool_output_close(o) != 0 && rc == 0) rc = tool_error("%s: write failed (disk full?)", o->path);
    return rc;
}

static int write_status(tool_output *o, const batch_manifest *m)
{
    FILE *f = tool_output_open(o);
    if (!f) return tool_error("%s: cannot write: %s", o->path, strerror(errno));
    fputs("row,line,file,subject,session,task,status,exit_code,error,dir\n", f);
    for (size_t i = 0; i < m->n; i++) {
        const batch_row *r = &m->rows[i];
        fprintf(f, "%zu,%zu,", r->row, r->line);
        key_cells(f, r);
        tool_csv_text(f, r->task_name);
        fprintf(f, ",%s,", batch_status_name(r->status));
        if (r->exit_code >= 0) fprintf(f, "%d", r->exit_code);
        fputc(',', f);
        tool_csv_text(f, r->error);
        fputc(',', f);
        tool_csv_text(f, r->rel_dir ? r->rel_dir : "");
        fputc('\n', f);
    }
    if (tool_output_close(o) != 0) return tool_error("%s: write failed (disk full?)", o->path);
    return 0;
}

int batch_merge(const batch_manifest *m, const char *outdir, int quiet)
{
    tool_output outs[BATCH_TASKS + 1];
    char paths[BATCH_TASKS + 1][TOOL_PATH_MAX];
    size_t n = 0;
    int rc = 0;
    for (int t = 0; t < BATCH_TASKS && rc == 0; t++) {
        int any = 0;
        for (size_t i = 0; i < m->n; i++) any |= m->rows[i].task == t && row_done(&m->rows[i]);
        if (!any) continue;
        snprintf(paths[n], sizeof paths[n], "%s/%s", outdir, batch_task_table((batch_task)t));
        tool_output_init(&outs[n], "-o", paths[n]);
        outs[n].quiet = quiet;
        rc = write_task(&outs[n++], m, (batch_task)t);
    }
    if (rc == 0) {
        snprintf(paths[n], sizeof paths[n], "%s/batch_status.csv", outdir);
        tool_output_init(&outs[n], "-o", paths[n]);
        outs[n].quiet = quiet;
        rc = write_status(&outs[n++], m);
    }
    if (rc != 0) {
        tool_outputs_abort(outs, n);
        return rc;
    }
    if ((rc = tool_outputs_commit(outs, n)) != 0) return rc;
    /* A task none of whose rows is ok has no table: one left by an earlier
     * run would hold rows the status now calls failed. */
    for (int t = 0; t < BATCH_TASKS; t++) {
        int any = 0;
        for (size_t i = 0; i < m->n; i++) any |= m->rows[i].task == t && row_done(&m->rows[i]);
        char path[TOOL_PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", outdir, batch_task_table((batch_task)t));
        if (any) continue;
        if (unlink(path) == 0) {
            if (!quiet) fprintf(stderr, "%s: removing %s (no %s row is ok)\n", tool_name(), path,
                                batch_task_name((batch_task)t));
        } else if (errno != ENOENT)
            return tool_error("%s: cannot remove the previous run's table: %s", path, strerror(errno));
    }
    return 0;
}
