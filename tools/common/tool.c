/* Shared tool helpers: error lines, strict parsing, option scanning and
 * loading a recording with its channel map resolved. */
#include "tool.h"
#include "calibration_args.h"
#include "progress.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *program_name = "backline";

void tool_set_name(const char *name) { program_name = name; }
const char *tool_name(void) { return program_name; }

void tool_start(const char *name)
{
    tool_set_name(name);
    /* Past a `ulimit -f` limit a write then fails with EFBIG, which the
     * writers report in one line, instead of the process dying silently. */
    signal(SIGXFSZ, SIG_IGN);
}

int tool_finish(int status)
{
    tool_progress_end();
    /* Whatever went to stdout must have arrived: a full disk or a closed
     * file behind `>` is an error of the run like any other. */
    int err = 0;
    if (fflush(stdout) != 0) err = errno ? errno : EIO;
    else if (ferror(stdout)) err = EIO;
    if (fclose(stdout) != 0 && !err) err = errno ? errno : EIO;
    if (!err) return status;
    /* One line per failure: a run that already failed said why. */
    if (status == 0) tool_error("write error on standard output: %s", strerror(err));
    return status ? status : 1;
}

static void vline(const char *prefix, const char *fmt, va_list ap)
{
    tool_progress_end(); /* a message never lands on a progress line */
    fprintf(stderr, "%s: %s", program_name, prefix);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int tool_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline("", fmt, ap);
    va_end(ap);
    return 1;
}

int tool_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline("", fmt, ap);
    va_end(ap);
    return 2;
}

void tool_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline("warning: ", fmt, ap);
    va_end(ap);
}

/* The one number syntax of every tool option: an optional sign, decimal
 * digits with an optional fraction, an optional exponent. No spaces, no
 * hex (strtod reads "0x10" as 16), no inf or nan. Returns the length of
 * the number at s, 0 when s does not start with one. */
static size_t number_length(const char *s, int allow_fraction)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-') i++;
    while (isdigit((unsigned char)s[i])) i++, digits++;
    if (allow_fraction && s[i] == '.') {
        i++;
        while (isdigit((unsigned char)s[i])) i++, digits++;
    }
    if (!digits) return 0;
    if (allow_fraction && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-') j++;
        if (!isdigit((unsigned char)s[j])) return 0;
        while (isdigit((unsigned char)s[j])) j++;
        i = j;
    }
    return i;
}

int tool_parse_double(const char *s, double *out)
{
    if (!s || !*s || number_length(s, 1) != strlen(s)) return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

int tool_parse_int(const char *s, int *out)
{
    if (!s || !*s || number_length(s, 0) != strlen(s)) return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < -2147483647L || v > 2147483647L) return -1;
    *out = (int)v;
    return 0;
}

int tool_parse_u64(const char *s, uint64_t *out)
{
    /* Digits only: strtoull would also take a sign (and negate a '-'). */
    if (!s || !isdigit((unsigned char)*s) || number_length(s, 0) != strlen(s)) return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > UINT64_MAX) return -1;
    *out = (uint64_t)v;
    return 0;
}

int tool_parse_range(const char *s, double *lo, double *hi)
{
    if (!s) return -1;
    const char *colon = strchr(s, ':');
    if (!colon || colon == s || strchr(colon + 1, ':')) return -1;
    char left[64];
    size_t n = (size_t)(colon - s);
    if (n >= sizeof left) return -1;
    memcpy(left, s, n);
    left[n] = '\0';
    return (tool_parse_double(left, lo) || tool_parse_double(colon + 1, hi)) ? -1 : 0;
}

static const tool_opt_spec *find_spec(const tool_opt_spec *spec, const char *name, size_t len)
{
    for (; spec->name; spec++)
        if (strlen(spec->name) == len && strncmp(spec->name, name, len) == 0) return spec;
    return NULL;
}

int tool_args_parse(int argc, char **argv, const tool_opt_spec *spec, tool_args *out)
{
    memset(out, 0, sizeof *out);
    int only_positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_positional || a[0] != '-' || a[1] == '\0') {
            if (out->n_pos == sizeof out->pos / sizeof out->pos[0])
                return tool_usage_error("too many arguments (at \"%s\")", a);
            out->pos[out->n_pos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) { only_positional = 1; continue; }
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        const tool_opt_spec *s = find_spec(spec, a, len);
        if (!s) return tool_usage_error("unknown option \"%.*s\" (see --help)", (int)len, a);
        const char *value = NULL;
        if (s->takes_value) {
            if (eq) value = eq + 1;
            else if (i + 1 < argc) value = argv[++i];
            else return tool_usage_error("option %s needs a value", s->name);
        } else if (eq) {
            return tool_usage_error("option %s takes no value", s->name);
        }
        if (!s->repeatable && tool_args_has(out, s->name))
            return tool_usage_error("option %s given more than once", s->name);
        if (out->n_opts == sizeof out->opts / sizeof out->opts[0])
            return tool_usage_error("too many options");
        out->opts[out->n_opts].name = s->name;
        out->opts[out->n_opts].value = value;
        out->n_opts++;
    }
    return 0;
}

const char *tool_args_get(const tool_args *a, const char *name)
{
    const char *v = NULL;
    for (size_t i = 0; i < a->n_opts; i++)
        if (strcmp(a->opts[i].name, name) == 0) v = a->opts[i].value;
    return v;
}

int tool_args_has(const tool_args *a, const char *name)
{
    for (size_t i = 0; i < a->n_opts; i++)
        if (strcmp(a->opts[i].name, name) == 0) return 1;
    return 0;
}

const char *tool_args_get_nth(const tool_args *a, const char *name, size_t n)
{
    for (size_t i = 0; i < a->n_opts; i++)
        if (strcmp(a->opts[i].name, name) == 0 && n-- == 0) return a->opts[i].value;
    return NULL;
}

static bl_recording *load(const char *path, const char *map_text, const bl_chanmap *fallback, int generic,
                          double rate_hz);

/* Whether the last load failed on a usage error (a --scale list of the
 * wrong length), for tool_load_failure. Per thread, as the calibration. */
static _Thread_local int load_usage_error;

int tool_load_failure(void)
{
    return load_usage_error ? 2 : 1;
}

bl_recording *tool_load(const char *path, const char *map_text)
{
    return load(path, map_text, NULL, 0, 0);
}

bl_recording *tool_load_or(const char *path, const char *map_text, const bl_chanmap *fallback, double rate_hz)
{
    return load(path, map_text, fallback, 0, rate_hz);
}

bl_recording *tool_load_any(const char *path, const char *map_text)
{
    return load(path, map_text, NULL, 1, 0);
}

bl_recording *tool_load_at(const char *path, const char *map_text, double rate_hz)
{
    return load(path, map_text, NULL, 0, rate_hz);
}

/* Every channel generic EMG: "EMG,EMG,...". */
static int set_generic_map(bl_recording *rec, const char *path)
{
    size_t nch = bl_recording_channels(rec);
    char *text = malloc(4 * nch + 1), why[512] = "";
    if (!text) return tool_error("out of memory");
    for (size_t c = 0; c < nch; c++) memcpy(text + 4 * c, "EMG,", 4);
    text[4 * nch - 1] = '\0';
    bl_status st = bl_recording_set_map(rec, text, why, sizeof why);
    free(text);
    return st == BL_OK ? 0 : tool_error("%s: %s", path, why);
}

/* The map the recording is analysed with: --map, else the stored one, else
 * the fallback (or generic EMG); one error line and -1 when none fits. */
static int resolve_map(bl_recording *rec, const char *path, const char *map_text, const bl_chanmap *fallback,
                       int generic)
{
    char why[512] = "";
    if (map_text) {
        bl_chanmap *map = NULL;
        if (bl_chanmap_parse(map_text, &map, why, sizeof why) != BL_OK) return tool_error("--map: %s", why);
        bl_status st = bl_recording_set_chanmap(rec, map, why, sizeof why);
        bl_chanmap_destroy(map);
        return st == BL_OK ? 0 : tool_error("%s: %s", path, why);
    }
    if (bl_recording_chanmap(rec)) return 0;
    if (fallback)
        return bl_recording_set_chanmap(rec, fallback, why, sizeof why) == BL_OK ? 0 : tool_error("%s: %s", path, why);
    if (generic) return set_generic_map(rec, path);
    return tool_error("%s: no channel map: give --map (e.g. --map L.ST,L.BF) or record with backline-capture --map",
                      path);
}

/* What every loaded recording goes through before analysis (a spooled
 * one's description too): the library's warnings, no envelope taken for
 * raw EMG, the map, one unit for all EMG channels. 0, or -1 after one
 * error line. */
static int check_loaded(bl_recording *rec, const char *path, const char *map_text, const bl_chanmap *fallback,
                        int generic)
{
    char why[512] = "";
    /* What the stored metadata lost, as the library found it. */
    for (size_t i = 0; i < bl_recording_warning_count(rec); i++) tool_warn("%s: %s", path, bl_recording_warning(rec, i));
    /* An envelope written by `backline-analyse envelope` carries its map
     * and gains: analysing it as EMG would rectify and filter it again and
     * apply the gains twice. */
    const char *content = bl_recording_meta(rec, "content");
    if (content && strcmp(content, TOOL_ENVELOPE_CONTENT) == 0) {
        tool_error("%s: this is a linear envelope (content=%s, written by backline-analyse envelope), not raw "
                   "EMG: give the recording it was made from", path, TOOL_ENVELOPE_CONTENT);
        return -1;
    }
    /* --scale/--unit for a file that carries no calibration. */
    int cal = tool_calibration_apply(rec, path);
    if (cal != 0) {
        load_usage_error = cal == -2;
        return -1;
    }
    size_t bad_ch, bad_frame;
    if (bl_recording_check_finite(rec, &bad_ch, &bad_frame) != BL_OK) {
        tool_error("%s: non-finite sample (NaN or infinity) in channel %zu at frame %zu (%.6f s)",
                   path, bad_ch + 1, bad_frame, (double)bad_frame / bl_recording_rate(rec));
        return -1;
    }
    if (resolve_map(rec, path, map_text, fallback, generic) != 0) return -1;
    /* Amplitudes are compared across channels: all EMG channels in µV or
     * none (the library's rule, which the conversion also enforces). */
    if (bl_recording_check_units(rec, why, sizeof why) != BL_OK) {
        tool_error("%s: %s", path, why);
        return -1;
    }
    return 0;
}

void tool_why_rename(char *why, size_t why_len, const char *from, const char *to)
{
    char *at = from && *from ? strstr(why, from) : NULL;
    if (!at) return;
    char rest[1024];
    snprintf(rest, sizeof rest, "%s", at + strlen(from));
    snprintf(at, why_len - (size_t)(at - why), "%s%s", to, rest);
}

/* Standard input as a file the reader can seek in: itself when it is a
 * regular file; else (a pipe, a terminal) copied once into an unlinked
 * temporary in $TMPDIR, so that metadata after the audio, FLAC and the
 * audio-rate reader work as on a file. Tool state: one copy per run. */
static char stdin_file[64];

int tool_copy_fd(int in, int out, int *write_failed)
{
    char buf[1 << 16];
    *write_failed = 0;
    for (;;) {
        ssize_t got = read(in, buf, sizeof buf);
        if (got == 0) return 0;
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return -1;
        for (ssize_t done = 0; done < got;) {
            ssize_t w = write(out, buf + done, (size_t)(got - done));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) return *write_failed = 1, -1;
            done += w;
        }
    }
}

static int copy_stdin(void)
{
    const char *dir = getenv("TMPDIR");
    char name[4096];
    snprintf(name, sizeof name, "%s/.%s-stdin.XXXXXX", dir && *dir ? dir : "/tmp", tool_name());
    int fd = mkstemp(name);
    if (fd < 0) return tool_error("standard input: cannot make a temporary copy in %s: %s",
                                  dir && *dir ? dir : "/tmp", strerror(errno));
    unlink(name);
    int write_failed;
    if (tool_copy_fd(STDIN_FILENO, fd, &write_failed) != 0) {
        int e = errno;
        close(fd);
        return write_failed ? tool_error("standard input: cannot copy it to a temporary: %s", strerror(e))
                            : tool_error("standard input: read failed: %s", strerror(e));
    }
    snprintf(stdin_file, sizeof stdin_file, "/dev/fd/%d", fd);
    return 0;
}

const char *tool_input_file(const char *arg)
{
    if (strcmp(arg, "-") != 0) return arg;
    if (stdin_file[0]) return stdin_file;
    struct stat st;
    if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
        snprintf(stdin_file, sizeof stdin_file, "/dev/stdin");
        return stdin_file;
    }
    return copy_stdin() == 0 ? stdin_file : NULL;
}

const char *tool_input_name(const char *arg) { return strcmp(arg, "-") == 0 ? "standard input" : arg; }

static bl_recording *load(const char *arg, const char *map_text, const bl_chanmap *fallback, int generic,
                          double rate_hz)
{
    load_usage_error = 0;
    const char *file = tool_input_file(arg), *path = tool_input_name(arg);
    if (!file) return NULL;
    char why[512] = "";
    bl_recording *rec = NULL;
    tool_progress_stage("reading");
    bl_status st = rate_hz > 0 ? bl_recording_load_at_progress(file, rate_hz, tool_progress_fraction, NULL, &rec, why,
                                                               sizeof why)
                               : bl_recording_load(file, &rec, why, sizeof why);
    tool_progress_stage("analysing");
    if (st != BL_OK) {
        tool_why_rename(why, sizeof why, file, path);
        (why[0] ? tool_error("%s", why) : tool_error("%s: %s", path, bl_strerror(st)));
        return NULL;
    }
    if (check_loaded(rec, path, map_text, fallback, generic) != 0) {
        bl_recording_destroy(rec);
        return NULL;
    }
    bl_recording_to_microvolts(rec);
    return rec;
}

bl_spool *tool_spool_at(const char *arg, const char *map_text, double rate_hz)
{
    load_usage_error = 0;
    const char *file = tool_input_file(arg), *path = tool_input_name(arg);
    if (!file) return NULL;
    char why[512] = "";
    bl_spool *s = NULL;
    tool_progress_stage("reading");
    bl_status st = bl_spool_load_at(file, rate_hz, tool_progress_fraction, NULL, &s, why, sizeof why);
    tool_progress_stage("analysing");
    if (st != BL_OK) {
        tool_why_rename(why, sizeof why, file, path);
        (why[0] ? tool_error("%s", why) : tool_error("%s: %s", path, bl_strerror(st)));
        return NULL;
    }
    if (check_loaded(bl_spool_info(s), path, map_text, NULL, 0) != 0) {
        bl_spool_destroy(s);
        return NULL;
    }
    bl_spool_to_microvolts(s);
    return s;
}
