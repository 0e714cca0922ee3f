/* One batch row: its command line, its child process (this executable,
 * no shell: posix_spawn), and its state file. The child writes its own
 * reports atomically; the state file, written last, is what --resume and
 * --merge read. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch.h"
#include "output_file.h"
#include "tool.h"

extern char **environ;

#define STATE_FILE "batch_row.txt"

/* The outputs of each task's subcommand, in its folder. */
static const char *const outputs[BATCH_TASKS][4] = {
    {"hinge.json", "hinge.csv", "hinge.html", NULL},
    {"gait.json", "gait.csv", "gait.html", NULL},
    {"envelope.csv", "envelope_summary.csv", NULL, NULL},
    {"quality.json", "quality.csv", NULL, NULL},
};
/* The option that names each of those outputs. */
static const char *const output_opts[BATCH_TASKS][4] = {
    {"--json", "--csv", "--html", NULL},
    {"--json", "--csv", "--html", NULL},
    {"-o", "--summary", NULL, NULL},
    {"--json", "--csv", NULL, NULL},
};

/* argv[n++] = a (and b when not NULL), keeping room for the NULL. */
static int push(char **argv, size_t *n, size_t max, const char *a, const char *b)
{
    if (*n + 3 > max) return -1;
    argv[(*n)++] = (char *)a;
    if (b) argv[(*n)++] = (char *)b;
    return 0;
}

int batch_row_argv(const batch_row *r, char **argv, size_t max, char *storage, size_t storage_len)
{
    size_t n = 0, used = 0;
    int bad = push(argv, &n, max, "backline-analyse", batch_task_name((batch_task)r->task));
    bad |= push(argv, &n, max, r->file_path, NULL);
    if (r->map[0]) bad |= push(argv, &n, max, "--map", r->map);
    for (size_t i = 0; (r->task == BATCH_HINGE || r->task == BATCH_GAIT) && i < r->n_mvc; i++)
        bad |= push(argv, &n, max, "--mvc", r->mvc_paths[i]);
    if (r->task == BATCH_GAIT) bad |= push(argv, &n, max, "--events", r->events_path);
    if (r->scale_arg) bad |= push(argv, &n, max, "--scale", r->scale_arg);
    if (r->unit[0]) bad |= push(argv, &n, max, "--unit", r->unit);
    for (int k = 0; outputs[r->task][k]; k++) {
        int len = snprintf(storage + used, storage_len - used, "%s/%s", r->dir, outputs[r->task][k]);
        if (len < 0 || (size_t)len >= storage_len - used) return -1;
        bad |= push(argv, &n, max, output_opts[r->task][k], storage + used);
        used += (size_t)len + 1;
    }
    /* Rows run side by side: one filter thread each (quality filters on one). */
    if (r->task != BATCH_QUALITY) bad |= push(argv, &n, max, "--threads", "1");
    bad |= push(argv, &n, max, "--quiet", NULL);
    argv[n] = NULL;
    return bad ? -1 : 0;
}

/* An input as the manifest writes it, with the size and modification
 * time of the file it resolves to (`path`). The path as resolved is not
 * written: it holds the manifest's folder as typed (data/m.csv or
 * /study/data/m.csv), and the same row must be complete either way. */
static void fingerprint_file(FILE *f, const char *what, const char *written, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) fprintf(f, "%s %s missing\n", what, written);
    else
        fprintf(f, "%s %s %lld %lld.%09ld\n", what, written, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                st.st_mtim.tv_nsec);
}

/* The state file's text for an outcome (malloc'd; NULL out of memory). */
static char *state_text(const batch_row *r, batch_status status, int exit_code, const char *error)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return NULL;
    fprintf(f, "status %s\nexit %d\nerror %s\n", status == BATCH_FAILED ? "failed" : "ok", exit_code, error);
    /* The calibration changes every µV: a row whose scale or unit changed
     * is not complete. */
    fprintf(f, "task %s\nmap %s\nscale %s\nunit %s\n", r->task_name, r->map, r->scale, r->unit);
    fingerprint_file(f, "file", r->file, r->file_path);
    for (size_t i = 0; (r->task == BATCH_HINGE || r->task == BATCH_GAIT) && i < r->n_mvc; i++)
        fingerprint_file(f, "mvc", r->mvc_rel[i], r->mvc_paths[i]);
    if (r->task == BATCH_GAIT) {
        if (strcmp(r->events_path, "markers")) fingerprint_file(f, "events", r->events, r->events_path);
        else fputs("events markers\n", f);
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

static void path_in(char *out, size_t len, const batch_row *r, const char *name)
{
    snprintf(out, len, "%s/%s", r->dir, name);
}

int batch_row_complete(const batch_row *r)
{
    char path[TOOL_PATH_MAX];
    path_in(path, sizeof path, r, STATE_FILE);
    char *have = batch_read_file(path, NULL), *want = state_text(r, BATCH_OK, 0, "");
    int same = have && want && !strcmp(have, want);
    free(have);
    free(want);
    for (int k = 0; same && outputs[r->task][k]; k++) {
        path_in(path, sizeof path, r, outputs[r->task][k]);
        same = access(path, F_OK) == 0;
    }
    return same;
}

/* mkdir -p of the row's folder. */
static int make_dirs(const char *dir)
{
    char p[TOOL_PATH_MAX];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p) return errno = ENAMETOOLONG, -1;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || !*s) {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) return -1;
            *s = c;
            if (!c) break;
        }
    }
    return 0;
}

int batch_row_start(batch_row *r, const char *exe)
{
    char *argv[96], storage[4 * TOOL_PATH_MAX], state[TOOL_PATH_MAX], out[TOOL_PATH_MAX], err[TOOL_PATH_MAX];
    r->status = BATCH_FAILED;
    if (batch_row_argv(r, argv, sizeof argv / sizeof argv[0], storage, sizeof storage) != 0) {
        snprintf(r->error, sizeof r->error, "its command line is too long");
        return -1;
    }
    if (make_dirs(r->dir) != 0) {
        snprintf(r->error, sizeof r->error, "cannot make %.400s: %s", r->dir, strerror(errno));
        return -1;
    }
    /* A state from an earlier run goes first: the row is not complete
     * until this run says so. Then that run's reports: a rerun that fails
     * must not leave a success's outputs beside its failed state. */
    path_in(state, sizeof state, r, STATE_FILE);
    if (unlink(state) != 0 && errno != ENOENT) {
        snprintf(r->error, sizeof r->error, "cannot remove %.400s: %s", state, strerror(errno));
        return -1;
    }
    for (int k = 0; outputs[r->task][k]; k++) {
        path_in(state, sizeof state, r, outputs[r->task][k]);
        if (unlink(state) != 0 && errno != ENOENT) {
            snprintf(r->error, sizeof r->error, "cannot remove %.400s: %s", state, strerror(errno));
            return -1;
        }
    }
    path_in(out, sizeof out, r, "stdout.txt");
    path_in(err, sizeof err, r, "stderr.txt");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    int e = posix_spawn(&r->pid, exe, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e != 0) {
        snprintf(r->error, sizeof r->error, "cannot start %.400s: %s", exe, strerror(e));
        return -1;
    }
    r->status = BATCH_PENDING;
    return 0;
}

/* The child's one error line: the last line of its stderr that is not a
 * warning or a "replacing" note. */
static void error_line(const batch_row *r, char *out, size_t len)
{
    char path[TOOL_PATH_MAX];
    path_in(path, sizeof path, r, "stderr.txt");
    char *text = batch_read_file(path, NULL), *save = NULL;
    out[0] = '\0';
    for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
        if (!strstr(l, ": warning: ") && !strstr(l, ": replacing ")) {
            size_t p = strlen(tool_name()); /* "backline-analyse: " is ours to say */
            snprintf(out, len, "%s", !strncmp(l, tool_name(), p) && !strncmp(l + p, ": ", 2) ? l + p + 2 : l);
        }
    free(text);
}

void batch_row_finish(batch_row *r, int ws)
{
    r->pid = 0;
    r->exit_code = WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 255;
    r->status = r->exit_code == 0 ? BATCH_OK : BATCH_FAILED;
    r->error[0] = '\0';
    char path[TOOL_PATH_MAX];
    if (WIFSIGNALED(ws))
        snprintf(r->error, sizeof r->error, "killed by signal %d (%s)", WTERMSIG(ws), strsignal(WTERMSIG(ws)));
    else if (r->exit_code != 0) {
        error_line(r, r->error, sizeof r->error);
        if (!r->error[0]) snprintf(r->error, sizeof r->error, "exit status %d with nothing on stderr", r->exit_code);
    }
    for (int k = 0; r->status == BATCH_OK && outputs[r->task][k]; k++) {
        path_in(path, sizeof path, r, outputs[r->task][k]);
        if (access(path, F_OK) != 0) {
            r->status = BATCH_FAILED;
            snprintf(r->error, sizeof r->error, "exit status 0 but %s is missing", outputs[r->task][k]);
        }
    }
    char *text = state_text(r, r->status, r->exit_code, r->error);
    tool_output o;
    path_in(path, sizeof path, r, STATE_FILE);
    tool_output_init(&o, "batch", path);
    o.quiet = 1;
    FILE *f = text ? tool_output_open(&o) : NULL;
    int bad = !f || fputs(text, f) == EOF;
    if (f) bad |= tool_output_close(&o) != 0;
    if (!bad) bad = tool_outputs_commit(&o, 1) != 0;
    else if (f) tool_outputs_abort(&o, 1);
    free(text);
    if (bad && r->status == BATCH_OK) {
        r->status = BATCH_FAILED;
        snprintf(r->error, sizeof r->error, "cannot write %.400s", path);
    }
}

void batch_row_read_state(batch_row *r)
{
    if (batch_row_complete(r)) {
        r->status = BATCH_OK;
        r->exit_code = 0;
        return;
    }
    char path[TOOL_PATH_MAX];
    path_in(path, sizeof path, r, STATE_FILE);
    char *text = batch_read_file(path, NULL);
    int code;
    char *e = text ? strstr(text, "\nerror ") : NULL;
    r->status = BATCH_FAILED;
    if (text && !strncmp(text, "status failed\n", 14) && sscanf(text + 14, "exit %d", &code) == 1 && e) {
        r->exit_code = code;
        e += 7;
        snprintf(r->error, sizeof r->error, "%.*s", (int)strcspn(e, "\n"), e);
    } else
        snprintf(r->error, sizeof r->error, "not run: no complete outputs for these inputs in %.400s", r->dir);
    free(text);
}
