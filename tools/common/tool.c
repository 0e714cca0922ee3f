/* Shared tool helpers: error lines, strict parsing, option scanning and
 * loading a recording with its channel map resolved. */
#include "tool.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *program_name = "backline";

void tool_set_name(const char *name) { program_name = name; }
const char *tool_name(void) { return program_name; }

static void vline(const char *prefix, const char *fmt, va_list ap)
{
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

int tool_parse_double(const char *s, double *out)
{
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

int tool_parse_int(const char *s, int *out)
{
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < -2147483647L || v > 2147483647L) return -1;
    *out = (int)v;
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

bl_recording *tool_load(const char *path, const char *map_text)
{
    return tool_load_or(path, map_text, NULL);
}

/* The map the recording is analysed with: --map, else the stored one, else
 * the fallback; one error line and -1 when none fits. */
static int resolve_map(bl_recording *rec, const char *path, const char *map_text, const bl_chanmap *fallback)
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
    return tool_error("%s: no channel map: give --map (e.g. --map L.ST,L.BF) or record with backline-capture --map",
                      path);
}

bl_recording *tool_load_or(const char *path, const char *map_text, const bl_chanmap *fallback)
{
    char why[512] = "";
    bl_recording *rec = NULL;
    bl_status st = bl_recording_load(path, &rec, why, sizeof why);
    if (st != BL_OK) {
        (why[0] ? tool_error("%s", why) : tool_error("%s: %s", path, bl_strerror(st)));
        return NULL;
    }
    /* What the stored metadata lost, as the library found it. */
    for (size_t i = 0; i < bl_recording_warning_count(rec); i++) tool_warn("%s: %s", path, bl_recording_warning(rec, i));
    size_t bad_ch, bad_frame;
    if (bl_recording_check_finite(rec, &bad_ch, &bad_frame) != BL_OK) {
        tool_error("%s: non-finite sample (NaN or infinity) in channel %zu at frame %zu (%.6f s)",
                   path, bad_ch + 1, bad_frame, (double)bad_frame / bl_recording_rate(rec));
        bl_recording_destroy(rec);
        return NULL;
    }
    if (resolve_map(rec, path, map_text, fallback) != 0) {
        bl_recording_destroy(rec);
        return NULL;
    }
    /* Amplitudes are compared across channels: all EMG channels in µV or
     * none (the library's rule, which the conversion also enforces). */
    if (bl_recording_check_units(rec, why, sizeof why) != BL_OK) {
        tool_error("%s: %s", path, why);
        bl_recording_destroy(rec);
        return NULL;
    }
    bl_recording_to_microvolts(rec);
    return rec;
}
