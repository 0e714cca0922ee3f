/* `backline-analyse info FILE`: what the file is and what it says about
 * itself (channel map, gains, capture metadata). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backline/chanmap.h"
#include "backline/recording.h"
#include "calibration_args.h"
#include "commands.h"
#include "tool.h"

/* The fields info shows on lines of their own (the rest of the keys a
 * warning names are listed as invalid with the metadata keys). */
static const char *const shown_fields[] = {"", "map", "gain", "full_scale_v", "unit", "meta_chunk"};

static int warned_about(const bl_recording *rec, const char *key)
{
    for (size_t i = 0; i < bl_recording_warning_count(rec); i++)
        if (strcmp(bl_recording_warning_key(rec, i), key) == 0) return 1;
    return 0;
}

/* Keys the file stores with a value that could not be used: named as
 * invalid, never shown as a value (the warning says what was stored). */
static void print_invalid_keys(const bl_recording *rec)
{
    size_t n = bl_recording_warning_count(rec);
    for (size_t i = 0; i < n; i++) {
        const char *key = bl_recording_warning_key(rec, i);
        int field = 0, earlier = 0;
        for (size_t k = 0; k < sizeof shown_fields / sizeof shown_fields[0]; k++) field |= !strcmp(key, shown_fields[k]);
        for (size_t j = 0; j < i; j++) earlier |= !strcmp(key, bl_recording_warning_key(rec, j));
        if (field || earlier || bl_recording_meta(rec, key)) continue;
        printf("%s:%*s (invalid; see the warning)\n", key, (int)(strlen(key) < 12 ? 12 - strlen(key) : 0), "");
    }
}

/* The markers, one a line: number, seconds from the first frame, the
 * frame at the file's rate, label. */
static void print_markers(const bl_recording *rec)
{
    size_t n = bl_recording_marker_count(rec);
    if (!n) return;
    printf("markers:      %zu (number, seconds from the first frame, frame, label)\n", n);
    for (size_t i = 0; i < n; i++) {
        bl_marker m;
        if (bl_recording_get_marker(rec, i, &m) != BL_OK) continue;
        printf("  %3zu %14.6f s  frame %-10lld %s\n", i + 1, m.time_s, (long long)llround(m.time_s * bl_recording_rate(rec)),
               m.label);
    }
}

static const char info_help[] =
    "usage: backline-analyse info FILE [--quiet] [--scale UV_PER_UNIT[,...] | --unit uV|mV|V]\n"
    "\n"
    "Print the sample rate (Hz), channels, frames, duration (s), sample format,\n"
    "and the channel map, gains and capture metadata stored in the file. Stored\n"
    "metadata that cannot be used gets a warning on stderr; a key whose value is\n"
    "invalid (e.g. overruns=-5) is listed as \"(invalid; see the warning)\".\n"
    "Markers (a capture's key presses) are listed one a line: number (what\n"
    "hinge --between-markers takes), seconds from the first frame, frame, label.\n"
    "EDF/BDF files (recognised by their header) show their signal labels\n"
    "(edf_labels, the map where they name our channels) and physical units\n"
    "(edf_units); their annotations are the markers.\n"
    "\n"
    "  --quiet   accepted as by every command (info shows no progress and writes no file)\n"
    TOOL_CALIBRATION_HELP
    TOOL_STDIN_HELP;

int cmd_info(int argc, char **argv)
{
    static const tool_opt_spec spec[] = {{"--quiet", 0, 0}, TOOL_CALIBRATION_OPTS, {"--help", 0, 0}, {"-h", 0, 0},
                                         {NULL, 0, 0}};
    tool_args a;
    int rc = tool_args_parse(argc, argv, spec, &a);
    if (rc) return rc;
    if (tool_args_has(&a, "--help") || tool_args_has(&a, "-h")) {
        tool_print_help(info_help, NULL);
        return 0;
    }
    if (a.n_pos != 1) return tool_usage_error("info needs exactly one FILE (see info --help)");
    if ((rc = tool_calibration_from_args(&a)) != 0) return rc;

    const char *path = a.pos[0];
    char why[512] = "";
    bl_recording *rec = NULL;
    const char *file = tool_input_file(path);
    if (!file) return 1;
    bl_status st = bl_recording_load(file, &rec, why, sizeof why);
    tool_why_rename(why, sizeof why, file, tool_input_name(path));
    if (st != BL_OK) return (why[0] ? tool_error("%s", why) : tool_error("%s: %s", path, bl_strerror(st)));
    int cal = tool_calibration_apply(rec, path);
    if (cal != 0) {
        bl_recording_destroy(rec);
        return cal == -2 ? 2 : 1;
    }

    for (size_t i = 0; i < bl_recording_warning_count(rec); i++) tool_warn("%s: %s", path, bl_recording_warning(rec, i));
    size_t channels = bl_recording_channels(rec);
    printf("file:         %s\n", path);
    printf("format:       %s\n", bl_recording_format_name(rec));
    printf("rate:         %g Hz\n", bl_recording_rate(rec));
    printf("channels:     %zu\n", channels);
    printf("frames:       %zu\n", bl_recording_frames(rec));
    printf("duration:     %.3f s\n", bl_recording_duration(rec));
    const char *map = bl_recording_map(rec);
    printf("channel map:  %s\n", map                         ? map
                                  : warned_about(rec, "map") ? "(stored map invalid; see the warning; give --map to analyse)"
                                                             : "(none stored; give --map to analyse)");
    printf("full scale:   %g V\n", bl_recording_full_scale(rec));
    printf("gains:        ");
    for (size_t c = 0; c < channels; c++) {
        double g = bl_recording_gain(rec, c);
        if (g > 0) printf("%s%g", c ? "," : "", g);
        else printf("%s?", c ? "," : "");
    }
    const char *source = tool_args_has(&a, "--scale") || tool_args_has(&a, "--unit") ? "from --scale/--unit"
                         : bl_recording_meta(rec, "edf_units")                       ? "from the EDF/BDF physical ranges"
                                                                                     : "amplifier gain";
    if (bl_recording_gain(rec, 0) > 0) printf(" (%s; samples convert to uV)\n", source);
    else printf(" (unknown: amplitudes stay in full-scale units)\n");
    size_t n_meta = bl_recording_meta_count(rec);
    for (size_t i = 0; i < n_meta; i++) {
        const char *key = bl_recording_meta_key(rec, i);
        if (!strcmp(key, "markers")) continue; /* listed below */
        printf("%s:%*s %s\n", key, (int)(strlen(key) < 12 ? 12 - strlen(key) : 0), "", bl_recording_meta(rec, key));
    }
    print_invalid_keys(rec);
    print_markers(rec);
    size_t bad_ch, bad_frame;
    if (bl_recording_check_finite(rec, &bad_ch, &bad_frame) != BL_OK)
        tool_warn("%s: non-finite sample in channel %zu at frame %zu", path, bad_ch + 1, bad_frame);
    bl_recording_destroy(rec);
    return 0;
}
