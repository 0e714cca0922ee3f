/* Output files through temporaries renamed into place (output_file.h). */
#include "output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool.h"

/* ------------------------------------------------- cleanup on signals */

/* The temporaries that exist right now, for the signal handler: a slot
 * holds a pointer to its output's temp name, set only once the name is
 * complete. The tools are single-threaded; the handler only unlinks. */
#define MAX_LIVE 256
static const char *volatile live[MAX_LIVE];
static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
static int handlers_installed;

static void remove_live(int sig)
{
    for (size_t i = 0; i < MAX_LIVE; i++)
        if (live[i]) unlink(live[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_handlers(void)
{
    if (handlers_installed) return;
    handlers_installed = 1;
    for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++) {
        struct sigaction old, sa;
        if (sigaction(cleanup_signals[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN) continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = remove_live;
        sigemptyset(&sa.sa_mask);
        sigaction(cleanup_signals[i], &sa, NULL);
    }
}

static void track(tool_output *o)
{
    install_handlers();
    for (int i = 0; i < MAX_LIVE; i++)
        if (!live[i]) {
            live[i] = o->temp;
            o->slot = i;
            return;
        }
}

static void untrack(tool_output *o)
{
    if (o->slot >= 0) live[o->slot] = NULL;
    o->slot = -1;
}

/* ------------------------------------------------------------ names */

static int copy(char *dst, const char *src)
{
    size_t n = strlen(src);
    if (n >= TOOL_PATH_MAX) return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

int tool_output_is_stdout(const tool_output *o) { return strcmp(o->path, "-") == 0; }

/* Standard output as it was when an output "-" was named: the data goes
 * there, and from then on the tool's own text (tables, summaries) goes to
 * stderr through fd 1, so a pipe receives the data alone. */
static int data_fd = -1;

static void claim_stdout(void)
{
    if (data_fd >= 0) return;
    fflush(stdout);
    data_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (data_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) >= 0) return;
    /* No stderr (closed): the text goes nowhere rather than into the data. */
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0 && null != STDOUT_FILENO) {
        dup2(null, STDOUT_FILENO);
        close(null);
    }
}

void tool_output_init(tool_output *o, const char *option, const char *path)
{
    memset(o, 0, sizeof *o);
    o->option = option;
    o->fd = -1;
    o->slot = -1;
    o->too_long = copy(o->path, path) != 0;
    if (tool_output_is_stdout(o)) claim_stdout();
}

/* Where the output lands and how: 0 with o->target and o->direct set, or
 * -1 with errno. `old` gets the target's mode when it exists (else 0). */
static int resolve_target(tool_output *o, mode_t *old)
{
    struct stat st, lst;
    *old = 0;
    if (tool_output_is_stdout(o)) return 0; /* no target: commit copies the temporary to standard output */
    if (stat(o->path, &st) != 0) {
        if (errno != ENOENT) return -1;
        /* Missing (or a dangling link, which is then replaced): the
         * folder's existence is for the temporary's creation to tell. */
        return copy(o->target, o->path) == 0 ? 0 : (errno = ENAMETOOLONG, -1);
    }
    if (S_ISDIR(st.st_mode)) return errno = EISDIR, -1;
    if (!S_ISREG(st.st_mode)) {
        o->direct = 1;
        return copy(o->temp, o->path) == 0 ? 0 : (errno = ENAMETOOLONG, -1);
    }
    /* Overwriting a file needs the right to write it, as fopen would. */
    if (access(o->path, W_OK) != 0) return -1;
    *old = st.st_mode & 07777;
    o->replaces = 1;
    if (lstat(o->path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        char *real = realpath(o->path, NULL);
        if (!real) return -1;
        int rc = copy(o->target, real);
        free(real);
        return rc == 0 ? 0 : (errno = ENAMETOOLONG, -1);
    }
    return copy(o->target, o->path) == 0 ? 0 : (errno = ENAMETOOLONG, -1);
}

/* "DIR/.STEM.tmpPID-N.EXT" beside the target; the stem is cut so the name
 * stays within NAME_MAX. */
static int temp_name(tool_output *o, unsigned n)
{
    if (tool_output_is_stdout(o)) { /* standard output waits in $TMPDIR until the command is done */
        const char *dir = getenv("TMPDIR");
        int len = snprintf(o->temp, TOOL_PATH_MAX, "%s/.%s-stdout.tmp%ld-%u", dir && *dir ? dir : "/tmp",
                           tool_name(), (long)getpid(), n);
        return len > 0 && len < TOOL_PATH_MAX ? 0 : -1;
    }
    const char *slash = strrchr(o->target, '/');
    const char *base = slash ? slash + 1 : o->target;
    const char *dot = strrchr(base, '.');
    size_t dir_len = (size_t)(base - o->target), stem_len = dot ? (size_t)(dot - base) : strlen(base);
    if (stem_len > 200) stem_len = 200;
    int len = snprintf(o->temp, TOOL_PATH_MAX, "%.*s.%.*s.tmp%ld-%u%s", (int)dir_len, o->target, (int)stem_len,
                       base, (long)getpid(), n, dot ? dot : "");
    return len > 0 && len < TOOL_PATH_MAX ? 0 : -1;
}

int tool_output_begin(tool_output *o)
{
    if (o->too_long) return errno = ENAMETOOLONG, -1;
    mode_t old;
    if (resolve_target(o, &old) != 0) return -1;
    if (o->direct) {
        o->state = 1;
        return 0;
    }
    for (unsigned n = 0; n < 1000; n++) {
        if (temp_name(o, n) != 0) return errno = ENAMETOOLONG, -1;
        o->fd = open(o->temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (o->fd >= 0) break;
        if (errno != EEXIST) return -1;
    }
    if (o->fd < 0) return errno = EEXIST, -1;
    o->created = 1;
    track(o);
    if (old && fchmod(o->fd, old) != 0) {
        int e = errno;
        tool_outputs_abort(o, 1);
        return errno = e, -1;
    }
    o->state = 1;
    return 0;
}

FILE *tool_output_open(tool_output *o)
{
    if (tool_output_begin(o) != 0) return NULL;
    o->stream = o->direct ? fopen(o->temp, "w") : fdopen(o->fd, "w");
    if (!o->stream) {
        int e = errno;
        tool_outputs_abort(o, 1);
        errno = e;
        return NULL;
    }
    o->fd = -1;
    return o->stream;
}

const char *tool_output_file(tool_output *o)
{
    /* The library opens (and truncates) the file itself. */
    if (o->fd >= 0) close(o->fd);
    o->fd = -1;
    return o->temp;
}

int tool_output_close(tool_output *o)
{
    int err = 0;
    if (o->stream) {
        int had_error = ferror(o->stream);
        if (fclose(o->stream) != 0) err = errno ? errno : EIO;
        else if (had_error) err = EIO;
        o->stream = NULL;
    }
    if (o->fd >= 0) {
        if (close(o->fd) != 0 && !err) err = errno;
        o->fd = -1;
    }
    if (err) return errno = err, -1;
    o->state = 2;
    return 0;
}

void tool_output_fix_why(const tool_output *o, char *why, size_t why_len)
{
    if (!o->direct) tool_why_rename(why, why_len, o->temp, o->path);
}

/* A complete temporary onto standard output (as it was when "-" was
 * named: data_fd), written through to the end. 0, or -1 with errno. */
static int copy_to_stdout(const tool_output *o)
{
    int in = open(o->temp, O_RDONLY | O_CLOEXEC);
    if (in < 0) return -1;
    if (data_fd < 0) {
        close(in);
        return errno = EBADF, -1;
    }
    int write_failed;
    int rc = tool_copy_fd(in, data_fd, &write_failed);
    int e = errno;
    close(in);
    return rc == 0 ? 0 : (errno = e, -1);
}

int tool_outputs_commit(tool_output *outs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tool_output *o = &outs[i];
        if (o->state != 0 && o->state != 2) {
            tool_outputs_abort(outs, n);
            return tool_error("%s %s: internal error: not closed before commit", o->option, o->path);
        }
    }
    /* Standard output first: it is what can still fail (a closed pipe, a
     * full disk), and then no file has been put in place. */
    for (size_t i = 0; i < n; i++) {
        tool_output *o = &outs[i];
        if (o->state == 0 || !tool_output_is_stdout(o)) continue;
        if (copy_to_stdout(o) != 0) {
            int e = errno;
            tool_outputs_abort(outs, n);
            return tool_error("%s -: write failed: %s", o->option, strerror(e));
        }
        unlink(o->temp);
        untrack(o);
        o->created = 0;
        o->state = 0;
    }
    for (size_t i = 0; i < n; i++) {
        tool_output *o = &outs[i];
        if (o->state == 0) continue;
        if (!o->direct && rename(o->temp, o->target) != 0) {
            int e = errno;
            tool_outputs_abort(outs + i, n - i);
            return tool_error("%s %s: cannot put in place: %s", o->option, o->path, strerror(e));
        }
        if (!o->direct && o->replaces && !o->quiet) fprintf(stderr, "%s: replacing %s\n", tool_name(), o->path);
        untrack(o);
        o->created = 0;
        o->state = 0;
    }
    return 0;
}

void tool_outputs_abort(tool_output *outs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tool_output *o = &outs[i];
        if (o->stream) fclose(o->stream);
        if (o->fd >= 0) close(o->fd);
        o->stream = NULL;
        o->fd = -1;
        if (o->created) unlink(o->temp);
        untrack(o);
        o->created = 0;
        o->state = 0;
    }
}

/* ------------------------------------------------------------ identity */

/* What an output would be: the existing file, or (missing) its name in its
 * folder. 0, or -1 when the folder cannot be looked at either. */
typedef struct file_id {
    dev_t dev;
    ino_t ino;
    int exists;
    const char *name; /* missing: the last component */
} file_id;

static int output_id(const char *path, file_id *id)
{
    struct stat st;
    memset(id, 0, sizeof *id);
    if (stat(path, &st) == 0) {
        id->dev = st.st_dev;
        id->ino = st.st_ino;
        id->exists = 1;
        return 0;
    }
    const char *slash = strrchr(path, '/');
    char dir[TOOL_PATH_MAX];
    size_t n = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);
    if (n >= sizeof dir) return -1;
    memcpy(dir, n ? path : ".", n ? n : 1);
    dir[n ? n : 1] = '\0';
    if (stat(dir, &st) != 0) return -1;
    id->dev = st.st_dev;
    id->ino = st.st_ino;
    id->name = slash ? slash + 1 : path;
    return 0;
}

static int same_id(const file_id *a, const file_id *b)
{
    if (a->dev != b->dev || a->ino != b->ino || a->exists != b->exists) return 0;
    return a->exists || strcmp(a->name, b->name) == 0;
}

/* Standard output's identity: the regular file it is redirected to (a
 * pipe or a terminal cannot be an input file). 0, or -1. */
static int stdout_id(file_id *id)
{
    struct stat st;
    memset(id, 0, sizeof *id);
    if (data_fd < 0 || fstat(data_fd, &st) != 0 || !S_ISREG(st.st_mode)) return -1;
    id->dev = st.st_dev;
    id->ino = st.st_ino;
    id->exists = 1;
    return 0;
}

/* What an input argument is: "-" is standard input as it is now. */
static int input_stat(const char *path, struct stat *st)
{
    return strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, st) : stat(path, st);
}

int tool_outputs_distinct(const char *const *inputs, size_t n_inputs, const tool_output *outs, size_t n_outs)
{
    for (size_t k = 0, seen = 0; k < n_inputs; k++)
        if (strcmp(inputs[k], "-") == 0 && seen++)
            return tool_usage_error("standard input (-) can be read once: give the other inputs as files");
    for (size_t i = 0; i < n_outs; i++) {
        file_id out;
        int to_stdout = tool_output_is_stdout(&outs[i]);
        for (size_t j = 0; to_stdout && j < i; j++)
            if (tool_output_is_stdout(&outs[j]))
                return tool_usage_error("%s -: %s - writes standard output already; give one of them a file",
                                        outs[i].option, outs[j].option);
        if ((to_stdout ? stdout_id(&out) : output_id(outs[i].path, &out)) != 0) continue; /* begin will say why */
        for (size_t k = 0; out.exists && k < n_inputs; k++) {
            struct stat st;
            if (input_stat(inputs[k], &st) == 0 && st.st_dev == out.dev && st.st_ino == out.ino)
                return tool_usage_error("%s %s: the same file as the input %s; refusing to overwrite it",
                                        outs[i].option, to_stdout ? "- (standard output)" : outs[i].path,
                                        strcmp(inputs[k], "-") == 0 ? "- (standard input)" : inputs[k]);
        }
        for (size_t j = 0; j < i; j++) {
            file_id other;
            int known = tool_output_is_stdout(&outs[j]) ? stdout_id(&other) == 0 : output_id(outs[j].path, &other) == 0;
            if (known && same_id(&out, &other))
                return tool_usage_error("%s %s: the same file as %s %s; give two different outputs",
                                        outs[i].option, outs[i].path, outs[j].option, outs[j].path);
        }
    }
    return 0;
}
