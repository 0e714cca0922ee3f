/* `backline-analyse info FILE`: what the file is and what it says about
 * itself (channel map, gains, capture metadata). */
#include <stdio.h>
#include <string.h>

#include "backline/chanmap.h"
#include "backline/recording.h"
#include "commands.h"
#include "tool.h"

static const char info_help[] =
    "usage: backline-analyse info FILE\n"
    "\n"
    "Print the sample rate (Hz), channels, frames, duration (s), sample format,\n"
    "and the channel map, gains and capture metadata stored in the file.\n";

int cmd_info(int argc, char **argv)
{
    static const tool_opt_spec spec[] = {{"--help", 0, 0}, {"-h", 0, 0}, {NULL, 0, 0}};
    tool_args a;
    int rc = tool_args_parse(argc, argv, spec, &a);
    if (rc) return rc;
    if (tool_args_has(&a, "--help") || tool_args_has(&a, "-h")) {
        fputs(info_help, stdout);
        return 0;
    }
    if (a.n_pos != 1) return tool_usage_error("info needs exactly one FILE (see info --help)");

    const char *path = a.pos[0];
    char why[512] = "";
    bl_recording *rec = NULL;
    bl_status st = bl_recording_load(path, &rec, why, sizeof why);
    if (st != BL_OK) return (why[0] ? tool_error("%s", why) : tool_error("%s: %s", path, bl_strerror(st)));

    size_t channels = bl_recording_channels(rec);
    printf("file:         %s\n", path);
    printf("format:       %s\n", bl_recording_format_name(rec));
    printf("rate:         %g Hz\n", bl_recording_rate(rec));
    printf("channels:     %zu\n", channels);
    printf("frames:       %zu\n", bl_recording_frames(rec));
    printf("duration:     %.3f s\n", bl_recording_duration(rec));
    const char *map = bl_recording_map(rec);
    printf("channel map:  %s\n", map ? map : "(none stored; give --map to analyse)");
    printf("full scale:   %g V\n", bl_recording_full_scale(rec));
    printf("gains:        ");
    for (size_t c = 0; c < channels; c++) {
        double g = bl_recording_gain(rec, c);
        if (g > 0) printf("%s%g", c ? "," : "", g);
        else printf("%s?", c ? "," : "");
    }
    printf("%s\n", bl_recording_gain(rec, 0) > 0 ? " (amplifier gain; samples convert to uV)"
                                                : " (unknown: amplitudes stay in full-scale units)");
    size_t n_meta = bl_recording_meta_count(rec);
    for (size_t i = 0; i < n_meta; i++) {
        const char *key = bl_recording_meta_key(rec, i);
        printf("%s:%*s %s\n", key, (int)(strlen(key) < 12 ? 12 - strlen(key) : 0), "", bl_recording_meta(rec, key));
    }
    size_t bad_ch, bad_frame;
    if (bl_recording_check_finite(rec, &bad_ch, &bad_frame) != BL_OK)
        tool_warn("%s: non-finite sample in channel %zu at frame %zu", path, bad_ch + 1, bad_frame);
    bl_recording_destroy(rec);
    return 0;
}
