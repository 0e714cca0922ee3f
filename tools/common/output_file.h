/* Output files that appear whole or not at all, and never over an input.
 *
 * Every file a tool writes goes through a tool_output: begin reserves a new
 * temporary file beside the target (".NAME.tmpPID-N.EXT", same folder so
 * the rename cannot cross file systems, same extension so the library
 * picks the same format), the writer fills it (a stdio stream, or the
 * library's bl_recording_save on tool_output_file), close checks every
 * write, and commit renames all the outputs of a command into place at the
 * end; a failure anywhere aborts them all, which removes the temporaries.
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE remove live temporaries before the
 * default action (unless the signal was ignored when the first output
 * began); only SIGKILL or a crash can leave one behind.
 *
 * The target is the path given, or where it points when it is a symlink
 * to an existing file (the link is kept). An existing target that is not a
 * regular file (a device such as /dev/null or /dev/full, a FIFO) is written
 * in place ("direct"): there is nothing to rename, and nothing to remove
 * after a failure. Not protected: a power cut right after the rename (no
 * fsync).
 *
 * Replacing an existing regular file is never silent: commit prints
 * "NAME: replacing PATH" on stderr as it renames over it, unless the tool
 * set `quiet` on that output (its --quiet).
 *
 * Each tool prints its own error lines; only tool_outputs_distinct and
 * tool_outputs_commit print (one line, plus commit's "replacing" lines). */
#ifndef TOOL_OUTPUT_FILE_H
#define TOOL_OUTPUT_FILE_H

#include <stddef.h>
#include <stdio.h>

#define TOOL_PATH_MAX 4096

typedef struct tool_output {
    const char *option;         /* "-o", "--json": names the output in messages */
    char path[TOOL_PATH_MAX];   /* as given, for messages */
    char target[TOOL_PATH_MAX]; /* where it lands */
    char temp[TOOL_PATH_MAX];   /* what is written: the temporary, or the path given when direct */
    int too_long;               /* path did not fit: begin fails with ENAMETOOLONG */
    int direct;
    int created;                /* the temporary exists (abort removes it) */
    int fd;                     /* the temporary while no stream holds it, else -1 */
    FILE *stream;
    int state;                  /* 0 idle, 1 begun, 2 closed without error */
    int slot;                   /* index in the signal-cleanup table, -1 when none */
    int replaces;               /* begin found an existing regular file at the target */
    int quiet;                  /* set by the tool (--quiet): commit does not say "replacing" */
} tool_output;

/* Name an output (nothing touched on disk). The path "-" is standard
 * output, written in place (for text streams: CSV, JSON); naming it sends
 * the tool's own stdout text to stderr from then on, so that a pipe gets
 * the data alone. */
void tool_output_init(tool_output *o, const char *option, const char *path);
int tool_output_is_stdout(const tool_output *o);

/* Refuse, with one usage line naming the option, an output that is the
 * same file as an input (same device and inode: another spelling, a
 * symlink or a hard link) or as another output of the same command. Stats
 * only, opens nothing (a FIFO input is not disturbed). Returns 0 or 2. */
int tool_outputs_distinct(const char *const *inputs, size_t n_inputs, const tool_output *outs, size_t n_outs);

/* Reserve the temporary (created empty, mode of the file it replaces or
 * 0666 less the umask). 0, or -1 with errno (ENOENT for a missing folder,
 * EISDIR when the target is a folder, EACCES, ENAMETOOLONG) and nothing
 * left on disk. */
int tool_output_begin(tool_output *o);
/* begin, then a stdio stream on the temporary (direct: the target opened
 * "w"). NULL with errno, nothing left on disk. */
FILE *tool_output_open(tool_output *o);
/* After begin: the path a library writer opens itself (the temporary, or
 * the path given when direct). */
const char *tool_output_file(tool_output *o);
/* Close the stream (if any): 0, or -1 with errno when the stream had an
 * error or the close failed (then abort). Marks the output complete. */
int tool_output_close(tool_output *o);
/* In `why` (a library message about tool_output_file), the temporary's
 * name replaced by the path given. */
void tool_output_fix_why(const tool_output *o, char *why, size_t why_len);

/* Rename every output (all begun and closed without error) into place, in
 * order, saying "replacing PATH" for each that replaces a file (unless
 * quiet). On a failure one line ("OPTION PATH: cannot put in place: ..."),
 * the outputs not yet renamed are aborted, and 1; else 0. */
int tool_outputs_commit(tool_output *outs, size_t n);
/* Close and remove the temporaries of every output not yet committed;
 * idle outputs are skipped. */
void tool_outputs_abort(tool_output *outs, size_t n);

#endif
