#include "conditioning_args.h"

#include <math.h>
#include <string.h>

#include "backline/filter.h"

int tool_conditioning_from_args(const tool_args *a, bl_envelope_config *cfg)
{
    bl_envelope_config_default(cfg);
    int rc = tool_calibration_from_args(a); /* loading's options, parsed with these once */
    if (rc) return rc;
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
    if ((v = tool_args_get(a, "--ecg"))) {
        int m = bl_ecg_mode_from_name(v);
        if (m < 0) return tool_usage_error("--ecg %s: expected auto, remove or off", v);
        cfg->ecg = (bl_ecg_mode)m;
    }
    if ((v = tool_args_get(a, "--threads"))) {
        int n = 0;
        if (tool_parse_int(v, &n) || n < 0 || n > 64)
            return tool_usage_error("--threads %s: expected 0 (one per core) to 64", v);
        cfg->threads = (size_t)n;
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

/* A Butterworth design that fails its own definition: some corner is so
 * close to 0 Hz or to Nyquist, for the rate, that the design loses its
 * precision (gain inf or 0.64 instead of 1 at DC for a 1e-6 Hz low-pass at
 * 2 kHz; filtering then gives NaN or nonsense). Checked with the library's
 * design and response: unity gain in the passband and -3 dB at each corner,
 * to 1 %. Designs the library refuses (a corner at or above Nyquist) pass
 * here: conditioning reports those with its own line. */
int tool_check_design(const char *option, const char *value, int order, bl_band band, double f1_hz, double f2_hz,
                      double rate_hz)
{
    double sos[BL_SOS_WIDTH * BL_BUTTER_MAX_ORDER];
    size_t n = 0;
    if (bl_butter_design(order, band, f1_hz, f2_hz, rate_hz, sos, BL_BUTTER_MAX_ORDER, &n) != BL_OK) return 0;
    int bandpass = band == BL_BANDPASS;
    double probe[3] = {bandpass ? sqrt(f1_hz * f2_hz) : 0.0, f1_hz, f2_hz};
    double want[3] = {1.0, sqrt(0.5), sqrt(0.5)};
    for (int i = 0; i < (bandpass ? 3 : 2); i++) {
        double g = bl_sos_gain(sos, n, probe[i], rate_hz);
        if (isfinite(g) && fabs(g - want[i]) <= 0.01 * want[i]) continue;
        char what[96];
        if (bandpass) snprintf(what, sizeof what, "the order-%d Butterworth band-pass %.10g-%.10g Hz", order, f1_hz,
                               f2_hz);
        else snprintf(what, sizeof what, "the order-%d Butterworth low-pass at %.10g Hz", order, f1_hz);
        return tool_usage_error("%s %s: %s cannot be designed reliably at the %g Hz analysis rate (gain %.3g "
                                "instead of %.3g at %.10g Hz); move it away from 0 Hz and from half the rate",
                                option, value, what, rate_hz, g, want[i], probe[i]);
    }
    return 0;
}

void tool_setting_source(const tool_args *a, const char *name, const char *fallback, const char **option,
                           const char **value)
{
    const char *v = tool_args_get(a, name), *rate = tool_args_get(a, "--rate");
    *option = v || !rate ? name : "--rate";
    *value = v ? v : rate ? rate : fallback;
}

int tool_check_conditioning_designs(const tool_args *a, const bl_envelope_config *cfg, int with_lowpass)
{
    const char *option, *value;
    char text[64];
    snprintf(text, sizeof text, "%g:%g", cfg->bandpass_lo_hz, cfg->bandpass_hi_hz);
    tool_setting_source(a, "--bandpass", text, &option, &value);
    int rc = tool_check_design(option, value, cfg->bandpass_order, BL_BANDPASS, cfg->bandpass_lo_hz,
                               cfg->bandpass_hi_hz, cfg->rate_hz);
    if (rc || !with_lowpass) return rc;
    snprintf(text, sizeof text, "%g", cfg->lowpass_hz);
    tool_setting_source(a, "--lowpass", text, &option, &value);
    return tool_check_design(option, value, cfg->lowpass_order, BL_LOWPASS, cfg->lowpass_hz, 0, cfg->rate_hz);
}

int tool_check_result_finite(const char *path, const bl_recording *rec, const char *what)
{
    size_t ch, frame;
    if (bl_recording_check_finite(rec, &ch, &frame) == BL_OK) return 0;
    return tool_error("%s: the %s came out non-finite (NaN or infinity) in channel %zu at frame %zu: the filter "
                      "settings are numerically degenerate for this recording", path, what, ch + 1, frame);
}

int tool_conditioning_error(const char *path, const bl_recording *rec, const bl_envelope_config *cfg,
                          bl_status st)
{
    return tool_conditioning_error_at(path, bl_recording_rate(rec), bl_recording_frames(rec), cfg, st);
}

int tool_conditioning_error_at(const char *path, double rate, size_t frames, const bl_envelope_config *cfg,
                               bl_status st)
{
    switch (st) {
    case BL_ERATE:
        if (rate < BL_MIN_EMG_RATE_HZ)
            return tool_error("%s: sample rate %g Hz is too low for surface EMG (at least %g Hz needed)",
                                 path, rate, BL_MIN_EMG_RATE_HZ);
        return tool_error("%s: sample rate %g Hz cannot carry the %g-%g Hz band (Nyquist %g Hz); "
                             "lower --bandpass", path, rate, cfg->bandpass_lo_hz, cfg->bandpass_hi_hz, rate / 2);
    case BL_ENODATA:
        return tool_error("%s: recording too short to filter (%zu frames at %g Hz)", path, frames, rate);
    case BL_ENONFINITE:
        return tool_error("%s: non-finite sample (NaN or infinity) in the recording", path);
    case BL_ERANGE:
        return tool_error("%s: filter settings out of range for %g Hz (band %g-%g Hz, low-pass %g Hz)",
                             path, cfg->rate_hz, cfg->bandpass_lo_hz, cfg->bandpass_hi_hz, cfg->lowpass_hz);
    default:
        return tool_error("%s: %s", path, bl_strerror(st));
    }
}
