/* --scale/--unit (calibration_args.h). */
#include "calibration_args.h"

#include <stdio.h>
#include <string.h>

#include "backline/chanmap.h"

/* The run's calibration: no values (none given), one for every channel,
 * or one per channel; set once by the subcommand before anything loads.
 * Per thread, so runs side by side in one process (a batch) keep their
 * own. */
static _Thread_local struct {
    size_t n;
    double uv_per_unit[BL_CHANMAP_MAX_ENTRIES];
    char option[16]; /* "--scale" or "--unit", for messages */
    char said[128];  /* what the reports say the gains came from (metadata "calibration") */
} calib;

static int parse_scale(const char *text)
{
    size_t n = 0;
    for (const char *p = text;; n++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char buf[64];
        double v;
        if (n == BL_CHANMAP_MAX_ENTRIES || len == 0 || len >= sizeof buf)
            return tool_usage_error("--scale %s: expected uV per unit, one positive number or one per channel "
                                    "separated by commas (at most %d)", text, BL_CHANMAP_MAX_ENTRIES);
        memcpy(buf, p, len);
        buf[len] = '\0';
        if (tool_parse_double(buf, &v) || !(v > 0) || v > 1e12)
            return tool_usage_error("--scale %s: entry %zu \"%s\" is not a positive number of uV per unit", text,
                                    n + 1, buf);
        calib.uv_per_unit[n] = v;
        if (!comma) break;
        p = comma + 1;
    }
    calib.n = n + 1;
    return 0;
}

int tool_calibration_from_args(const tool_args *a)
{
    const char *scale = tool_args_get(a, "--scale"), *unit = tool_args_get(a, "--unit");
    calib.n = 0;
    if (scale && unit) return tool_usage_error("give --scale or --unit, not both (--unit mV is --scale 1000)");
    if (scale) {
        snprintf(calib.option, sizeof calib.option, "--scale");
        if (strlen(scale) > 60) snprintf(calib.said, sizeof calib.said, "--scale, one value per channel in uV per unit, on the command line");
        else snprintf(calib.said, sizeof calib.said, "--scale %s uV per unit on the command line", scale);
        return parse_scale(scale);
    }
    if (!unit) return 0;
    static const struct { const char *name; double uv; } units[] = {{"uV", 1.0}, {"mV", 1e3}, {"V", 1e6}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(unit, units[i].name)) {
            snprintf(calib.option, sizeof calib.option, "--unit");
            snprintf(calib.said, sizeof calib.said, "--unit %s on the command line", units[i].name);
            calib.uv_per_unit[0] = units[i].uv;
            calib.n = 1;
            return 0;
        }
    return tool_usage_error("--unit %s: expected uV, mV or V", unit);
}

int tool_calibration_apply(bl_recording *rec, const char *path)
{
    if (!calib.n) return 0;
    size_t nch = bl_recording_channels(rec);
    for (size_t c = 0; c < nch; c++)
        if (bl_recording_gain(rec, c) > 0 || bl_recording_channel_in_uv(rec, c)) {
            tool_error("%s: the file carries its own calibration (channel %zu: %s); %s is for files that carry "
                       "none: drop it", path, c + 1,
                       bl_recording_meta(rec, "edf_units") ? "a physical unit in volts" : "a stored gain",
                       calib.option);
            return -1;
        }
    if (calib.n > 1 && calib.n != nch) {
        tool_usage_error("--scale: %zu values for the %zu channels of %s (give one for all, or one per channel)",
                         calib.n, nch, path);
        return -2;
    }
    const double fs = bl_recording_full_scale(rec);
    for (size_t c = 0; c < nch; c++) {
        /* µV = sample × fs / gain × 1e6: K µV per unit is gain fs × 1e6 / K. */
        double k = calib.uv_per_unit[calib.n > 1 ? c : 0];
        if (bl_recording_set_gain(rec, c, fs * 1e6 / k) != BL_OK) {
            tool_error("%s: %s: cannot calibrate channel %zu", path, calib.option, c + 1);
            return -1;
        }
    }
    /* The reports say where the µV came from (bl_condition_report.calibration). */
    if (bl_recording_set_meta(rec, "calibration", calib.said) != BL_OK) {
        tool_error("%s: %s: cannot note the calibration", path, calib.option);
        return -1;
    }
    return 0;
}
