#include "conditioning_args.h"

#include <math.h>
#include <string.h>

#include "backline/filter.h"

int tool_conditioning_from_args(const tool_args *a, bl_envelope_config *cfg)
{
    bl_envelope_config_default(cfg);
    const char *v;
    if ((v = tool_args_get(a, "--rate")) && (tool_parse_double(v, &cfg->rate_hz) || !(cfg->rate_hz > 0)))
        return tool_usage_error("--rate %s: expected a positive sample rate in Hz", v);
    if ((v = tool_args_get(a, "--bandpass"))) {
        if (tool_parse_range(v, &cfg->bandpass_lo_hz, &cfg->bandpass_hi_hz) ||
            !(cfg->bandpass_lo_hz > 0) || !(cfg->bandpass_hi_hz > cfg->bandpass_lo_hz))
            return tool_usage_error("--bandpass %s: expected LO:HI in Hz with 0 < LO < HI, e.g. 20:450", v);
    }
    if ((v = tool_args_get(a, "--order")) &&
        (tool_parse_int(v, &cfg->bandpass_order) || cfg->bandpass_order < 1 || cfg->bandpass_order > 8))
        return tool_usage_error("--order %s: expected a Butterworth order from 1 to 8", v);
    if ((v = tool_args_get(a, "--notch"))) {
        if (!strcmp(v, "auto")) cfg->notch = BL_NOTCH_AUTO;
        else if (!strcmp(v, "off")) cfg->notch = BL_NOTCH_OFF;
        else if (!strcmp(v, "50")) cfg->notch = BL_NOTCH_50;
        else if (!strcmp(v, "60")) cfg->notch = BL_NOTCH_60;
        else return tool_usage_error("--notch %s: expected auto, off, 50 or 60", v);
    }
    if (cfg->rate_hz < BL_MIN_EMG_RATE_HZ)
        return tool_usage_error("--rate %g: an analysis rate below %g Hz is too low for surface EMG",
                                   cfg->rate_hz, BL_MIN_EMG_RATE_HZ);
    if (!(cfg->bandpass_hi_hz < cfg->rate_hz / 2))
        return tool_usage_error("--bandpass %g:%g: the upper corner must be below half the analysis rate "
                                   "(%g Hz at --rate %g)", cfg->bandpass_lo_hz, cfg->bandpass_hi_hz,
                                   cfg->rate_hz / 2, cfg->rate_hz);
    return 0;
}

int tool_conditioning_error(const char *path, const bl_recording *rec, const bl_envelope_config *cfg,
                          bl_status st)
{
    double rate = bl_recording_rate(rec);
    switch (st) {
    case BL_ERATE:
        if (rate < BL_MIN_EMG_RATE_HZ)
            return tool_error("%s: sample rate %g Hz is too low for surface EMG (at least %g Hz needed)",
                                 path, rate, BL_MIN_EMG_RATE_HZ);
        return tool_error("%s: sample rate %g Hz cannot carry the %g-%g Hz band (Nyquist %g Hz); "
                             "lower --bandpass", path, rate, cfg->bandpass_lo_hz, cfg->bandpass_hi_hz, rate / 2);
    case BL_ENODATA:
        return tool_error("%s: recording too short to filter (%zu frames at %g Hz)", path,
                             bl_recording_frames(rec), rate);
    case BL_ENONFINITE:
        return tool_error("%s: non-finite sample (NaN or infinity) in the recording", path);
    case BL_ERANGE:
        return tool_error("%s: filter settings out of range for %g Hz (band %g-%g Hz, low-pass %g Hz)",
                             path, cfg->rate_hz, cfg->bandpass_lo_hz, cfg->bandpass_hi_hz, cfg->lowpass_hz);
    default:
        return tool_error("%s: %s", path, bl_strerror(st));
    }
}
