/* The batch manifest: a CSV with a header line naming its columns, then
 * one row per recording. Paths are relative to the manifest's folder;
 * several MVC trials are separated by ';' in one field, and so are the
 * per-channel values of scale (a list that needs no quotes); a map holds
 * commas, so it is quoted ("L.ST,L.BF"). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "csv.h"
#include "output_file.h"
#include "tool.h"

enum { COL_FILE, COL_SUBJECT, COL_SESSION, COL_TASK, COL_MAP, COL_MVC, COL_EVENTS, COL_SCALE, COL_UNIT, COLS };
static const char *const col_names[COLS] = {"file", "subject", "session", "task", "map",
                                            "mvc",  "events",  "scale",   "unit"};
static const char *const task_names[BATCH_TASKS] = {"hinge", "gait", "envelope", "quality"};
static const char *const task_tables[BATCH_TASKS] = {"hinge.csv", "gait.csv", "envelope_summary.csv",
                                                     "quality.csv"};

#define MAX_FIELDS 32
#define RECORD_MAX 65536

const char *batch_task_name(batch_task t) { return t < BATCH_TASKS ? task_names[t] : "?"; }
const char *batch_task_table(batch_task t) { return t < BATCH_TASKS ? task_tables[t] : "?"; }

const char *batch_status_name(batch_status s)
{
    static const char *const names[] = {"pending", "ok", "skipped", "failed"};
    return s <= BATCH_FAILED ? names[s] : "?";
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* `rel` against the manifest's folder `base` ("" for the current one),
 * unless it is absolute. */
static char *resolve(const char *base, const char *rel)
{
    if (rel[0] == '/' || !base[0]) return dup_str(rel);
    size_t n = strlen(base) + strlen(rel) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", base, rel);
    return p;
}

/* A subject or session names a folder: letters, digits, '.', '_', '-',
 * not starting with '.', at most 64 characters. */
static int folder_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || s[0] == '.') return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '.' ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* The row cannot run: its one error line. Returns 0 (not a failure of the
 * manifest as a whole). */
static int bad_row(batch_row *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad_row(batch_row *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->error, sizeof r->error, fmt, ap);
    va_end(ap);
    r->task = -1;
    return 0;
}

/* The mvc field split on ';' into resolved paths (empty parts skipped),
 * each also kept as written: the row's fingerprint is the manifest's
 * text, which does not change with the folder the batch runs from. */
static int split_mvc(batch_row *r, const char *base)
{
    size_t cap = 1;
    for (const char *s = r->mvc; *s; s++) cap += *s == ';';
    if (!(r->mvc_paths = calloc(cap, sizeof *r->mvc_paths)) || !(r->mvc_rel = calloc(cap, sizeof *r->mvc_rel)) ||
        !(r->mvc_buf = dup_str(r->mvc)))
        return -1;
    char *save = NULL;
    for (char *t = strtok_r(r->mvc_buf, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        r->mvc_rel[r->n_mvc] = t;
        if (!(r->mvc_paths[r->n_mvc++] = resolve(base, t))) return -1;
    }
    return 0;
}

/* scale and unit: calibration for a file that carries none, given to the
 * row's subcommand as --scale (its list is comma-separated: ';' here, so
 * the manifest field needs no quotes) or --unit. */
static int check_calibration(batch_row *r)
{
    if (r->scale[0] && r->unit[0])
        return bad_row(r, "scale and unit both given (give one: unit mV is scale 1000)");
    if (r->unit[0] && strcmp(r->unit, "uV") && strcmp(r->unit, "mV") && strcmp(r->unit, "V"))
        return bad_row(r, "unit \"%s\": expected uV, mV or V", r->unit);
    if (!r->scale[0]) return 0;
    if (!(r->scale_arg = dup_str(r->scale))) return -1;
    for (char *s = r->scale_arg; *s; s++)
        if (*s == ';') *s = ',';
    return 0;
}

/* Everything a good row needs beyond its fields: its task, paths, folder. */
static int check_row(batch_row *r, const batch_manifest *m, const char *base, const char *outdir)
{
    r->task = -1;
    for (int t = 0; t < BATCH_TASKS; t++)
        if (!strcmp(r->task_name, task_names[t])) r->task = t;
    if (!r->file[0]) return bad_row(r, "no file");
    if (r->task < 0) return bad_row(r, "unknown task \"%s\" (hinge, gait, envelope or quality)", r->task_name);
    if (!folder_name_ok(r->subject))
        return bad_row(r, "subject \"%s\": letters, digits, '.', '_' and '-' only (it names a folder)", r->subject);
    if (!folder_name_ok(r->session))
        return bad_row(r, "session \"%s\": letters, digits, '.', '_' and '-' only (it names a folder)", r->session);
    if (r->task == BATCH_GAIT && !r->events[0]) return bad_row(r, "a gait row needs events (an events CSV, or markers)");
    for (size_t i = 0; i + 1 < m->n; i++) { /* rows before this one */
        const batch_row *o = &m->rows[i];
        if (o->task == r->task && !strcmp(o->subject, r->subject) && !strcmp(o->session, r->session)) {
            return bad_row(r, "the same subject, session and task as row %zu (one row each: they name its folder)",
                           o->row);
        }
    }
    if (check_calibration(r) != 0) return -1;
    if (r->task < 0) return 0; /* a bad scale or unit: check_calibration said it */
    if (!(r->file_path = resolve(base, r->file)) || split_mvc(r, base)) return -1;
    if (r->task == BATCH_GAIT &&
        !(r->events_path = strcmp(r->events, "markers") ? resolve(base, r->events) : dup_str("markers")))
        return -1;
    size_t n = strlen(outdir) + strlen(r->subject) + strlen(r->session) + strlen(r->task_name) + 4;
    if (!(r->dir = malloc(n))) return -1;
    snprintf(r->dir, n, "%s/%s/%s/%s", outdir, r->subject, r->session, r->task_name);
    r->rel_dir = r->dir + strlen(outdir) + 1;
    return 0;
}

/* The header: which column each field is. 0, or 1 after one error line. */
static int read_header(const char *path, char **field, size_t n, int col_of[MAX_FIELDS])
{
    int seen[COLS] = {0};
    for (size_t i = 0; i < n; i++) {
        col_of[i] = -1;
        for (int c = 0; c < COLS; c++)
            if (!strcmp(field[i], col_names[c])) col_of[i] = c;
        if (col_of[i] < 0)
            return tool_error("%s: line 1: unknown column \"%s\" (file, subject, session, task, map, mvc, "
                              "events, scale, unit)", path, field[i]);
        if (seen[col_of[i]]++) return tool_error("%s: line 1: column \"%s\" given twice", path, field[i]);
    }
    for (int c = 0; c <= COL_TASK; c++)
        if (!seen[c]) return tool_error("%s: line 1: no \"%s\" column (the header needs file, subject, session and "
                                        "task)", path, col_names[c]);
    return 0;
}

char *batch_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b) free(buf);
            buf = b;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (err || !buf) {
        free(buf);
        if (!err) errno = ENOMEM;
        return NULL;
    }
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

/* One data record into the next row: its fields, then its checks. */
static int add_row(batch_manifest *m, char **field, size_t n, const int *col_of, size_t n_cols, int parsed,
                   const char *why, size_t line, const char *base, const char *outdir)
{
    batch_row *r = &m->rows[m->n++];
    memset(r, 0, sizeof *r);
    r->row = m->n;
    r->line = line;
    r->exit_code = -1;
    char *val[COLS] = {NULL};
    for (size_t i = 0; parsed > 0 && i < n && i < n_cols; i++) val[col_of[i]] = field[i];
    char **dst[COLS] = {&r->file, &r->subject, &r->session, &r->task_name, &r->map,
                        &r->mvc,  &r->events,  &r->scale,   &r->unit};
    for (int c = 0; c < COLS; c++)
        if (!(*dst[c] = dup_str(val[c] ? val[c] : ""))) return -1;
    if (parsed < 0) return bad_row(r, "malformed line: %s", why);
    if (n != n_cols) return bad_row(r, "malformed line: %zu fields, the header has %zu", n, n_cols);
    return check_row(r, m, base, outdir);
}

int batch_manifest_load(const char *path, const char *outdir, batch_manifest *m)
{
    memset(m, 0, sizeof *m);
    size_t len = 0, pos = 0, line = 1, n, cap = 0;
    char *text = batch_read_file(path, &len);
    if (!text) return tool_error("%s: cannot read: %s", path, strerror(errno ? errno : EIO));
    char *buf = malloc(RECORD_MAX), *field[MAX_FIELDS], *slash = strrchr(path, '/');
    char base[TOOL_PATH_MAX] = "";
    if (slash) snprintf(base, sizeof base, "%.*s", (int)(slash - path) + (slash == path), path);
    const char *why = NULL;
    int col_of[MAX_FIELDS], rc = 0;
    int got = buf ? tool_csv_record(text, len, &pos, &line, buf, RECORD_MAX, field, MAX_FIELDS, &n, &why) : -2;
    if (got == 0) rc = tool_error("%s: empty (a header line file,subject,session,task,... comes first)", path);
    else if (got == -1) rc = tool_error("%s: line 1: %s", path, why);
    else if (got == -2) rc = tool_error("out of memory");
    else rc = read_header(path, field, n, col_of);
    size_t n_cols = rc ? 0 : n;
    while (rc == 0) {
        size_t at = line;
        if ((got = tool_csv_record(text, len, &pos, &line, buf, RECORD_MAX, field, MAX_FIELDS, &n, &why)) == 0) break;
        if (got > 0 && n == 1 && !field[0][0]) continue; /* a blank line */
        if (m->n == cap) {
            batch_row *rows = realloc(m->rows, (cap = cap ? 2 * cap : 64) * sizeof *rows);
            if (!rows) {
                rc = tool_error("out of memory");
                break;
            }
            m->rows = rows;
        }
        if (add_row(m, field, n, col_of, n_cols, got, why, at, base, outdir) != 0) rc = tool_error("out of memory");
    }
    if (rc == 0 && m->n == 0) rc = tool_error("%s: no rows after the header", path);
    free(buf);
    free(text);
    if (rc) batch_manifest_free(m);
    return rc;
}

void batch_manifest_free(batch_manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        batch_row *r = &m->rows[i];
        free(r->file), free(r->subject), free(r->session), free(r->task_name), free(r->map), free(r->mvc);
        free(r->events), free(r->scale), free(r->unit), free(r->scale_arg);
        free(r->file_path), free(r->events_path), free(r->dir);
        for (size_t k = 0; k < r->n_mvc; k++) free(r->mvc_paths[k]);
        free(r->mvc_paths), free(r->mvc_rel), free(r->mvc_buf);
    }
    free(m->rows);
    memset(m, 0, sizeof *m);
}
