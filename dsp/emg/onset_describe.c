/* What an onset detection does, as a method description (doc.h), from its
 * configuration; and which signal each method thresholds, in what unit.
 * onset.c runs what this file describes. */
#include "backline/onset.h"

#include <string.h>

#include "backline/envelope.h"
#include "emg_internal.h"

int bli_onset_refines_edges(const bl_onset_config *cfg)
{
    return cfg->backtrack_k >= 0.0 && cfg->backtrack_k < cfg->k && cfg->method != BL_ONSET_DOUBLE;
}

bl_onset_input bl_onset_method_input(bl_onset_method m)
{
    return m == BL_ONSET_BASELINE ? BL_ONSET_ON_ENVELOPE : BL_ONSET_ON_CONDITIONED;
}

const char *bl_onset_signal_unit(bl_onset_method m, const char *amplitude_unit)
{
    int uv = amplitude_unit && strcmp(amplitude_unit, "uV") == 0;
    /* Double and TKEO threshold an energy: the amplitude unit squared. */
    int squared = m != BL_ONSET_BASELINE;
    return uv ? (squared ? "uV^2" : "uV") : (squared ? "FS^2" : "FS");
}

bl_status bl_onset_prepare(bl_recording *conditioned, const bl_envelope_config *cfg, bl_onset_method m)
{
    if (!conditioned || !cfg || !bl_onset_method_name(m)) return BL_EINVAL;
    return bl_onset_method_input(m) == BL_ONSET_ON_ENVELOPE ? bl_linear_envelope(conditioned, cfg) : BL_OK;
}

static const char *detection_signal(bl_onset_method m)
{
    switch (m) {
    case BL_ONSET_BASELINE: return "linear envelope (full-wave rectified, low-passed band-passed signal)";
    case BL_ONSET_DOUBLE: return "energy x^2 of the band-passed signal";
    case BL_ONSET_TKEO: return "Teager-Kaiser energy of the band-passed signal, rectified and low-passed";
    }
    return "";
}

static const char *reference(bl_onset_method m)
{
    switch (m) {
    case BL_ONSET_BASELINE: return "Hodges & Bui 1996";
    case BL_ONSET_DOUBLE: return "Bonato, D'Alessio & Knaflitz 1998";
    case BL_ONSET_TKEO: return "Li, Zhou & Aruin 2007; Solnik et al. 2010";
    }
    return "";
}

static void parameters(const bl_onset_config *oc, bl_doc *o)
{
    int given = oc->baseline_start_s < oc->baseline_end_s;
    bl_doc_add_string(o, "method", bl_onset_method_name(oc->method));
    bl_doc_add_string(o, "reference", reference(oc->method));
    bl_doc_add_string(o, "detection_signal", detection_signal(oc->method));
    bl_doc_add_string(o, "threshold_rule", "baseline mean + k * baseline SD of the detection signal");
    bl_doc_add_number(o, "k", oc->k);
    bl_doc *b = bl_doc_add_object(o, "baseline");
    if (given) {
        bl_doc_add_string(b, "mode", "given");
        bl_doc_add_number(b, "start_s", oc->baseline_start_s);
        bl_doc_add_number(b, "end_s", oc->baseline_end_s);
    } else {
        bl_doc_add_string(b, "mode", "automatic: window with the lowest mean + k*SD");
        bl_doc_add_number(b, "window_s", oc->baseline_window_s);
    }
    bl_doc_add_number(o, "min_on_s", oc->min_on_s);
    bl_doc_add_number(o, "min_off_s", oc->min_off_s);
    int refine = bli_onset_refines_edges(oc);
    bl_doc_add_stringf(o, "post_processing", "bursts separated by less than min_off_s merged, then bursts shorter "
                       "than min_on_s dropped%s", refine ? ", then edges refined" : "");
    bl_doc *r = bl_doc_add_object(o, "edge_refinement");
    bl_doc_add_bool(r, "enabled", refine);
    if (refine) {
        bl_doc_add_number(r, "backtrack_k", oc->backtrack_k);
        bl_doc_add_string(r, "rule", "onset moved back and offset forward to where the detection signal falls to "
                                     "baseline mean + backtrack_k * SD");
    }
    if (oc->method == BL_ONSET_DOUBLE) {
        bl_doc *d = bl_doc_add_object(o, "double_threshold");
        bl_doc_add_number(d, "window_s", oc->double_window_s);
        bl_doc_add_number(d, "fraction", oc->double_fraction);
        bl_doc_add_string(d, "rule", "a sample is on when at least fraction of the centred window exceeds the "
                                     "energy threshold");
    }
    if (oc->method == BL_ONSET_TKEO) {
        bl_doc *t = bl_doc_add_object(o, "tkeo");
        bl_doc_add_string(t, "operator", "x[i]^2 - x[i-1]*x[i+1], full-wave rectified");
        bl_doc_add_string(t, "lowpass_type", "Butterworth");
        bl_doc_add_number(t, "lowpass_order", oc->tkeo_lowpass_order);
        bl_doc_add_number(t, "lowpass_hz", oc->tkeo_lowpass_hz);
        bl_doc_add_string(t, "phase", "zero-phase (sosfiltfilt)");
    }
}

static void summary_lines(const bl_onset_config *oc, bl_doc *s)
{
    bl_doc_add_stringf(s, "detection", "%s on the %s", bl_onset_method_name(oc->method),
                       detection_signal(oc->method));
    if (oc->baseline_start_s < oc->baseline_end_s)
        bl_doc_add_stringf(s, "threshold", "baseline mean + %g SD; baseline %g-%g s (given)", oc->k,
                           oc->baseline_start_s, oc->baseline_end_s);
    else
        bl_doc_add_stringf(s, "threshold", "baseline mean + %g SD; baseline = quietest %g s window", oc->k,
                           oc->baseline_window_s);
    if (oc->method == BL_ONSET_DOUBLE)
        bl_doc_add_stringf(s, "double", "%.0f%% of each %g s window above the threshold", oc->double_fraction * 100,
                           oc->double_window_s);
    if (oc->method == BL_ONSET_TKEO)
        bl_doc_add_stringf(s, "tkeo", "rectified, %g Hz low-pass Butterworth order %d, zero-phase",
                           oc->tkeo_lowpass_hz, oc->tkeo_lowpass_order);
    if (bli_onset_refines_edges(oc))
        bl_doc_add_stringf(s, "bursts", "gaps < %g s merged, bursts < %g s dropped, edges refined to mean + %g SD",
                           oc->min_off_s, oc->min_on_s, oc->backtrack_k);
    else
        bl_doc_add_stringf(s, "bursts", "gaps < %g s merged, bursts < %g s dropped", oc->min_off_s, oc->min_on_s);
}

bl_status bl_onset_describe(const bl_onset_config *cfg, bl_doc *params, bl_doc *summary)
{
    if (!cfg || !bl_onset_method_name(cfg->method)) return BL_EINVAL;
    if (params) parameters(cfg, params);
    if (summary) summary_lines(cfg, summary);
    if ((params && bl_doc_status(params) != BL_OK) || (summary && bl_doc_status(summary) != BL_OK))
        return BL_ENOMEM;
    return BL_OK;
}
