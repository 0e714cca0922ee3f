/* backline-analyse batch: a manifest of recordings, each row run as its
 * own child process of this executable (so a crash or a bad file in one
 * row cannot take the others down), then one tidy table per task across
 * the rows and a status table.
 *
 *   batch_manifest.c  the manifest: CSV with a header, one row per recording
 *   batch_run.c       a row's command line, its child process, its state file
 *   batch_merge.c     the merged tables and batch_status.csv
 *   cmd_batch.c       the subcommand: options, which rows run, the order
 *
 * A row's folder is OUTDIR/<subject>/<session>/<task>; in it the
 * subcommand's own reports, its stdout.txt and stderr.txt, and last
 * batch_row.txt, the row's state: its status, exit code and error line,
 * and the fingerprint of its inputs (the manifest's fields as written,
 * each input's size and modification time), by which --resume and
 * --merge know a row whose outputs are complete. */
#ifndef ANALYSE_BATCH_H
#define ANALYSE_BATCH_H

#include <stddef.h>
#include <sys/types.h>

typedef enum batch_task { BATCH_HINGE, BATCH_GAIT, BATCH_ENVELOPE, BATCH_QUALITY, BATCH_TASKS } batch_task;

/* "hinge", ...; and the name of the row's tidy table (the one merged
 * across rows), "hinge.csv". */
const char *batch_task_name(batch_task t);
const char *batch_task_table(batch_task t);

typedef enum batch_status { BATCH_PENDING, BATCH_OK, BATCH_SKIPPED, BATCH_FAILED } batch_status;
/* "pending", "ok", "skipped", "failed": the status table's words. */
const char *batch_status_name(batch_status s);

typedef struct batch_row {
    size_t row, line;        /* data row from 1; the manifest line it starts on */
    /* The fields as the manifest gives them (empty strings when absent). */
    char *file, *subject, *session, *task_name, *map, *mvc, *events, *scale, *unit;
    int task;                /* a batch_task, -1 when the row is bad */
    /* Inputs resolved against the manifest's folder. */
    char *file_path, *events_path;  /* events_path NULL without events; "markers" kept as is */
    char **mvc_paths;
    char **mvc_rel;          /* each trial as the manifest writes it (into mvc_buf) */
    char *mvc_buf;
    size_t n_mvc;
    char *scale_arg;         /* scale with ';' made ',' (--scale's list); NULL without scale */
    char *dir;               /* OUTDIR/subject/session/task; NULL for a bad row */
    const char *rel_dir;     /* subject/session/task inside dir */
    /* The outcome. */
    batch_status status;
    int exit_code;           /* -1: never started */
    char error[512];         /* the one error line; "" when ok */
    pid_t pid;
} batch_row;

typedef struct batch_manifest {
    batch_row *rows;
    size_t n;
} batch_manifest;

/* Read MANIFEST: a header naming the columns (file, subject, session and
 * task required; map, mvc, events, scale, unit optional; any order; no
 * other names),
 * then one row per recording. A row that cannot run (a malformed record,
 * a missing required field, an unknown task, a subject or session that
 * cannot name a folder, a subject/session/task already given) gets its
 * error and task -1; the others their paths and folder under outdir.
 * 0, or 1 after one error line (unreadable, empty, a bad header). */
int batch_manifest_load(const char *path, const char *outdir, batch_manifest *m);
void batch_manifest_free(batch_manifest *m);
/* A whole file, NUL-terminated (its length in *len when len is not NULL);
 * NULL with errno when it cannot be read. */
char *batch_read_file(const char *path, size_t *len);

/* The row's command line for this executable: argv[0] "backline-analyse",
 * the subcommand, its inputs and options, the outputs in its folder;
 * NULL-terminated in argv[0..max). The strings are the row's or static,
 * except those written into `storage` (out_len bytes). 0, or -1 when it
 * does not fit. */
int batch_row_argv(const batch_row *r, char **argv, size_t max, char *storage, size_t storage_len);
/* Whether a row's outputs are complete from an earlier run: its state file
 * says ok, for the same inputs (the same fields as the manifest writes
 * them, the same sizes and modification times; not the paths as resolved,
 * which depend on how the manifest's path was typed), and every output is
 * there. */
int batch_row_complete(const batch_row *r);
/* Start the row's child (its folder made, the previous run's state and
 * reports removed, stdout and stderr into it): 0 with r->pid set, or -1
 * with r->error said. `exe` is this executable. */
int batch_row_start(batch_row *r, const char *exe);
/* After the child ended with wait status `ws`: the status, exit code, the
 * error line from its stderr, and the state file written. */
void batch_row_finish(batch_row *r, int ws);
/* The state file of a row not run here (--merge): ok when complete,
 * else failed with the error it recorded (or "not run"). */
void batch_row_read_state(batch_row *r);

/* OUTDIR/<task table> for every task with a row ok or skipped, and
 * OUTDIR/batch_status.csv, all put in place together; then the table of a
 * task with no such row is removed (an earlier run's, which the status
 * would contradict). 0, or 1 after one error line. */
int batch_merge(const batch_manifest *m, const char *outdir, int quiet);

#endif
