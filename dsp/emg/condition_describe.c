/* What conditioning did, as a method description (doc.h): generated from
 * the configuration and the report of the run, so what a report says
 * about resampling, band-pass, mains removal and the envelope is what the
 * code in condition.c and envelope.c did. */
#include "backline/envelope.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backline/resample.h"
#include "backline/spectrum.h"
#include "emg_internal.h"

static const char *notch_text(const bl_envelope_config *cfg, const bl_condition_report *rep, char *buf,
                              size_t len)
{
    char how[64];
    if (cfg->notch == BL_NOTCH_AUTO)
        snprintf(how, sizeof how, "detected, peak %.1f dB above its neighbourhood", rep->mains_prominence_db);
    else
        snprintf(how, sizeof how, "given");
    if (rep->mains_hz > 0)
        snprintf(buf, len, "%g Hz and harmonics to %g Hz (%s), %zu IIR notches Q=%g, zero-phase", rep->mains_hz,
                 cfg->bandpass_hi_hz, how, rep->notch_sections, cfg->notch_q);
    else if (cfg->notch == BL_NOTCH_OFF)
        snprintf(buf, len, "off");
    else
        snprintf(buf, len, "none (no 50/60 Hz peak detected: best %.1f dB, threshold %g dB)",
                 rep->mains_prominence_db, BL_MAINS_THRESHOLD_DB);
    return buf;
}

static const char *notch_mode_name(bl_notch_mode m)
{
    switch (m) {
    case BL_NOTCH_AUTO: return "auto";
    case BL_NOTCH_OFF: return "off";
    case BL_NOTCH_50: return "50";
    case BL_NOTCH_60: return "60";
    }
    return "?";
}

static void summary_lines(const bl_envelope_config *cfg, const bl_condition_report *rep, const char *unit,
                          int with_envelope, bl_doc *summary)
{
    char buf[256];
    if (rep->resampled)
        bl_doc_add_stringf(summary, "resampling", "%g Hz -> %g Hz (%s)", rep->input_rate_hz, rep->rate_hz,
                           bl_resample_summary());
    else
        bl_doc_add_stringf(summary, "analysis rate", "%g Hz (as recorded)", rep->rate_hz);
    bl_doc_add_stringf(summary, "band-pass", "%g-%g Hz, Butterworth order %d (SciPy N; %d poles), zero-phase (sosfiltfilt)",
                       cfg->bandpass_lo_hz, cfg->bandpass_hi_hz, cfg->bandpass_order, 2 * cfg->bandpass_order);
    bl_doc_add_string(summary, "mains", notch_text(cfg, rep, buf, sizeof buf));
    if (with_envelope)
        bl_doc_add_stringf(summary, "envelope", "full-wave rectified, %g Hz low-pass Butterworth order %d, zero-phase",
                           cfg->lowpass_hz, cfg->lowpass_order);
    bl_doc_add_string(summary, "amplitude", strcmp(unit, "uV") == 0 ? "uV at the electrode (gain from the file)"
                                                                    : "full-scale units (no amplifier gain in the file)");
}

static void parameters(const bl_envelope_config *cfg, const bl_condition_report *rep, const char *unit,
                       int with_envelope, bl_doc *o)
{
    char buf[256];
    bl_doc_add_number(o, "input_rate_hz", rep->input_rate_hz);
    bl_doc_add_number(o, "analysis_rate_hz", rep->rate_hz);
    bl_doc_add_string(o, "resampling", rep->resampled ? bl_resample_method() : "none");
    bl_doc *bp = bl_doc_add_object(o, "bandpass");
    bl_doc_add_string(bp, "type", "Butterworth");
    bl_doc_add_number(bp, "order", cfg->bandpass_order);
    bl_doc_add_string(bp, "order_convention", "scipy.signal.butter N (2N poles for band-pass)");
    bl_doc_add_number(bp, "low_hz", cfg->bandpass_lo_hz);
    bl_doc_add_number(bp, "high_hz", cfg->bandpass_hi_hz);
    bl_doc_add_string(bp, "phase", "zero-phase forward-backward (sosfiltfilt, odd padding)");
    bl_doc *mains = bl_doc_add_object(o, "mains");
    bl_doc_add_string(mains, "mode", notch_mode_name(cfg->notch));
    bl_doc_add_number(mains, "frequency_hz", rep->mains_hz);
    if (cfg->notch == BL_NOTCH_AUTO) bl_doc_add_number(mains, "prominence_db", round(rep->mains_prominence_db * 10) / 10);
    if (rep->mains_hz > 0)
        bl_doc_add_stringf(mains, "edges", "applied before the band-pass, edges extended by whole mains periods until "
                           "the notches ring down to %g %%", 100.0 * BLI_NOTCH_RINGDOWN);
    bl_doc_add_number(mains, "notches", (double)rep->notch_sections);
    bl_doc_add_number(mains, "q", cfg->notch_q);
    bl_doc_add_string(mains, "description", notch_text(cfg, rep, buf, sizeof buf));
    if (with_envelope) {
        bl_doc *env = bl_doc_add_object(o, "envelope");
        bl_doc_add_string(env, "rectification", "full-wave");
        bl_doc_add_string(env, "lowpass_type", "Butterworth");
        bl_doc_add_number(env, "lowpass_order", cfg->lowpass_order);
        bl_doc_add_number(env, "lowpass_hz", cfg->lowpass_hz);
        bl_doc_add_string(env, "phase", "zero-phase (sosfiltfilt)");
    }
    bl_doc_add_string(o, "amplitude_unit", unit);
}

bl_status bl_condition_describe(const bl_envelope_config *cfg, const bl_condition_report *rep, const char *unit,
                                int with_envelope, bl_doc *params, bl_doc *summary)
{
    if (!cfg || !rep || !unit) return BL_EINVAL;
    if (params) parameters(cfg, rep, unit, with_envelope, params);
    if (summary) summary_lines(cfg, rep, unit, with_envelope, summary);
    if ((params && bl_doc_status(params) != BL_OK) || (summary && bl_doc_status(summary) != BL_OK))
        return BL_ENOMEM;
    return BL_OK;
}
