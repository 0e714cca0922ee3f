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

/* What ECG removal did, in a sentence. */
static const char *ecg_text(const bl_envelope_config *cfg, const bl_condition_report *rep, char *buf, size_t len)
{
    const char *which = cfg->ecg == BL_ECG_REMOVE ? "every EMG channel" : "the trunk channels";
    if (cfg->ecg == BL_ECG_OFF)
        snprintf(buf, len, "off");
    else if (rep->ecg_too_short)
        snprintf(buf, len, "not examined: the recording is shorter than the detector needs");
    else if (!rep->ecg_examined)
        snprintf(buf, len, "%s: no channel to examine", cfg->ecg == BL_ECG_REMOVE ? "remove" : "auto (trunk)");
    else if (!rep->ecg_treated)
        snprintf(buf, len, "none found on %s (%zu examined; QRS detection after Pan & Tompkins 1985)", which,
                 rep->ecg_examined);
    else
        snprintf(buf, len, "removed from %zu of %zu channels examined (%s): %zu beats, %.0f bpm, template "
                 "subtraction (Petersen et al. 2020), beat-locked residual %.0f dB or less", rep->ecg_treated,
                 rep->ecg_examined, which, rep->ecg_beats, rep->ecg_heart_rate_bpm, rep->ecg_residual_db);
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
    char buf[320];
    if (rep->resampled) {
        bl_resample_describe(rep->input_rate_hz, rep->rate_hz, buf, sizeof buf);
        bl_doc_add_stringf(summary, "resampling", "%g Hz -> %g Hz (%s)", rep->input_rate_hz, rep->rate_hz, buf);
    } else
        bl_doc_add_stringf(summary, "analysis rate", "%g Hz (as recorded)", rep->rate_hz);
    bl_doc_add_stringf(summary, "band-pass", "%g-%g Hz, Butterworth order %d (SciPy N; %d poles), zero-phase (%s)",
                       cfg->bandpass_lo_hz, cfg->bandpass_hi_hz, cfg->bandpass_order, 2 * cfg->bandpass_order,
                       rep->mains_hz > 0 ? "one cascade with the notches" : "sosfiltfilt");
    if (rep->blocks > 1)
        bl_doc_add_stringf(summary, "blocks", "%zu blocks of %g s, each with %.1f s of context either side", rep->blocks,
                           rep->block_s, rep->context_s);
    bl_doc_add_string(summary, "mains", notch_text(cfg, rep, buf, sizeof buf));
    bl_doc_add_string(summary, "ECG", ecg_text(cfg, rep, buf, sizeof buf));
    if (with_envelope)
        bl_doc_add_stringf(summary, "envelope", "full-wave rectified, %g Hz low-pass Butterworth order %d, zero-phase",
                           cfg->lowpass_hz, cfg->lowpass_order);
    if (strcmp(unit, "uV") == 0 && rep->calibration[0])
        bl_doc_add_stringf(summary, "amplitude", "uV at the electrode (gain from %s, not from the file)",
                           rep->calibration);
    else
        bl_doc_add_string(summary, "amplitude", strcmp(unit, "uV") == 0 ? "uV at the electrode (gain from the file)"
                                                                        : "full-scale units (no amplifier gain in the file)");
}

static void parameters(const bl_envelope_config *cfg, const bl_condition_report *rep, const char *unit,
                       int with_envelope, bl_doc *o)
{
    char buf[320];
    bl_doc_add_number(o, "input_rate_hz", rep->input_rate_hz);
    bl_doc_add_number(o, "analysis_rate_hz", rep->rate_hz);
    bl_doc_add_string(o, "resampling",
                      rep->resampled ? bl_resample_method(rep->input_rate_hz, rep->rate_hz) : "none");
    if (rep->resampled) {
        bl_resample_describe(rep->input_rate_hz, rep->rate_hz, buf, sizeof buf);
        bl_doc_add_string(o, "resampling_design", buf);
    }
    bl_doc *bp = bl_doc_add_object(o, "bandpass");
    bl_doc_add_string(bp, "type", "Butterworth");
    bl_doc_add_number(bp, "order", cfg->bandpass_order);
    bl_doc_add_string(bp, "order_convention", "scipy.signal.butter N (2N poles for band-pass)");
    bl_doc_add_number(bp, "low_hz", cfg->bandpass_lo_hz);
    bl_doc_add_number(bp, "high_hz", cfg->bandpass_hi_hz);
    bl_doc_add_string(bp, "phase", rep->mains_hz > 0 ? "zero-phase forward-backward, in one cascade with the mains "
                                                       "notches (edges as below)"
                                                     : "zero-phase forward-backward (sosfiltfilt, odd padding)");
    bl_doc *mains = bl_doc_add_object(o, "mains");
    bl_doc_add_string(mains, "mode", notch_mode_name(cfg->notch));
    bl_doc_add_number(mains, "frequency_hz", rep->mains_hz);
    if (cfg->notch == BL_NOTCH_AUTO) bl_doc_add_number(mains, "prominence_db", round(rep->mains_prominence_db * 10) / 10);
    if (rep->mains_hz > 0)
        bl_doc_add_stringf(mains, "edges", "in one cascade with the band-pass, edges extended by the signal shifted by "
                           "whole mains periods until the notches ring down to %g %%", 100.0 * BLI_NOTCH_RINGDOWN);
    bl_doc_add_number(mains, "notches", (double)rep->notch_sections);
    bl_doc_add_number(mains, "q", cfg->notch_q);
    bl_doc_add_string(mains, "description", notch_text(cfg, rep, buf, sizeof buf));
    if (rep->blocks > 1) /* bl_envelope_spool */
        bl_doc_add_stringf(o, "blocks", "%zu blocks of %g s, each filtered with %.1f s of the signal on either side "
                           "(every zero-phase stage forgets a block's edges to 1e-7); ECG removal per block",
                           rep->blocks, rep->block_s, rep->context_s);
    bl_doc *ecg = bl_doc_add_object(o, "ecg");
    bl_doc_add_string(ecg, "mode", bl_ecg_mode_name(cfg->ecg));
    bl_doc_add_number(ecg, "channels_examined", (double)rep->ecg_examined);
    bl_doc_add_number(ecg, "channels_treated", (double)rep->ecg_treated);
    bl_doc_add_number(ecg, "beats", (double)rep->ecg_beats);
    if (isfinite(rep->ecg_heart_rate_bpm)) bl_doc_add_number(ecg, "heart_rate_bpm", round(rep->ecg_heart_rate_bpm * 10) / 10);
    if (isfinite(rep->ecg_residual_db)) bl_doc_add_number(ecg, "worst_residual_db", round(rep->ecg_residual_db * 10) / 10);
    bl_doc_add_string(ecg, "description", ecg_text(cfg, rep, buf, sizeof buf));
    if (cfg->ecg != BL_ECG_OFF) bl_ecg_describe(&cfg->ecg_cfg, NULL, bl_doc_add_object(ecg, "method"), NULL);
    if (with_envelope) {
        bl_doc *env = bl_doc_add_object(o, "envelope");
        bl_doc_add_string(env, "rectification", "full-wave");
        bl_doc_add_string(env, "lowpass_type", "Butterworth");
        bl_doc_add_number(env, "lowpass_order", cfg->lowpass_order);
        bl_doc_add_number(env, "lowpass_hz", cfg->lowpass_hz);
        bl_doc_add_string(env, "phase", "zero-phase (sosfiltfilt)");
    }
    bl_doc_add_string(o, "amplitude_unit", unit);
    if (rep->calibration[0]) bl_doc_add_string(o, "amplitude_calibration", rep->calibration);
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
