/* `backline-analyse batch MANIFEST.csv -o OUTDIR`: every row of a manifest
 * through its subcommand, each as a child process of this executable, up
 * to --threads at once; then the merged tables (batch_merge.c). The rows'
 * processes share nothing but OUTDIR: a row that crashes or fails costs
 * only itself. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch.h"
#include "commands.h"
#include "output_file.h"
#include "tool.h"

static const char batch_help[] =
    "usage: backline-analyse batch MANIFEST.csv -o OUTDIR [--threads N] [--resume] [--quiet]\n"
    "                              [--rows A[-B]] [--merge]\n"
    "\n"
    "Runs every row of MANIFEST.csv through its subcommand, each row a process of its own\n"
    "(a crash or a bad file in one row costs only that row), then writes one tidy table per\n"
    "task across the rows and a status table.\n"
    "\n"
    "MANIFEST.csv: a header line, then one row per recording (RFC 4180 CSV: quote a field\n"
    "that holds commas, such as a map; LF or CRLF). Columns, in any order:\n"
    "  file      the recording (required)\n"
    "  subject   names a folder: letters, digits, '.', '_', '-' (required)\n"
    "  session   the same (required)\n"
    "  task      hinge, gait, envelope or quality (required)\n"
    "  map       channel map, e.g. \"L.ST,L.BF\" (empty: the map stored in the file)\n"
    "  mvc       MVC trials for hinge and gait, several separated by ';'\n"
    "  events    gait only, required there: an events CSV (time_s,side,event) or markers\n"
    "  scale     uV per unit for a file that carries no calibration: one value, or one per\n"
    "            channel separated by ';' (the row's --scale)\n"
    "  unit      instead of scale, the unit the file's samples are in: uV, mV or V (the\n"
    "            row's --unit); a file with its own gains refuses scale and unit\n"
    "Paths are relative to the manifest's folder. One row per subject, session and task.\n"
    "\n"
    "Each row's reports go to OUTDIR/SUBJECT/SESSION/TASK/: hinge.json, hinge.csv,\n"
    "hinge.html; gait.json, gait.csv, gait.html; envelope.csv, envelope_summary.csv;\n"
    "quality.json, quality.csv; with the row's stdout.txt and stderr.txt, and last\n"
    "batch_row.txt (its status, its fields as the manifest writes them, and the size and\n"
    "time of each input). Then in OUTDIR:\n"
    "hinge.csv, gait.csv, quality.csv, envelope_summary.csv (every row's table behind the\n"
    "columns file,subject,session) and batch_status.csv (row, line, file, subject,\n"
    "session, task, status ok|skipped|failed, exit_code, error, dir). The columns are\n"
    "documented in schemas/columns.csv.\n"
    "\n"
    "  -o OUTDIR      the output folder (made if missing; its parent must exist)\n"
    "  --threads N    rows at once (default: one per core); each row filters on one thread\n"
    "                 and holds its recording (hinge: about 150 MB per 10 minutes at 2 kHz)\n"
    "  --resume       skip rows whose outputs are complete for the same inputs (the same\n"
    "                 fields, sizes and modification times; however the manifest's path is\n"
    "                 typed); failed and changed rows run again\n"
    "  --rows A[-B]   only rows A to B (from 1; the header is not a row), without the merged\n"
    "                 tables: one job of a cluster array; then --merge\n"
    "  --merge        run nothing: the merged tables and status from what the rows left in\n"
    "                 OUTDIR (after --rows jobs, or a run copied together)\n"
    "  --quiet        no line per row on stdout, no \"replacing\" lines\n"
    "\n"
    "A bad row is one line on stderr and the status 1 at the end, once every other row has\n"
    "run (batch_status.csv says which and why).\n";

/* "A" or "A-B", 1 <= A <= B. */
static int parse_rows(const char *s, size_t *a, size_t *b)
{
    char first[32];
    const char *dash = strchr(s, '-');
    size_t n = dash ? (size_t)(dash - s) : strlen(s);
    uint64_t x, y;
    if (n == 0 || n >= sizeof first) return -1;
    memcpy(first, s, n);
    first[n] = '\0';
    if (tool_parse_u64(first, &x) || x == 0) return -1;
    if (dash ? tool_parse_u64(dash + 1, &y) : (y = x, 0)) return -1;
    if (y < x) return -1;
    *a = (size_t)x;
    *b = (size_t)y;
    return 0;
}

typedef struct batch_opts {
    const char *manifest, *outdir;
    long threads;
    int resume, quiet, merge_only, ranged;
    size_t first, last;
} batch_opts;

static int parse_opts(int argc, char **argv, batch_opts *o)
{
    static const tool_opt_spec spec[] = {{"-o", 1, 0},      {"--threads", 1, 0}, {"--resume", 0, 0},
                                         {"--quiet", 0, 0}, {"--rows", 1, 0},    {"--merge", 0, 0},
                                         {"--help", 0, 0},  {"-h", 0, 0},        {NULL, 0, 0}};
    tool_args a;
    int rc = tool_args_parse(argc, argv, spec, &a);
    if (rc) return rc;
    if (tool_args_has(&a, "--help") || tool_args_has(&a, "-h")) {
        /* Not tool_print_exit_status: a batch says one line per bad row,
         * not one line for the run. */
        fputs(batch_help, stdout);
        fputs("\nExit status:\n"
              "  0  success (every row ran and its outputs are complete)\n"
              "  1  an error: one line on stderr per bad row (the others still run), or one line\n"
              "     for a manifest that cannot be read or an output that cannot be written\n"
              "  2  a usage error (an unknown option, a bad value), said in one line on stderr\n",
              stdout);
        return -1;
    }
    if (a.n_pos != 1) return tool_usage_error("batch needs exactly one MANIFEST.csv (see batch --help)");
    /* The rows' paths are relative to the manifest's folder, and --resume
     * and --merge read it again: it must be a file. */
    if (!strcmp(a.pos[0], "-"))
        return tool_usage_error("batch -: the manifest must be a file (standard input is not supported)");
    memset(o, 0, sizeof *o);
    o->manifest = a.pos[0];
    if (!(o->outdir = tool_args_get(&a, "-o"))) return tool_usage_error("batch needs -o OUTDIR");
    if (!strcmp(o->outdir, "-")) return tool_usage_error("-o -: batch writes a folder, not standard output");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = cores > 0 ? cores : 1;
    const char *v = tool_args_get(&a, "--threads");
    int t;
    if (v && (tool_parse_int(v, &t) || t < 1 || t > 1024))
        return tool_usage_error("--threads %s: expected a number of rows at once, 1 to 1024", v);
    if (v) o->threads = t;
    o->resume = tool_args_has(&a, "--resume");
    o->quiet = tool_args_has(&a, "--quiet");
    o->merge_only = tool_args_has(&a, "--merge");
    if ((v = tool_args_get(&a, "--rows"))) {
        if (parse_rows(v, &o->first, &o->last)) return tool_usage_error("--rows %s: expected A or A-B, 1 <= A <= B", v);
        o->ranged = 1;
    }
    if (o->ranged && o->merge_only) return tool_usage_error("--rows and --merge: run the rows, then merge apart");
    return 0;
}

static void say_failed(const batch_row *r)
{
    tool_error("batch row %zu (line %zu%s%s): %s", r->row, r->line, r->rel_dir ? ", " : "",
               r->rel_dir ? r->rel_dir : "", r->error);
}

static void row_done(const batch_row *r, const batch_opts *o)
{
    if (r->status == BATCH_FAILED) say_failed(r);
    else if (!o->quiet) printf("row %zu %s: %s\n", r->row, batch_status_name(r->status), r->rel_dir);
    if (!o->quiet) fflush(stdout);
}

/* Up to o->threads children at once, in manifest order. */
static void run_rows(batch_manifest *m, const batch_opts *o, const char *exe, const char *todo)
{
    size_t next = 0, running = 0;
    for (;;) {
        while ((long)running < o->threads && next < m->n) {
            batch_row *r = &m->rows[next++];
            if (!todo[r->row - 1]) continue;
            if (batch_row_start(r, exe) == 0) running++;
            else row_done(r, o);
        }
        if (running == 0) break;
        int ws;
        pid_t pid = waitpid(-1, &ws, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (size_t i = 0; i < m->n; i++)
            if (m->rows[i].status == BATCH_PENDING && m->rows[i].pid == pid) {
                batch_row_finish(&m->rows[i], ws);
                row_done(&m->rows[i], o);
                running--;
            }
    }
}

/* Which rows this invocation runs (todo), and the outcome of the others
 * in range: bad rows failed, complete ones skipped (--resume) or read
 * back (--merge). */
static void plan_rows(batch_manifest *m, const batch_opts *o, char *todo)
{
    for (size_t i = 0; i < m->n; i++) {
        batch_row *r = &m->rows[i];
        if (o->ranged && (r->row < o->first || r->row > o->last)) continue;
        if (r->task < 0) {
            r->status = BATCH_FAILED;
            row_done(r, o);
        } else if (o->merge_only) {
            batch_row_read_state(r);
            if (r->status == BATCH_FAILED) say_failed(r);
        } else if (o->resume && batch_row_complete(r)) {
            r->status = BATCH_SKIPPED;
            r->exit_code = 0;
            row_done(r, o);
        } else
            todo[i] = 1;
    }
}

int cmd_batch(int argc, char **argv)
{
    batch_opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return tool_error("cannot find this executable (/proc/self/exe): %s", strerror(errno));
    exe[n] = '\0';
    batch_manifest m;
    if (batch_manifest_load(o.manifest, o.outdir, &m) != 0) return 1;
    if (mkdir(o.outdir, 0777) != 0 && errno != EEXIST) {
        batch_manifest_free(&m);
        return tool_error("-o %s: cannot make the folder: %s", o.outdir, strerror(errno));
    }
    if (o.ranged && o.first > m.n) {
        batch_manifest_free(&m);
        return tool_usage_error("--rows %zu-%zu: the manifest has %zu rows", o.first, o.last, m.n);
    }
    char *todo = calloc(m.n, 1);
    if (!todo) {
        batch_manifest_free(&m);
        return tool_error("out of memory");
    }
    plan_rows(&m, &o, todo);
    run_rows(&m, &o, exe, todo);
    size_t count[4] = {0};
    for (size_t i = 0; i < m.n; i++)
        if (!o.ranged || (m.rows[i].row >= o.first && m.rows[i].row <= o.last)) count[m.rows[i].status]++;
    rc = o.ranged ? 0 : batch_merge(&m, o.outdir, o.quiet);
    if (!o.quiet)
        printf("batch: %zu ok, %zu skipped, %zu failed%s%s\n", count[BATCH_OK], count[BATCH_SKIPPED],
               count[BATCH_FAILED] + count[BATCH_PENDING], o.ranged ? "" : "; tables in ", o.ranged ? "" : o.outdir);
    if (rc == 0 && (count[BATCH_FAILED] || count[BATCH_PENDING])) rc = 1;
    free(todo);
    batch_manifest_free(&m);
    return rc;
}
