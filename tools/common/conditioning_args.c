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

static const char *notch_text(const bl_envelope_config *cfg, const bl_condition_report *rep, char *buf,
                              size_t len)
{
    char how[64];
    if (cfg->notch == BL_NOTCH_AUTO)
        snprintf(how, sizeof how, "detected, peak %.1f dB above its neighbourhood", rep->mains_prominence_db);
    else
        snprintf(how, sizeof how, "given");
    if (rep->mains_hz > 0)
        snprintf(buf, len, "%g Hz and harmonics to %g Hz (%s), %zu IIR notches Q=%g, zero-phase",
                 rep->mains_hz, cfg->bandpass_hi_hz, how, rep->notch_sections, cfg->notch_q);
    else
        snprintf(buf, len, "%s", cfg->notch == BL_NOTCH_OFF ? "off" : "none (no 50/60 Hz peak detected)");
    return buf;
}

void tool_print_conditioning(FILE *out, const char *indent, const bl_envelope_config *cfg,
                           const bl_condition_report *rep, const char *unit, int with_envelope)
{
    char buf[256];
    if (rep->resampled)
        fprintf(out, "%sresampling:  %g Hz -> %g Hz (libsamplerate sinc, anti-aliased)\n", indent,
                rep->input_rate_hz, rep->rate_hz);
    else
        fprintf(out, "%sanalysis rate: %g Hz (as recorded)\n", indent, rep->rate_hz);
    fprintf(out, "%sband-pass:   %g-%g Hz, Butterworth order %d (SciPy N; %d poles), zero-phase (sosfiltfilt)\n",
            indent, cfg->bandpass_lo_hz, cfg->bandpass_hi_hz, cfg->bandpass_order, 2 * cfg->bandpass_order);
    fprintf(out, "%smains:       %s\n", indent, notch_text(cfg, rep, buf, sizeof buf));
    if (with_envelope)
        fprintf(out, "%senvelope:    full-wave rectified, %g Hz low-pass Butterworth order %d, zero-phase\n",
                indent, cfg->lowpass_hz, cfg->lowpass_order);
    fprintf(out, "%samplitude:   %s\n", indent,
            strcmp(unit, "uV") == 0 ? "uV at the electrode (gain from the file)"
                                     : "full-scale units (no amplifier gain in the file)");
}

cJSON *tool_conditioning_json(const bl_envelope_config *cfg, const bl_condition_report *rep, const char *unit,
                            int with_envelope)
{
    char buf[256];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "input_rate_hz", rep->input_rate_hz);
    cJSON_AddNumberToObject(o, "analysis_rate_hz", rep->rate_hz);
    cJSON_AddStringToObject(o, "resampling", rep->resampled ? "libsamplerate SRC_SINC_MEDIUM_QUALITY" : "none");
    cJSON *bp = cJSON_AddObjectToObject(o, "bandpass");
    cJSON_AddStringToObject(bp, "type", "Butterworth");
    cJSON_AddNumberToObject(bp, "order", cfg->bandpass_order);
    cJSON_AddStringToObject(bp, "order_convention", "scipy.signal.butter N (2N poles for band-pass)");
    cJSON_AddNumberToObject(bp, "low_hz", cfg->bandpass_lo_hz);
    cJSON_AddNumberToObject(bp, "high_hz", cfg->bandpass_hi_hz);
    cJSON_AddStringToObject(bp, "phase", "zero-phase forward-backward (sosfiltfilt, odd padding)");
    cJSON *mains = cJSON_AddObjectToObject(o, "mains");
    cJSON_AddStringToObject(mains, "mode", cfg->notch == BL_NOTCH_AUTO ? "auto" : cfg->notch == BL_NOTCH_OFF ? "off"
                                           : cfg->notch == BL_NOTCH_50 ? "50" : "60");
    cJSON_AddNumberToObject(mains, "frequency_hz", rep->mains_hz);
    if (cfg->notch == BL_NOTCH_AUTO)
        cJSON_AddNumberToObject(mains, "prominence_db", round(rep->mains_prominence_db * 10) / 10);
    if (rep->mains_hz > 0)
        cJSON_AddStringToObject(mains, "edges", "applied before the band-pass, edges extended by whole mains "
                                                "periods until the notches ring down to 1 %");
    cJSON_AddNumberToObject(mains, "notches", (double)rep->notch_sections);
    cJSON_AddNumberToObject(mains, "q", cfg->notch_q);
    cJSON_AddStringToObject(mains, "description", notch_text(cfg, rep, buf, sizeof buf));
    if (with_envelope) {
        cJSON *env = cJSON_AddObjectToObject(o, "envelope");
        cJSON_AddStringToObject(env, "rectification", "full-wave");
        cJSON_AddStringToObject(env, "lowpass_type", "Butterworth");
        cJSON_AddNumberToObject(env, "lowpass_order", cfg->lowpass_order);
        cJSON_AddNumberToObject(env, "lowpass_hz", cfg->lowpass_hz);
        cJSON_AddStringToObject(env, "phase", "zero-phase (sosfiltfilt)");
    }
    cJSON_AddStringToObject(o, "amplitude_unit", unit);
    return o;
}
