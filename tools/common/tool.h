/* Shared helpers for the command-line tools: the one-line error convention,
 * option parsing and loading a recording with its channel map resolved.
 * Tools talk (stderr/stdout); the library never does. */
#ifndef TOOL_H
#define TOOL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "backline/backline.h"
#include "backline/chanmap.h"
#include "backline/recording.h"

/* Program name used as the prefix of every error line ("backline-analyse"). */
void tool_set_name(const char *name);
const char *tool_name(void);

/* Start of main: the name above, and SIGXFSZ ignored so a file-size limit
 * (ulimit -f) is a write error with its line, not a silent kill. */
void tool_start(const char *name);
/* End of main: `return tool_finish(status);`. Flushes and closes stdout;
 * when that fails (`> /dev/full`, a full disk) a run that had succeeded
 * prints one line ("write error on standard output: ...") and returns 1; a
 * failed run keeps its status and its one line. A closed pipe on stdout
 * ends the process through SIGPIPE (quietly, status 128+13 in the shell)
 * unless SIGPIPE is ignored, when it is this write error. */
int tool_finish(int status);

/* Print "NAME: message\n" on stderr (one line). Returns 1 (EXIT_FAILURE) so
 * callers can `return tool_error(...)`. Usage errors exit 2. */
int tool_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tool_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* --help and --version, the same in every tool (help.c). tool_print_help
 * writes TEXT and then the exit statuses every tool shares (0 success, 1 an
 * error, 2 a usage error, each failure with its one line on stderr);
 * success, when not NULL, says what 0 means for this command ("the file
 * was assessed, whatever the grades"). tool_print_version prints
 * "NAME VERSION" (GNU's form, which help2man reads for the man pages). */
void tool_print_help(const char *text, const char *success);
void tool_print_exit_status(const char *success); /* the paragraph alone */
void tool_print_version(void);

/* A warning line "NAME: warning: ...". */
void tool_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Strict number parsing, the one syntax of every numeric option: the whole
 * string, an optional sign, decimal digits, for doubles an optional
 * fraction and exponent ("-1.5e3"); no spaces, no hex ("0x10"), no inf or
 * nan, nothing out of range. 0 on success, -1 otherwise (*out untouched).
 * tool_parse_u64 takes digits only (no sign). */
int tool_parse_double(const char *s, double *out);
int tool_parse_int(const char *s, int *out);
int tool_parse_u64(const char *s, uint64_t *out);
/* "LO:HI" in Hz, each side a tool_parse_double number. */
int tool_parse_range(const char *s, double *lo, double *hi);

/* Simple long-option scanner shared by the subcommands: options are
 * "--name VALUE", "--name=VALUE", "-o VALUE" or flags; positional arguments
 * are collected in order. `spec` lists the accepted options; a flag has
 * takes_value = 0. Unknown options and missing values are usage errors
 * reported through tool_usage_error (the return value is then 2). */
typedef struct tool_opt_spec {
    const char *name;   /* "--map" or "-o" */
    int takes_value;
    int repeatable;
} tool_opt_spec;

typedef struct tool_opt_value {
    const char *name;
    const char *value;  /* NULL for flags */
} tool_opt_value;

typedef struct tool_args {
    tool_opt_value opts[64];
    size_t n_opts;
    const char *pos[16];
    size_t n_pos;
} tool_args;

int tool_args_parse(int argc, char **argv, const tool_opt_spec *spec, tool_args *out);
/* Last value given for `name`, or NULL. */
const char *tool_args_get(const tool_args *a, const char *name);
int tool_args_has(const tool_args *a, const char *name);
/* i-th value of a repeatable option, NULL past the end. */
const char *tool_args_get_nth(const tool_args *a, const char *name, size_t i);

/* The metadata value content= of the WAVs `backline-analyse envelope`
 * writes, by which tool_load knows them. */
#define TOOL_ENVELOPE_CONTENT "linear envelope"

/* The help line every analyse command that reads FILE ends its options with. */
#define TOOL_STDIN_HELP "\nFILE may be - for standard input.\n"
#define TOOL_STDIO_HELP                                                                     \
    "\nAn input recording (FILE, SESSION, an --mvc trial) may be - for standard input,\n"   \
    "once. An output given as - (JSON, CSV, HTML) goes to standard output once the\n"      \
    "command has succeeded; the command's own text then goes to stderr.\n"

/* The file an input argument names: "-" is standard input, itself when it
 * is a regular file, else (a pipe) copied once into an unlinked temporary
 * so the reader can seek; NULL after one error line when that copy fails.
 * Every tool_load and tool_spool_at uses it. */
const char *tool_input_file(const char *arg);
/* Everything readable from `in` written to `out` (EINTR retried): 0, or
 * -1 with errno and *write_failed saying which side failed. */
int tool_copy_fd(int in, int out, int *write_failed);
/* How messages name an input argument: "standard input" for "-". */
const char *tool_input_name(const char *arg);
/* In `why`, the first `from` replaced by `to` (a library message about a
 * file the tool opened under another name). */
void tool_why_rename(char *why, size_t why_len, const char *from, const char *to);

/* Load FILE, refuse an envelope file (metadata content=linear envelope:
 * its gains were applied already) and NaN/Inf, resolve the channel map (map_text wins, then
 * the map stored in the file; none → error) and keep it in the recording
 * (bl_recording_chanmap), and convert channels with a known gain to µV
 * (refused when only some EMG channels have one: bl_recording_check_units).
 * Prints the one error line itself; returns NULL on failure. */
bl_recording *tool_load(const char *path, const char *map_text);
/* tool_load_at, using `fallback` when neither --map nor the file gives a
 * map (MVC trials recorded without a map take the session's). A map stored
 * in the file is kept, so a trial in another layout is caught, not
 * relabelled. rate_hz 0: at the file's rate. */
bl_recording *tool_load_or(const char *path, const char *map_text, const bl_chanmap *fallback, double rate_hz);
/* The same, with every channel generic EMG when neither --map nor the file
 * gives a map (checks that need no muscle names: quality). */
bl_recording *tool_load_any(const char *path, const char *map_text);
/* tool_load at the analysis rate: an audio-rate file is decimated while it
 * is read (bl_recording_load_at), never held at its own rate. */
bl_recording *tool_load_at(const char *path, const char *map_text, double rate_hz);
/* tool_load_at's reading and checks with the samples spooled to a
 * temporary file (bl_spool_load_at), for work in bounded memory; blocks
 * read from it come in uV when the file carries gains. */
bl_spool *tool_spool_at(const char *path, const char *map_text, double rate_hz);
/* Every tool_load* and tool_spool_at applies the run's --scale/--unit
 * (calibration_args.h) before the unit check. After one returned NULL:
 * the exit status to return, 2 when its line was a usage error (a --scale
 * list whose count is not the channel count), else 1. */
int tool_load_failure(void);

#endif
